# -*- coding: utf-8 -*-
# Copyright: linuxai.node contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A play that matches no host fails the Molecule test bed's runs (tests/callback/linuxai_no_hosts.py).

Each case runs this ansible-core's ansible-playbook on localhost, as molecule/config.yml sets it up
(ANSIBLE_CALLBACK_PLUGINS, no enabling).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CALLBACKS = os.path.normpath(os.path.join(HERE, '..', '..', 'callback'))


def play(name, hosts, tasks=None):
    tasks = tasks or ["    - ansible.builtin.debug: {msg: '%s ran'}\n" % name]
    return "- name: %s\n  hosts: %s\n  gather_facts: false\n  tasks:\n%s" % (name, hosts, ''.join(tasks))


def run(tmp_path, plays, inventory='localhost,', callback=True):
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text('---\n' + ''.join(plays))
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false')
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_CALLBACK_PLUGINS', 'ANSIBLE_CALLBACKS_ENABLED', 'ANSIBLE_STDOUT_CALLBACK'):
        env.pop(name, None)
    if callback:
        env['ANSIBLE_CALLBACK_PLUGINS'] = CALLBACKS
    return subprocess.run(
        [sys.executable, '-m', 'ansible.cli.playbook', '-i', inventory, '-c', 'local', playbook.name],
        env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        timeout=120, check=False)


def test_a_play_matching_no_host_fails_the_run_naming_it(tmp_path):
    result = run(tmp_path, [play('First', 'localhost'), play('Pinned', 'nosuchhost'), play('Later', 'localhost')])
    assert result.returncode == 10, result.stdout
    assert "play 'Pinned' in playbook.yml has the host pattern 'nosuchhost', which matches no host" in result.stdout
    assert 'First ran' in result.stdout
    assert 'Later ran' not in result.stdout


def test_without_the_callback_ansible_skips_it_and_passes(tmp_path):
    result = run(tmp_path, [play('Pinned', 'nosuchhost')], callback=False)
    assert result.returncode == 0, result.stdout
    assert 'skipping: no hosts matched' in result.stdout


def test_every_play_matching_passes(tmp_path):
    result = run(tmp_path, [play('All', 'all'), play('Controller', 'localhost')])
    assert result.returncode == 0, result.stdout
    assert 'linuxai_no_hosts' not in result.stdout


def test_hosts_all_of_an_empty_inventory_fails(tmp_path):
    result = run(tmp_path, [play('Every node', 'all')], inventory=',')
    assert result.returncode == 10, result.stdout
    assert "play 'Every node'" in result.stdout and "host pattern 'all'" in result.stdout


@pytest.mark.parametrize('node, ran', [('node2', False), ('node1', True)])
def test_a_play_for_some_nodes_ends_the_others(tmp_path, node, ran):
    # The form molecule/ uses for a play meant for one node that a platform may lack.
    tasks = [
        "    - ansible.builtin.meta: end_host\n      when: inventory_hostname != '%s'\n" % node,
        "    - ansible.builtin.debug: {msg: 'node play ran'}\n",
    ]
    result = run(tmp_path, [play('For one node', 'all', tasks)], inventory='node1,')
    assert result.returncode == 0, result.stdout
    assert ('node play ran' in result.stdout) is ran


def test_a_play_on_a_host_that_failed_earlier_is_no_empty_match(tmp_path):
    fail = ["    - ansible.builtin.fail: {msg: boom}\n      when: inventory_hostname == 'node1'\n"]
    result = run(tmp_path, [play('One fails', 'all', fail), play('Pinned to it', 'node1')], inventory='node1,node2,')
    assert result.returncode == 2, result.stdout
    assert 'linuxai_no_hosts' not in result.stdout
