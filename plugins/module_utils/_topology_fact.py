# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Answers read from the ``linuxai_topology`` fact (private to linuxai.node).

The logic of the cpulist and topology filters (plugins/filter/topology.py, under the same names):
the fact from what a filter is given, a GPU by index, PCI address or UUID, the CPUs nearest a
GPU, and Slurm's abstract core ids. The Slurm and kubelet filters build on these.
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import format_cpulist, intersect_cpulists, parse_cpulist
from ansible_collections.linuxai.node.plugins.module_utils._pci_ids import normalize_bdf


def cpulist_parse(value):
    """'0-3,8' -> [0, 1, 2, 3, 8]."""
    return parse_cpulist(value)


def cpulist_format(value):
    """[0, 1, 2, 3, 8] -> '0-3,8'."""
    if isinstance(value, str):
        value = parse_cpulist(value)
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise TypeError('expected a list of CPU numbers, got %s' % type(value).__name__)
    return format_cpulist(value)


def cpulist_intersect(value, *others):
    """CPUs in every cpulist given, as a cpulist."""
    if not others:
        raise TypeError('give at least one cpulist to intersect with')
    return intersect_cpulists(value, *others)


def topology_fact(value) -> dict:
    """The topology fact itself, also when given ansible_facts; TypeError for anything else."""
    if isinstance(value, dict) and 'linuxai_topology' in value:
        value = value['linuxai_topology']
    if not isinstance(value, dict) or 'gpus' not in value or 'numa' not in value or 'cpu' not in value:
        raise TypeError("expected ansible_facts['linuxai_topology'] from linuxai.node.topology_facts")
    return value


def find_gpu(topology: dict, gpu) -> dict:
    gpus = topology['gpus']
    if isinstance(gpu, dict):
        gpu = gpu.get('bdf')
    if isinstance(gpu, bool) or gpu is None:
        raise TypeError('identify the GPU by its index, PCI address (bdf) or UUID, not %r' % (gpu,))
    if isinstance(gpu, int) or (isinstance(gpu, str) and gpu.isdigit()):
        matches = [g for g in gpus if g['index'] == int(gpu)]
        if len(matches) > 1:
            raise ValueError('GPU index %s exists for several vendors (%s); give its bdf instead'
                             % (gpu, ', '.join(g['vendor'] for g in matches)))
    else:
        wanted = str(gpu).lower()
        bdf = normalize_bdf(wanted)  # "1a:00.0" or NVML's "00000000:1A:00.0" -> "0000:1a:00.0"
        matches = [g for g in gpus if g['bdf'] == bdf or str(g.get('uuid', '')).lower() == wanted]
    if not matches:
        raise ValueError('no GPU %r in the topology (GPUs: %s)' % (gpu, ', '.join(g['bdf'] for g in gpus) or 'none'))
    return matches[0]


def gpu_numa_node(topology, gpu):
    """NUMA node id of a GPU."""
    return find_gpu(topology_fact(topology), gpu)['numa_node']


def _online_only(topology: dict, cpus) -> str:
    """``cpus`` without offline CPUs: facts from an older linuxai.node may keep offline CPUs in
    numa[].cpus and local_cpus, and a CPU that is offline runs nothing."""
    if not cpus:
        return ''
    online = topology['cpu'].get('online')
    return intersect_cpulists(cpus, online) if online else format_cpulist(parse_cpulist(cpus))


def gpu_cpus(topology, gpu):
    """CPUs nearest a GPU: its local CPUs within its NUMA node, online ones only, as a cpulist."""
    topology = topology_fact(topology)
    found = find_gpu(topology, gpu)
    node_cpus = ''
    for node in topology['numa']:
        if node['id'] == found['numa_node']:
            node_cpus = _online_only(topology, node['cpus'])
    local = _online_only(topology, found.get('local_cpus') or '')
    if local and node_cpus:
        both = intersect_cpulists(local, node_cpus)
        if both:
            return both
    # A GPU on a node without online CPUs (all offline, or memory only): every online CPU.
    return node_cpus or local or topology['cpu']['online']


def slurm_core_ids(topology, cpus=None):
    """Slurm's abstract core ids of the cores having a thread in ``cpus``, as a cpulist."""
    topology = topology_fact(topology)
    packages = topology['cpu'].get('packages')
    if not packages:
        raise ValueError('the topology has no cpu.packages (facts from an older linuxai.node?)')
    # Offline CPUs are in no core of cpu.packages (the probe lists online CPUs only), so they never
    # select a core.
    wanted = None if cpus is None else set(parse_cpulist(cpus))
    cores = []
    for package in sorted(packages, key=lambda p: min(parse_cpulist(p['cpus']) or [0])):
        for core in sorted((parse_cpulist(c) for c in package['cores']), key=lambda threads: threads[0]):
            cores.append(core)
    ids = [index for index, threads in enumerate(cores) if wanted is None or wanted.intersection(threads)]
    return format_cpulist(ids)
