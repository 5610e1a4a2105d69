# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""topology_facts and topology_capture run as modules (AnsibleModule, exit_json/fail_json)."""

import os
import tarfile

import pytest

from ansible.module_utils import basic
from ansible_collections.linuxai.node.plugins.module_utils import _topology
from ansible_collections.linuxai.node.plugins.modules import topology_capture, topology_facts
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_builder import Machine
from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import (
    AnsibleExitJson, AnsibleFailJson, exit_json, fail_json, patch_module_args)


@pytest.fixture
def run(monkeypatch):
    """run(module, args) -> (result, warnings); raises AnsibleFailJson with the result on failure."""
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))

    def call(module, args):
        del warnings[:]
        with patch_module_args(args):
            with pytest.raises(AnsibleExitJson) as exc:
                module.main()
        return exc.value.args[0], list(warnings)
    return call


def test_facts_on_a_fixture_tree(run, machine_tree):
    tree = machine_tree('hgx_h100')
    result, warnings = run(topology_facts, {'root': tree.path, '_ansible_check_mode': True})
    assert result['changed'] is False
    topo = result['ansible_facts']['linuxai_topology']
    assert list(topo)[:3] == ['schema_version', 'root', 'live']
    assert topo['root'] == tree.path and topo['live'] is False
    assert topo['summary'] == tree.facts['summary']
    assert warnings == []


def test_facts_warnings_are_emitted(run, build):
    tree = build(Machine())
    os.unlink(os.path.join(tree.path, 'proc/cpuinfo'))
    result, warnings = run(topology_facts, {'root': tree.path})
    assert warnings == result['ansible_facts']['linuxai_topology']['warnings']
    assert any('/proc/cpuinfo' in w for w in warnings)


def test_facts_missing_root_fails_clearly(run, tmp_path):
    with pytest.raises(AnsibleFailJson) as exc:
        run(topology_facts, {'root': str(tmp_path / 'nope.tar.gz')})
    assert exc.value.args[0]['msg'] == 'root %s does not exist' % (tmp_path / 'nope.tar.gz')


def test_facts_live(run):
    result, _warnings = run(topology_facts, {'gpu_libraries': False})
    topo = result['ansible_facts']['linuxai_topology']
    assert topo['root'] == '/' and topo['live'] is True
    assert topo['cpu']['threads'] == os.cpu_count()


def test_facts_rejects_unknown_options(run):
    with pytest.raises(AnsibleFailJson) as exc:
        run(topology_facts, {'rooot': '/'})
    assert 'rooot' in exc.value.args[0]['msg']


def test_capture_module_writes_an_archive_that_probes_the_same(run, machine_tree, tmp_path):
    tree = machine_tree('mi300x')
    dest = str(tmp_path / 'node.tar.gz')
    result, _warnings = run(topology_capture, {'root': tree.path, 'dest': dest, 'name': 'gpu-node-17'})
    assert result['changed'] is True and result['path'] == dest and result['name'] == 'gpu-node-17'
    assert result['size_bytes'] == os.path.getsize(dest) and result['files'] > 100 and result['links'] > 10
    assert result['summary'] == tree.facts['summary']
    with tarfile.open(dest) as tar:
        assert tar.getnames()[0] == 'gpu-node-17'
    captured = _topology.probe(dest)
    assert captured['gpus'] == tree.facts['gpus'] and captured['nics'] == tree.facts['nics']


def test_capture_check_mode_writes_nothing(run, machine_tree, tmp_path):
    dest = str(tmp_path / 'node.tar.gz')
    result, _warnings = run(topology_capture, {'root': machine_tree('no_gpu').path, 'dest': dest, '_ansible_check_mode': True})
    assert result['size_bytes'] == 0 and result['files'] > 0
    assert not os.path.exists(dest) and os.listdir(str(tmp_path)) == []


def test_capture_default_dest_is_a_private_temp_file(run, machine_tree):
    result, _warnings = run(topology_capture, {'root': machine_tree('no_gpu').path})
    try:
        assert os.path.basename(result['path']).startswith('linuxai-topology-')
        assert os.stat(result['path']).st_mode & 0o777 == 0o600
    finally:
        os.unlink(result['path'])


def test_capture_live_records_the_architecture(run, tmp_path):
    dest = str(tmp_path / 'live.tar.gz')
    result, _warnings = run(topology_capture, {'dest': dest, 'name': 'here'})
    live = _topology.probe('/', gpu_libraries=False)
    captured = _topology.probe(dest)
    assert captured['cpu'] == live['cpu']
    assert captured['numa'] == live['numa']
    assert [n['bdf'] for n in captured['nics']] == [n['bdf'] for n in live['nics']]
    assert result['summary'] == live['summary']


def test_capture_errors(run, tmp_path):
    with pytest.raises(AnsibleFailJson) as exc:
        run(topology_capture, {'dest': str(tmp_path / 'missing-dir' / 'x.tar.gz')})
    assert 'does not exist' in exc.value.args[0]['msg']
    with pytest.raises(AnsibleFailJson) as exc:
        run(topology_capture, {'dest': str(tmp_path / 'x.tar.gz'), 'name': '../up'})
    assert 'single path component' in exc.value.args[0]['msg']
    with pytest.raises(AnsibleFailJson) as exc:
        run(topology_capture, {'root': str(tmp_path / 'nothing')})
    assert exc.value.args[0]['msg'] == 'root %s does not exist' % (tmp_path / 'nothing')
