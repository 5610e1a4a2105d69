# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cpulist and topology filter plugins."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter.topology import FilterModule
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_builder import Machine, gpu, host_bridge, root_port

F = FilterModule().filters()


def test_all_filters_are_registered():
    assert sorted(F) == ['cpulist_format', 'cpulist_intersect', 'cpulist_parse', 'gpu_cpus', 'gpu_numa_node', 'slurm_core_ids']


def test_cpulist_filters():
    assert F['cpulist_parse']('0-3,8') == [0, 1, 2, 3, 8]
    assert F['cpulist_format']([8, 3, 2, 1, 0]) == '0-3,8'
    assert F['cpulist_format']('3,0-2') == '0-3'
    assert F['cpulist_intersect']('0-15', '8-31', [9, 10, 40]) == '9-10'


@pytest.mark.parametrize('name, args', [
    ('cpulist_parse', ('0-x',)),
    ('cpulist_format', ([-1],)),
    ('cpulist_format', (5,)),
    ('cpulist_intersect', ('0-3',)),
])
def test_cpulist_filter_errors_are_filter_errors(name, args):
    with pytest.raises(AnsibleFilterError, match=name):
        F[name](*args)


def test_gpu_filters_on_hgx(machine_tree):
    tree = machine_tree('hgx_h100')
    topo = tree.facts
    assert F['gpu_cpus'](topo, 0) == '0-55,112-167'
    assert F['gpu_cpus'](topo, 7) == '56-111,168-223'
    assert F['gpu_numa_node'](topo, 5) == 1
    bdf = tree.labels['gpu6']
    assert F['gpu_numa_node'](topo, bdf) == 1
    assert F['gpu_numa_node'](topo, bdf[5:]) == 1, 'domain 0000 may be left out'
    assert F['gpu_numa_node'](topo, tree.gpu('gpu2')) == 0
    assert F['gpu_numa_node']({'linuxai_topology': topo}, '3') == 0, 'ansible_facts itself is accepted'
    uuid_topo = dict(topo, gpus=[dict(g, uuid='GPU-%d' % g['index']) for g in topo['gpus']])
    assert F['gpu_numa_node'](uuid_topo, 'gpu-4') == 1


def test_gpu_cpus_in_a_vm_uses_the_derived_node(build):
    tree = build(Machine(sockets=2, cores_per_socket=4, smt_control='notsupported',
                         pci=[host_bridge(0, -1, root_port(gpu('h100-pcie', label='g')))]))
    # Local to every vCPU and no firmware node: the first node is assumed, and its CPUs are the answer.
    assert tree.gpu('g')['numa_source'] == 'assumed'
    assert F['gpu_cpus'](tree.facts, tree.labels['g']) == '0-3'


def test_gpu_cpus_on_a_memory_only_node_falls_back_to_local_cpus():
    topo = {'cpu': {'online': '0-7'}, 'numa': [{'id': 0, 'cpus': '0-7'}, {'id': 1, 'cpus': ''}],
            'gpus': [{'index': 0, 'vendor': 'nvidia', 'bdf': '0000:01:00.0', 'numa_node': 1, 'local_cpus': '0-3'}]}
    assert F['gpu_cpus'](topo, 0) == '0-3'
    topo['gpus'][0]['local_cpus'] = ''
    assert F['gpu_cpus'](topo, 0) == '0-7'


def test_gpu_filter_errors(machine_tree, build):
    topo = machine_tree('hgx_h100').facts
    with pytest.raises(AnsibleFilterError, match='no GPU 9'):
        F['gpu_cpus'](topo, 9)
    with pytest.raises(AnsibleFilterError, match='no GPU'):
        F['gpu_cpus'](topo, '0000:ff:00.0')
    with pytest.raises(AnsibleFilterError, match="linuxai_topology"):
        F['gpu_cpus']({'cpu': {}}, 0)
    with pytest.raises(AnsibleFilterError, match='index, PCI address'):
        F['gpu_numa_node'](topo, True)
    mixed = build(Machine(pci=[host_bridge(0, 0, root_port(gpu('h100-pcie')), root_port(gpu('mi300x')))])).facts
    with pytest.raises(AnsibleFilterError, match='several vendors'):
        F['gpu_cpus'](mixed, 0)


def test_slurm_core_ids_on_x86_numbering(machine_tree):
    topo = machine_tree('hgx_h100').facts
    assert F['slurm_core_ids'](topo) == '0-111'
    # Socket 1 holds CPUs 56-111 and their siblings 168-223: Slurm cores 56-111.
    assert F['slurm_core_ids'](topo, '56-111,168-223') == '56-111'
    # A sibling thread alone selects its core.
    assert F['slurm_core_ids'](topo, '112') == '0'
    assert F['slurm_core_ids'](topo, [0, 112, 168]) == '0,56'
    assert F['slurm_core_ids'](topo, F['gpu_cpus'](topo, 4)) == '56-111'


def test_slurm_core_ids_with_offline_threads_and_sparse_nodes(machine_tree):
    topo = machine_tree('power9_sparse').facts
    # SMT4 cores in SMT2 mode: CPUs 0-1 are core 0, 4-5 core 1, ... socket 1 starts at CPU 16 = core 4.
    assert F['slurm_core_ids'](topo) == '0-7'
    assert F['slurm_core_ids'](topo, '16-17') == '4'
    assert F['slurm_core_ids'](topo, '5,29') == '1,7'
    # Offline CPUs belong to no known core.
    assert F['slurm_core_ids'](topo, '2-3') == ''


def test_slurm_core_ids_orders_sockets_by_their_first_cpu():
    topo = {'gpus': [], 'numa': [], 'cpu': {'packages': [
        {'id': 0, 'cpus': '4-7', 'cores': ['4-5', '6-7']},
        {'id': 1, 'cpus': '0-3', 'cores': ['2-3', '0-1']},
    ]}}
    assert [F['slurm_core_ids'](topo, [cpu]) for cpu in (0, 2, 4, 6)] == ['0', '1', '2', '3']


def test_slurm_core_ids_counts_every_core_once(machine_tree):
    # 2 x 48, 1 x 72 and 1 x 80 cores: one id per core, SMT siblings counted once.
    for name, ids in (('mi300x', '0-95'), ('grace_hopper', '0-71'), ('ampere_altra', '0-79')):
        assert F['slurm_core_ids'](machine_tree(name).facts) == ids
