# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one NVML adapter: bus ids as the facts name GPUs, return codes, calls; its two users agree."""

from __future__ import annotations

import sys
import types

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _nvidia_gpu, _nvml, _nvml_adapter, _topology_fact
from ansible_collections.linuxai.node.plugins.module_utils._pci_ids import normalize_bdf

SYSFS = '0000:1a:00.0'
# What NVML's busId (8 hex digits of domain, upper case), its busIdLegacy, sysfs and a user may write.
FORMS = ['00000000:1A:00.0', b'00000000:1A:00.0', '00000000:1a:00.0', '0000:1A:00.0', '0000:1a:00.0',
         '1a:00.0', '1A:00.0', ' 0000:1a:00.0\n']


@pytest.mark.parametrize('given', FORMS)
def test_every_form_of_a_domain_0_address_is_the_sysfs_one(given):
    assert normalize_bdf(given) == SYSFS


@pytest.mark.parametrize('given, bdf', [
    (b'00000001:C5:00.0', '0001:c5:00.0'),
    ('0001:1A:00.0', '0001:1a:00.0'),
    # sysfs writes the domain with at least 4 digits: VMD domains start at 10000.
    ('00010000:E1:00.0', '10000:e1:00.0'),
    # Not a PCI address: only stripped and lower-cased.
    ('GPU-8C1B0A5E', 'gpu-8c1b0a5e'),
    ('x:1a:00.0', 'x:1a:00.0'),
    ('1a', '1a'),
])
def test_other_domains_and_what_is_no_address(given, bdf):
    assert normalize_bdf(given) == bdf


class NVMLError(Exception):
    def __init__(self, value):
        super().__init__('NVML error %d' % value)
        self.value = value


def one_gpu_pynvml(bus_id):
    """pynvml with one GPU whose busId is ``bus_id`` and no other query."""
    m = types.ModuleType('pynvml')
    m.NVMLError = NVMLError
    m.nvmlInit = m.nvmlShutdown = lambda: None
    m.nvmlDeviceGetCount = lambda: 1
    m.nvmlDeviceGetHandleByIndex = lambda index: 'handle%d' % index
    m.nvmlDeviceGetPciInfo = lambda handle: types.SimpleNamespace(busId=bus_id)
    return m


@pytest.mark.parametrize('bus_id', FORMS)
def test_the_facts_and_the_nvidia_gpu_module_name_a_gpu_alike(bus_id):
    warnings = []
    gpu = {'bdf': SYSFS, 'vendor': 'nvidia', 'driver': 'nvidia', 'architecture': 'hopper'}
    status = _nvml.enrich([gpu], [], warnings.append, module=one_gpu_pynvml(bus_id))
    assert (status['gpus'], gpu['source'], warnings) == (1, 'nvml', [])
    with _nvidia_gpu.Nvml(one_gpu_pynvml(bus_id)) as nv:
        assert _nvidia_gpu.read(nv, 'handle0', 0)['bdf'] == SYSFS


@pytest.mark.parametrize('selector', [f for f in FORMS if isinstance(f, str)])
def test_a_gpu_given_by_any_form_is_found_by_the_module_and_the_filters(selector):
    states = [{'index': 0, 'bdf': '0000:19:00.0', 'uuid': 'GPU-0'}, {'index': 1, 'bdf': SYSFS, 'uuid': 'GPU-1'}]
    assert _nvidia_gpu._select(states, [selector]) == [states[1]]
    topology = {'cpu': {}, 'numa': [], 'gpus': [dict(s, vendor='nvidia', numa_node=s['index']) for s in states]}
    assert _topology_fact.gpu_numa_node(topology, selector) == 1


def test_codes_come_from_pynvml_else_from_the_c_abi():
    nv = _nvml_adapter.Nvml(types.SimpleNamespace(NVML_ERROR_NOT_SUPPORTED=103))
    assert nv.code('NOT_SUPPORTED') == 103
    assert nv.code('IN_USE') == _nvml_adapter.CODES['IN_USE'] == 19
    assert nv.is_code(NVMLError(19), 'NOT_SUPPORTED', 'IN_USE')
    assert not nv.is_code(NVMLError(3), 'NOT_SUPPORTED')
    assert not nv.is_code(ValueError('no value'), 'NOT_SUPPORTED')


def test_call_answers_the_default_where_a_query_is_unsupported():
    def raising(code):
        def func(*args):
            raise NVMLError(code)
        return func
    m = types.SimpleNamespace(NVMLError=NVMLError, ok=lambda *args: args, unsupported=raising(3),
                              not_found=raising(13), lost=raising(15))
    nv = _nvml_adapter.Nvml(m)
    assert nv.call('ok', 1, 2) == (1, 2)
    assert nv.call('absent') is None
    assert nv.call('unsupported', default='none') == 'none'
    assert nv.call('not_found') is None
    with pytest.raises(NVMLError):
        nv.call('lost')


def test_import_pynvml(monkeypatch):
    given = object()
    assert _nvml_adapter.import_pynvml(given) is given
    monkeypatch.setitem(sys.modules, 'pynvml', None)
    assert _nvml_adapter.import_pynvml() is None
    assert _nvml_adapter.text(b'H100') == 'H100' and _nvml_adapter.text(550) == '550'
