# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe on the fixture machines of topology_machines.py."""

import pytest

from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_machines import MACHINES

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import parse_cpulist


def _common_invariants(facts):
    cpu = facts['cpu']
    online = parse_cpulist(cpu['online'])
    assert cpu['threads'] == len(online)
    assert cpu['cores'] == sum(len(p['cores']) for p in cpu['packages'])
    assert cpu['sockets'] == len(cpu['packages'])
    # Every online CPU sits in exactly one core.
    threads = [c for p in cpu['packages'] for core in p['cores'] for c in parse_cpulist(core)]
    assert sorted(threads) == online
    assert set(parse_cpulist(cpu['offline'])).isdisjoint(online)
    ids = [n['id'] for n in facts['numa']]
    assert ids == sorted(ids)
    for node in facts['numa']:
        assert sorted(node['distances']) == sorted(str(i) for i in ids)
        assert node['distances'][str(node['id'])] == 10
    for gpu in facts['gpus'] + facts['nics']:
        assert gpu['numa_node'] in ids
    for node in facts['numa']:
        assert set(parse_cpulist(node['cpus'])) <= set(online)
        assert set(parse_cpulist(node['offline_cpus'])).isdisjoint(online)
    assert facts['probe_ms'] > 0


@pytest.mark.parametrize('name', sorted(MACHINES))
def test_invariants_hold_on_every_machine(machine_tree, name):
    facts = machine_tree(name).facts
    assert facts['schema_version'] == 1
    assert facts['live'] is False
    _common_invariants(facts)
    if name == 'no_package_id':
        assert all('physical_package_id' in w for w in facts['warnings'])
    else:
        assert facts['warnings'] == []


class TestHgxH100(object):
    @pytest.fixture
    def tree(self, machine_tree):
        return machine_tree('hgx_h100')

    def test_cpu(self, tree):
        cpu = tree.facts['cpu']
        assert (cpu['sockets'], cpu['cores'], cpu['cores_per_socket'], cpu['threads'], cpu['threads_per_core']) == (2, 112, 56, 224, 2)
        assert cpu['smt'] == 'on'
        assert cpu['architecture'] == 'x86_64'
        assert cpu['vendor'] == 'GenuineIntel'
        assert cpu['model'] == 'Intel(R) Xeon(R) Platinum 8480+'
        assert cpu['online'] == '0-223' and cpu['offline'] == '' and cpu['present'] == '0-223'
        # Linux on x86 numbers first threads of all cores, then the second threads.
        assert cpu['packages'][0]['cpus'] == '0-55,112-167'
        assert cpu['packages'][0]['cores'][:2] == ['0,112', '1,113']
        assert cpu['packages'][1]['cores'][0] == '56,168'

    def test_numa(self, tree):
        numa = tree.facts['numa']
        assert [n['id'] for n in numa] == [0, 1]
        assert numa[0]['cpus'] == '0-55,112-167'
        assert numa[1]['cpus'] == '56-111,168-223'
        assert numa[0]['memory_mb'] == 1031 * 1024
        assert numa[0]['distances'] == {'0': 10, '1': 21}
        assert numa[0]['hugepages'] == {'2048': {'total': 1024, 'free': 1000}, '1048576': {'total': 0, 'free': 0}}
        assert not any(n['memory_only'] for n in numa)

    def test_gpus(self, tree):
        gpus = tree.facts['gpus']
        assert len(gpus) == 8, 'the ASPEED BMC display must not count as a GPU'
        assert [g['index'] for g in gpus] == list(range(8))
        assert [g['bdf'] for g in gpus] == [tree.labels['gpu%d' % i] for i in range(8)]
        for i, g in enumerate(gpus):
            assert g['vendor'] == 'nvidia'
            assert g['pci_id'] == '10de:2330'
            assert g['name'] == 'NVIDIA H100 80GB HBM3'
            assert g['architecture'] == 'hopper'
            assert g['driver'] == 'nvidia'
            assert g['source'] == 'sysfs'
            assert g['numa_node'] == (0 if i < 4 else 1) and g['numa_source'] == 'sysfs'
            assert g['local_cpus'] == tree.facts['numa'][g['numa_node']]['cpus']
            assert g['pcie'] == {'current_speed': '32.0 GT/s', 'current_width': 16, 'max_speed': '32.0 GT/s',
                                 'max_width': 16, 'current_gen': 5, 'max_gen': 5}
            assert 'uuid' not in g and 'mig' not in g

    def test_each_gpu_pairs_with_the_nic_under_its_pcie_switch(self, tree):
        for i in range(8):
            nearest = tree.gpu('gpu%d' % i)['nearest_nics']
            nic_bdf = tree.labels['nic%d' % i]
            assert nearest == [{'bdf': nic_bdf, 'netdev': 'ibp%ds0' % int(nic_bdf.split(':')[1], 16),
                                'rdma_device': 'mlx5_%d' % i, 'distance': 'PIX'}]

    def test_nvswitches(self, tree):
        assert tree.facts['nvswitches'] == {'count': 4, 'bdfs': [tree.labels['nvswitch%d' % i] for i in range(4)]}

    def test_nics(self, tree):
        nics = tree.facts['nics']
        cx7 = [n for n in nics if n['name'] == 'ConnectX-7']
        assert len(cx7) == 8
        for n in cx7:
            assert (n['vendor'], n['pci_id'], n['driver'], n['link_layer'], n['speed_mbps']) == \
                ('mellanox', '15b3:1021', 'mlx5_core', 'infiniband', 400000)
            assert n['rdma_device'].startswith('mlx5_')
        lom = tree.nic('lom')
        assert (lom['netdev'], lom['netdevs'], lom['rdma_device'], lom['speed_mbps'], lom['link_layer']) == \
            ('eno1', ['eno1'], None, 1000, 'ethernet')
        assert tree.facts['nics'][1]['netdev'] == 'eno2'

    def test_summary(self, tree):
        assert tree.facts['summary'] == '2 sockets, 112 cores, 2 NUMA nodes, 8x H100 SXM, 4 NVSwitch, 1x I350, 8x ConnectX-7'

    def test_libraries_are_not_used_on_a_captured_tree(self, tree):
        assert tree.facts['gpu_libraries']['nvml'] == {'used': False, 'reason': 'not used with a captured root'}


def test_mi300x(machine_tree):
    tree = machine_tree('mi300x')
    facts = tree.facts
    assert (facts['cpu']['sockets'], facts['cpu']['cores'], facts['cpu']['threads']) == (2, 96, 192)
    assert facts['cpu']['vendor'] == 'AuthenticAMD'
    gpus = facts['gpus']
    assert [(g['vendor'], g['pci_id'], g['name'], g['architecture'], g['driver'], g['class']) for g in gpus] == \
        [('amd', '1002:74a1', 'AMD Instinct MI300X', 'cdna3', 'amdgpu', '120000')] * 8
    assert [g['numa_node'] for g in gpus] == [0] * 4 + [1] * 4
    for i in range(8):
        nearest = tree.gpu('gpu%d' % i)['nearest_nics']
        assert [(n['bdf'], n['distance']) for n in nearest] == [(tree.labels['nic%d' % i], 'PIX')]
    roce = [n for n in facts['nics'] if n['rdma_device']]
    assert len(roce) == 8 and all(n['link_layer'] == 'ethernet' for n in roce)
    assert facts['nvswitches']['count'] == 0
    assert facts['summary'] == '2 sockets, 96 cores, 2 NUMA nodes, 8x MI300X, 1x I350, 8x ConnectX-7'


def test_workstation_gpus_without_firmware_numa_node(machine_tree):
    tree = machine_tree('workstation')
    facts = tree.facts
    for label in ('gpu0', 'gpu1'):
        g = tree.gpu(label)
        assert (g['name'], g['architecture'], g['class']) == ('NVIDIA RTX 6000 Ada Generation', 'ada', '030000')
        assert (g['numa_node'], g['numa_source']) == (0, 'single_node')
        # GPU on one root port, NIC on another of the same root complex.
        assert g['nearest_nics'] == [{'bdf': tree.labels['nic0'], 'netdev': 'eno1', 'rdma_device': None, 'distance': 'PHB'}]
    assert facts['summary'] == '1 socket, 28 cores, 1 NUMA node, 2x RTX 6000 Ada, 1x I210'


def test_vm_derives_numa_node_from_local_cpulist(machine_tree):
    tree = machine_tree('vm_numa_minus1')
    gpu0, gpu1 = tree.gpu('gpu0'), tree.gpu('gpu1')
    assert (gpu0['numa_node'], gpu0['numa_source'], gpu0['local_cpus']) == (1, 'local_cpulist', '8-15')
    assert (gpu1['numa_node'], gpu1['numa_source'], gpu1['local_cpus']) == (0, 'local_cpulist', '0-7')
    # virtio-net is local to every vCPU: nothing favours a node.
    nic = tree.nic('nic0')
    assert (nic['numa_node'], nic['numa_source'], nic['local_cpus']) == (0, 'assumed', '0-15')
    assert len(tree.facts['gpus']) == 2, 'the QXL console is not a GPU'
    assert tree.facts['cpu']['smt'] == 'notsupported'


def test_host_without_gpus(machine_tree):
    facts = machine_tree('no_gpu').facts
    assert facts['gpus'] == []
    assert facts['nvswitches'] == {'count': 0, 'bdfs': []}
    assert [n['netdev'] for n in facts['nics']] == ['eno1', 'eno2']
    # Two ports of one adapter count once.
    assert facts['summary'] == '1 socket, 8 cores, 1 NUMA node, no GPUs, 1x I350'


def test_power9_sparse_numa_ids_and_offline_threads(machine_tree):
    tree = machine_tree('power9_sparse')
    facts = tree.facts
    cpu = facts['cpu']
    assert (cpu['architecture'], cpu['vendor'], cpu['model']) == ('ppc64le', 'IBM', 'POWER9 (raw)')
    offline = [core * 4 + t for core in range(8) for t in (2, 3)]
    assert parse_cpulist(cpu['offline']) == offline
    assert cpu['present'] == '0-31'
    assert (cpu['sockets'], cpu['cores'], cpu['threads'], cpu['threads_per_core']) == (2, 8, 16, 2)
    assert cpu['smt'] == 'on'
    assert cpu['packages'][0]['cores'][0] == '0-1'
    assert [n['id'] for n in facts['numa']] == [0, 8]
    assert facts['numa'][1]['distances'] == {'0': 40, '8': 10}
    assert facts['numa'][1]['cpus'] == '16-17,20-21,24-25,28-29'
    assert [(g['bdf'], g['numa_node'], g['architecture']) for g in facts['gpus']] == \
        [('0004:01:00.0', 0, 'volta'), ('0035:01:00.0', 8, 'volta')]


def test_grace_hopper_memory_only_node(machine_tree):
    tree = machine_tree('grace_hopper')
    facts = tree.facts
    cpu = facts['cpu']
    assert (cpu['architecture'], cpu['vendor'], cpu['model']) == ('aarch64', 'ARM', 'Neoverse-V2')
    assert (cpu['sockets'], cpu['cores'], cpu['threads_per_core'], cpu['smt']) == (1, 72, 1, 'unknown')
    numa = dict((n['id'], n) for n in facts['numa'])
    assert sorted(numa) == list(range(10))
    assert numa[1]['memory_only'] is True and numa[1]['cpus'] == '' and numa[1]['memory_mb'] == 96 * 1024
    assert numa[0]['memory_only'] is False
    assert all(not numa[i]['memory_only'] and numa[i]['memory_mb'] == 0 for i in range(2, 10))
    gpu = tree.gpu('gpu0')
    assert (gpu['architecture'], gpu['numa_node'], gpu['bdf']) == ('grace-hopper', 0, '0009:01:00.0')
    # Different PCI domains (host bridges) on the same node.
    assert gpu['nearest_nics'][0]['distance'] == 'NODE'
    assert facts['summary'] == '1 socket, 72 cores, 10 NUMA nodes (1 memory-only), 1x GH200, 1x ConnectX-7'


def test_aarch64_with_unknown_package_id(machine_tree):
    facts = machine_tree('ampere_altra').facts
    cpu = facts['cpu']
    assert (cpu['architecture'], cpu['model'], cpu['sockets'], cpu['cores'], cpu['smt']) == \
        ('aarch64', 'Neoverse-N1', 1, 80, 'unknown')
    assert cpu['packages'][0]['id'] == 0
    assert facts['gpus'][0]['name'] == 'NVIDIA A100 80GB PCIe'
    assert facts['nics'][0]['speed_mbps'] == 200000
