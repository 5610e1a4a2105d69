# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The slurm_* and kubelet_* filters on the fixture machines of tests/unit/topology."""

from __future__ import annotations

import copy
import os
import sys

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter import kubernetes, slurm
from ansible_collections.linuxai.node.plugins.module_utils import _topology

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'topology'))

import topology_builder  # noqa: E402  pylint: disable=wrong-import-position
import topology_machines  # noqa: E402  pylint: disable=wrong-import-position

SLURM = slurm.FilterModule().filters()
KUBE = kubernetes.FilterModule().filters()


@pytest.fixture(scope='module')
def facts(tmp_path_factory):
    """facts('hgx_h100') -> the probe's answer for that fixture machine, built once per module."""
    cache = {}

    def get(name):
        if name not in cache:
            root = str(tmp_path_factory.mktemp(name))
            topology_builder.write(topology_machines.MACHINES[name](), root)
            cache[name] = _topology.probe(root)
        return copy.deepcopy(cache[name])
    return get


def test_every_filter_has_its_documentation():
    for module, names in ((slurm, SLURM), (kubernetes, KUBE)):
        here = os.path.dirname(module.__file__)
        assert all(os.path.isfile(os.path.join(here, name + '.yml')) for name in names)
    assert sorted(SLURM) == ['slurm_gres', 'slurm_gres_conf', 'slurm_node']
    assert sorted(KUBE) == ['kubelet_config', 'kubelet_reserved_cpus']


def test_hgx_gres_conf(facts):
    text = SLURM['slurm_gres_conf'](facts('hgx_h100'))
    lines = [line for line in text.splitlines() if line and not line.startswith('#')]
    assert lines[0] == 'AutoDetect=off'
    assert lines[1] == 'Name=gpu Type=h100 File=/dev/nvidia0 Cores=0-55 Links=-1,1,1,1,1,1,1,1'
    assert lines[8] == 'Name=gpu Type=h100 File=/dev/nvidia7 Cores=56-111 Links=1,1,1,1,1,1,1,-1'
    assert len(lines) == 9
    assert 'NVSwitches' in text and 'all-to-all' in text


def test_hgx_node_line(facts):
    topo = facts('hgx_h100')
    node = SLURM['slurm_node']({'linuxai_topology': topo}, 'gpu-node-17')
    memory = sum(n['memory_mb'] for n in topo['numa'])
    assert node['memory_mb'] == memory
    assert node['reserve_mb'] == 32768  # 2 % of 2 TiB is above the 32 GiB cap
    assert node['line'] == ('NodeName=gpu-node-17 CPUs=224 Sockets=2 CoresPerSocket=56 ThreadsPerCore=2 '
                            'RealMemory=%d Gres=gpu:h100:8' % (memory - 32768))
    node = SLURM['slurm_node'](topo, 'n1', memory_mb=24105, reserve_mb=0, gres_type='hopper')
    assert node['real_memory'] == 24105 and node['line'].endswith('RealMemory=24105 Gres=gpu:hopper:8')


def test_mi300x_render_nodes_and_baseboard_links(facts):
    entries = SLURM['slurm_gres'](facts('mi300x'))
    assert [e['file'] for e in entries] == ['/dev/dri/renderD%d' % n for n in range(128, 136)]
    assert set(e['type'] for e in entries) == {'mi300x'}
    assert [e['cores'] for e in entries] == ['0-47'] * 4 + ['48-95'] * 4
    assert set(e['links_source'] for e in entries) == {'xgmi_baseboard'}
    assert entries[3]['links'] == [1, 1, 1, -1, 1, 1, 1, 1]


def test_links_from_library_peers_win_over_the_switch_rule(facts):
    topo = facts('hgx_h100')
    bdfs = [g['bdf'] for g in topo['gpus']]
    for i, gpu in enumerate(topo['gpus']):  # two NVLink islands of four, as NVML would report them
        gpu['nvlink_peers'] = [b for j, b in enumerate(bdfs) if j // 4 == i // 4 and j != i]
    entries = SLURM['slurm_gres'](topo)
    assert entries[0]['links'] == [-1, 1, 1, 1, 0, 0, 0, 0]
    assert entries[5]['links'] == [0, 0, 0, 0, 1, -1, 1, 1]
    assert entries[0]['links_source'] == 'nvlink_peers'
    assert all(e['links'] is None for e in SLURM['slurm_gres'](topo, links='none'))


def test_workstation_without_links_and_with_a_minor_number(facts):
    topo = facts('workstation')
    topo['gpus'][1]['minor_number'] = 5
    entries = SLURM['slurm_gres'](topo)
    assert [e['type'] for e in entries] == ['rtx_6000_ada', 'rtx_6000_ada']
    assert [e['file'] for e in entries] == ['/dev/nvidia0', '/dev/nvidia5']
    assert all(e['links'] is None for e in entries)
    assert 'Links=' not in SLURM['slurm_gres_conf'](topo)


def test_gpu_less_node(facts):
    topo = facts('no_gpu')
    assert [line for line in SLURM['slurm_gres_conf'](topo).splitlines() if not line.startswith('#')] == ['AutoDetect=off']
    assert 'Gres=' not in SLURM['slurm_node'](topo, 'cpu1')['line']


@pytest.mark.parametrize('args, kwargs, message', [
    (('bad name',), {}, 'node name'),
    (('n1',), {'reserve_mb': -1}, 'reserve_mb'),
    (('n1',), {'memory_mb': 100, 'reserve_mb': 100}, 'reserve_mb'),
])
def test_node_errors_are_filter_errors(facts, args, kwargs, message):
    with pytest.raises(AnsibleFilterError, match='slurm_node: .*' + message):
        SLURM['slurm_node'](facts('hgx_h100'), *args, **kwargs)


def test_gres_errors_are_filter_errors(facts):
    with pytest.raises(AnsibleFilterError, match='slurm_gres: links is one of auto, none'):
        SLURM['slurm_gres'](facts('hgx_h100'), links='full')
    with pytest.raises(AnsibleFilterError, match='slurm_gres_conf: expected'):
        SLURM['slurm_gres_conf']({'gpus': []})


def test_kubelet_reserved_cpus(facts):
    assert KUBE['kubelet_reserved_cpus'](facts('hgx_h100')) == '0,56,112,168'
    assert KUBE['kubelet_reserved_cpus'](facts('hgx_h100'), 2) == '0-1,56-57,112-113,168-169'
    # POWER9 with NUMA nodes 0 and 8 and offline SMT threads: the first online core (both threads) of each node.
    assert KUBE['kubelet_reserved_cpus'](facts('power9_sparse')) == '0-1,16-17'
    # Grace Hopper: one CPU node and nine memory-only (HBM) nodes, which get nothing reserved.
    assert KUBE['kubelet_reserved_cpus'](facts('grace_hopper')) == '0'
    with pytest.raises(AnsibleFilterError, match='cores_per_numa_node is at least 1'):
        KUBE['kubelet_reserved_cpus'](facts('hgx_h100'), 0)
    with pytest.raises(AnsibleFilterError, match='would leave none for pods'):
        KUBE['kubelet_reserved_cpus'](facts('hgx_h100'), 56)


def test_kubelet_config(facts):
    config = KUBE['kubelet_config'](facts('hgx_h100'))
    assert config == {
        'apiVersion': 'kubelet.config.k8s.io/v1beta1', 'kind': 'KubeletConfiguration',
        'cpuManagerPolicy': 'static', 'topologyManagerPolicy': 'single-numa-node', 'topologyManagerScope': 'pod',
        'reservedSystemCPUs': '0,56,112,168', 'cpuManagerPolicyOptions': {'full-pcpus-only': 'true'},
    }
    assert KUBE['kubelet_config'](facts('hgx_h100'), reserved_cpus='0-3')['reservedSystemCPUs'] == '0-3'
    assert 'reservedSystemCPUs' not in KUBE['kubelet_config'](facts('hgx_h100'), cpu_manager_policy='none')
    with pytest.raises(AnsibleFilterError, match='not all online'):
        KUBE['kubelet_config'](facts('hgx_h100'), reserved_cpus='0-999')
    with pytest.raises(AnsibleFilterError, match='leaves none for pods'):
        KUBE['kubelet_config'](facts('hgx_h100'), reserved_cpus='0-223')
    with pytest.raises(AnsibleFilterError, match='topology_manager_policy is one of'):
        KUBE['kubelet_config'](facts('hgx_h100'), topology_manager_policy='strict')
