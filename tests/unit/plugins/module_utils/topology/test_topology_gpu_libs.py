# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NVML and amdsmi enrichment against fakes of their Python APIs (and the real pynvml and amdsmi without their
libraries). test_gpu_lib_fakes.py checks the fakes against the real packages."""

import ctypes
import importlib.util
import os
import sys

import pytest

from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import fake_gpu_libs as fakes
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_builder import Machine, gpu, host_bridge, root_port

from ansible_collections.linuxai.node.plugins.module_utils import _fsroot, _topology


def live_probe(tree, **kw):
    """Probe a fixture tree as if it were the running system, so the GPU libraries are consulted."""
    reader = _fsroot.TreeReader(tree.path)
    facts = _topology.probe_tree(reader, live=True, **kw)
    facts['warnings'] = reader.warnings
    return facts


def nvml_bus(bdf):
    return '0000' + bdf.upper()  # NVML writes 8 domain digits, upper case


def hgx_nvml(tree, per_gpu=None):
    """Fake NVML for the HGX fixture: every GPU has 18 NVLinks spread over the 4 NVSwitches."""
    switches = [nvml_bus(tree.labels['nvswitch%d' % i]) for i in range(4)]
    gpus = []
    for i in range(8):
        kw = dict((per_gpu or {}).get(i, {}))
        kw.setdefault('links', [(switches[link % 4], 2) for link in range(18)])
        gpus.append(fakes.FakeGpu(nvml_bus(tree.labels['gpu%d' % i]), **kw))
    return gpus


class TestNvml(object):
    def test_hgx_details(self, machine_tree):
        tree = machine_tree('hgx_h100')
        module = fakes.fake_pynvml(hgx_nvml(tree))
        facts = live_probe(tree, nvml_module=module)
        assert facts['warnings'] == []
        assert facts['gpu_libraries']['nvml'] == {'used': True, 'driver_version': '550.90.07', 'cuda_version': '12.4', 'gpus': 8}
        all_bdfs = [tree.labels['gpu%d' % i] for i in range(8)]
        assert [g['bdf'] for g in facts['gpus']] == all_bdfs  # the expectations below are the fixture's, not the facts'
        for i, g in enumerate(facts['gpus']):
            assert g['source'] == 'nvml'
            assert g['uuid'] == 'GPU-%s' % nvml_bus(all_bdfs[i]).replace(':', '').replace('.', '')
            assert (g['memory_mb'], g['compute_capability'], g['persistence_mode']) == (81559, '9.0', True)
            assert (g['driver_version'], g['cuda_version']) == ('550.90.07', '12.4')
            assert g['mig'] == {'mode': 'disabled', 'pending_mode': 'disabled', 'devices': []}
            assert g['nvlink'] == {'active_links': 18, 'switches': sorted(tree.labels['nvswitch%d' % k] for k in range(4)),
                                   'peer_links': {}}
            assert g['nvlink_peers'] == all_bdfs[:i] + all_bdfs[i + 1:]
        assert 'nvmlShutdown' in module.calls

    def test_not_supported_query_leaves_the_field_out(self, machine_tree):
        tree = machine_tree('hgx_h100')
        fail = {'nvmlDeviceGetPersistenceMode': fakes.NOT_SUPPORTED, 'nvmlDeviceGetMigMode': fakes.NOT_SUPPORTED}
        gpus = hgx_nvml(tree, per_gpu={2: {'fail': fail}})
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml(gpus))
        g2 = facts['gpus'][2]
        assert 'persistence_mode' not in g2 and g2['mig'] == {'mode': 'unsupported', 'devices': []}
        assert g2['uuid'] and facts['gpus'][3]['persistence_mode'] is True
        assert facts['warnings'] == []

    def test_other_query_errors_warn_and_continue(self, machine_tree):
        tree = machine_tree('hgx_h100')
        gpus = hgx_nvml(tree, per_gpu={5: {'fail': {'nvmlDeviceGetUUID': fakes.GPU_IS_LOST}}})
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml(gpus))
        assert 'uuid' not in facts['gpus'][5] and facts['gpus'][6]['uuid']
        assert facts['warnings'] == ['NVML: cannot read UUID of GPU %s: GPU is lost' % tree.labels['gpu5']]

    def test_mig_devices(self, machine_tree):
        tree = machine_tree('hgx_h100')
        migs = [fakes.FakeMig(0, '3g.40gb', 40192, gi=1, ci=0), fakes.FakeMig(3, '1g.10gb', 9856, gi=9, ci=0)]
        gpus = hgx_nvml(tree, per_gpu={0: {'mig': (1, 1), 'mig_devices': migs}, 1: {'mig': (0, 1)}})
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml(gpus))
        mig = facts['gpus'][0]['mig']
        assert mig['mode'] == 'enabled'
        assert mig['devices'] == [
            {'index': 0, 'name': 'NVIDIA H100 80GB HBM3 MIG 3g.40gb', 'profile': '3g.40gb', 'uuid': 'MIG-0-3g.40gb',
             'memory_mb': 40192, 'gpu_instance_id': 1, 'compute_instance_id': 0},
            {'index': 3, 'name': 'NVIDIA H100 80GB HBM3 MIG 1g.10gb', 'profile': '1g.10gb', 'uuid': 'MIG-3-1g.10gb',
             'memory_mb': 9856, 'gpu_instance_id': 9, 'compute_instance_id': 0},
        ]
        assert facts['gpus'][1]['mig'] == {'mode': 'disabled', 'pending_mode': 'enabled', 'devices': []}
        assert facts['warnings'] == []

    def test_direct_nvlink_bridge_and_bytes_from_old_pynvml(self, machine_tree):
        tree = machine_tree('workstation')
        a, b = tree.labels['gpu0'], tree.labels['gpu1']
        gpus = [fakes.FakeGpu(nvml_bus(a), name='NVIDIA RTX 6000 Ada Generation', cc=(8, 9), links=[(nvml_bus(b), 0)] * 4),
                fakes.FakeGpu(nvml_bus(b), name='NVIDIA RTX 6000 Ada Generation', cc=(8, 9), links=[(nvml_bus(a), 0)] * 4)]
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml(gpus, bytes_strings=True))
        g0 = facts['gpus'][0]
        assert (g0['name'], g0['compute_capability'], g0['nvlink_peers']) == ('NVIDIA RTX 6000 Ada Generation', '8.9', [b])
        assert g0['nvlink'] == {'active_links': 4, 'switches': [], 'peer_links': {b: 4}}
        assert g0['driver_version'] == '550.90.07'

    def test_gpu_without_nvlink(self, build):
        tree = build(Machine(pci=[host_bridge(0, 0, root_port(gpu('nvidia-unknown', label='g')))]))
        g = fakes.FakeGpu(nvml_bus(tree.labels['g']), name='NVIDIA Future', cc=(10, 0),
                          fail={'nvmlDeviceGetNvLinkState': fakes.NOT_SUPPORTED})
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml([g]))
        found = facts['gpus'][0]
        assert 'nvlink' not in found and found['nvlink_peers'] == []
        assert (found['name'], found['architecture']) == ('NVIDIA Future', 'blackwell'), 'architecture from compute capability'

    @pytest.mark.parametrize('code, reason, warns', [
        (fakes.LIBRARY_NOT_FOUND, 'libnvidia-ml.so not found', False),
        (fakes.LIB_RM_VERSION_MISMATCH, 'driver/library version mismatch', True),
        (fakes.DRIVER_NOT_LOADED, 'driver not loaded', True),
        (fakes.UNKNOWN, 'initialisation failed: Unknown Error', True),
        (12345, 'initialisation failed: NVML Error with code 12345', True),
    ])
    def test_init_failures_fall_back_to_sysfs(self, machine_tree, code, reason, warns):
        tree = machine_tree('hgx_h100')
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml(hgx_nvml(tree), init_error=code))
        assert facts['gpu_libraries']['nvml'] == {'used': False, 'reason': reason}
        assert all(g['source'] == 'sysfs' and 'uuid' not in g for g in facts['gpus'])
        assert bool(facts['warnings']) == warns
        if code == fakes.LIB_RM_VERSION_MISMATCH:
            assert 'version mismatch' in facts['warnings'][0]

    def test_gpu_unknown_to_sysfs_warns(self, machine_tree):
        tree = machine_tree('hgx_h100')
        gpus = hgx_nvml(tree) + [fakes.FakeGpu('00000000:EE:00.0')]
        facts = live_probe(tree, nvml_module=fakes.fake_pynvml(gpus))
        assert facts['warnings'] == ['NVML reports GPU 0000:ee:00.0 which sysfs does not list']

    def test_pynvml_not_importable(self, machine_tree, monkeypatch):
        monkeypatch.setitem(sys.modules, 'pynvml', None)  # makes `import pynvml` raise ImportError
        facts = live_probe(machine_tree('hgx_h100'))
        assert facts['gpu_libraries']['nvml'] == {'used': False, 'reason': 'pynvml is not importable (install nvidia-ml-py on the node)'}
        assert facts['warnings'] == []

    def test_real_pynvml_without_the_driver_library(self, machine_tree):
        pynvml = pytest.importorskip('pynvml')
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError_LibraryNotFound:
            pass
        else:  # pragma: no cover - only on a machine with an NVIDIA driver
            pynvml.nvmlShutdown()
            pytest.skip('libnvidia-ml is installed here')
        facts = live_probe(machine_tree('hgx_h100'), nvml_module=pynvml)
        assert facts['gpu_libraries']['nvml'] == {'used': False, 'reason': 'libnvidia-ml.so not found'}

    def test_not_loaded_without_nvidia_gpus(self, machine_tree):
        module = fakes.fake_pynvml([])
        facts = live_probe(machine_tree('mi300x'), nvml_module=module, amdsmi_module=fakes.fake_amdsmi([]))
        assert module.calls == []
        assert facts['gpu_libraries']['nvml'] == {'used': False, 'reason': 'no GPU bound to the nvidia driver'}

    def test_gpu_libraries_false(self, machine_tree):
        module = fakes.fake_pynvml([])
        facts = live_probe(machine_tree('hgx_h100'), nvml_module=module, gpu_libraries=False)
        assert module.calls == [] and facts['gpu_libraries']['nvml']['used'] is False


def mi300x_smi(tree, release=fakes.AMDSMI_NEWEST, per_gpu=None):
    gpus = [fakes.FakeAmdGpu(tree.labels['gpu%d' % i], **(per_gpu or {}).get(i, {})) for i in range(8)]
    bdfs = [g.bdf for g in gpus]
    mesh = set(frozenset((a, b)) for a in bdfs for b in bdfs if a != b)
    return fakes.fake_amdsmi(gpus, xgmi_pairs=mesh, release=release)


class TestAmdsmi(object):
    @pytest.mark.parametrize('release', sorted(fakes.AMDSMI_LINK_LAYOUTS))
    def test_mi300x_details(self, machine_tree, release):
        """Each amdsmi release's link-type enums: 6.3 and 6.4 have AmdSmiLinkType beside AmdSmiIoLinkType, whose
        XGMI values differ, and amdsmi_topo_get_link_type reports the latter's."""
        tree = machine_tree('mi300x')
        facts = live_probe(tree, amdsmi_module=mi300x_smi(tree, release))
        assert facts['warnings'] == []
        assert facts['gpu_libraries']['amdsmi'] == {'used': True, 'driver_version': '6.10.5', 'gpus': 8}
        bdfs = [tree.labels['gpu%d' % i] for i in range(8)]
        assert [g['bdf'] for g in facts['gpus']] == bdfs  # the expectations below are the fixture's, not the facts'
        for i, g in enumerate(facts['gpus']):
            assert g['source'] == 'amdsmi'
            assert (g['name'], g['gfx_target'], g['architecture'], g['memory_mb']) == \
                ('AMD Instinct MI300X', 'gfx942', 'cdna3', 192 * 1024)
            assert (g['uuid'], g['driver_version']) == ('uuid-' + bdfs[i], '6.10.5')
            assert (g['compute_partition'], g['memory_partition']) == ('SPX', 'NPS1')
            assert g['xgmi_peers'] == bdfs[:i] + bdfs[i + 1:]

    def test_not_supported_partition_and_failing_uuid(self, machine_tree):
        tree = machine_tree('mi300x')
        fail = {'amdsmi_get_gpu_compute_partition': fakes.AMDSMI_NOT_SUPPORTED, 'amdsmi_get_gpu_device_uuid': fakes.AMDSMI_NO_PERM}
        module = mi300x_smi(tree, per_gpu={1: {'fail': fail}})
        facts = live_probe(tree, amdsmi_module=module)
        g1 = facts['gpus'][1]
        assert 'compute_partition' not in g1 and 'uuid' not in g1 and g1['memory_partition'] == 'NPS1'
        assert len(facts['warnings']) == 1 and 'UUID of GPU %s' % tree.labels['gpu1'] in facts['warnings'][0]

    def test_vram_info_when_the_memory_total_is_not_supported(self, machine_tree):
        tree = machine_tree('mi300x')
        module = mi300x_smi(tree, per_gpu={3: {'vram_bytes': 64 * 1024 ** 3,
                                               'fail': {'amdsmi_get_gpu_memory_total': fakes.AMDSMI_NOT_SUPPORTED}}})
        facts = live_probe(tree, amdsmi_module=module)
        assert [g['memory_mb'] for g in facts['gpus']] == [196608] * 3 + [65536] + [196608] * 4
        assert module.calls.count('amdsmi_get_gpu_vram_info') == 1 and facts['warnings'] == []

    def test_table_architecture_wins_and_na_name_is_ignored(self, machine_tree):
        tree = machine_tree('mi300x')
        module = mi300x_smi(tree, per_gpu={0: {'gfx': 'gfx950', 'market_name': 'N/A'}})
        facts = live_probe(tree, amdsmi_module=module)
        assert (facts['gpus'][0]['name'], facts['gpus'][0]['architecture']) == ('AMD Instinct MI300X', 'cdna3')
        assert facts['gpus'][0]['gfx_target'] == 'gfx950'

    def test_unknown_part_gets_architecture_from_gfx(self, build):
        tree = build(Machine(pci=[host_bridge(0, 0, root_port(gpu('amd-unknown', label='g')))]))
        assert tree.gpu('g')['architecture'] == 'unknown'
        module = fakes.fake_amdsmi([fakes.FakeAmdGpu(tree.labels['g'], market_name='AMD Instinct MI355X', gfx='gfx950')])
        facts = live_probe(tree, amdsmi_module=module)
        assert (facts['gpus'][0]['name'], facts['gpus'][0]['architecture']) == ('AMD Instinct MI355X', 'cdna4')
        assert facts['gpus'][0]['xgmi_peers'] == []

    def test_init_failure(self, machine_tree):
        tree = machine_tree('mi300x')
        facts = live_probe(tree, amdsmi_module=fakes.fake_amdsmi([], init_error=8))
        assert facts['gpu_libraries']['amdsmi']['used'] is False
        assert facts['warnings'][0].startswith('amdsmi: initialisation failed')
        assert all(g['source'] == 'sysfs' for g in facts['gpus'])

    def test_import_failures(self, machine_tree, monkeypatch):
        monkeypatch.setitem(sys.modules, 'amdsmi', None)
        facts = live_probe(machine_tree('mi300x'))
        assert facts['gpu_libraries']['amdsmi']['reason'].startswith('amdsmi is not importable')

        class Exploding(object):
            def find_spec(self, name, path=None, target=None):
                if name == 'amdsmi':
                    raise OSError('libamd_smi.so: cannot open shared object file')
                return None
        monkeypatch.delitem(sys.modules, 'amdsmi')
        monkeypatch.setattr(sys, 'meta_path', [Exploding()] + sys.meta_path)
        facts = live_probe(machine_tree('mi300x'))
        assert facts['gpu_libraries']['amdsmi']['reason'] == 'amdsmi cannot be loaded: libamd_smi.so: cannot open shared object file'
        assert facts['warnings'] == []

    def test_real_amdsmi_without_libamd_smi(self, machine_tree, capsys):
        """The PyPI amdsmi without ROCm's library: 7.0.2 prints why to stdout and fails with KeyError('libamd_smi.so')."""
        if importlib.util.find_spec('amdsmi') is None:
            pytest.skip('the PyPI package amdsmi is not installed (requirements-test.txt pins it)')
        for library in ('libamd_smi.so', os.path.join(os.environ.get('ROCM_PATH', '/opt/rocm'), 'lib', 'libamd_smi.so')):
            try:
                ctypes.CDLL(library)
            except OSError:
                continue
            pytest.skip('libamd_smi.so is installed here')  # pragma: no cover - only on a machine with ROCm
        facts = live_probe(machine_tree('mi300x'))
        reason = facts['gpu_libraries']['amdsmi']['reason']
        assert reason.startswith('amdsmi cannot be loaded: ') and 'libamd_smi.so' in reason
        assert facts['warnings'] == [] and all(g['source'] == 'sysfs' for g in facts['gpus'])
        assert 'libamd_smi.so' in capsys.readouterr().out
        assert 'amdsmi' not in sys.modules
