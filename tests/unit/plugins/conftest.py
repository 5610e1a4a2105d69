# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the plugin tests: fake sysfs/procfs trees of the fixture machines and their topology facts.

The machines are module_utils/topology/topology_machines.py, written by topology_builder.py beside it.
"""

import copy
import os
import shutil
import tempfile

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _topology
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import topology_builder, topology_machines


class Tree(object):
    """A built machine: its directory, the labels of its devices and its probe result."""

    def __init__(self, path, labels):
        self.path = path
        self.labels = labels
        self._facts = None

    @property
    def facts(self):
        if self._facts is None:
            self._facts = _topology.probe(self.path)
        return self._facts

    def gpu(self, label):
        bdf = self.labels[label]
        return next(g for g in self.facts['gpus'] if g['bdf'] == bdf)

    def nic(self, label):
        bdf = self.labels[label]
        return next(n for n in self.facts['nics'] if n['bdf'] == bdf)


def _scratch(fallback):
    """A directory on tmpfs when there is one: the trees are thousands of tiny files."""
    if os.path.isdir('/dev/shm') and os.access('/dev/shm', os.W_OK):
        return tempfile.mkdtemp(prefix='linuxai-topology-test-', dir='/dev/shm')
    return tempfile.mkdtemp(prefix='linuxai-topology-test-', dir=str(fallback))


@pytest.fixture(scope='session')
def machine_tree(tmp_path_factory):
    """machine_tree('hgx_h100') -> Tree, built once per session and never modified by tests."""
    cache = {}
    scratch = _scratch(tmp_path_factory.getbasetemp())

    def get(name):
        if name not in cache:
            path = os.path.join(scratch, name)
            os.makedirs(path)
            labels = topology_builder.write(topology_machines.MACHINES[name](), path)
            cache[name] = Tree(path, labels)
        return cache[name]
    yield get
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def build(tmp_path):
    """build(machine) -> Tree in a per-test directory that the test may damage."""
    scratch = _scratch(tmp_path)
    counter = [0]

    def make(machine):
        counter[0] += 1
        path = os.path.join(scratch, 'tree%d' % counter[0])
        os.makedirs(path)
        return Tree(path, topology_builder.write(machine, path))
    yield make
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def machine_facts(machine_tree):
    """machine_facts('hgx_h100') -> the probe's answer for that fixture machine, a copy the test may change."""
    def get(name):
        return copy.deepcopy(machine_tree(name).facts)
    return get
