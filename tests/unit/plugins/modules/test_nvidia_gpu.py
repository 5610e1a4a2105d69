# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""linuxai.node.nvidia_gpu against a fake pynvml: reads, idempotent sets, check mode, diff, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import sys
import types

import pytest

from ansible.module_utils import basic
from ansible_collections.linuxai.node.plugins.module_utils import _nvidia_gpu as ng
from ansible_collections.linuxai.node.plugins.modules import nvidia_gpu

from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import (
    AnsibleExitJson, AnsibleFailJson, exit_json, fail_json, patch_module_args)


class NVMLError(Exception):
    def __init__(self, value):
        super(NVMLError, self).__init__('NVML error %d' % value)
        self.value = value


def make_pynvml(gpus=None, init_error=None, set_error=None):
    """A fake pynvml module over a list of GPU dicts; set calls land in module.calls."""
    m = types.ModuleType('pynvml')
    m.NVMLError = NVMLError
    for name, value in dict(NVML_FEATURE_ENABLED=1, NVML_FEATURE_DISABLED=0, NVML_CLOCK_GRAPHICS=0, NVML_CLOCK_MEM=2,
                            NVML_DEVICE_MIG_ENABLE=1, NVML_DEVICE_MIG_DISABLE=0, NVML_ERROR_NOT_SUPPORTED=3,
                            NVML_ERROR_NO_PERMISSION=4, NVML_ERROR_DRIVER_NOT_LOADED=9, NVML_ERROR_LIBRARY_NOT_FOUND=12,
                            NVML_ERROR_LIB_RM_VERSION_MISMATCH=18, NVML_ERROR_IN_USE=19).items():
        setattr(m, name, value)
    m.gpus = gpus if gpus is not None else [h100(0, '00000000:1A:00.0'), h100(1, '00000000:1B:00.0')]
    m.calls = []

    def supported(gpu, key):
        if gpu.get(key) is None:
            raise NVMLError(3)
        return gpu[key]

    def init():
        if init_error:
            raise NVMLError(init_error)
    m.nvmlInit = init
    m.nvmlShutdown = lambda: None
    m.nvmlDeviceGetCount = lambda: len(m.gpus)
    m.nvmlDeviceGetHandleByIndex = lambda i: m.gpus[i]
    m.nvmlDeviceGetPciInfo = lambda h: types.SimpleNamespace(busId=h['bus'].encode())
    m.nvmlDeviceGetUUID = lambda h: h['uuid']
    m.nvmlDeviceGetName = lambda h: h['name'].encode()
    m.nvmlDeviceGetPersistenceMode = lambda h: supported(h, 'persistence')
    m.nvmlDeviceGetComputeMode = lambda h: supported(h, 'compute')
    m.nvmlDeviceGetPowerManagementLimit = lambda h: supported(h, 'power')
    m.nvmlDeviceGetPowerManagementDefaultLimit = lambda h: supported(h, 'power_default')
    m.nvmlDeviceGetPowerManagementLimitConstraints = lambda h: list(supported(h, 'power_range'))
    m.nvmlDeviceGetApplicationsClock = lambda h, kind: supported(h, 'clocks')[kind]
    m.nvmlDeviceGetDefaultApplicationsClock = lambda h, kind: supported(h, 'clocks_default')[kind]
    m.nvmlDeviceGetSupportedMemoryClocks = lambda h: sorted(supported(h, 'supported_clocks'))
    m.nvmlDeviceGetSupportedGraphicsClocks = lambda h, mem: supported(h, 'supported_clocks').get(mem, [])
    m.nvmlDeviceGetMigMode = lambda h: list(supported(h, 'mig'))

    def setter(name, apply):
        @functools.wraps(apply)  # takes apply's parameters: pynvml's setter's (test_gpu_lib_fakes.py)
        def run(h, *args):
            m.calls.append((name, h['bus'], args))
            if set_error:
                raise NVMLError(set_error)
            apply(h, *args)
        return run
    m.nvmlDeviceSetPersistenceMode = setter('persistence', lambda h, v: h.update(persistence=v))
    m.nvmlDeviceSetComputeMode = setter('compute', lambda h, v: h.update(compute=v))
    m.nvmlDeviceSetPowerManagementLimit = setter('power', lambda h, v: h.update(power=v))
    m.nvmlDeviceSetApplicationsClocks = setter('clocks', lambda h, mem, gfx: h.update(clocks={2: mem, 0: gfx}))
    m.nvmlDeviceResetApplicationsClocks = setter('reset_clocks', lambda h: h.update(clocks=dict(h['clocks_default'])))
    m.nvmlDeviceSetMigMode = setter('mig', lambda h, v: h.update(mig=(h['mig'][0], v)))
    return m


def h100(index, bus):
    return {'bus': bus, 'uuid': 'GPU-0000000%d-aaaa-bbbb-cccc-dddddddddddd' % index, 'name': 'NVIDIA H100 80GB HBM3',
            'persistence': 0, 'compute': 0, 'power': 700000, 'power_default': 700000, 'power_range': (200000, 700000),
            'clocks': {2: 2619, 0: 1755}, 'clocks_default': {2: 2619, 0: 1755},
            'supported_clocks': {2619: list(range(210, 1981, 15)) + [1980], 1593: [1410]}, 'mig': (0, 0)}


def geforce(index, bus):
    gpu = h100(index, bus)
    gpu.update(name='NVIDIA GeForce RTX 4090', clocks=None, clocks_default=None, supported_clocks=None, mig=None)
    return gpu


# The module's settings options (its DOCUMENTATION), written out rather than taken from ng.SETTINGS.
OPTIONS = ('persistence_mode', 'compute_mode', 'power_limit', 'application_clocks', 'mig_mode')


def request(**settings):
    unknown = set(settings) - set(OPTIONS)
    assert not unknown, 'not a nvidia_gpu option: %s' % ', '.join(sorted(unknown))
    return dict((key, settings.get(key)) for key in OPTIONS)


def test_read_only_reports_every_gpu_and_changes_nothing():
    m = make_pynvml()
    result = ng.run(request(), ['all'], False, m)
    assert not result['changed'] and m.calls == []
    gpu = result['gpus'][0]
    assert gpu['bdf'] == '0000:1a:00.0' and gpu['name'] == 'NVIDIA H100 80GB HBM3'
    assert (gpu['persistence_mode'], gpu['compute_mode'], gpu['power_limit']) == (False, 'default', 700)
    assert (gpu['power_limit_min'], gpu['power_limit_max']) == (200, 700)
    assert gpu['application_clocks'] == {'memory': 2619, 'graphics': 1755}
    assert gpu['mig_mode'] == {'current': 'disabled', 'pending': 'disabled'}


def test_sets_only_what_differs_and_is_idempotent():
    m = make_pynvml()
    m.gpus[1]['persistence'] = 1
    result = ng.run(request(persistence_mode=True, compute_mode='exclusive_process'), ['all'], False, m)
    assert result['changed']
    assert m.calls == [('persistence', '00000000:1A:00.0', (1,)), ('compute', '00000000:1A:00.0', (3,)),
                       ('compute', '00000000:1B:00.0', (3,))]
    assert result['diff']['before'] == {'0000:1a:00.0': {'persistence_mode': False, 'compute_mode': 'default'},
                                        '0000:1b:00.0': {'compute_mode': 'default'}}
    assert result['diff']['after']['0000:1b:00.0'] == {'compute_mode': 'exclusive_process'}
    assert [g['compute_mode'] for g in result['gpus']] == ['exclusive_process'] * 2
    m.calls[:] = []
    again = ng.run(request(persistence_mode=True, compute_mode='exclusive_process'), ['all'], False, m)
    assert not again['changed'] and m.calls == []


def test_check_mode_sets_nothing_and_predicts():
    m = make_pynvml()
    result = ng.run(request(power_limit=500, persistence_mode=True), ['0'], True, m)
    assert result['changed'] and m.calls == []
    assert [(g['index'], g['power_limit'], g['persistence_mode']) for g in result['gpus']] == [(0, 500, True)]
    assert m.gpus[0]['power'] == 700000


def test_power_limit_in_watts_and_default():
    m = make_pynvml()
    ng.run(request(power_limit=450), ['all'], False, m)
    assert [c[2] for c in m.calls] == [(450000,), (450000,)]
    m.calls[:] = []
    result = ng.run(request(power_limit='default'), ['1b:00.0'], False, m)
    assert m.calls == [('power', '00000000:1B:00.0', (700000,))] and result['gpus'][0]['power_limit'] == 700


def test_out_of_range_fails_before_any_change():
    m = make_pynvml()
    m.gpus[1]['power_range'] = (200000, 400000)
    with pytest.raises(ng.RequestError, match='GPU 0000:1b:00.0 accepts 200 to 400 W, not 450'):
        ng.run(request(power_limit=450, persistence_mode=True), ['all'], False, m)
    assert m.calls == []


@pytest.mark.parametrize('value', ['lots', {'memory': 2619}, [1, 2]])
def test_malformed_values_are_refused(value):
    key = 'power_limit' if value == 'lots' else 'application_clocks'
    with pytest.raises(ng.RequestError, match=key):
        ng.run(request(**{key: value}), ['all'], False, make_pynvml())


def test_application_clocks_set_checked_and_reset():
    m = make_pynvml()
    result = ng.run(request(application_clocks={'memory': 2619, 'graphics': 1980}), ['0'], False, m)
    assert m.calls == [('clocks', '00000000:1A:00.0', (2619, 1980))]
    assert result['gpus'][0]['application_clocks'] == {'memory': 2619, 'graphics': 1980}
    with pytest.raises(ng.RequestError, match='supports 1593, 2619 MHz, not 1000'):
        ng.run(request(application_clocks={'memory': 1000, 'graphics': 1410}), ['0'], False, m)
    with pytest.raises(ng.RequestError, match='supports 1410-1410 MHz with memory at 1593 MHz, not 1980'):
        ng.run(request(application_clocks={'memory': 1593, 'graphics': 1980}), ['0'], False, m)
    m.calls[:] = []
    ng.run(request(application_clocks='default'), ['0'], False, m)
    assert m.calls == [('reset_clocks', '00000000:1A:00.0', ())]


def test_mig_mode_is_idempotent_on_the_pending_mode():
    m = make_pynvml()
    result = ng.run(request(mig_mode='enabled'), ['GPU-00000001-aaaa-bbbb-cccc-dddddddddddd'], False, m)
    assert result['changed'] and result['mig_reset_pending'] == ['0000:1b:00.0']
    assert result['gpus'][0]['mig_mode'] == {'current': 'disabled', 'pending': 'enabled'}
    again = ng.run(request(mig_mode='enabled'), ['1'], False, m)
    assert not again['changed'] and again['mig_reset_pending'] == ['0000:1b:00.0']


def test_unsupported_setting_fails_naming_the_gpu():
    m = make_pynvml([h100(0, '00000000:1A:00.0'), geforce(1, '00000000:65:00.0')])
    with pytest.raises(ng.RequestError, match=r'mig_mode: GPU 0000:65:00.0 \(NVIDIA GeForce RTX 4090\) does not support it'):
        ng.run(request(mig_mode='enabled'), ['all'], False, m)
    assert m.calls == []
    state = ng.run(request(), ['1'], False, m)['gpus'][0]
    assert state['mig_mode'] is None and state['application_clocks'] is None


def test_unknown_gpu_selector_lists_the_gpus():
    with pytest.raises(ng.RequestError, match="no GPU '7' on this node .GPUs: 0 0000:1a:00.0, 1 0000:1b:00.0"):
        ng.run(request(), ['7'], False, make_pynvml())


@pytest.mark.parametrize('code, text', [
    (12, 'libnvidia-ml.so.1 is not installed'),
    (9, 'the nvidia kernel module is not loaded'),
    (18, 'are different versions. Reboot'),
    (4, 'run as root'),
    (999, 'nvmlInit failed'),
])
def test_unusable_nvml_fails_clearly(code, text):
    with pytest.raises(ng.NvmlError, match=text):
        ng.run(request(), ['all'], False, make_pynvml(init_error=code))


@pytest.mark.parametrize('code, text', [(4, 'needs root: run the task with become'), (19, 'while processes use the GPU'),
                                        (3, 'does not support setting'), (2, 'setting compute_mode failed')])
def test_refused_set_fails_clearly(code, text):
    with pytest.raises(ng.NvmlError, match=text):
        ng.run(request(compute_mode='prohibited'), ['0'], False, make_pynvml(set_error=code))


def test_missing_pynvml_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pynvml', None)
    with pytest.raises(ng.NvmlError, match='install the nvidia-ml-py package'):
        ng.load_pynvml()


@pytest.fixture
def module_run(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def run(args, fake):
        monkeypatch.setitem(sys.modules, 'pynvml', fake)
        with patch_module_args(args):
            nvidia_gpu.main()
    return run


def test_module_check_mode_and_diff(module_run):
    fake = make_pynvml()
    with pytest.raises(AnsibleExitJson) as result:
        module_run({'compute_mode': 'prohibited', '_ansible_check_mode': True, '_ansible_diff': True}, fake)
    out = result.value.args[0]
    assert out['changed'] and fake.calls == []
    assert out['diff']['after'] == {'0000:1a:00.0': {'compute_mode': 'prohibited'}, '0000:1b:00.0': {'compute_mode': 'prohibited'}}


def test_module_passes_every_option_on(module_run):
    fake = make_pynvml()
    clocks = {'memory': 2619, 'graphics': 1980}
    with pytest.raises(AnsibleExitJson) as result:
        module_run({'gpus': ['0'], 'persistence_mode': True, 'compute_mode': 'prohibited', 'power_limit': 500,
                    'application_clocks': clocks, 'mig_mode': 'enabled', '_ansible_check_mode': True, '_ansible_diff': True}, fake)
    diff = result.value.args[0]['diff']
    # h100()'s state: persistence off, compute mode 0 (default), 700000 mW, clocks 2619/1755 MHz, MIG (0, 0).
    assert diff['before'] == {'0000:1a:00.0': {'persistence_mode': False, 'compute_mode': 'default', 'power_limit': 700,
                                               'application_clocks': {'memory': 2619, 'graphics': 1755}, 'mig_mode': 'disabled'}}
    assert diff['after'] == {'0000:1a:00.0': {'persistence_mode': True, 'compute_mode': 'prohibited', 'power_limit': 500,
                                              'application_clocks': clocks, 'mig_mode': 'enabled'}}


def test_module_without_diff_and_with_failure(module_run):
    with pytest.raises(AnsibleExitJson) as result:
        module_run({'gpus': ['0']}, make_pynvml())
    assert 'diff' not in result.value.args[0] and len(result.value.args[0]['gpus']) == 1
    with pytest.raises(AnsibleFailJson) as failure:
        module_run({'mig_mode': 'enabled'}, make_pynvml(init_error=9))
    assert 'not loaded' in failure.value.args[0]['msg']
