# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe against hwloc's lstopo on every fixture machine of topology_machines.py.

lstopo-no-graphics (Debian package ``hwloc``) reads the same tree with HWLOC_FSROOT; the test
fails instead of skipping when LINUXAI_REQUIRE_LSTOPO is set (``make test``).
Compared: online PUs, packages, cores, dies, clusters, NUMA node ids with their cpusets and memory, and
the NUMA node of every GPU and NIC.
"""

import os

import pytest

from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import lstopo
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology.topology_machines import MACHINES

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import parse_cpulist

# hwloc's Linux backend takes thread_siblings as the core; on an AMD family 15h compute unit that is
# two cores. hwloc's x86 backend (CPUID, not usable on a tree from another machine) reports each of
# them as a Core with one PU, as the probe does: hwloc's own test data for a real Opteron 6348,
# tests/hwloc/x86/AMD-15h-Piledriver-4xOpteron-6348.output, has one PU per Core and an L2 per pair.
COMPUTE_UNIT_MACHINES = frozenset(['amd_compute_units'])


def _hwloc(tree):
    if not lstopo.available():
        message = '%s not found: install the %s package (apt-get install -y %s)' % (
            lstopo.LSTOPO, lstopo.PACKAGE, lstopo.PACKAGE)
        if os.environ.get('LINUXAI_REQUIRE_LSTOPO'):
            pytest.fail(message)
        pytest.skip(message)
    xml, _stderr = lstopo.run(tree.path)
    return lstopo.summary(xml)


def _sets(cpulists):
    return sorted(sorted(parse_cpulist(c)) for c in cpulists)


@pytest.mark.parametrize('name', sorted(MACHINES))
def test_probe_agrees_with_lstopo(machine_tree, name):
    tree = machine_tree(name)
    hw = _hwloc(tree)
    facts = tree.facts
    cpu = facts['cpu']

    assert set(parse_cpulist(cpu['online'])) == hw['pus'], 'online PUs'
    packages = cpu['packages']
    assert _sets(p['cpus'] for p in packages) == sorted(sorted(s) for s in hw['packages']), 'packages'
    assert cpu['sockets'] == len(hw['packages'])

    cores = _sets(c for p in packages for c in p['cores'])
    hw_cores = sorted(sorted(s) for s in hw['cores'])
    if name in COMPUTE_UNIT_MACHINES:
        # Each of hwloc's (Linux backend) cores is one compute unit: exactly two of the probe's cores.
        for unit in hw_cores:
            assert sorted(c for c in cores if set(c) <= set(unit)) == [[u] for u in unit]
        assert len(cores) == 2 * len(hw_cores)
    else:
        assert cores == hw_cores, 'cores'
    assert cpu['cores'] == len(cores)

    # hwloc drops a Die that is its whole package.
    dies = _sets(d['cpus'] for p in packages for d in p['dies'] if d['cpus'] != p['cpus'])
    assert dies == sorted(sorted(s) for s in hw['dies']), 'dies'
    # Likewise a cluster that is its whole die or package, or a single core.
    whole = set(p['cpus'] for p in packages) | set(d['cpus'] for p in packages for d in p['dies'])
    whole |= set(c for p in packages for c in p['cores'])
    clusters = _sets(g['cpus'] for p in packages for g in p['clusters'] if g['cpus'] not in whole)
    assert clusters == sorted(sorted(s) for s in hw['clusters']), 'clusters'

    numa = dict((n['id'], {'cpus': frozenset(parse_cpulist(n['cpus'])), 'memory_mb': n['memory_mb']})
                for n in facts['numa'])
    assert numa == hw['numa'], 'NUMA nodes, their CPUs and memory'

    for dev in facts['gpus'] + facts['nics']:
        where = hw['pci'][dev['bdf']]
        # hwloc attaches a device to the smallest object covering its local CPUs; its nodeset is one
        # node, or several when that object is a package or the machine (no node of its own).
        assert dev['numa_node'] in where['nodes'], dev['bdf']
        assert set(parse_cpulist(dev['local_cpus'])) <= where['cpus'], dev['bdf']
        if len(where['nodes']) == 1:
            assert set(parse_cpulist(dev['local_cpus'])) == where['cpus'] & hw['pus'], dev['bdf']
