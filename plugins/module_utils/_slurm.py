# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""gres.conf and the slurm.conf NodeName line from the topology facts (private to linuxai.node).

The logic of the Slurm filters (plugins/filter/slurm.py, under the same names). Core numbering
comes from ``slurm_core_ids`` and ``gpu_cpus`` of _topology_fact.py (the filters of the same
names), never re-implemented here.
"""

from __future__ import annotations

import re

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import format_cpulist, parse_cpulist
from ansible_collections.linuxai.node.plugins.module_utils._topology_fact import gpu_cpus, slurm_core_ids, topology_fact

# GPU vendors Slurm's gres.conf gets a line for, and the device file each one's jobs open.
GRES_VENDORS = ('nvidia', 'amd')
# AMD GPUs: /dev/dri/renderD<128 + index>. DRM numbers render nodes from 128 in probe order, which is
# PCI bus order on a node whose only DRM devices with render nodes are its GPUs (BMC consoles have none).
AMD_RENDER_BASE = 128
# Form-factor words left out of the Type (a job asks for an H100, not for its socket).
_FORM_FACTORS = frozenset(('sxm', 'sxm2', 'sxm4', 'sxm5', 'pcie', 'oam'))
LINKS_MODES = ('auto', 'none')
# AMD platforms whose GPUs are all XGMI-connected to each other: the 8 OAM modules of an MI300X/MI325X
# universal baseboard have one XGMI link to each of the 7 others. Used only without amdsmi's xgmi_peers.
AMD_ALL_TO_ALL = {'MI300X': 8, 'MI325X': 8}
# slurmctld checks every GPU's Cores= against the node's sockets when the node registers
# (_check_core_range_matches_sock in src/interfaces/gres.c of SchedMD/slurm); socket i is cores
# i*CoresPerSocket .. (i+1)*CoresPerSocket-1 of the NodeName line, all cores Sockets*CoresPerSocket.
#   24.11.0 on (b886b6e82f "Require that cores specification match slurm socket boundaries", first tag
#     slurm-24-11-0-0rc1): each socket is untouched or whole. A merge of it into 24.05 was reverted
#     (c9c88df9d7) before slurm-24-05-5-1: no 24.05 release checks.
#   25.11.0 on (06fa614909 "Don't allow gres to have affinity to multiple sockets" and f0f6916b28
#     "Allow all cores to be set", first tag slurm-25-11-0-0rc1): exactly one whole socket, or every core.
# Newest first: (first version, rule). Below the last one any Cores= goes.
CORES_RULES = (((25, 11), 'one_socket'), ((24, 11), 'whole_sockets'))
# Without a known version: the newest rule, whose Cores= every version accepts.
CORES_RULE_UNKNOWN = CORES_RULES[0][1]
_CORES_RULE_TEXT = {
    'any': 'the cores nearest each GPU, in its NUMA node (slurmctld before 24.11 checks no socket boundaries)',
    'whole_sockets': 'whole sockets (slurmctld 24.11+ rejects a Cores= that splits a socket)',
    'one_socket': 'one whole socket, or else every core or none (slurmctld 25.11+ rejects anything else)',
}
# RealMemory reserve when none is given: 2 % of the memory, at least 1 GiB, at most 32 GiB.
RESERVE_FRACTION = 0.02
RESERVE_MIN_MB = 1024
RESERVE_MAX_MB = 32768


def type_of(gpu) -> str:
    """Slurm GRES Type of a GPU entry: its short name, lower case, form factor dropped ('H100 SXM' -> 'h100')."""
    name = str(gpu.get('short_name') or gpu.get('name') or '')
    words = [w for w in re.split(r'[^0-9A-Za-z]+', name.lower()) if w and w not in _FORM_FACTORS]
    if not words:
        raise ValueError('GPU %s has no name to make a Slurm Type of; give gres_type' % gpu.get('bdf'))
    return '_'.join(words)


def parse_slurm_version(value):
    """(major, minor) of a Slurm version ('24.11.5', '25.11.0-0rc1', `slurmd -V`'s 'slurm-wlm 22.05.8'), or None."""
    if value is None or str(value).strip() == '':
        return None
    found = re.search(r'(?<![0-9.])([0-9]{2})\.([0-9]{2})(?![0-9])', str(value))
    if not found:
        raise ValueError('slurm_version: expected a Slurm version such as 24.11.5, not %r' % (value,))
    return int(found.group(1)), int(found.group(2))


def cores_rule(version) -> str:
    """The Cores= rule slurmctld of that version applies: any, whole_sockets or one_socket."""
    version = parse_slurm_version(version)
    if version is None:
        return CORES_RULE_UNKNOWN
    for first, rule in CORES_RULES:
        if version >= first:
            return rule
    return 'any'


def socket_cores(cores: str, sockets: int, cores_per_socket: int, rule: str):
    """``cores`` (Slurm core ids) as the rule lets gres.conf write them: unchanged, widened to the whole
    sockets they touch, or None (no Cores=, which Slurm reads as every core) when the rule allows neither."""
    if rule == 'any':
        return cores
    total = sockets * cores_per_socket
    # Ids past Sockets*CoresPerSocket (cores the NodeName line does not count) are no Slurm core.
    touched = sorted(set(core // cores_per_socket for core in parse_cpulist(cores) if core < total))
    if not touched:
        return None
    if rule == 'one_socket' and 1 < len(touched) < sockets:
        return None
    return format_cpulist([s * cores_per_socket + c for s in touched for c in range(cores_per_socket)])


def _device_file(gpu) -> str:
    if gpu['vendor'] == 'nvidia':
        # The facts carry the index (PCI bus order); the driver gives minor numbers in the same order.
        return '/dev/nvidia%d' % int(gpu.get('minor_number', gpu['index']))
    return '/dev/dri/renderD%d' % int(gpu.get('render_minor', AMD_RENDER_BASE + gpu['index']))


def _nvlink_count(gpu: dict, peer: str, peers: set, switches: int) -> int:
    """Slurm's Links= value for a GPU's NVLink peer: the NVLinks between the two.

    gpu_nvml.c (_nvml_get_nvlink_info) adds 1 for each active NVLink whose far end is that peer. The
    facts count the active links to each direct peer (nvlink.peer_links): that count. A peer reached
    only through NVSwitches (a link ends at the switch, never at a GPU) gets 1 for "connected", where
    Slurm writes 0. Facts without peer_links (captured by an older release) name the peers
    (nvlink_peers) and count the active links (nvlink.active_links) but do not say which link goes
    where, so the count is known only when all links go to one peer with no NVSwitch in between (a
    bridged pair); otherwise 1.
    """
    nvlink = gpu.get('nvlink') or {}
    counted = nvlink.get('peer_links')
    if isinstance(counted, dict):
        return int(counted.get(peer) or 0) or 1
    if len(peers) == 1 and not switches and not nvlink.get('switches') and int(nvlink.get('active_links') or 0) > 0:
        return int(nvlink['active_links'])
    return 1


def _links(topology: dict, gpus: list, mode: str):
    """Per GPU the Links= list (or None) and where the links came from, per vendor."""
    if mode not in LINKS_MODES:
        raise ValueError('links is one of %s, not %r' % (', '.join(LINKS_MODES), mode))
    matrix = [None] * len(gpus)
    sources = {}
    if mode == 'none':
        return matrix, sources
    switches = int((topology.get('nvswitches') or {}).get('count') or 0)
    for vendor, key in (('nvidia', 'nvlink_peers'), ('amd', 'xgmi_peers')):
        members = [i for i, gpu in enumerate(gpus) if gpu['vendor'] == vendor]
        if len(members) < 2:
            continue
        counted = False
        if any(key in gpus[i] for i in members):
            sources[vendor] = key
            peers = dict((gpus[i]['bdf'], set(gpus[i].get(key) or [])) for i in members)
            counted = vendor == 'nvidia'
        elif (vendor == 'nvidia' and switches) or (
                vendor == 'amd' and len(set(gpus[i].get('short_name') for i in members)) == 1
                and AMD_ALL_TO_ALL.get(gpus[members[0]].get('short_name')) == len(members)):
            # A captured tree has no NVML/amdsmi: NVSwitches (or the MI300X baseboard's XGMI mesh)
            # connect every GPU to every other one.
            sources[vendor] = 'nvswitch' if vendor == 'nvidia' else 'xgmi_baseboard'
            peers = dict((gpus[i]['bdf'], set(gpus[j]['bdf'] for j in members)) for i in members)
        else:
            continue
        for i in members:
            mine = peers[gpus[i]['bdf']]
            row = []
            for j, other in enumerate(gpus):
                if i == j:
                    row.append(-1)
                elif other['vendor'] == vendor and other['bdf'] in mine:
                    # NVLink peers from NVML: the link count; XGMI peers and derived all-to-all: 1.
                    row.append(_nvlink_count(gpus[i], other['bdf'], mine, switches) if counted else 1)
                else:
                    row.append(0)
            matrix[i] = row
    return matrix, sources


def slurm_gres(topology, gres_type=None, links='auto', slurm_version=None):
    """The GPUs of a topology as gres.conf entries (dicts), in gres.conf order."""
    topology = topology_fact(topology)
    gpus = sorted((g for g in topology['gpus'] if g.get('vendor') in GRES_VENDORS),
                  key=lambda g: (GRES_VENDORS.index(g['vendor']), g['index']))
    matrix, sources = _links(topology, gpus, str(links))
    rule = cores_rule(slurm_version)
    sockets, per_socket = int(topology['cpu']['sockets']), int(topology['cpu']['cores_per_socket'])
    entries = []
    for gpu, row in zip(gpus, matrix):
        near = slurm_core_ids(topology, gpu_cpus(topology, gpu['bdf']))
        entries.append({
            'name': 'gpu',
            'type': str(gres_type) if gres_type else type_of(gpu),
            'file': _device_file(gpu),
            'cores': socket_cores(near, sockets, per_socket, rule),
            'near_cores': near,
            'cores_rule': rule,
            'links': row,
            'links_source': sources.get(gpu['vendor']),
            'vendor': gpu['vendor'],
            'index': gpu['index'],
            'bdf': gpu['bdf'],
        })
    return entries


def slurm_gres_conf(topology, gres_type=None, links='auto', slurm_version=None):
    """gres.conf text for the local node: AutoDetect=off and one Name=gpu line per GPU."""
    entries = slurm_gres(topology, gres_type, links, slurm_version)
    version = parse_slurm_version(slurm_version)
    lines = ['# GPUs of this node: %s' % topology_fact(topology).get('summary', ''),
             '# Core ids are Slurm abstract core ids (linuxai.node.slurm_core_ids), not Linux CPU numbers.',
             '# Cores: %s: %s.' % ('Slurm %d.%02d' % version if version else 'Slurm version unknown, its strictest rule',
                                   _CORES_RULE_TEXT[cores_rule(slurm_version)])]
    notes = sorted(set(e['links_source'] for e in entries if e['links_source']))
    if 'nvswitch' in notes:
        lines.append('# Links: the node has NVSwitches, so every NVIDIA GPU reaches every other one (all-to-all).')
    if 'xgmi_baseboard' in notes:
        lines.append('# Links: the 8 GPUs of an MI300X-class baseboard are XGMI-connected all-to-all.')
    if 'nvlink_peers' in notes or 'xgmi_peers' in notes:
        lines.append('# Links: from the NVLink/XGMI peers NVML/amdsmi reported (the number of NVLinks to a directly linked GPU;'
                     ' 1 for a GPU reached through NVSwitches, over XGMI or where the facts do not count the links; 0 = none).')
    lines.append('AutoDetect=off')
    for e in entries:
        fields = ['Name=gpu', 'Type=%s' % e['type'], 'File=%s' % e['file']]
        if e['cores'] is not None:
            fields.append('Cores=%s' % e['cores'])
        if e['links'] is not None:
            fields.append('Links=%s' % ','.join(str(n) for n in e['links']))
        lines.append(' '.join(fields))
    return '\n'.join(lines) + '\n'


def default_reserve_mb(memory_mb: int) -> int:
    """Memory left to the OS and slurmd: 2 % of it, at least 1 GiB, at most 32 GiB."""
    return int(min(max(memory_mb * RESERVE_FRACTION, RESERVE_MIN_MB), RESERVE_MAX_MB))


def slurm_node(topology, node_name, memory_mb=None, reserve_mb=None, gres_type=None):
    """The slurm.conf NodeName entry of a node, as fields and as a line."""
    topology = topology_fact(topology)
    if not node_name or not re.match(r'^[A-Za-z0-9][A-Za-z0-9._-]*$', str(node_name)):
        raise ValueError('a Slurm node name is letters, digits, ".", "_" and "-", not %r' % (node_name,))
    cpu = topology['cpu']
    # ansible-core before 2.19 renders a template's none as '' (a captured tree has no /proc/meminfo).
    if memory_mb is None or memory_mb == '':
        memory_mb = sum(int(node.get('memory_mb') or 0) for node in topology['numa'])
    memory_mb = int(memory_mb)
    if memory_mb <= 0:
        raise ValueError('the topology reports no memory; give memory_mb')
    reserve = default_reserve_mb(memory_mb) if reserve_mb is None or reserve_mb == '' else int(reserve_mb)
    if reserve < 0 or reserve >= memory_mb:
        raise ValueError('reserve_mb must be between 0 and the memory (%d MiB), not %s' % (memory_mb, reserve_mb))
    counts = {}
    for entry in slurm_gres(topology, gres_type, 'none'):
        counts[entry['type']] = counts.get(entry['type'], 0) + 1
    gres = ','.join('gpu:%s:%d' % (kind, count) for kind, count in sorted(counts.items()))
    node = {
        'name': str(node_name),
        'cpus': int(cpu['threads']),
        'sockets': int(cpu['sockets']),
        'cores_per_socket': int(cpu['cores_per_socket']),
        # slurmd -C divides the node's CPUs by its cores: where offline CPUs leave some cores with
        # fewer threads than others, it reports the floor, and slurm.conf must say the same.
        'threads_per_core': max(1, int(cpu['threads']) // (int(cpu['sockets']) * int(cpu['cores_per_socket']) or 1)),
        'memory_mb': memory_mb,
        'reserve_mb': reserve,
        'real_memory': memory_mb - reserve,
        'gres': gres,
    }
    fields = ['NodeName=%s' % node['name'], 'CPUs=%d' % node['cpus'], 'Sockets=%d' % node['sockets'],
              'CoresPerSocket=%d' % node['cores_per_socket'], 'ThreadsPerCore=%d' % node['threads_per_core'],
              'RealMemory=%d' % node['real_memory']]
    if gres:
        fields.append('Gres=%s' % gres)
    node['line'] = ' '.join(fields)
    return node
