# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""root= as a directory or an archive, and topology_capture archives probing like their source."""

import io
import os
import tarfile
import tempfile

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _capture, _fsroot, _topology


def _comparable(facts):
    facts = dict(facts)
    for key in ('root', 'probe_ms'):
        facts.pop(key)
    return facts


def _make_tar(source, dest, mode, top=None):
    with tarfile.open(dest, mode) as tar:
        for name in ('sys', 'proc'):
            tar.add(os.path.join(source, name), arcname=os.path.join(top, name) if top else name)
    return dest


@pytest.mark.parametrize('name, suffix, mode, top', [
    ('hgx_h100', '.tar.gz', 'w:gz', 'node17'),
    ('no_gpu', '.tar', 'w', None),
    ('no_gpu', '.tgz', 'w:gz', None),
    ('vm_numa_minus1', '.tar.bz2', 'w:bz2', 'node17'),
    ('vm_numa_minus1', '.tar.xz', 'w:xz', 'node17'),
])
def test_archives_probe_like_the_directory(machine_tree, tmp_path, monkeypatch, name, suffix, mode, top):
    tree = machine_tree(name)
    archive = _make_tar(tree.path, str(tmp_path / ('capture' + suffix)), mode, top)

    def no_extraction(*args, **kwargs):
        raise AssertionError('archives are read in memory, never extracted')
    monkeypatch.setattr(tempfile, 'mkdtemp', no_extraction)
    monkeypatch.setattr(tarfile.TarFile, 'extractall', no_extraction)
    facts = _topology.probe(archive)
    assert facts['root'] == archive and facts['live'] is False
    assert _comparable(facts) == _comparable(tree.facts)


def test_directory_one_level_down_is_accepted(machine_tree, tmp_path):
    tree = machine_tree('no_gpu')
    os.symlink(tree.path, str(tmp_path / 'node17'))
    facts = _topology.probe(str(tmp_path))
    assert _comparable(facts) == _comparable(tree.facts)


def test_unsafe_archive_members_are_skipped(machine_tree, tmp_path):
    tree = machine_tree('no_gpu')
    archive = str(tmp_path / 'evil.tar.gz')
    _make_tar(tree.path, archive, 'w:gz')
    # Rewrite with extra hostile members appended.
    with tarfile.open(archive, 'r:gz') as src:
        members = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]
    with tarfile.open(archive, 'w:gz') as tar:
        for member, data in members:
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
        for name, link in (('sys/class/net/evil', '/etc'), ('sys/escape', '../../../../etc/passwd')):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, link
            tar.addfile(info)
        info = tarfile.TarInfo('../outside.txt')
        info.size = 2
        tar.addfile(info, io.BytesIO(b'hi'))
        info = tarfile.TarInfo('sys/fifo')
        info.type = tarfile.FIFOTYPE
        tar.addfile(info)
    facts = _topology.probe(archive)
    # The absolute link, the ../ member and the FIFO; the relative link stays but resolves inside the archive.
    assert any('skipped 3 archive member(s)' in w for w in facts['warnings'])
    assert facts['summary'] == tree.facts['summary']
    reader = _fsroot.open_root(archive).reader()
    assert reader.read('sys/escape') is None and reader.readlink('sys/escape') == '../../../../etc/passwd'
    assert reader.read('sys/class/net/evil/passwd') is None


def test_archive_without_sys(tmp_path):
    archive = str(tmp_path / 'empty.tar.gz')
    with tarfile.open(archive, 'w:gz') as tar:
        info = tarfile.TarInfo('readme')
        info.size = 1
        tar.addfile(info, io.BytesIO(b'x'))
    with pytest.raises(_topology.TopologyRootError, match='no sys/ directory'):
        _topology.probe(archive)


@pytest.mark.parametrize('name', ['hgx_h100', 'power9_sparse', 'grace_hopper', 'vm_numa_minus1'])
def test_capture_archive_probes_like_its_source(machine_tree, tmp_path, name):
    tree = machine_tree(name)
    summary, files, dirs, links = _capture.collect(tree.path)
    assert summary == tree.facts['summary']
    archive = str(tmp_path / 'capture.tar.gz')
    size = _capture.write_archive(archive, 'node17', files, dirs, links)
    assert size == os.path.getsize(archive) and oct(os.stat(archive).st_mode & 0o777) == '0o600'
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert all(n == 'node17' or n.startswith('node17/') for n in names)
    # Only what the probe reads: far fewer files than the builder wrote.
    written = sum(len(f) for _d, _s, f in os.walk(tree.path))
    assert len(files) < written / 2
    assert _comparable(_topology.probe(archive)) == _comparable(tree.facts)


def test_capture_of_an_archive(machine_tree, tmp_path):
    """Capturing from a (larger) archive prunes it to what the probe needs."""
    tree = machine_tree('workstation')
    big = _make_tar(tree.path, str(tmp_path / 'big.tar.gz'), 'w:gz', 'ws')
    summary, files, dirs, links = _capture.collect(big)
    small = str(tmp_path / 'small.tar.gz')
    _capture.write_archive(small, 'ws', files, dirs, links)
    assert os.path.getsize(small) < os.path.getsize(big)
    assert _comparable(_topology.probe(small)) == _comparable(tree.facts)
