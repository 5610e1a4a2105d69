# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The slurm_* filters on the fixture machines of tests/unit/plugins/module_utils/topology."""

from __future__ import annotations

import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter import slurm

SLURM = slurm.FilterModule().filters()


def test_every_filter_has_its_documentation():
    here = os.path.dirname(slurm.__file__)
    assert all(os.path.isfile(os.path.join(here, name + '.yml')) for name in SLURM)
    assert sorted(SLURM) == ['slurm_gres', 'slurm_gres_conf', 'slurm_node']


def test_hgx_gres_conf(machine_facts):
    text = SLURM['slurm_gres_conf'](machine_facts('hgx_h100'))
    lines = [line for line in text.splitlines() if line and not line.startswith('#')]
    assert lines[0] == 'AutoDetect=off'
    assert lines[1] == 'Name=gpu Type=h100 File=/dev/nvidia0 Cores=0-55 Links=-1,1,1,1,1,1,1,1'
    assert lines[8] == 'Name=gpu Type=h100 File=/dev/nvidia7 Cores=56-111 Links=1,1,1,1,1,1,1,-1'
    assert len(lines) == 9
    assert 'NVSwitches' in text and 'all-to-all' in text


def test_hgx_node_line(machine_facts):
    topo = machine_facts('hgx_h100')
    node = SLURM['slurm_node']({'linuxai_topology': topo}, 'gpu-node-17')
    # The fixture's NUMA nodes: 1031 + 1032 GiB = 2063 * 1024 MiB.
    assert node['memory_mb'] == 2112512
    assert node['reserve_mb'] == 32768  # 2 % of 2 TiB is above the 32 GiB cap
    assert node['line'] == ('NodeName=gpu-node-17 CPUs=224 Sockets=2 CoresPerSocket=56 ThreadsPerCore=2 '
                            'RealMemory=2079744 Gres=gpu:h100:8')  # 2112512 - 32768
    node = SLURM['slurm_node'](topo, 'n1', memory_mb=24105, reserve_mb=0, gres_type='hopper')
    assert node['real_memory'] == 24105 and node['line'].endswith('RealMemory=24105 Gres=gpu:hopper:8')


def test_mi300x_render_nodes_and_baseboard_links(machine_facts):
    entries = SLURM['slurm_gres'](machine_facts('mi300x'))
    assert [e['file'] for e in entries] == ['/dev/dri/renderD%d' % n for n in range(128, 136)]
    assert set(e['type'] for e in entries) == {'mi300x'}
    assert [e['cores'] for e in entries] == ['0-47'] * 4 + ['48-95'] * 4
    assert set(e['links_source'] for e in entries) == {'xgmi_baseboard'}
    assert entries[3]['links'] == [1, 1, 1, -1, 1, 1, 1, 1]


def test_links_from_library_peers_win_over_the_switch_rule(machine_facts):
    topo = machine_facts('hgx_h100')
    bdfs = [g['bdf'] for g in topo['gpus']]
    for i, gpu in enumerate(topo['gpus']):  # two NVLink islands of four, as NVML would report them
        gpu['nvlink_peers'] = [b for j, b in enumerate(bdfs) if j // 4 == i // 4 and j != i]
    entries = SLURM['slurm_gres'](topo)
    assert entries[0]['links'] == [-1, 1, 1, 1, 0, 0, 0, 0]
    assert entries[5]['links'] == [0, 0, 0, 0, 1, -1, 1, 1]
    assert entries[0]['links_source'] == 'nvlink_peers'
    assert all(e['links'] is None for e in SLURM['slurm_gres'](topo, links='none'))


def test_links_count_the_nvlinks_to_each_peer(machine_facts):
    """Two NVLink islands of four, as NVML reports them in nvlink.peer_links: GPUs i and j share 2 + (i + j) % 3
    NVLinks. Without peer_links (facts of an older release) each peer counts 1."""
    topo = machine_facts('hgx_h100')
    bdfs = [g['bdf'] for g in topo['gpus']]
    for i, gpu in enumerate(topo['gpus']):
        counts = dict((b, 2 + (i + j) % 3) for j, b in enumerate(bdfs) if j // 4 == i // 4 and j != i)
        gpu['nvlink'] = {'active_links': sum(counts.values()), 'switches': [], 'peer_links': counts}
        gpu['nvlink_peers'] = sorted(counts)
    entries = SLURM['slurm_gres'](topo)
    assert entries[0]['links'] == [-1, 3, 4, 2, 0, 0, 0, 0]
    assert entries[5]['links'] == [0, 0, 0, 0, 2, -1, 4, 2]
    lines = SLURM['slurm_gres_conf'](topo).splitlines()
    assert lines[-8].endswith(' Links=-1,3,4,2,0,0,0,0')
    for gpu in topo['gpus']:
        del gpu['nvlink']['peer_links']
    assert SLURM['slurm_gres'](topo)[0]['links'] == [-1, 1, 1, 1, 0, 0, 0, 0]


def test_a_bridged_pair_without_peer_links_keeps_its_count(machine_facts):
    topo = machine_facts('workstation')
    a, b = [g['bdf'] for g in topo['gpus']]
    topo['gpus'][0].update(nvlink={'active_links': 4, 'switches': []}, nvlink_peers=[b])
    topo['gpus'][1].update(nvlink={'active_links': 4, 'switches': [], 'peer_links': {a: 4}}, nvlink_peers=[a])
    assert [e['links'] for e in SLURM['slurm_gres'](topo)] == [[-1, 4], [4, -1]]


def test_cores_follow_the_slurm_version_given(machine_facts):
    topo = machine_facts('multi_die')  # the GPU's NUMA node is half of socket 1 (cores 8-15)
    assert 'Cores=8-11' in SLURM['slurm_gres_conf'](topo, None, 'auto', 'slurm-wlm 22.05.8')
    assert 'Cores=8-15' in SLURM['slurm_gres_conf'](topo, None, 'auto', '24.11.5')
    assert SLURM['slurm_gres'](topo, slurm_version='25.11.0')[0]['cores'] == '8-15'
    with pytest.raises(AnsibleFilterError, match='slurm_gres_conf: slurm_version: expected a Slurm version'):
        SLURM['slurm_gres_conf'](topo, slurm_version='latest')


def test_workstation_without_links_and_with_a_minor_number(machine_facts):
    topo = machine_facts('workstation')
    topo['gpus'][1]['minor_number'] = 5
    entries = SLURM['slurm_gres'](topo)
    assert [e['type'] for e in entries] == ['rtx_6000_ada', 'rtx_6000_ada']
    assert [e['file'] for e in entries] == ['/dev/nvidia0', '/dev/nvidia5']
    assert all(e['links'] is None for e in entries)
    assert 'Links=' not in SLURM['slurm_gres_conf'](topo)


def test_gpu_less_node(machine_facts):
    topo = machine_facts('no_gpu')
    assert [line for line in SLURM['slurm_gres_conf'](topo).splitlines() if not line.startswith('#')] == ['AutoDetect=off']
    assert 'Gres=' not in SLURM['slurm_node'](topo, 'cpu1')['line']


@pytest.mark.parametrize('args, kwargs, message', [
    (('bad name',), {}, 'node name'),
    (('n1',), {'reserve_mb': -1}, 'reserve_mb'),
    (('n1',), {'memory_mb': 100, 'reserve_mb': 100}, 'reserve_mb'),
])
def test_node_errors_are_filter_errors(machine_facts, args, kwargs, message):
    with pytest.raises(AnsibleFilterError, match='slurm_node: .*' + message):
        SLURM['slurm_node'](machine_facts('hgx_h100'), *args, **kwargs)


def test_gres_errors_are_filter_errors(machine_facts):
    with pytest.raises(AnsibleFilterError, match='slurm_gres: links is one of auto, none'):
        SLURM['slurm_gres'](machine_facts('hgx_h100'), links='full')
    with pytest.raises(AnsibleFilterError, match='slurm_gres_conf: expected'):
        SLURM['slurm_gres_conf']({'gpus': []})
