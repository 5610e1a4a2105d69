# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kubelet drop-in the kubernetes_node role writes, rendered from its template and loaded as the kubelet
would, is a KubeletConfiguration every supported kubelet takes (kubelet_config_schema.py beside this file)."""

from __future__ import annotations

import os

import jinja2
import pytest
import yaml

from ansible.plugins.filter.core import to_nice_yaml
from ansible_collections.linuxai.node.plugins.module_utils import _kubernetes
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils import kubelet_config_schema as schema

ROLE = os.path.abspath(os.path.join(os.path.dirname(_kubernetes.__file__), '..', '..', 'roles', 'kubernetes_node'))

# Machines with 2 NUMA nodes (SMT, 8 GPUs), sparse NUMA ids 0 and 8 with offline threads, 10 NUMA nodes of which
# 9 without CPUs (GH200), and SMT off.
MACHINES = ['hgx_h100', 'power9_sparse', 'grace_hopper', 'smt_off']
# (topology manager policy, CPU manager policy) of the role's variables.
POLICIES = [('single-numa-node', 'static'), ('best-effort', 'static'), ('restricted', 'none'), ('none', 'static')]


def render(config, minor):
    """The drop-in file as the role's template writes it."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters['to_nice_yaml'] = to_nice_yaml
    with open(os.path.join(ROLE, 'templates', 'kubelet-dropin.conf.j2')) as handle:
        template = environment.from_string(handle.read())
    return template.render(ansible_managed='Ansible managed', kubernetes_node_kubelet_config=config,
                           kubernetes_node_kubelet_config_dir='/etc/kubernetes/kubelet.conf.d',
                           __kubernetes_node_topology={'summary': 'test'}, __kubernetes_node_kubelet_minor=minor)


def drop_in(facts, version, policy='single-numa-node', cpu_policy='static'):
    minor = '%d.%d' % version
    config = _kubernetes.kubelet_config(facts, topology_manager_policy=policy, cpu_manager_policy=cpu_policy,
                                        kubelet_version=minor)
    return yaml.safe_load(render(config, minor))


@pytest.mark.parametrize('machine', MACHINES)
@pytest.mark.parametrize('version', schema.VERSIONS, ids=['%d.%d' % v for v in schema.VERSIONS])
@pytest.mark.parametrize('policy,cpu_policy', POLICIES)
def test_every_supported_kubelet_takes_the_drop_in(machine_facts, machine, version, policy, cpu_policy):
    config = drop_in(machine_facts(machine), version, policy, cpu_policy)
    assert schema.errors(config, version) == []


@pytest.mark.parametrize('version', schema.VERSIONS, ids=['%d.%d' % v for v in schema.VERSIONS])
def test_more_than_8_numa_nodes(machine_facts, version):
    # GH200: 10 NUMA nodes. The topology manager starts with another policy than none only when
    # max-allowable-numa-nodes (1.31 and later) covers them.
    config = drop_in(machine_facts('grace_hopper'), version)
    if version >= (1, 31):
        assert config['topologyManagerPolicy'] == 'single-numa-node'
        assert config['topologyManagerPolicyOptions'] == {'max-allowable-numa-nodes': '10'}
    else:
        assert config['topologyManagerPolicy'] == 'none'
        assert 'topologyManagerPolicyOptions' not in config
    # The policy none needs no option, on any kubelet.
    assert 'topologyManagerPolicyOptions' not in drop_in(machine_facts('grace_hopper'), version, 'none')


@pytest.mark.parametrize('machine', ['hgx_h100', 'power9_sparse'])
def test_up_to_8_numa_nodes_need_no_option(machine_facts, machine):
    for version in schema.VERSIONS:
        assert 'topologyManagerPolicyOptions' not in drop_in(machine_facts(machine), version)


def test_the_check_refuses_unknown_fields_wrong_types_and_newer_fields():
    base = {'apiVersion': 'kubelet.config.k8s.io/v1beta1', 'kind': 'KubeletConfiguration'}
    assert schema.errors(dict(base, cpuManagerPolicy='static'), (1, 28)) == []
    assert schema.errors(dict(base, cpuManagerPolicyy='static'), (1, 28)) == ['cpuManagerPolicyy: unknown field']
    assert schema.errors(dict(base, kind='KubeletConfig'), (1, 28)) == [
        'apiVersion/kind: not a kubelet.config.k8s.io/v1beta1 KubeletConfiguration']
    # Wrong types, as YAML gives them for unquoted values.
    assert schema.errors(dict(base, reservedSystemCPUs=0), (1, 28)) == ['reservedSystemCPUs: a string, not 0']
    assert schema.errors(dict(base, cpuManagerPolicyOptions={'full-pcpus-only': True}), (1, 28)) == [
        'cpuManagerPolicyOptions[full-pcpus-only]: a string, not True']
    assert schema.errors(dict(base, featureGates={'CPUManager': 'true'}), (1, 28)) == [
        "featureGates[CPUManager]: a boolean, not 'true'"]
    assert schema.errors(dict(base, allowedUnsafeSysctls='net.core.somaxconn'), (1, 28)) == [
        "allowedUnsafeSysctls: a list, not 'net.core.somaxconn'"]
    assert schema.errors(dict(base, reservedMemory=[{'numaNode': '0', 'limits': {'memory': '1Gi'}}]), (1, 28)) == [
        "reservedMemory[0].numaNode: an int32, not '0'"]
    assert schema.errors(dict(base, reservedMemory=[{'numaNode': 0, 'limit': {}}]), (1, 28)) == [
        'reservedMemory[0].limit: unknown field']
    # Fields and options newer than the kubelet.
    assert schema.errors(dict(base, containerRuntimeEndpoint='unix:///run/containerd/containerd.sock'), (1, 26)) == [
        'containerRuntimeEndpoint: not in KubeletConfiguration before 1.27']
    assert schema.errors(dict(base, topologyManagerPolicyOptions={}), (1, 25)) == [
        'topologyManagerPolicyOptions: not in KubeletConfiguration before 1.26']
    options = dict(base, topologyManagerPolicyOptions={'max-allowable-numa-nodes': '10'})
    assert schema.errors(options, (1, 31)) == []
    assert schema.errors(options, (1, 30)) == ['topologyManagerPolicyOptions.max-allowable-numa-nodes: not accepted before 1.31']
    assert schema.errors(dict(base, topologyManagerPolicyOptions={'max-allowable-numa-nodes': '4'}), (1, 31)) == [
        "topologyManagerPolicyOptions.max-allowable-numa-nodes: an integer of 8 or more, not '4'"]
    assert schema.errors(dict(base, cpuManagerPolicyOptions={'full-pcpu-only': 'true'}), (1, 36)) == [
        'cpuManagerPolicyOptions.full-pcpu-only: unknown option']


def test_the_table_covers_the_role_versions():
    assert schema.VERSIONS[0] == _kubernetes.KUBELET_OLDEST
    assert schema.VERSIONS[-1] == _kubernetes.KUBELET_NEWEST
    with open(os.path.join(ROLE, 'vars', 'main.yml')) as handle:
        role_vars = yaml.safe_load(handle)
    assert role_vars['__kubernetes_node_newest_kubelet'] == '%d.%d' % _kubernetes.KUBELET_NEWEST
    # The filter's default is the newest kubelet: its drop-in is the one for 1.36.
    newest = _kubernetes.kubelet_config(_gh_like_topology(), kubelet_version='1.36')
    assert _kubernetes.kubelet_config(_gh_like_topology()) == newest


def _gh_like_topology():
    return {'cpu': {'online': '0-3', 'threads_per_core': 1, 'packages': [{'cores': ['0', '1', '2', '3']}]},
            'numa': [{'id': 0, 'cpus': '0-3'}] + [{'id': n, 'cpus': ''} for n in range(1, 10)],
            'gpus': [], 'summary': 'test'}
