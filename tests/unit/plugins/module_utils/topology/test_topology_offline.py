# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline CPUs, SMT off, old kernels and odd firmware: the probe and the filters that return CPUs."""

from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_builder import Machine, Node, gpu, host_bridge, root_port
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_machines import node_cpus_offline

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import parse_cpulist
from ansible_collections.linuxai.node.plugins.module_utils._kubernetes import kubelet_reserved_cpus
from ansible_collections.linuxai.node.plugins.module_utils._slurm import slurm_gres_conf, slurm_node
from ansible_collections.linuxai.node.plugins.module_utils._topology_fact import gpu_cpus, slurm_core_ids


def _no_offline_cpu(facts):
    online = set(parse_cpulist(facts['cpu']['online']))
    for node in facts['numa']:
        assert set(parse_cpulist(node['cpus'])) <= online
        assert not set(parse_cpulist(node['offline_cpus'])) & online
    for dev in facts['gpus'] + facts['nics']:
        assert set(parse_cpulist(dev['local_cpus'])) <= online, dev['bdf']
    for g in facts['gpus']:
        assert set(parse_cpulist(gpu_cpus(facts, g['bdf']))) <= online


class TestSmtOff(object):
    """nosmt on a 2 x 16-core Xeon: CPUs 32-63 offline, still named by the nodes' and GPUs' cpulists."""

    def test_cpu(self, machine_tree):
        facts = machine_tree('smt_off').facts
        cpu = facts['cpu']
        assert (cpu['smt'], cpu['smt_active']) == ('off', False)
        assert (cpu['sockets'], cpu['cores'], cpu['cores_per_socket'], cpu['threads'], cpu['threads_per_core']) == \
            (2, 32, 16, 32, 1)
        assert (cpu['online'], cpu['offline'], cpu['present']) == ('0-31', '32-63', '0-63')
        assert facts['summary'].startswith('2 sockets, 32 cores (SMT off, 32 of 64 CPUs offline), 2 NUMA nodes, ')

    def test_numa_and_devices_name_online_cpus_only(self, machine_tree):
        tree = machine_tree('smt_off')
        facts = tree.facts
        assert [(n['cpus'], n['offline_cpus']) for n in facts['numa']] == [('0-15', '32-47'), ('16-31', '48-63')]
        assert [tree.gpu('gpu%d' % i)['local_cpus'] for i in range(4)] == ['0-15', '0-15', '16-31', '16-31']
        assert tree.nic('nic1')['local_cpus'] == '16-31'
        _no_offline_cpu(facts)

    def test_slurm_and_kubelet(self, machine_tree):
        facts = machine_tree('smt_off').facts
        # What slurmd -C reports on such a node: hwloc sees 32 PUs, one per core.
        assert slurm_node(facts, 'n1')['line'].startswith(
            'NodeName=n1 CPUs=32 Sockets=2 CoresPerSocket=16 ThreadsPerCore=1 RealMemory=')
        gres = [line for line in slurm_gres_conf(facts).split('\n') if line.startswith('Name=gpu')]
        assert [line.split(' Cores=')[1].split(' ')[0] for line in gres] == ['0-15', '0-15', '16-31', '16-31']
        assert kubelet_reserved_cpus(facts) == '0,16'
        # ansible-core before 2.19 passes a template's none as '': the same as no value.
        assert slurm_node(facts, 'n1', memory_mb='', reserve_mb='') == slurm_node(facts, 'n1')


def test_cpus_offline_in_the_middle_of_a_node(machine_tree):
    tree = machine_tree('offline_middle')
    facts = tree.facts
    cpu = facts['cpu']
    assert (cpu['cores'], cpu['threads'], cpu['threads_per_core'], cpu['smt']) == (22, 42, 2, 'on')
    # slurmd -C over this tree (slurmd 22.05, HWLOC_FSROOT, HWLOC_COMPONENTS=linux,stop) reports
    # CPUs=42 SocketsPerBoard=2 CoresPerSocket=11 ThreadsPerCore=1: 42 CPUs over 22 cores, floored.
    assert slurm_node(facts, 'n1')['line'].startswith(
        'NodeName=n1 CPUs=42 Sockets=2 CoresPerSocket=11 ThreadsPerCore=1 RealMemory=')
    node0 = facts['numa'][0]
    assert (node0['cpus'], node0['offline_cpus']) == ('0-3,8-11,24-27,30-35', '4-7,28-29')
    # The GPU's local_cpulist names the offline CPUs; local_cpus and gpu_cpus do not.
    assert tree.gpu('gpu0')['local_cpus'] == node0['cpus']
    assert gpu_cpus(facts, tree.labels['gpu0']) == node0['cpus']
    # Cores 6 and 7 keep one thread (30, 31) and count once each; cores 4 and 5 are gone.
    assert slurm_core_ids(facts, gpu_cpus(facts, tree.labels['gpu0'])) == '0-9'
    assert slurm_core_ids(facts, '4-7,28-29') == ''
    assert kubelet_reserved_cpus(facts) == '0,12,24,36'
    assert '(6 of 48 CPUs offline)' in facts['summary']
    _no_offline_cpu(facts)


def test_numa_node_without_an_online_cpu(machine_tree):
    facts = machine_tree('node_cpus_offline').facts
    node3 = facts['numa'][3]
    assert (node3['cpus'], node3['offline_cpus'], node3['memory_mb'], node3['memory_only']) == \
        ('', '24-31,56-63', 64 * 1024, True)
    assert facts['cpu']['cores'] == 24
    assert kubelet_reserved_cpus(facts) == '0,8,16,32,40,48'
    _no_offline_cpu(facts)


def test_gpu_on_a_node_without_an_online_cpu(build):
    # Not in the lstopo comparison: hwloc 2.9.0's lstopo crashes (SIGSEGV) on this tree, a device
    # whose local_cpus are all offline.
    machine = node_cpus_offline()
    machine.pci = [host_bridge(0xc0, 3, root_port(gpu('mi300x', label='gpu0')))]
    tree = build(machine)
    facts = tree.facts
    g = tree.gpu('gpu0')
    assert (g['numa_node'], g['numa_source'], g['local_cpus']) == (3, 'sysfs', '')
    # Nothing is local and online: every online CPU, never node 3's offline ones.
    assert gpu_cpus(facts, g['bdf']) == facts['cpu']['online'] == '0-23,32-55'
    assert facts['warnings'] == []


def test_mask_only_kernel(machine_tree):
    facts = machine_tree('mask_only').facts
    cpu = facts['cpu']
    assert (cpu['sockets'], cpu['cores'], cpu['threads'], cpu['threads_per_core']) == (2, 8, 16, 2)
    assert cpu['packages'][0]['cores'][:2] == ['0,8', '1,9']
    assert cpu['packages'][0]['dies'] == [] and cpu['dies'] == 0
    # No node cpulist: the hex cpumap.
    assert [n['cpus'] for n in facts['numa']] == ['0-3,8-11', '4-7,12-15']


def test_amd_compute_units_are_cores(machine_tree):
    facts = machine_tree('amd_compute_units').facts
    cpu = facts['cpu']
    assert (cpu['sockets'], cpu['cores'], cpu['cores_per_socket'], cpu['threads_per_core']) == (2, 32, 16, 1)
    assert cpu['compute_unit_cores'] is True
    assert cpu['packages'][0]['cores'][:3] == ['0', '1', '2']
    line = slurm_node(facts, 'opteron')['line']
    assert line.startswith('NodeName=opteron CPUs=32 Sockets=2 CoresPerSocket=16 ThreadsPerCore=1 ')


def test_smt_threads_are_not_compute_units(machine_tree):
    assert machine_tree('hgx_h100').facts['cpu']['compute_unit_cores'] is False


def test_dies_with_repeating_core_ids(machine_tree):
    facts = machine_tree('multi_die').facts
    cpu = facts['cpu']
    assert (cpu['sockets'], cpu['cores'], cpu['dies'], cpu['threads_per_core']) == (2, 16, 4, 2)
    assert cpu['packages'][0]['dies'] == [{'id': 0, 'cpus': '0-3,16-19'}, {'id': 1, 'cpus': '4-7,20-23'}]
    assert [n['cpus'] for n in facts['numa']] == ['0-3,16-19', '4-7,20-23', '8-11,24-27', '12-15,28-31']


def test_clusters(machine_tree):
    facts = machine_tree('arm_clusters').facts
    cpu = facts['cpu']
    assert (cpu['sockets'], cpu['cores'], cpu['clusters'], cpu['dies']) == (2, 32, 8, 2)
    assert cpu['packages'][1]['clusters'][:2] == [{'id': 4, 'cpus': '16-19'}, {'id': 5, 'cpus': '20-23'}]
    # Kernels without cluster files: [].
    assert machine_tree('hgx_h100').facts['cpu']['packages'][0]['clusters'] == []


def test_missing_package_ids_group_by_package_cpus(machine_tree):
    facts = machine_tree('no_package_id').facts
    cpu = facts['cpu']
    assert [(p['id'], p['cpus']) for p in cpu['packages']] == [(0, '0-31'), (1, '32-63')]
    assert (cpu['sockets'], cpu['cores']) == (2, 64)
    assert len([w for w in facts['warnings'] if 'physical_package_id' in w]) == 2


def test_numa_layout_contradicting_the_cpus_warns(build):
    # 1 socket, 4 cores x 2 threads (x86 numbering: core N is CPUs N and N+4); firmware puts the
    # first threads in node 0 and the second ones in node 1, and lists CPU 3 in both.
    machine = Machine(sockets=1, cores_per_socket=4, threads_per_core=2,
                      numa=[Node(0, 1024, cpus=[0, 1, 2, 3]), Node(1, 1024, cpus=[3, 4, 5, 6, 7])])
    facts = build(machine).facts
    warnings = [w for w in facts['warnings'] if w.startswith('NUMA layout')]
    assert 'NUMA layout: CPU 3 is listed by nodes 0 and 1; firmware (SRAT) and CPUs disagree' in warnings
    assert 'NUMA layout: the threads of core 0,4 are in nodes 0,1; firmware (SRAT) and CPUs disagree' in warnings
    # Still reported as sysfs has it.
    assert [n['cpus'] for n in facts['numa']] == ['0-3', '3-7']


def test_online_cpu_in_no_numa_node_warns(build):
    machine = Machine(sockets=1, cores_per_socket=4, numa=[Node(0, 1024, cpus=[0, 1]), Node(1, 1024, cpus=[2])])
    facts = build(machine).facts
    assert 'NUMA layout: online CPUs 3 are in no NUMA node' in facts['warnings']


def test_filters_drop_offline_cpus_from_older_facts(machine_tree):
    # Facts of an older linuxai.node kept offline CPUs in numa[].cpus and local_cpus.
    import copy
    facts = copy.deepcopy(machine_tree('smt_off').facts)
    for node in facts['numa']:
        node['cpus'] = ','.join(c for c in (node['cpus'], node['offline_cpus']) if c)
        del node['offline_cpus']
    for g in facts['gpus']:
        g['local_cpus'] = facts['numa'][g['numa_node']]['cpus']
    assert facts['numa'][0]['cpus'] == '0-15,32-47'
    assert gpu_cpus(facts, 0) == '0-15'
    assert kubelet_reserved_cpus(facts) == '0,16'
