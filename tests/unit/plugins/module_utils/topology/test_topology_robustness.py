# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Missing, unreadable and malformed files give warnings and partial answers, never a crash."""

import os
import shutil

import pytest

from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_builder import (
    Machine, Node, gpu, host_bridge, nic, root_port, switch)

from ansible_collections.linuxai.node.plugins.module_utils import _fsroot, _topology
from ansible_collections.linuxai.node.plugins.module_utils._fsroot import TopologyRootError


def small(**kw):
    """2 sockets x 2 cores x 2 threads, a GPU and a NIC per socket."""
    kw.setdefault('pci', [
        host_bridge(0x10, 0, root_port(switch(gpu('h100-sxm', label='gpu0'),
                                              nic('cx7-ib', netdev='ib0', rdma='mlx5_0', link_layer='infiniband',
                                                  speed_mbps=400000, label='nic0')))),
        host_bridge(0x80, 1, root_port(gpu('h100-sxm', label='gpu1'))),
    ])
    return Machine(sockets=2, cores_per_socket=2, threads_per_core=2, **kw)


def rel(tree, path):
    return os.path.join(tree.path, path)


def dev_dir(tree, label):
    return os.path.realpath(rel(tree, 'sys/bus/pci/devices/' + tree.labels[label]))


def test_clean_small_machine_has_no_warning(build):
    facts = build(small()).facts
    assert facts['warnings'] == []
    assert facts['summary'] == '2 sockets, 4 cores, 2 NUMA nodes, 2x H100 SXM, 1x ConnectX-7'


def test_missing_cpu_online_file_falls_back_to_topology_dirs(build):
    tree = build(small())
    os.unlink(rel(tree, 'sys/devices/system/cpu/online'))
    facts = tree.facts
    assert facts['cpu']['threads'] == 8 and facts['cpu']['online'] == '0-7'
    assert any('cpu/online' in w for w in facts['warnings'])


def test_malformed_thread_siblings_counts_the_cpu_alone(build):
    tree = build(small())
    with open(rel(tree, 'sys/devices/system/cpu/cpu0/topology/thread_siblings_list'), 'w') as handle:
        handle.write('zero-and-four\n')
    facts = tree.facts
    assert any('cpu0/topology/thread_siblings_list' in w and 'malformed' in w for w in facts['warnings'])
    assert facts['cpu']['threads'] == 8
    # cpu0 now forms a core of its own; its sibling (cpu4) reads its own file and is a core too.
    assert facts['cpu']['cores'] == 5


def test_missing_physical_package_id_warns(build):
    tree = build(small())
    for cpu in range(8):
        os.unlink(rel(tree, 'sys/devices/system/cpu/cpu%d/topology/physical_package_id' % cpu))
    facts = tree.facts
    assert any('physical_package_id' in w for w in facts['warnings'])
    assert facts['cpu']['threads'] == 8


def test_unreadable_local_cpulist_falls_back_to_the_mask(build):
    tree = build(small())
    path = os.path.join(dev_dir(tree, 'gpu1'), 'local_cpulist')
    os.unlink(path)
    os.mkdir(path)  # reading a directory fails with EISDIR, like an unreadable file
    facts = tree.facts
    gpu1 = tree.gpu('gpu1')
    assert gpu1['local_cpus'] == '2-3,6-7'
    assert any('local_cpulist' in w and 'cannot read' in w for w in facts['warnings'])


def test_malformed_numa_node_is_derived_from_local_cpus(build):
    tree = build(small())
    with open(os.path.join(dev_dir(tree, 'gpu1'), 'numa_node'), 'w') as handle:
        handle.write('one\n')
    facts = tree.facts
    gpu1 = tree.gpu('gpu1')
    assert (gpu1['numa_node'], gpu1['numa_source']) == (1, 'local_cpulist')
    assert any('numa_node' in w and 'malformed' in w for w in facts['warnings'])


def test_missing_numa_and_locality_is_assumed_with_a_warning(build):
    tree = build(small())
    d = dev_dir(tree, 'gpu1')
    for name in ('numa_node', 'local_cpulist', 'local_cpus'):
        os.unlink(os.path.join(d, name))
    facts = tree.facts
    gpu1 = tree.gpu('gpu1')
    assert (gpu1['numa_node'], gpu1['numa_source'], gpu1['local_cpus']) == (0, 'assumed', '')
    assert any('neither a NUMA node nor local CPUs' in w for w in facts['warnings'])


def test_malformed_class_skips_the_device(build):
    tree = build(small())
    with open(os.path.join(dev_dir(tree, 'gpu1'), 'class'), 'w') as handle:
        handle.write('display\n')
    facts = tree.facts
    assert [g['bdf'] for g in facts['gpus']] == [tree.labels['gpu0']]
    assert any('malformed class' in w for w in facts['warnings'])


def test_malformed_distance_and_meminfo(build):
    tree = build(small())
    with open(rel(tree, 'sys/devices/system/node/node1/distance'), 'w') as handle:
        handle.write('20 ten\n')
    with open(rel(tree, 'sys/devices/system/node/node1/meminfo'), 'w') as handle:
        handle.write('nothing useful\n')
    facts = tree.facts
    node1 = facts['numa'][1]
    assert node1['distances'] == {} and node1['memory_mb'] == 0 and node1['cpus'] == '2-3,6-7'
    assert len([w for w in facts['warnings'] if 'node1' in w]) == 2


def test_wrong_number_of_distances(build):
    tree = build(small())
    with open(rel(tree, 'sys/devices/system/node/node0/distance'), 'w') as handle:
        handle.write('10 20 30\n')
    facts = tree.facts
    assert facts['numa'][0]['distances'] == {}
    assert any('3 values for 2 nodes' in w for w in facts['warnings'])


def test_no_numa_directory_means_one_node_from_meminfo(build):
    tree = build(small(numa=[Node(0, 8192, cpus=list(range(8)))]))
    shutil.rmtree(rel(tree, 'sys/devices/system/node'))
    facts = tree.facts
    assert [(n['id'], n['cpus'], n['memory_mb'], n['distances']) for n in facts['numa']] == [(0, '0-7', 8192, {'0': 10})]
    assert facts['numa'][0]['hugepages']['2048'] == {'total': 0, 'free': 0}
    assert facts['warnings'] == []


def test_missing_cpuinfo(build):
    tree = build(small())
    os.unlink(rel(tree, 'proc/cpuinfo'))
    facts = tree.facts
    assert (facts['cpu']['model'], facts['cpu']['architecture']) == ('unknown', 'unknown')
    assert any('/proc/cpuinfo' in w for w in facts['warnings'])


def test_kernel_arch_file_wins_for_captured_trees(build):
    tree = build(small())
    os.makedirs(rel(tree, 'proc/sys/kernel'))
    with open(rel(tree, 'proc/sys/kernel/arch'), 'w') as handle:
        handle.write('x86_64\n')
    os.unlink(rel(tree, 'proc/cpuinfo'))
    assert tree.facts['cpu']['architecture'] == 'x86_64'


def test_smt_control_states(build):
    tree = build(small(smt_control='forceoff'))
    assert tree.facts['cpu']['smt'] == 'off'
    tree = build(small(smt_control='bogus'))
    facts = tree.facts
    assert facts['cpu']['smt'] == 'on' and any('smt/control' in w for w in facts['warnings'])
    tree = build(small(smt_control=None))
    assert tree.facts['cpu']['smt'] == 'on'


def test_pci_links_that_are_directories(build):
    """A copy of sysfs made without symlinks: no PCI path, distances fall back to NUMA nodes."""
    tree = build(small())
    link = rel(tree, 'sys/bus/pci/devices/' + tree.labels['gpu0'])
    target = os.path.realpath(link)
    os.unlink(link)
    shutil.copytree(target, link, symlinks=True)
    facts = tree.facts
    assert tree.gpu('gpu0')['nearest_nics'][0]['distance'] == 'NODE'
    assert tree.gpu('gpu0')['numa_node'] == 0


def test_dangling_class_links_are_ignored(build):
    tree = build(small())
    os.symlink('../../devices/pci0000:99/0000:99:00.0/net/ghost', rel(tree, 'sys/class/net/ghost'))
    os.symlink('../../devices/virtual/net/veth0', rel(tree, 'sys/class/net/veth0'))
    facts = tree.facts
    assert [n['netdev'] for n in facts['nics']] == ['ib0']
    assert facts['warnings'] == []


def test_drivers_vfio_and_none(build):
    tree = build(Machine(pci=[host_bridge(0, 0,
                                          root_port(gpu('h100-pcie', label='a', driver='vfio-pci')),
                                          root_port(gpu('h100-pcie', label='b', driver='none')),
                                          root_port(gpu('nvidia-unknown', label='c')))]))
    assert tree.gpu('a')['driver'] == 'vfio-pci'
    assert tree.gpu('b')['driver'] == 'none'
    c = tree.gpu('c')
    assert (c['name'], c['short_name'], c['architecture']) == ('nvidia GPU 10de:9999', '10de:9999', 'unknown')


def test_other_vendor_accelerator(build):
    tree = build(Machine(pci=[host_bridge(0, 0, root_port(gpu('gaudi2', label='g')))]))
    g = tree.gpu('g')
    assert (g['vendor'], g['name'], g['index']) == ('other', 'Habana Labs Gaudi2', 0)


def test_sriov_virtual_functions_are_not_nics(build):
    vf_nic = nic('cx7-eth', netdev='ens1', rdma='mlx5_0', vfs=4, speed_mbps=100000)
    tree = build(Machine(pci=[host_bridge(0, 0, root_port(vf_nic))]))
    facts = tree.facts
    assert [n['netdev'] for n in facts['nics']] == ['ens1']


def test_link_down_speed_is_null(build):
    tree = build(Machine(pci=[host_bridge(0, 0, root_port(nic('i210', netdev='eno1', label='n')))]))
    assert tree.nic('n')['speed_mbps'] is None
    assert tree.facts['warnings'] == []


def test_thousands_of_pci_devices_read_class_once_each(build):
    """3000 more PCI functions: each one's class is read, nothing else of the uninteresting ones."""
    tree = build(small())
    # Only the class of these is ever read, so write just that (the builder would take seconds).
    for domain in range(12):
        for bus in range(256):
            bdf = '%04x:%02x:00.0' % (0x100 + domain, bus)
            path = 'sys/devices/pci%04x:00/%s' % (0x100 + domain, bdf)
            os.makedirs(rel(tree, path))
            with open(rel(tree, path + '/class'), 'w') as handle:
                handle.write('0x058000\n')
            os.symlink('../../../devices/pci%04x:00/%s' % (0x100 + domain, bdf), rel(tree, 'sys/bus/pci/devices/' + bdf))
    reader = _fsroot.TreeReader(tree.path)
    reads = []
    original = reader.read_bytes

    def counting(path, **kw):
        reads.append(path)
        return original(path, **kw)
    reader.read_bytes = counting
    facts = _topology.probe_tree(reader, live=False)
    devices = os.listdir(rel(tree, 'sys/bus/pci/devices'))
    assert len(devices) > 3000
    assert len([r for r in reads if r.endswith('/class')]) == len(devices)
    extra = [r for r in reads if r.startswith('sys/devices/pci01') or r.startswith('sys/bus/pci/devices/01')]
    assert all(r.endswith('/class') for r in extra)
    assert facts['summary'] == '2 sockets, 4 cores, 2 NUMA nodes, 2x H100 SXM, 1x ConnectX-7'
    assert reader.warnings == []


def test_empty_tree_gives_an_empty_but_valid_answer(tmp_path):
    (tmp_path / 'sys').mkdir()
    facts = _topology.probe(str(tmp_path))
    assert facts['cpu']['threads'] == 0 and facts['gpus'] == [] and facts['nics'] == []
    assert facts['numa'][0]['id'] == 0
    assert facts['warnings']


def test_root_errors(tmp_path):
    with pytest.raises(TopologyRootError, match='does not exist'):
        _topology.probe(str(tmp_path / 'missing'))
    with pytest.raises(TopologyRootError, match='holds no sys/'):
        _topology.probe(str(tmp_path))
    not_tar = tmp_path / 'notes.txt'
    not_tar.write_text('hello')
    with pytest.raises(TopologyRootError, match='not a directory or a tar archive'):
        _topology.probe(str(not_tar))
    bad_tar = tmp_path / 'broken.tar.gz'
    bad_tar.write_bytes(b'\x1f\x8b\x08garbage')
    with pytest.raises(TopologyRootError, match='broken.tar.gz'):
        _topology.probe(str(bad_tar))


def test_warnings_are_not_repeated(build):
    tree = build(small())
    reader = _fsroot.TreeReader(tree.path)
    reader.warn('same')
    reader.warn('same')
    assert reader.warnings == ['same']
