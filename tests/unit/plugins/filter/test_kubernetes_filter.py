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
    assert sorted(KUBE) == ['kubelet_config', 'kubelet_extra_args', 'kubelet_reserved_cpus', 'kubelet_version']


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
    with pytest.raises(AnsibleFilterError, match='kubelet_version: .*older than 1.28'):
        KUBE['kubelet_config'](machine_facts('hgx_h100'), kubelet_version='1.27')


def test_kubelet_config_more_than_8_numa_nodes(machine_facts):
    gh = machine_facts('grace_hopper')
    assert KUBE['kubelet_config'](gh, kubelet_version='1.31')['topologyManagerPolicyOptions'] == {
        'max-allowable-numa-nodes': '10'}
    assert KUBE['kubelet_config'](gh)['topologyManagerPolicyOptions'] == {'max-allowable-numa-nodes': '10'}
    old = KUBE['kubelet_config'](gh, kubelet_version='v1.30.9')
    assert old['topologyManagerPolicy'] == 'none' and 'topologyManagerPolicyOptions' not in old
    # The CPU manager has no NUMA limit: it keeps its policy and reserved CPUs.
    assert old['cpuManagerPolicy'] == 'static' and old['reservedSystemCPUs'] == '0'
    # Exactly 8 NUMA nodes is within the limit.
    gh['numa'] = gh['numa'][:8]
    assert 'topologyManagerPolicyOptions' not in KUBE['kubelet_config'](gh)
    assert KUBE['kubelet_config'](gh, kubelet_version='1.28')['topologyManagerPolicy'] == 'single-numa-node'


def test_kubelet_version():
    assert KUBE['kubelet_version']('1.31') == '1.31'
    assert KUBE['kubelet_version']('v1.31.2') == '1.31'
    assert KUBE['kubelet_version']('v1.36.0+k3s1') == '1.36'
    assert KUBE['kubelet_version']('1.40') == '1.40'
    with pytest.raises(AnsibleFilterError, match=r'is a number: quote the version \("1.30"\)'):
        KUBE['kubelet_version'](1.3)
    with pytest.raises(AnsibleFilterError, match='older than 1.28'):
        KUBE['kubelet_version']('1.27.4')
    for bad in ('2.0', '1', 'latest', '', None, 131):
        with pytest.raises(AnsibleFilterError, match='a Kubernetes version such as'):
            KUBE['kubelet_version'](bad)


DIR = '/etc/kubernetes/kubelet.conf.d'


@pytest.mark.parametrize('before,after', [
    # The Debian and RPM packages ship the variable empty (kubernetes/release cmd/krel/templates/latest/kubelet/kubelet.env).
    ('KUBELET_EXTRA_ARGS=\n', 'KUBELET_EXTRA_ARGS=--config-dir=%s\n' % DIR),
    ('KUBELET_EXTRA_ARGS=--node-ip=10.0.0.5\n', 'KUBELET_EXTRA_ARGS="--node-ip=10.0.0.5 --config-dir=%s"\n' % DIR),
    ("# mine\nKUBELET_EXTRA_ARGS='--node-ip=10.0.0.5  --v=2'\nOTHER=1\n",
     "# mine\nKUBELET_EXTRA_ARGS='--node-ip=10.0.0.5 --v=2 --config-dir=%s'\nOTHER=1\n" % DIR),
    # An earlier --config-dir, in either spelling, is replaced.
    ('KUBELET_EXTRA_ARGS="--config-dir /old --v=2"\n', 'KUBELET_EXTRA_ARGS="--v=2 --config-dir=%s"\n' % DIR),
    ('KUBELET_EXTRA_ARGS="--config-dir=/old"\n', 'KUBELET_EXTRA_ARGS="--config-dir=%s"\n' % DIR),
    # systemd takes the last assignment: that one is edited.
    ('KUBELET_EXTRA_ARGS=--a\nKUBELET_EXTRA_ARGS=--b\n', 'KUBELET_EXTRA_ARGS=--a\nKUBELET_EXTRA_ARGS="--b --config-dir=%s"\n' % DIR),
    ('', 'KUBELET_EXTRA_ARGS=--config-dir=%s\n' % DIR),
    ('# nothing here', '# nothing here\nKUBELET_EXTRA_ARGS=--config-dir=%s\n' % DIR),
])
def test_kubelet_extra_args(before, after):
    assert KUBE['kubelet_extra_args'](before, DIR) == after
    assert KUBE['kubelet_extra_args'](after, DIR) == after


def test_kubelet_extra_args_refuses():
    with pytest.raises(AnsibleFilterError, match='continues on the next line'):
        KUBE['kubelet_extra_args']('KUBELET_EXTRA_ARGS="--a \\\n --b"\n', DIR)
    for bad in ('relative/dir', '/with space', None):
        with pytest.raises(AnsibleFilterError, match='absolute path without spaces'):
            KUBE['kubelet_extra_args']('', bad)
