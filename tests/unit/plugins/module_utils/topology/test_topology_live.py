# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe on the machine running the tests: invariants only, whatever the hardware."""

import glob
import os
import platform

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _pci_ids, _topology
from ansible_collections.linuxai.node.plugins.module_utils._cpulist import parse_cpulist

pytestmark = pytest.mark.skipif(platform.system() != 'Linux', reason='reads Linux sysfs')


@pytest.fixture(scope='module')
def live():
    return _topology.probe('/', gpu_libraries=False)


def _read(path):
    with open(path) as handle:
        return handle.read().strip()


def test_identity(live):
    assert (live['schema_version'], live['root'], live['live']) == (1, '/', True)
    assert live['cpu']['architecture'] == platform.machine()
    assert all(isinstance(w, str) for w in live['warnings'])
    assert 0 < live['probe_ms'] < 2000


def test_cpus(live):
    cpu = live['cpu']
    assert cpu['threads'] == os.cpu_count()
    assert parse_cpulist(cpu['online']) == parse_cpulist(_read('/sys/devices/system/cpu/online'))
    assert set(os.sched_getaffinity(0)) <= set(parse_cpulist(cpu['online']))
    assert cpu['sockets'] >= 1 and cpu['cores'] >= cpu['sockets']
    assert cpu['cores'] * cpu['threads_per_core'] >= cpu['threads']
    assert cpu['smt'] in ('on', 'off', 'notsupported', 'unknown')


def test_numa(live):
    listed = sorted(int(os.path.basename(p)[4:]) for p in glob.glob('/sys/devices/system/node/node[0-9]*'))
    assert [n['id'] for n in live['numa']] == (listed or [0])
    cpus = [c for n in live['numa'] for c in parse_cpulist(n['cpus'])]
    assert sorted(cpus) == parse_cpulist(live['cpu']['online'])
    assert sum(n['memory_mb'] for n in live['numa']) > 0


def test_pci_devices(live):
    gpus, nics = [], []
    for path in sorted(glob.glob('/sys/bus/pci/devices/*')):
        code = int(_read(path + '/class'), 16)
        pci_id = '%04x:%04x' % (int(_read(path + '/vendor'), 16), int(_read(path + '/device'), 16))
        if (code >> 16 == 3 or code >> 8 == 0x1200) and not _pci_ids.is_display_only(pci_id):
            gpus.append(os.path.basename(path))
        elif code >> 16 == 2 and not os.path.lexists(path + '/physfn'):
            nics.append(os.path.basename(path))
    assert [g['bdf'] for g in live['gpus']] == gpus
    assert [n['bdf'] for n in live['nics']] == nics
    node_ids = [n['id'] for n in live['numa']]
    assert all(d['numa_node'] in node_ids for d in live['gpus'] + live['nics'])


def test_summary(live):
    assert live['summary'].startswith('%d socket' % live['cpu']['sockets'])
    assert ('%d core' % live['cpu']['cores']) in live['summary']
