# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Kubelet CPU and topology manager settings from the topology facts (private to linuxai.node).

The logic of the kubelet filters (plugins/filter/kubernetes.py, under the same names).
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import format_cpulist, parse_cpulist
from ansible_collections.linuxai.node.plugins.module_utils._topology_fact import topology_fact

TOPOLOGY_POLICIES = ('none', 'best-effort', 'restricted', 'single-numa-node')
TOPOLOGY_SCOPES = ('container', 'pod')
CPU_POLICIES = ('none', 'static')


def kubelet_reserved_cpus(topology, cores_per_numa_node=1):
    """The first whole cores of every NUMA node with CPUs (all their threads), as a cpulist."""
    topology = topology_fact(topology)
    count = int(cores_per_numa_node)
    if count < 1:
        raise ValueError('cores_per_numa_node is at least 1 (the static CPU manager needs reserved CPUs), not %s'
                         % cores_per_numa_node)
    packages = topology['cpu'].get('packages')
    if not packages:
        raise ValueError('the topology has no cpu.packages (facts from an older linuxai.node?)')
    cores = sorted((parse_cpulist(c) for p in packages for c in p['cores']), key=lambda threads: threads[0])
    online = set(parse_cpulist(topology['cpu'].get('online') or ''))
    reserved = []
    for node in sorted(topology['numa'], key=lambda n: n['id']):
        # Online CPUs only (older facts kept offline CPUs in numa[].cpus); a node whose CPUs are all
        # offline is skipped like a memory-only one.
        node_cpus = set(parse_cpulist(node.get('cpus') or '')) & online
        if not node_cpus:
            continue
        local = [threads for threads in cores if set(threads) <= node_cpus]
        if len(local) <= count:
            raise ValueError('NUMA node %s has %d cores: reserving %d would leave none for pods'
                             % (node['id'], len(local), count))
        for threads in local[:count]:
            reserved.extend(threads)
    return format_cpulist(reserved)


def kubelet_config(topology, reserved_cpus=None, cores_per_numa_node=1, topology_manager_policy='single-numa-node',
                   topology_manager_scope='pod', cpu_manager_policy='static'):
    """A KubeletConfiguration drop-in (dict) with the CPU and topology manager settings for the node."""
    topology = topology_fact(topology)
    for value, allowed, what in ((topology_manager_policy, TOPOLOGY_POLICIES, 'topology_manager_policy'),
                                 (topology_manager_scope, TOPOLOGY_SCOPES, 'topology_manager_scope'),
                                 (cpu_manager_policy, CPU_POLICIES, 'cpu_manager_policy')):
        if value not in allowed:
            raise ValueError('%s is one of %s, not %r' % (what, ', '.join(allowed), value))
    config = {
        'apiVersion': 'kubelet.config.k8s.io/v1beta1',
        'kind': 'KubeletConfiguration',
        'cpuManagerPolicy': cpu_manager_policy,
        'topologyManagerPolicy': topology_manager_policy,
        'topologyManagerScope': topology_manager_scope,
    }
    if cpu_manager_policy == 'static':
        if reserved_cpus:
            wanted = parse_cpulist(reserved_cpus) if isinstance(reserved_cpus, str) else sorted(set(reserved_cpus))
            online = set(parse_cpulist(topology['cpu']['online']))
            if not set(wanted) <= online:
                raise ValueError('reserved CPUs %s are not all online (online: %s)'
                                 % (format_cpulist(wanted), topology['cpu']['online']))
            if set(wanted) == online:
                raise ValueError('reserving every CPU (%s) leaves none for pods' % topology['cpu']['online'])
            config['reservedSystemCPUs'] = format_cpulist(wanted)
        else:
            config['reservedSystemCPUs'] = kubelet_reserved_cpus(topology, cores_per_numa_node)
        if int(topology['cpu'].get('threads_per_core') or 1) > 1:
            # With SMT, give containers whole cores only, so no two pods share a core's threads.
            config['cpuManagerPolicyOptions'] = {'full-pcpus-only': 'true'}
    return config
