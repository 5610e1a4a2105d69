# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/audit.yml with the linuxai.node.audit callback, over a stand-in site.yml on local hosts.

The collection's audit.yml is copied beside a site.yml whose plays change files in a scratch directory, notify
a handler, set a finding, fail on one host and cannot reach another: each case runs the real ansible-playbook.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

import pytest

import ansible_collections.linuxai.node as collection

ROOT = os.path.dirname(os.path.abspath(collection.__file__ if getattr(collection, '__file__', None)
                                       else list(collection.__path__)[0] + '/x'))
COLLECTIONS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(os.path.join(ROOT, 'galaxy.yml')))))

SITE = """---
- name: A layer that would change files
  hosts: nodes
  gather_facts: false
  tasks:
    - name: Write the tuning file
      ansible.builtin.copy:
        content: "vm.swappiness = 1\\n"
        dest: "{{ scratch }}/{{ inventory_hostname }}.conf"
        mode: "0644"
      notify: Reload the tuning
    - name: Write two more files
      ansible.builtin.copy:
        content: "{{ item }}\\n"
        dest: "{{ scratch }}/{{ inventory_hostname }}-{{ item }}"
        mode: "0644"
      loop: [kept, new]
    - name: Note what another tool set
      ansible.builtin.set_fact:
        stand_in_audit_found: [{what: "{{ scratch }}/foreign.json keys set by another tool", detail: "debug (kept)"}]
    - name: Fail on the broken node
      ansible.builtin.fail:
        msg: the broken node refused
      when: inventory_hostname == 'broken'
  handlers:
    - name: Reload the tuning
      ansible.builtin.command: /bin/false
      changed_when: true
"""

INVENTORY = """[nodes]
n1 ansible_connection=local
n2 ansible_connection=local
broken ansible_connection=local
gone ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=1 ansible_ssh_common_args='-o ConnectTimeout=2'
[nodes:vars]
ansible_python_interpreter={python}
"""


@pytest.fixture
def bed(tmp_path):
    shutil.copy(os.path.join(ROOT, 'playbooks', 'audit.yml'), str(tmp_path / 'audit.yml'))
    (tmp_path / 'site.yml').write_text(SITE)
    (tmp_path / 'inventory').write_text(INVENTORY.format(python=sys.executable))
    scratch = tmp_path / 'scratch'
    scratch.mkdir()
    for host in ('n1', 'n2', 'broken'):
        (scratch / ('%s-kept' % host)).write_text('kept\n')
    (scratch / 'n2.conf').write_text('vm.swappiness = 1\n')
    (scratch / 'n2-new').write_text('new\n')
    return tmp_path


def run(bed, *args, callback=True, limit=None):
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_HOST_KEY_CHECKING='false',
               ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCALHOST_WARNING='false')
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_CALLBACKS_ENABLED', 'ANSIBLE_STDOUT_CALLBACK', 'LINUXAI_AUDIT_RECORDS'):
        env.pop(name, None)
    if callback:
        env['ANSIBLE_CALLBACKS_ENABLED'] = 'linuxai.node.audit'
    argv = [sys.executable, '-m', 'ansible.cli.playbook', '-i', 'inventory', 'audit.yml',
            '-e', 'scratch=%s' % (bed / 'scratch')] + list(args) + (['-l', limit] if limit else [])
    return subprocess.run(argv, env=env, cwd=str(bed), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=240, check=False)


def scratch_files(bed):
    return sorted((p.name, p.read_text()) for p in (bed / 'scratch').iterdir())


def test_without_check_mode_it_stops_before_any_layer(bed):
    before = scratch_files(bed)
    result = run(bed)
    assert result.returncode == 2, result.stdout
    assert 'audit.yml changes nothing only in check mode' in result.stdout
    assert 'check mode: False' in result.stdout
    assert 'A layer that would change files' not in result.stdout
    assert scratch_files(bed) == before


def test_without_the_callback_it_stops_and_says_how_to_enable_it(bed):
    result = run(bed, '--check', callback=False)
    assert result.returncode == 2, result.stdout
    assert 'callback linuxai.node.audit: not enabled' in result.stdout
    assert 'ANSIBLE_CALLBACKS_ENABLED=linuxai.node.audit' in result.stdout
    assert 'A layer that would change files' not in result.stdout


def test_it_reports_each_node_changes_nothing_and_exits_non_zero(bed):
    before = scratch_files(bed)
    output = bed / 'audit.json'
    result = run(bed, '--check', '--diff', '-e', 'audit_output=%s' % output)
    assert result.returncode != 0, result.stdout
    assert scratch_files(bed) == before
    assert '1 of 4 nodes would change, 1 failed, 1 unreachable' in result.stdout
    report = json.loads(output.read_text())
    nodes = report['nodes']
    assert {h: nodes[h]['status'] for h in nodes} == {
        'n1': 'would change', 'n2': 'nothing to change', 'broken': 'failed', 'gone': 'unreachable'}
    n1 = nodes['n1']
    assert n1['change_count'] == 2
    changes = n1['changes']['other']
    assert [(c['task'], c.get('item')) for c in changes] == [('Write the tuning file', None), ('Write two more files', 'new')]
    assert changes[0]['path'] == str(bed / 'scratch' / 'n1.conf')
    assert '+vm.swappiness = 1' in changes[0]['diff']
    # The handler is reported as notified; in check mode it changes nothing (it would fail if it ran).
    assert n1['handlers'] == ['Reload the tuning']
    assert n1['found'][0]['what'].endswith('foreign.json keys set by another tool')
    assert nodes['broken']['failed'][0]['msg'] == 'the broken node refused'
    assert 'n1: WOULD CHANGE' in result.stdout and 'n2: nothing to change' in result.stdout
    assert 'gone: UNREACHABLE' in result.stdout
    assert oct(output.stat().st_mode & 0o777) == '0o600'


def test_a_node_with_nothing_to_change_passes(bed):
    result = run(bed, '--check', limit='n2')
    assert result.returncode == 0, result.stdout
    assert 'n2: nothing to change' in result.stdout
    assert '1 nodes: 0 would change, 0 unreachable.' in result.stdout


def test_changes_pass_when_asked_to_report_only(bed):
    result = run(bed, '--check', '-e', 'audit_fail_on_change=false', limit='n1,n2')
    assert result.returncode == 0, result.stdout
    assert '2 nodes: 1 would change, 0 unreachable.' in result.stdout


def test_bad_settings_are_refused_before_any_layer(bed):
    result = run(bed, '--check', '-e', '{"audit_output": "", "audit_fail_on_change": "maybe"}')
    assert result.returncode == 2, result.stdout
    assert 'audit_output must be a file path' in result.stdout and 'audit_fail_on_change must be true or false' in result.stdout
    assert 'A layer that would change files' not in result.stdout
