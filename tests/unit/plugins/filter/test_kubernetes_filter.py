# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kubelet_* filters on the fixture machines of tests/unit/plugins/module_utils/topology."""

from __future__ import annotations

import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter import kubernetes

KUBE = kubernetes.FilterModule().filters()


def test_every_filter_has_its_documentation():
    here = os.path.dirname(kubernetes.__file__)
    assert all(os.path.isfile(os.path.join(here, name + '.yml')) for name in KUBE)
    assert sorted(KUBE) == ['kubelet_config', 'kubelet_reserved_cpus']


def test_kubelet_reserved_cpus(machine_facts):
    assert KUBE['kubelet_reserved_cpus'](machine_facts('hgx_h100')) == '0,56,112,168'
    assert KUBE['kubelet_reserved_cpus'](machine_facts('hgx_h100'), 2) == '0-1,56-57,112-113,168-169'
    # POWER9 with NUMA nodes 0 and 8 and offline SMT threads: the first online core (both threads) of each node.
    assert KUBE['kubelet_reserved_cpus'](machine_facts('power9_sparse')) == '0-1,16-17'
    # Grace Hopper: one CPU node and nine memory-only (HBM) nodes, which get nothing reserved.
    assert KUBE['kubelet_reserved_cpus'](machine_facts('grace_hopper')) == '0'
    with pytest.raises(AnsibleFilterError, match='cores_per_numa_node is at least 1'):
        KUBE['kubelet_reserved_cpus'](machine_facts('hgx_h100'), 0)
    with pytest.raises(AnsibleFilterError, match='would leave none for pods'):
        KUBE['kubelet_reserved_cpus'](machine_facts('hgx_h100'), 56)


def test_kubelet_config(machine_facts):
    config = KUBE['kubelet_config'](machine_facts('hgx_h100'))
    assert config == {
        'apiVersion': 'kubelet.config.k8s.io/v1beta1', 'kind': 'KubeletConfiguration',
        'cpuManagerPolicy': 'static', 'topologyManagerPolicy': 'single-numa-node', 'topologyManagerScope': 'pod',
        'reservedSystemCPUs': '0,56,112,168', 'cpuManagerPolicyOptions': {'full-pcpus-only': 'true'},
    }
    assert KUBE['kubelet_config'](machine_facts('hgx_h100'), reserved_cpus='0-3')['reservedSystemCPUs'] == '0-3'
    assert 'reservedSystemCPUs' not in KUBE['kubelet_config'](machine_facts('hgx_h100'), cpu_manager_policy='none')
    with pytest.raises(AnsibleFilterError, match='not all online'):
        KUBE['kubelet_config'](machine_facts('hgx_h100'), reserved_cpus='0-999')
    with pytest.raises(AnsibleFilterError, match='leaves none for pods'):
        KUBE['kubelet_config'](machine_facts('hgx_h100'), reserved_cpus='0-223')
    with pytest.raises(AnsibleFilterError, match='topology_manager_policy is one of'):
        KUBE['kubelet_config'](machine_facts('hgx_h100'), topology_manager_policy='strict')
