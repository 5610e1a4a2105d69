# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gres.conf Cores= against slurmctld's socket-boundary check, and Links= against gpu_nvml's NVLink counts.

Every fixture machine, and SNC/NPS shapes with several NUMA nodes per socket, is rendered for each Slurm
version, and each Cores= written goes through the check as that version's slurmctld runs it.
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _fsroot, _slurm, _topology
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import fake_gpu_libs as fakes
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import topology_builder, topology_machines
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_builder import (
    Machine, Node, endpoint, gpu, host_bridge, root_port, switch)

GIB = 1024


def _cores(text):
    """A Cores= value as a set of ids (Slurm's bit_unfmt)."""
    ids = set()
    for part in text.split(','):
        first, dummy, last = part.partition('-')
        ids.update(range(int(first), int(last or first) + 1))
    return ids


def slurmctld_accepts(cores, sockets, cores_per_socket, version):
    """Whether slurmctld ``version`` takes a GPU's Cores= (None: no Cores=) on a node of that shape.

    _check_core_range_matches_sock of src/interfaces/gres.c as tagged (SchedMD/slurm): absent before
    slurm-24-11-0-0rc1; from it (b886b6e82f) a socket is untouched or whole; from slurm-25-11-0-0rc1
    (06fa614909, f0f6916b28) every core, else exactly one whole socket.
    """
    if cores is None:  # _foreach_rebuild_topo_no_cpus: every core, no affinity
        return True
    core_cnt = sockets * cores_per_socket
    bits = _cores(cores)
    if max(bits) >= core_cnt:  # bit_unfmt into a bitmap of core_cnt bits fails
        return False
    if version < (24, 11):
        return True
    total = len(bits)
    if version >= (25, 11) and total == core_cnt:
        return True
    for i in range(sockets):
        count = len([b for b in bits if i * cores_per_socket <= b < (i + 1) * cores_per_socket])
        if version >= (25, 11):
            if count and not (count == cores_per_socket and count == total):
                return False
        elif count and count != cores_per_socket:
            return False
    return True


def _distances(nodes, per_socket, near=12, far=21):
    return [[10 if n == o else (near if n // per_socket == o // per_socket else far) for o in range(nodes)]
            for n in range(nodes)]


def snc4_hgx():
    """2-socket Sapphire Rapids in SNC4 (4 NUMA nodes per socket, 4 cores each), 8x H100 SXM, one per node, NVSwitches."""
    dist = _distances(8, 4)
    nodes = [Node(n, 128 * GIB, cpus=[t * 32 + (n // 4) * 16 + (n % 4) * 4 + k for t in (0, 1) for k in range(4)],
                  distances=dist[n]) for n in range(8)]
    pci = [host_bridge(0x05, 0, root_port(switch(*[endpoint('h100-nvswitch') for _switch in range(4)])))]
    pci += [host_bridge(0x10 + 0x20 * k, k, root_port(gpu('h100-sxm'))) for k in range(8)]
    return Machine(sockets=2, cores_per_socket=16, threads_per_core=2, numa=nodes, pci=pci)


def nps4_mi300x():
    """2-socket EPYC Genoa in NPS4 (4 NUMA nodes per socket, 6 cores each), 8x MI300X, one per node."""
    dist = _distances(8, 4)
    nodes = [Node(n, 96 * GIB, cpus=[t * 48 + (n // 4) * 24 + (n % 4) * 6 + k for t in (0, 1) for k in range(6)],
                  distances=dist[n]) for n in range(8)]
    return Machine(vendor='AuthenticAMD', model='AMD EPYC 9454 48-Core Processor', sockets=2, cores_per_socket=24,
                   threads_per_core=2, numa=nodes,
                   pci=[host_bridge(0x10 + 0x20 * k, k, root_port(gpu('mi300x'))) for k in range(8)])


def nps2_one_socket():
    """1-socket EPYC in NPS2 with an H100 PCIe on each half."""
    nodes = [Node(n, 128 * GIB, cpus=[t * 16 + n * 8 + k for t in (0, 1) for k in range(8)], distances=_distances(2, 2)[n])
             for n in range(2)]
    return Machine(vendor='AuthenticAMD', model='AMD EPYC 9124 16-Core Processor', sockets=1, cores_per_socket=16,
                   threads_per_core=2, numa=nodes,
                   pci=[host_bridge(0x00, 0, root_port(gpu('h100-pcie'))), host_bridge(0x80, 1, root_port(gpu('h100-pcie')))])


def vm_nodes_span_sockets():
    """KVM guest with 4 virtual sockets of 4 cores and 2 NUMA nodes of 2 sockets each, a GPU on each node."""
    nodes = [Node(n, 32 * GIB, cpus=list(range(n * 8, n * 8 + 8)), distances=_distances(2, 1)[n]) for n in range(2)]
    return Machine(model='Intel Xeon Processor (SapphireRapids)', sockets=4, cores_per_socket=4, threads_per_core=1,
                   smt_control='notsupported', numa=nodes,
                   pci=[host_bridge(0x00, 0, root_port(gpu('h100-pcie'), preset='qemu-root-port')),
                        host_bridge(0x80, 1, root_port(gpu('h100-pcie'), preset='qemu-root-port'))])


SHAPES = {'snc4_hgx': snc4_hgx, 'nps4_mi300x': nps4_mi300x, 'nps2_one_socket': nps2_one_socket,
          'vm_nodes_span_sockets': vm_nodes_span_sockets}
MACHINES = sorted(topology_machines.MACHINES) + sorted(SHAPES)
# Debian 12, Ubuntu 24.04, the last release without the check, the first with each rule, later ones, and none given.
VERSIONS = ['slurm-wlm 22.05.8', '23.11.4', '24.05.8', '24.11.0', 'slurm 24.11.5', '25.05.3', '25.11.0', '26.05.1', None]
# (major, minor) of each, as slurmctld compares releases; None (no version given) is checked against the strictest rule.
RELEASE = {'slurm-wlm 22.05.8': (22, 5), '23.11.4': (23, 11), '24.05.8': (24, 5), '24.11.0': (24, 11), 'slurm 24.11.5': (24, 11),
           '25.05.3': (25, 5), '25.11.0': (25, 11), '26.05.1': (26, 5), None: None}
STRICTEST = (25, 11)
# Sockets and CoresPerSocket as slurmd -C (hwloc 2: packages, online cores / packages, floored) reports them
# for each machine, from the fixture's definition: the shape slurmctld checks Cores= against.
SLURMD_SHAPE = {
    'amd_compute_units': (2, 16),  # 8 compute units x 2 cores: the kernel gives each core its own core_id
    'ampere_altra': (1, 80),  # physical_package_id -1 on every CPU: one package
    'arm_clusters': (2, 16),
    'grace_hopper': (1, 72),
    'hgx_h100': (2, 56),
    'mask_only': (2, 4),
    'mi300x': (2, 48),
    'multi_die': (2, 8),  # 2 dies of 4 cores per package; the dies are no Slurm sockets
    'no_gpu': (1, 8),
    'no_package_id': (2, 32),
    'node_cpus_offline': (2, 12),  # node 3 (cores 8-15 of socket 1) offline: 24 online cores / 2
    'offline_middle': (2, 11),  # cores 4 and 5 of socket 0 offline: 22 online cores / 2
    'power9_sparse': (2, 4),  # SMT4 cores in SMT2 mode: still 4 cores a socket
    'smt_off': (2, 16),
    'vm_numa_minus1': (2, 8),
    'workstation': (1, 28),
    'nps2_one_socket': (1, 16),
    'nps4_mi300x': (2, 24),
    'snc4_hgx': (2, 16),
    'vm_nodes_span_sockets': (4, 4),
}


@pytest.fixture(scope='module')
def topologies(machine_tree, tmp_path_factory):
    """name -> topology facts, for the fixture machines and the shapes above."""
    cache = {}

    def get(name):
        if name not in cache:
            if name in SHAPES:
                path = str(tmp_path_factory.mktemp(name))
                topology_builder.write(SHAPES[name](), path)
                cache[name] = _topology.probe(path)
            else:
                cache[name] = machine_tree(name).facts
        return cache[name]
    return get


def _node_shape(topology):
    line = _slurm.slurm_node(topology, 'n1', memory_mb=65536)['line']
    return int(re.search(r' Sockets=(\d+)', line).group(1)), int(re.search(r' CoresPerSocket=(\d+)', line).group(1))


def _gpu_lines(text):
    return [line for line in text.splitlines() if line.startswith('Name=gpu ')]


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('name', MACHINES)
def test_every_generated_cores_passes_that_versions_socket_check(topologies, name, version):
    topology = topologies(name)
    sockets, per_socket = SLURMD_SHAPE[name]
    assert _node_shape(topology) == (sockets, per_socket), 'the NodeName line gives slurmd -C\'s shape'
    wanted = RELEASE[version] or STRICTEST
    entries = _slurm.slurm_gres(topology, slurm_version=version)
    lines = _gpu_lines(_slurm.slurm_gres_conf(topology, slurm_version=version))
    assert len(lines) == len(entries)
    for line, entry in zip(lines, entries):
        found = re.search(r' Cores=(\S+)', line)
        cores = found.group(1) if found else None
        assert cores == entry['cores'], line
        assert slurmctld_accepts(cores, sockets, per_socket, wanted), '%s, Slurm %s: %s' % (name, version, line)
        near = _cores(entry['near_cores'])
        if cores is None:
            # Only where no allowed Cores= covers the GPU's cores: some, not all, of several sockets.
            touched = set(c // per_socket for c in near)
            assert wanted >= (25, 11) and 1 < len(touched) < sockets, line
        else:
            assert near <= _cores(cores), 'the GPU keeps its nearest cores: %s' % line
            if wanted < (24, 11):
                assert cores == entry['near_cores'], 'no check, no widening: %s' % line


@pytest.mark.parametrize('version', ['24.11.0', '25.05.3', '25.11.0'])
@pytest.mark.parametrize('name', ['snc4_hgx', 'nps4_mi300x', 'nps2_one_socket', 'multi_die', 'node_cpus_offline'])
def test_numa_node_cores_split_a_socket_and_are_widened(topologies, name, version):
    """Shapes with NUMA nodes smaller than a socket: the NUMA-node cores alone fail the check."""
    topology = topologies(name)
    sockets, per_socket = SLURMD_SHAPE[name]
    assert _node_shape(topology) == (sockets, per_socket)
    entries = _slurm.slurm_gres(topology, slurm_version=version)
    assert entries and all(not slurmctld_accepts(e['near_cores'], sockets, per_socket, RELEASE[version]) for e in entries)
    for e in entries:
        socket = min(_cores(e['near_cores'])) // per_socket
        assert _cores(e['cores']) == set(range(socket * per_socket, (socket + 1) * per_socket))


def test_snc4_lines_per_version(topologies):
    topology = topologies('snc4_hgx')
    old = _gpu_lines(_slurm.slurm_gres_conf(topology, slurm_version='22.05.8'))
    assert [re.search(r'Cores=(\S+)', line).group(1) for line in old] == ['0-3', '4-7', '8-11', '12-15',
                                                                          '16-19', '20-23', '24-27', '28-31']
    new = _slurm.slurm_gres_conf(topology, slurm_version='24.11.5')
    assert [re.search(r'Cores=(\S+)', line).group(1) for line in _gpu_lines(new)] == ['0-15'] * 4 + ['16-31'] * 4
    assert '# Cores: Slurm 24.11: whole sockets' in new
    assert '# Cores: Slurm version unknown, its strictest rule: one whole socket' in _slurm.slurm_gres_conf(topology)


def test_nodes_spanning_sockets_by_version(topologies):
    """A NUMA node of two of four sockets: as it is until 25.05 (two whole sockets), no Cores= from 25.11."""
    topology = topologies('vm_nodes_span_sockets')
    assert _node_shape(topology) == (4, 4)
    assert [e['near_cores'] for e in _slurm.slurm_gres(topology)] == ['0-7', '8-15']
    assert [e['cores'] for e in _slurm.slurm_gres(topology, slurm_version='25.05.3')] == ['0-7', '8-15']
    assert [e['cores'] for e in _slurm.slurm_gres(topology, slurm_version='25.11.0')] == [None, None]
    assert _gpu_lines(_slurm.slurm_gres_conf(topology, slurm_version='25.11.0')) == [
        'Name=gpu Type=h100 File=/dev/nvidia0', 'Name=gpu Type=h100 File=/dev/nvidia1']


def test_cores_of_two_sockets_become_every_core(topologies):
    """offline_middle's second GPU is near core 10, which the NodeName line (CoresPerSocket=11) puts in socket 0."""
    topology = topologies('offline_middle')
    assert _node_shape(topology) == (2, 11)
    assert [e['near_cores'] for e in _slurm.slurm_gres(topology)] == ['0-9', '10-21']
    assert [e['cores'] for e in _slurm.slurm_gres(topology, slurm_version='24.11.0')] == ['0-10', '0-21']
    assert [e['cores'] for e in _slurm.slurm_gres(topology, slurm_version='25.11.0')] == ['0-10', '0-21']


def test_the_check_rejects_what_each_version_rejects():
    # Socket 1 is cores 8-15 on a 4x8 node.
    assert slurmctld_accepts('8-11', 4, 8, (24, 5)) and not slurmctld_accepts('8-11', 4, 8, (24, 11))
    assert slurmctld_accepts('8-23', 4, 8, (25, 5)) and not slurmctld_accepts('8-23', 4, 8, (25, 11))
    assert slurmctld_accepts('0-31', 4, 8, (25, 11)) and slurmctld_accepts('8-15', 4, 8, (25, 11))
    assert not slurmctld_accepts('0-32', 4, 8, (22, 5))


@pytest.mark.parametrize('cores, sockets, rule, expected', [
    ('8-11', 4, 'any', '8-11'),
    ('8-11', 4, 'whole_sockets', '8-15'),
    ('7-8', 4, 'whole_sockets', '0-15'),
    ('7-8', 4, 'one_socket', None),
    ('3,30', 4, 'one_socket', None),
    ('3,12', 2, 'one_socket', '0-15'),  # both of two sockets: every core
    ('0-31', 4, 'one_socket', '0-31'),
    ('8-15', 4, 'one_socket', '8-15'),
    ('30-33', 4, 'one_socket', '24-31'),  # 32, 33: past the NodeName line's 4x8 cores
    ('32-33', 4, 'whole_sockets', None),
])
def test_socket_cores(cores, sockets, rule, expected):
    assert _slurm.socket_cores(cores, sockets, 8, rule) == expected


@pytest.mark.parametrize('value, expected', [
    ('slurm-wlm 22.05.8', ((22, 5), 'any')),
    ('slurm 24.05.8', ((24, 5), 'any')),
    ('24.11.0-0rc1', ((24, 11), 'whole_sockets')),
    ('25.05.3', ((25, 5), 'whole_sockets')),
    ('25.11', ((25, 11), 'one_socket')),
    ('26.05.1', ((26, 5), 'one_socket')),
    (24.11, ((24, 11), 'whole_sockets')),
    ('', (None, 'one_socket')),
    (None, (None, 'one_socket')),
])
def test_versions_and_their_rules(value, expected):
    assert (_slurm.parse_slurm_version(value), _slurm.cores_rule(value)) == expected


def test_a_version_that_is_none_is_an_error():
    with pytest.raises(ValueError, match='slurm_version: expected a Slurm version'):
        _slurm.cores_rule('latest')


# -- Links= ---------------------------------------------------------------------------------


def _nvml_bus(bdf):
    return '0000' + bdf.upper()


def _live_facts(tree, gpus):
    reader = _fsroot.TreeReader(tree.path)
    return _topology.probe_tree(reader, live=True, nvml_module=fakes.fake_pynvml(gpus))


def slurm_nvml_links(gpus):
    """Links= as gpu_nvml.c's _nvml_get_nvlink_info builds it from the same NVML answers: per GPU (NVML index,
    PCI bus order), -1 for itself, +1 for every active NVLink whose remote PCI bus id is another GPU's."""
    lut = [g.bus_id for g in gpus]
    rows = []
    for index, g in enumerate(gpus):
        row = [0] * len(gpus)
        row[index] = -1
        for remote, _kind in g.links:
            k = lut.index(remote) if remote in lut else -1
            if k not in (index, -1):
                row[k] += 1
        rows.append(row)
    return rows


def test_a_bridged_pair_gets_slurms_nvlink_counts(machine_tree):
    tree = machine_tree('workstation')
    a, b = _nvml_bus(tree.labels['gpu0']), _nvml_bus(tree.labels['gpu1'])
    gpus = [fakes.FakeGpu(a, name='NVIDIA RTX 6000 Ada Generation', cc=(8, 9), links=[(b, 0)] * 4),
            fakes.FakeGpu(b, name='NVIDIA RTX 6000 Ada Generation', cc=(8, 9), links=[(a, 0)] * 4)]
    facts = _live_facts(tree, gpus)
    entries = _slurm.slurm_gres(facts)
    assert [e['links'] for e in entries] == slurm_nvml_links(gpus) == [[-1, 4], [4, -1]]
    assert 'Links=-1,4' in _slurm.slurm_gres_conf(facts)


def _four_gpus(build):
    tree = build(Machine(sockets=1, cores_per_socket=8,
                         pci=[host_bridge(0x10 * (k + 1), 0, root_port(gpu('a100-pcie', label='g%d' % k))) for k in range(4)]))
    return tree, [_nvml_bus(tree.labels['g%d' % k]) for k in range(4)]


def test_a_mesh_gets_slurms_nvlink_count_per_peer(build):
    """Four GPUs, two links to the next one and one to the one after: the facts count the links to each peer
    (nvlink.peer_links), so Links= is what Slurm's AutoDetect=nvml writes."""
    tree, bus = _four_gpus(build)
    gpus = [fakes.FakeGpu(bus[k], name='NVIDIA A100 80GB PCIe', cc=(8, 0),
                          links=[(bus[(k + 1) % 4], 0)] * 2 + [(bus[(k + 2) % 4], 0)]) for k in range(4)]
    slurm = slurm_nvml_links(gpus)
    ours = [e['links'] for e in _slurm.slurm_gres(_live_facts(tree, gpus))]
    # GPU k: -1 itself, 2 to k+1, 1 to k+2, none to k+3 (indices mod 4).
    assert slurm == [[-1, 2, 1, 0], [0, -1, 2, 1], [1, 0, -1, 2], [2, 1, 0, -1]]
    assert ours == slurm


def test_two_links_to_one_peer_and_four_to_another(build):
    """GPU A: 2 NVLinks to B and 4 to C, interleaved; B and C have theirs back to A, none to each other."""
    tree, bus = _four_gpus(build)
    a, b, c, d = bus
    gpus = [fakes.FakeGpu(a, name='NVIDIA A100 80GB PCIe', cc=(8, 0), links=[(b, 0), (c, 0), (c, 0), (b, 0), (c, 0), (c, 0)]),
            fakes.FakeGpu(b, name='NVIDIA A100 80GB PCIe', cc=(8, 0), links=[(a, 0)] * 2),
            fakes.FakeGpu(c, name='NVIDIA A100 80GB PCIe', cc=(8, 0), links=[(a, 0)] * 4),
            fakes.FakeGpu(d, name='NVIDIA A100 80GB PCIe', cc=(8, 0))]
    facts = _live_facts(tree, gpus)
    entries = _slurm.slurm_gres(facts)
    assert [e['links'] for e in entries] == slurm_nvml_links(gpus) == [
        [-1, 2, 4, 0], [2, -1, 0, 0], [4, 0, -1, 0], [0, 0, 0, -1]]
    assert set(e['links_source'] for e in entries) == {'nvlink_peers'}
    text = _slurm.slurm_gres_conf(facts)
    assert 'Links=-1,2,4,0' in text and 'Links=4,0,-1,0' in text
    assert '# Links: from the NVLink/XGMI peers NVML/amdsmi reported (the number of NVLinks to a directly linked GPU;' in text


def test_facts_without_peer_links_count_only_a_bridged_pair(build, machine_tree):
    """Facts from before peer_links (or where it is lost): 1 per peer, the link count only where all of a GPU's
    links go to its one peer."""
    tree, bus = _four_gpus(build)
    gpus = [fakes.FakeGpu(bus[k], name='NVIDIA A100 80GB PCIe', cc=(8, 0),
                          links=[(bus[(k + 1) % 4], 0)] * 2 + [(bus[(k + 2) % 4], 0)]) for k in range(4)]
    facts = _live_facts(tree, gpus)
    for g in facts['gpus']:
        del g['nvlink']['peer_links']
    # The mesh above with every peer 1: GPU k is linked to k+1 and k+2 (mod 4).
    assert [e['links'] for e in _slurm.slurm_gres(facts)] == [[-1, 1, 1, 0], [0, -1, 1, 1], [1, 0, -1, 1], [1, 1, 0, -1]]
    tree = machine_tree('workstation')
    a, b = _nvml_bus(tree.labels['gpu0']), _nvml_bus(tree.labels['gpu1'])
    pair = [fakes.FakeGpu(a, name='NVIDIA RTX 6000 Ada Generation', cc=(8, 9), links=[(b, 0)] * 4),
            fakes.FakeGpu(b, name='NVIDIA RTX 6000 Ada Generation', cc=(8, 9), links=[(a, 0)] * 3)]
    facts = _live_facts(tree, pair)
    for g in facts['gpus']:
        del g['nvlink']['peer_links']
    assert [e['links'] for e in _slurm.slurm_gres(facts)] == [[-1, 4], [3, -1]]


def test_direct_links_count_and_nvswitch_peers_get_1(machine_tree):
    """HGX: 18 NVLinks per GPU to the 4 NVSwitches, except GPUs 0 and 1, also joined by 2 direct links. The
    direct peer gets its count; GPUs reached only through the switches 1 (Slurm: 0, the links end at a switch)."""
    tree = machine_tree('hgx_h100')
    switches = [_nvml_bus(tree.labels['nvswitch%d' % k]) for k in range(4)]
    bus = [_nvml_bus(tree.labels['gpu%d' % k]) for k in range(8)]
    gpus = []
    for k in range(8):
        direct = [(bus[1 - k], 0)] * 2 if k < 2 else []
        gpus.append(fakes.FakeGpu(bus[k], links=direct + [(switches[n % 4], 2) for n in range(18 - len(direct))]))
    entries = _slurm.slurm_gres(_live_facts(tree, gpus))
    assert entries[0]['links'] == [-1, 2, 1, 1, 1, 1, 1, 1]
    assert entries[1]['links'] == [2, -1, 1, 1, 1, 1, 1, 1]
    assert entries[5]['links'] == [1, 1, 1, 1, 1, -1, 1, 1]
    assert slurm_nvml_links(gpus)[0] == [-1, 2, 0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize('peer_links', [None, {}])
def test_nvswitch_peers_count_1(machine_facts, peer_links):
    """Through NVSwitches a GPU reaches every other one with all its links: 1 each, as before NVML named them,
    with or without (facts of an older release) peer_links."""
    topo = machine_facts('hgx_h100')
    for g in topo['gpus']:
        g['nvlink'] = {'active_links': 18, 'switches': [topo['nvswitches']['bdfs'][0]]}
        if peer_links is not None:
            g['nvlink']['peer_links'] = peer_links
        g['nvlink_peers'] = [o['bdf'] for o in topo['gpus'] if o is not g]
    assert _slurm.slurm_gres(topo)[2]['links'] == [1, 1, -1, 1, 1, 1, 1, 1]
