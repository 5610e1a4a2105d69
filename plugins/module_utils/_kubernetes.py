# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Kubelet CPU and topology manager settings from the topology facts (private to linuxai.node).

The logic of the kubelet filters (plugins/filter/kubernetes.py, under the same names).
"""

from __future__ import annotations

import re

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import format_cpulist, parse_cpulist
from ansible_collections.linuxai.node.plugins.module_utils._topology_fact import topology_fact

TOPOLOGY_POLICIES = ('none', 'best-effort', 'restricted', 'single-numa-node')
TOPOLOGY_SCOPES = ('container', 'pod')
CPU_POLICIES = ('none', 'static')

# The kubelet minors the drop-in is written for: --config-dir exists from 1.28 (KEP-3983); 1.36 is the newest
# release whose KubeletConfiguration fields the unit tests check (tests/unit/plugins/module_utils/kubelet_config_schema.py).
KUBELET_OLDEST = (1, 28)
KUBELET_NEWEST = (1, 36)

# pkg/kubelet/cm/topologymanager: NewManager refuses any policy but none on a machine with more NUMA nodes
# (counted as cadvisor lists them: every /sys/devices/system/node/nodeN, memory-only ones too) than
# defaultMaxAllowableNUMANodes, unless the policy option max-allowable-numa-nodes (KEP-4622: beta and on
# by default in 1.31, GA in 1.35) raises it; values below 8 are refused.
TOPOLOGY_MAX_NUMA_NODES = 8
MAX_ALLOWABLE_NUMA_NODES_SINCE = (1, 31)

_VERSION = re.compile(r'^v?(1)\.([0-9]+)(\.[0-9]+)?([-+][0-9A-Za-z.+-]*)?$')


def parse_kubelet_version(value):
    """'1.31', 'v1.31.2' -> (1, 31); ValueError for anything the role cannot plan for."""
    if isinstance(value, float):
        # YAML reads 1.30 as the number 1.3.
        raise ValueError('%r is a number: quote the version ("1.%s")' % (value, str(value).split('.')[1].ljust(2, '0')))
    match = _VERSION.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError('a Kubernetes version such as "1.31" or "v1.31.2", not %r' % (value,))
    version = (int(match.group(1)), int(match.group(2)))
    if version < KUBELET_OLDEST:
        raise ValueError('%d.%d is older than 1.28, the first kubelet with --config-dir (KEP-3983): merge the '
                         'settings into the kubelet configuration instead' % version)
    return version


def kubelet_version(value):
    """'v1.31.2', '1.31' -> '1.31': the minor version the drop-in is written for."""
    return '%d.%d' % parse_kubelet_version(value)


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
                   topology_manager_scope='pod', cpu_manager_policy='static', kubelet_version=None):
    """A KubeletConfiguration drop-in (dict) with the CPU and topology manager settings for the node."""
    topology = topology_fact(topology)
    for value, allowed, what in ((topology_manager_policy, TOPOLOGY_POLICIES, 'topology_manager_policy'),
                                 (topology_manager_scope, TOPOLOGY_SCOPES, 'topology_manager_scope'),
                                 (cpu_manager_policy, CPU_POLICIES, 'cpu_manager_policy')):
        if value not in allowed:
            raise ValueError('%s is one of %s, not %r' % (what, ', '.join(allowed), value))
    version = KUBELET_NEWEST if kubelet_version is None else _kubelet_version_arg(kubelet_version)
    numa_nodes = len(topology['numa'])
    policy_options = {}
    if topology_manager_policy != 'none' and numa_nodes > TOPOLOGY_MAX_NUMA_NODES:
        if version >= MAX_ALLOWABLE_NUMA_NODES_SINCE:
            policy_options['max-allowable-numa-nodes'] = str(numa_nodes)
        else:
            # Older kubelets have no way to raise the limit, and would not start with any other policy.
            topology_manager_policy = 'none'
    config = {
        'apiVersion': 'kubelet.config.k8s.io/v1beta1',
        'kind': 'KubeletConfiguration',
        'cpuManagerPolicy': cpu_manager_policy,
        'topologyManagerPolicy': topology_manager_policy,
        'topologyManagerScope': topology_manager_scope,
    }
    if policy_options:
        config['topologyManagerPolicyOptions'] = policy_options
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


def _kubelet_version_arg(value):
    try:
        return parse_kubelet_version(value)
    except ValueError as exc:
        raise ValueError('kubelet_version: %s' % exc) from exc


_EXTRA_ARGS = re.compile(r'^(\s*KUBELET_EXTRA_ARGS\s*=)(.*)$')


def kubelet_extra_args(text, config_dir):
    """The kubelet environment file ``text`` with ``--config-dir=config_dir`` in KUBELET_EXTRA_ARGS.

    kubeadm's kubelet.service.d/10-kubeadm.conf reads KUBELET_EXTRA_ARGS from /etc/default/kubelet
    (/etc/sysconfig/kubelet on RPM systems) with EnvironmentFile=, which overrides any Environment= of a
    systemd drop-in: the flag has to be in that file. Other arguments and lines stay as they are; an earlier
    --config-dir is replaced.
    """
    if not isinstance(text, str):
        raise TypeError('expected the text of the file, got %s' % type(text).__name__)
    if not isinstance(config_dir, str) or not config_dir.startswith('/') or re.search(r'\s', config_dir):
        raise ValueError('config_dir is an absolute path without spaces, not %r' % (config_dir,))
    lines = text.splitlines()
    wanted = '--config-dir=' + config_dir
    found = [i for i, line in enumerate(lines) if _EXTRA_ARGS.match(line)]
    if not found:
        return '\n'.join(lines + ['KUBELET_EXTRA_ARGS=' + wanted]) + '\n'
    # systemd uses the last assignment.
    index = found[-1]
    head, value = _EXTRA_ARGS.match(lines[index]).groups()
    value = value.strip()
    if value.endswith('\\'):
        raise ValueError('KUBELET_EXTRA_ARGS continues on the next line: put it on one line')
    quote = value[0] if len(value) >= 2 and value[0] in '"\'' and value[-1] == value[0] else ''
    if quote:
        value = value[1:-1]
    # ExecStart's unbraced $KUBELET_EXTRA_ARGS splits the value at whitespace, quotes and all.
    args, skip = [], False
    for arg in value.split():
        if skip:
            skip = False
        elif arg == '--config-dir':
            skip = True
        elif not arg.startswith('--config-dir='):
            args.append(arg)
    args.append(wanted)
    quote = quote or ('"' if len(args) > 1 else '')
    lines[index] = head + quote + ' '.join(args) + quote
    return '\n'.join(lines) + '\n'
