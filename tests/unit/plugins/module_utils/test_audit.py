# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit report: how recorded changes are filed by layer, and the node and fleet statuses."""

from __future__ import annotations

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _audit


def change(host='n1', **fields):
    return dict({'kind': 'change', 'host': host, 'role': 'linuxai.node.kernel_tuning', 'task': 'Write it',
                 'action': 'ansible.builtin.template'}, **fields)


@pytest.mark.parametrize('record, category', [
    (change(path='/etc/sysctl.d/90-linuxai-node.conf'), 'sysctls'),
    (change(path='/etc/default/grub.d/linuxai-node.cfg'), 'kernel arguments'),
    (change(path='/etc/security/limits.d/90-linuxai-node.conf'), 'limits'),
    (change(path='/etc/apt/sources.list.d/linuxai-nvidia-cuda.sources', role='linuxai.node.common'), 'repositories'),
    (change(path='/etc/yum.repos.d/docker.repo', role='linuxai.node.container_runtime'), 'repositories'),
    (change(path='/etc/docker/daemon.json', role='linuxai.node.container_runtime'), 'container runtime configuration'),
    (change(path='/etc/cdi/nvidia.yaml'), 'container runtime configuration'),
    (change(path='/etc/slurm/gres.conf', role='linuxai.node.slurm_node'), 'Slurm'),
    (change(path='/var/lib/kubelet/config.yaml'), 'Kubernetes'),
    (change(path='/etc/modprobe.d/linuxai-nvidia.conf', role='linuxai.node.nvidia_driver'), 'driver configuration'),
    (change(path='/usr/local/sbin/linuxai-node-tuning'), 'huge pages, THP, governor and IRQ (boot-time tuning)'),
    (change(role='linuxai.node.nvidia_driver', action='ansible.builtin.dpkg_selections'), 'driver packages and holds'),
    (change(role='linuxai.node.rocm', action='community.general.dnf_versionlock'), 'driver packages and holds'),
    (change(role='linuxai.node.cuda_toolkit', action='ansible.builtin.apt'), 'CUDA and ROCm toolkits'),
    (change(role='linuxai.node.container_runtime', action='ansible.builtin.apt'), 'container runtime configuration'),
    (change(role='linuxai.node.common', action='ansible.builtin.command', file='repositories_apt.yml'), 'repositories'),
    (change(role='linuxai.node.container_runtime', action='ansible.builtin.user'), 'users and groups'),
    (change(role='linuxai.node.slurm_node', action='ansible.builtin.systemd_service'), 'Slurm'),
    (change(role='linuxai.node.validate', action='ansible.builtin.systemd'), 'services'),
    (change(role='', action='ansible.builtin.copy', path='/tmp/x'), 'other'),
])
def test_a_change_is_filed_by_its_path_then_its_module_then_its_role(record, category):
    assert _audit.classify(record) == category


def test_the_path_comes_from_dest_path_or_the_diff_header():
    assert _audit.change_path({'dest': '/etc/a', 'path': '/etc/b'}) == '/etc/a'
    assert _audit.change_path({'path': '/etc/b'}) == '/etc/b'
    assert _audit.change_path({'diff': [{'before_header': '/etc/c', 'after_header': '/tmp/ansible-tmp/sysctl.conf.j2'}]}) == '/etc/c'
    assert _audit.change_path({'diff': {'after_header': '/etc/d'}}) == '/etc/d'
    assert _audit.change_path({'diff': {'after_header': 'dynamically generated'}, 'dest': 3}) == ''
    # A new file from a template in check mode: no destination header, the rendered source in a temporary file.
    rendered = '/root/.ansible/tmp/ansible-local-30981lmgoq9yq/tmp4pt8buvi/irq-policy.sh.j2'
    assert _audit.change_path({'diff': [{'after_header': rendered}], 'item': {'src': 'irq-policy.sh.j2',
                                                                              'dest': '/usr/local/sbin/irq-policy'}}) == '/usr/local/sbin/irq-policy'
    assert _audit.change_path({'diff': [{'after_header': rendered}]}) == ''
    assert _audit.change_path({'diff': [{'before_header': '/etc/default/irqbalance (content)'}]}) == '/etc/default/irqbalance'


def test_diff_lines_show_what_goes_and_what_comes():
    result = {'diff': [{'before': 'vm.swappiness = 10\nkernel.x = 1\n', 'after': 'vm.swappiness = 1\nkernel.x = 1\n'}]}
    assert _audit.diff_lines(result) == ['-vm.swappiness = 10', '+vm.swappiness = 1']
    assert _audit.diff_lines({'diff': {'prepared': 'nvidia-driver-cuda: install -> hold'}}) == ['nvidia-driver-cuda: install -> hold']
    assert _audit.diff_lines({'diff': {'before': {'state': 'absent'}, 'after': {'state': 'file'}}}) == [
        "{'state': 'absent'} -> {'state': 'file'}"]
    many = {'diff': {'before': '', 'after': '\n'.join(str(i) for i in range(50))}}
    assert len(_audit.diff_lines(many, limit=10)) == 11 and _audit.diff_lines(many, limit=10)[-1] == '... (40 more lines)'
    assert _audit.diff_lines({'changed': True}) == []


def test_each_node_gets_its_status_and_the_fleet_counts_them():
    records = [
        change('n1', path='/etc/sysctl.d/90-linuxai-node.conf', diff=['-vm.swappiness = 10', '+vm.swappiness = 1']),
        change('n1', role='linuxai.node.nvidia_driver', action='ansible.builtin.dpkg_selections', item='nvidia-driver-cuda'),
        {'kind': 'handler', 'host': 'n1', 'task': 'linuxai docker config changed'},
        {'kind': 'found', 'host': 'n1', 'what': '/etc/docker/daemon.json keys set by another tool', 'detail': 'debug (kept)'},
        {'kind': 'failed', 'host': 'n3', 'task': 'Check the branch', 'msg': 'refused'},
        {'kind': 'unreachable', 'host': 'n4', 'task': 'Gather', 'msg': 'ssh: connect to host n4 port 22: refused'},
    ]
    report = _audit.audit_report(records, ['n1', 'n2', 'n3', 'n4'])
    assert [report['nodes'][h]['status'] for h in ('n1', 'n2', 'n3', 'n4')] == [
        'would change', 'nothing to change', 'failed', 'unreachable']
    n1 = report['nodes']['n1']
    assert list(n1['changes']) == ['driver packages and holds', 'sysctls']  # the report's order of layers
    assert n1['change_count'] == 2 and n1['handlers'] == ['linuxai docker config changed']
    assert n1['found'] == [{'what': '/etc/docker/daemon.json keys set by another tool', 'detail': 'debug (kept)', 'role': None}]
    assert report['fleet'] == {'nodes': 4, 'would_change': 1, 'nothing_to_change': 1, 'failed': 1, 'unreachable': 1,
                               'categories': {'driver packages and holds': 1, 'sysctls': 1}}
    table = _audit.audit_table(report)
    assert table[0] == 'n1: WOULD CHANGE'
    assert '    Write it: /etc/sysctl.d/90-linuxai-node.conf  [kernel_tuning]' in table
    assert '        +vm.swappiness = 1' in table
    assert '  found, not managed: /etc/docker/daemon.json keys set by another tool - debug (kept)' in table
    assert 'n2: nothing to change' in table
    assert '  FAILED at Check the branch: refused' in table
    assert 'fleet: 4 nodes, 1 would change, 1 nothing to change, 1 failed, 1 unreachable' in table
    assert '        +vm.swappiness = 1' not in _audit.audit_table(report, diff=False)


def test_hosts_only_the_records_name_are_listed_after_the_given_ones():
    report = _audit.audit_report([change('late')], ['n1'])
    assert list(report['nodes']) == ['n1', 'late']
