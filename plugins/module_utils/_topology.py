# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hardware topology probe behind linuxai.node.topology_facts (private to linuxai.node).

Reads sysfs and procfs only (live or from a captured tree) and returns the
``linuxai_topology`` fact; NVML and amdsmi add details on a live system.

Cost model: one listing of /sys/bus/pci/devices and one read of each
device's ``class``; further reads only for GPUs, NVSwitches and NICs. CPU
topology costs one read per core, two per package, die and cluster, two in all
for the compute-unit check, and one per NUMA node for its CPUs. Nothing walks /sys.
"""

from __future__ import annotations

import os
import posixpath
import time

from ansible_collections.linuxai.node.plugins.module_utils import _pci_ids
from ansible_collections.linuxai.node.plugins.module_utils._cpulist import format_sorted, parse_cpulist, parse_cpumask
from ansible_collections.linuxai.node.plugins.module_utils._fsroot import TopologyRootError, TreeReader, open_root

__all__ = ['SCHEMA_VERSION', 'DISTANCES', 'TopologyRootError', 'probe', 'probe_tree', 'pcie_distance']

SCHEMA_VERSION = 1

# nvidia-smi topo -m classes, nearest first.
DISTANCES = ('PIX', 'PXB', 'PHB', 'NODE', 'SYS')
_DISTANCE_RANK = dict((name, rank) for rank, name in enumerate(DISTANCES))

_CPU_DIR = 'sys/devices/system/cpu'
_NODE_DIR = 'sys/devices/system/node'
_PCI_DIR = 'sys/bus/pci/devices'
_HEX = frozenset('0123456789abcdef')
_SMT_STATES = {'on': 'on', 'off': 'off', 'forceoff': 'off', 'notsupported': 'notsupported'}

# PCI classes (class code >> 8).
_CLASS_PROCESSING_ACCEL = 0x1200
_CLASS_BRIDGE_OTHER = 0x0680
_CLASS_INFINIBAND = 0x0207


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in _HEX for c in text)


def _is_host_bridge(name: str) -> bool:
    """'pci0000:17' (a PCI root complex in a sysfs path)."""
    domain, sep, bus = name[3:].partition(':')
    return name.startswith('pci') and bool(sep) and len(domain) >= 4 and len(bus) == 2 and _is_hex(domain + bus)


def _is_bdf(name: str) -> bool:
    """'0000:18:00.0'."""
    parts = name.split(':')
    if len(parts) != 3 or len(parts[0]) < 4 or len(parts[1]) != 2:
        return False
    dev, dot, func = parts[2].partition('.')
    return bool(dot) and len(dev) == 2 and func in '01234567' and len(func) == 1 and _is_hex(parts[0] + parts[1] + dev)


def _numbered(name: str, prefix: str, suffix: str = ''):
    """int N for names like prefix + N + suffix, else None."""
    if name.startswith(prefix) and name.endswith(suffix):
        middle = name[len(prefix):len(name) - len(suffix)]
        if middle.isdigit():
            return int(middle)
    return None


def _cpus(reader: TreeReader, rel: str):
    """Parse a cpulist file; None when missing, [] plus a warning when malformed."""
    text = reader.read(rel)
    if text is None:
        return None
    try:
        return parse_cpulist(text)
    except ValueError as exc:
        reader.warn('/%s: %s' % (rel, exc))
        return []


class _Probe:
    """One probe run over one tree."""

    def __init__(self, reader: TreeReader, live: bool):
        self.r = reader
        self.live = live
        self.online = set()  # online CPUs, set by cpu()

    # -- CPU ------------------------------------------------------------------
    # Files of /sys/devices/system/cpu/cpuN/topology/ (Documentation/ABI/stable/sysfs-devices-system-cpu,
    # Documentation/admin-guide/cputopology.rst): core_cpus/package_cpus (Linux 5.x) are the new names
    # of thread_siblings/core_siblings, same content. The *_list files appeared after the hex masks:
    # an old kernel may have only the masks. Only online CPUs have a topology/ directory on most kernels.
    _CORE_FILES = ('thread_siblings_list', 'core_cpus_list', 'thread_siblings', 'core_cpus')
    _PACKAGE_FILES = ('package_cpus_list', 'core_siblings_list', 'package_cpus', 'core_siblings')
    # Groups inside a package, each an id file and its CPU list (cputopology.rst): dies (die_id,
    # die_cpus_list, Linux 5.2+) and clusters (cluster_id, cluster_cpus_list, Linux 5.16+: CPUs sharing
    # an L2 on x86, a cluster of cores on arm64). An id of -1 means the platform gives none.
    _GROUPS = (('dies', 'die_id', ('die_cpus_list', 'die_cpus')),
               ('clusters', 'cluster_id', ('cluster_cpus_list', 'cluster_cpus')))

    def _cpu_set(self, base: str, names: tuple):
        """The first of ``names`` that exists under ``base``, parsed (cpulist or hex mask); None when none does."""
        r = self.r
        for name in names:
            text = r.read(base + name)
            if text is None:
                continue
            try:
                return parse_cpulist(text) if name.endswith('list') else parse_cpumask(text)
            except ValueError as exc:
                r.warn('/%s%s: %s' % (base, name, exc))
                return []
        return None

    def cpu(self):
        r = self.r
        online = _cpus(r, _CPU_DIR + '/online')
        if online is None:
            r.warn('cannot read /sys/devices/system/cpu/online; counting CPUs from their topology directories')
            online = sorted(int(name[3:]) for name in r.listdir(_CPU_DIR)
                            if name.startswith('cpu') and name[3:].isdigit()
                            and r.exists('%s/%s/topology' % (_CPU_DIR, name)))
        present = _cpus(r, _CPU_DIR + '/present')
        if present is None:
            present = list(online)
        offline = _cpus(r, _CPU_DIR + '/offline')
        if offline is None:
            offline = sorted(set(present) - set(online))
        online_set = set(online)
        self.online = online_set

        package_of = {}     # cpu -> package key
        group_of = dict((name, {}) for name, _id, _files in self._GROUPS)    # cpu -> (package key, id)
        group_cpus = dict((name, {}) for name, _id, _files in self._GROUPS)  # (package key, id) -> cpus
        absent = set()      # group kinds this kernel has no id file for (read once, not per core)
        cores = []          # (package key, sorted cpus of the core)
        seen = set()
        compute_units = 0
        split_units = None  # decided on the first core with several threads (a CPU family trait)
        for cpu in online:
            if cpu in seen:
                continue
            base = '%s/cpu%d/topology/' % (_CPU_DIR, cpu)
            siblings = (set(self._cpu_set(base, self._CORE_FILES) or ()) & online_set) - seen
            siblings.add(cpu)
            if len(siblings) > 1 and split_units is None:
                split_units = self._split_compute_unit(base, cpu, siblings)
            if len(siblings) > 1 and split_units:
                # AMD family 15h: the kernel lists the two cores of a compute unit as thread
                # siblings, each with its own core_id; they are two cores (as hwloc and AMD count
                # them), each with one thread.
                compute_units += 1
                siblings = {cpu}
            if cpu not in package_of:
                self._package(base, cpu, online_set, package_of)
            key = package_of[cpu]
            for name, id_file, cpu_files in self._GROUPS:
                if name in absent or cpu in group_of[name]:
                    continue
                group_id = r.read_int(base + id_file)
                if group_id is None:
                    absent.add(name)
                    continue
                if group_id < 0:
                    continue
                members = (set(self._cpu_set(base, cpu_files) or ()) & online_set) | {cpu}
                group_cpus[name].setdefault((key, group_id), set()).update(members)
                for member in members:
                    group_of[name].setdefault(member, (key, group_id))
            cores.append((key, sorted(siblings)))
            seen.update(siblings)

        # Real package ids are kept; packages without one are numbered after them.
        keys = sorted(set(key for key, _threads in cores), key=lambda k: (k[0] != 'id', k[1:]))
        ids = {}
        next_id = max([k[1] for k in keys if k[0] == 'id'] + [-1]) + 1
        for key in keys:
            if key[0] == 'id':
                ids[key] = key[1]
            else:
                ids[key] = next_id
                next_id += 1
        per_package = {}
        for key, threads in cores:
            per_package.setdefault(ids[key], []).append(threads)
        groups_of_package = dict((name, {}) for name, _id, _files in self._GROUPS)
        for name, found in group_cpus.items():
            for (key, group_id), members in found.items():
                groups_of_package[name].setdefault(ids[key], []).append(
                    {'id': group_id, 'cpus': format_sorted(sorted(members))})
        package_list = []
        for pkg in sorted(per_package):
            core_threads = sorted(per_package[pkg], key=lambda threads: threads[0])
            package_list.append({
                'id': pkg,
                'cpus': format_sorted(sorted(c for threads in core_threads for c in threads)),
                'cores': [format_sorted(threads) for threads in core_threads],
                # die_id / die_cpus_list (Linux 5.2+), cluster_id / cluster_cpus_list (5.16+);
                # [] when the kernel has no such files.
                'dies': sorted(groups_of_package['dies'].get(pkg, []), key=lambda die: die['id']),
                'clusters': sorted(groups_of_package['clusters'].get(pkg, []), key=lambda group: group['id']),
            })

        n_sockets = len(package_list)
        n_cores = len(cores)
        threads_per_core = max((len(threads) for _pkg, threads in cores), default=0)
        info = self._cpuinfo()
        smt = self._smt(threads_per_core)
        return {
            'architecture': info['architecture'],
            'vendor': info['vendor'],
            'model': info['model'],
            'sockets': n_sockets,
            'cores': n_cores,
            'cores_per_socket': (n_cores // n_sockets) if n_sockets else 0,
            'threads': len(online),
            'threads_per_core': threads_per_core,
            'smt': smt,
            'smt_active': self._smt_active(threads_per_core),
            'dies': sum(len(p['dies']) for p in package_list),
            'clusters': sum(len(p['clusters']) for p in package_list),
            'compute_unit_cores': compute_units > 0,
            'online': format_sorted(online),
            'offline': format_sorted(offline),
            'present': format_sorted(present),
            'packages': package_list,
        }

    def _split_compute_unit(self, base: str, cpu: int, siblings: set) -> bool:
        """True when the thread siblings of ``cpu`` carry different core_id values (AMD compute unit).

        SMT threads of one core share its core_id (cputopology.rst: core_id is the core's id); the
        kernel puts the cores of an AMD family 15h compute unit in thread_siblings although each
        keeps its own core_id. Asked once per probe, on the first core with several threads: it is
        a trait of the CPU family, like hwloc's Linux backend decided it (hwloc 1.x).
        """
        r = self.r
        own = r.read_int(base + 'core_id')
        other = min(siblings - {cpu})
        theirs = r.read_int('%s/cpu%d/topology/core_id' % (_CPU_DIR, other))
        return own is not None and theirs is not None and own != theirs

    def _package(self, base: str, cpu: int, online_set: set, package_of: dict) -> None:
        """Give ``cpu`` and the other online CPUs of its package their package key."""
        r = self.r
        pkg = r.read_int(base + 'physical_package_id')
        listed = self._cpu_set(base, self._PACKAGE_FILES)
        members = (set(listed or ()) & online_set) | {cpu}
        if pkg is not None and pkg >= 0:
            key = ('id', pkg)
        elif listed is not None:
            # No physical_package_id, or -1 (some arm64 firmware): the package is the set of
            # CPUs in package_cpus / core_siblings, as hwloc groups them.
            if pkg is None:
                r.warn('cannot read /%sphysical_package_id; package grouped by its package_cpus/core_siblings'
                       % base)
            key = ('group', min(members))
        else:
            r.warn('cannot read /%sphysical_package_id nor a package CPU list; socket and core counts may be wrong'
                   % base)
            key = ('unknown',)
        for member in members:
            package_of.setdefault(member, key)

    def _smt_active(self, threads_per_core: int) -> bool:
        """/sys/devices/system/cpu/smt/active (Documentation/ABI/testing/sysfs-devices-system-cpu):
        1 when SMT is enabled and a sibling thread is online; without the file, from the cores."""
        active = self.r.read_int(_CPU_DIR + '/smt/active')
        if active is not None:
            return active == 1
        return threads_per_core > 1

    def _smt(self, threads_per_core: int) -> str:
        control = self.r.read(_CPU_DIR + '/smt/control')
        if control in _SMT_STATES:
            return _SMT_STATES[control]
        if control not in (None, 'notimplemented'):
            self.r.warn('unexpected /sys/devices/system/cpu/smt/control value %r' % control)
        return 'on' if threads_per_core > 1 else 'unknown'

    def _cpuinfo(self) -> dict:
        """Vendor, model and architecture from the first block of /proc/cpuinfo."""
        r = self.r
        # Only the first processor's block is needed; reading the whole file makes the
        # kernel format every CPU (and on x86 sample each CPU's frequency).
        limit = 1 << 22 if r.recording else 8192
        data = r.read_bytes('proc/cpuinfo', limit=limit)
        fields = {}
        if data is None:
            r.warn('cannot read /proc/cpuinfo; CPU model unknown')
        else:
            text = data.decode('utf-8', 'replace').split('\n\n', 1)[0]
            for line in text.split('\n'):
                key, sep, value = line.partition(':')
                if not sep:
                    continue
                key = key.strip().lower()
                if key not in fields:
                    fields[key] = value.strip()
        arch = None
        if self.live:
            arch = os.uname()[4]
        else:
            arch = self.r.read('proc/sys/kernel/arch') or None
        vendor, model = 'unknown', 'unknown'
        if 'vendor_id' in fields and 'flags' in fields:
            vendor = fields['vendor_id']
            model = fields.get('model name', 'unknown')
            arch = arch or ('x86_64' if ' lm ' in ' %s ' % fields['flags'] else 'i686')
        elif 'cpu implementer' in fields:
            arch = arch or 'aarch64'
            try:
                implementer = int(fields['cpu implementer'], 0)
                part = int(fields.get('cpu part', '-1'), 0)
            except ValueError:
                implementer, part = -1, -1
            vendor = _pci_ids.ARM_IMPLEMENTERS.get(implementer, fields['cpu implementer'])
            model = fields.get('model name') or _pci_ids.ARM_PARTS.get(
                (implementer, part), 'implementer %s part %s' % (fields['cpu implementer'], fields.get('cpu part', '?')))
        elif fields.get('cpu', '').upper().startswith('POWER'):
            arch = arch or 'ppc64le'
            vendor = 'IBM'
            model = fields['cpu'].split(',')[0].strip()
        elif 'isa' in fields and fields['isa'].startswith('rv64'):
            arch = arch or 'riscv64'
            vendor = fields.get('mvendorid', 'unknown')
            model = fields.get('uarch', fields['isa'])
        elif fields.get('vendor_id', '').startswith('IBM/S390'):
            arch = arch or 's390x'
            vendor = 'IBM'
            model = fields.get('machine', 'unknown')
        elif 'model name' in fields:
            model = fields['model name']
        return {'architecture': arch or 'unknown', 'vendor': vendor, 'model': model}

    # -- NUMA -----------------------------------------------------------------
    def numa(self, cpu: dict) -> list:
        r = self.r
        ids = sorted(n for n in (_numbered(name, 'node') for name in r.listdir(_NODE_DIR)) if n is not None)
        if not ids:
            return [self._single_node(cpu)]
        online = _cpus(r, _NODE_DIR + '/online') or ids
        online_cpus = set(parse_cpulist(cpu['online']))
        nodes = []
        for node_id in ids:
            base = '%s/node%d/' % (_NODE_DIR, node_id)
            # nodeN/cpulist, or the older hex cpumap (Documentation/ABI/stable/sysfs-devices-node): "the
            # CPUs associated to the node". Many kernels keep offline CPUs in it; only online CPUs run,
            # so ``cpus`` is intersected with cpu/online (as hwloc does) and the rest is ``offline_cpus``.
            listed = self._cpu_set(base, ('cpulist', 'cpumap'))
            if listed is None:
                r.warn('cannot read /%scpulist' % base)
                listed = []
            cpus = [c for c in listed if c in online_cpus]
            memory_mb = self._node_memory(base + 'meminfo')
            distances = {}
            text = r.read(base + 'distance')
            if text is None:
                r.warn('cannot read /%sdistance' % base)
            else:
                try:
                    values = [int(v) for v in text.split()]
                except ValueError:
                    r.warn('malformed /%sdistance: %r' % (base, text[:80]))
                    values = []
                targets = online if len(values) == len(online) else ids
                if values and len(values) != len(targets):
                    r.warn('/%sdistance has %d values for %d nodes' % (base, len(values), len(targets)))
                else:
                    distances = dict((str(t), v) for t, v in zip(targets, values))
            nodes.append({
                'id': node_id,
                'cpus': format_sorted(cpus),
                'offline_cpus': format_sorted([c for c in listed if c not in online_cpus]),
                'memory_mb': memory_mb,
                'memory_only': not cpus and memory_mb > 0,
                'hugepages': self._hugepages(base + 'hugepages'),
                'distances': distances,
            })
        self._check_numa(cpu, nodes)
        return nodes

    def _check_numa(self, cpu: dict, nodes: list) -> None:
        """Warn when the NUMA layout contradicts the CPUs: a CPU in two nodes, an online CPU in
        none, or the threads of one core split across nodes (SMT siblings share one memory path).
        The sysfs layout is still reported as it is; the warning says it cannot be trusted."""
        r = self.r
        node_of = {}
        for node in nodes:
            for c in parse_cpulist(node['cpus']):
                if c in node_of:
                    r.warn('NUMA layout: CPU %d is listed by nodes %d and %d; firmware (SRAT) and CPUs disagree'
                           % (c, node_of[c], node['id']))
                else:
                    node_of[c] = node['id']
        missing = [c for c in parse_cpulist(cpu['online']) if c not in node_of]
        if missing:
            r.warn('NUMA layout: online CPUs %s are in no NUMA node' % format_sorted(missing))
        for package in cpu['packages']:
            for core in package['cores']:
                where = sorted(set(node_of.get(c, -1) for c in parse_cpulist(core)))
                if len(where) > 1:
                    r.warn('NUMA layout: the threads of core %s are in nodes %s; firmware (SRAT) and CPUs disagree'
                           % (core, ','.join(str(n) for n in where if n >= 0)))

    def _node_memory(self, rel: str) -> int:
        text = self.r.read(rel)
        if text is None:
            self.r.warn('cannot read /%s' % rel)
            return 0
        for line in text.split('\n'):
            # "Node 0 MemTotal:       527939828 kB"
            if 'MemTotal:' in line:
                value = line.split('MemTotal:', 1)[1].split()
                if value and value[0].isdigit():
                    return int(value[0]) // 1024
        self.r.warn('malformed /%s: no MemTotal line' % rel)
        return 0

    def _hugepages(self, rel: str) -> dict:
        pools = {}
        for name in self.r.listdir(rel):
            size_kb = _numbered(name, 'hugepages-', 'kB')
            if size_kb is None:
                continue
            base = '%s/%s/' % (rel, name)
            total = self.r.read_int(base + 'nr_hugepages')
            free = self.r.read_int(base + 'free_hugepages')
            pools[str(size_kb)] = {'total': total or 0, 'free': free or 0}
        return pools

    def _single_node(self, cpu: dict) -> dict:
        """A kernel without NUMA support: one node with everything."""
        memory_mb = 0
        text = self.r.read('proc/meminfo')
        if text is None:
            self.r.warn('cannot read /proc/meminfo; memory size unknown')
        else:
            for line in text.split('\n'):
                if line.startswith('MemTotal:'):
                    value = line.split()[1:2]
                    if value and value[0].isdigit():
                        memory_mb = int(value[0]) // 1024
        return {
            'id': 0,
            'cpus': cpu['online'],
            'offline_cpus': cpu['offline'],
            'memory_mb': memory_mb,
            'memory_only': False,
            'hugepages': self._hugepages('sys/kernel/mm/hugepages'),
            'distances': {'0': 10},
        }

    # -- PCI ------------------------------------------------------------------
    def scan_pci(self):
        """One pass over /sys/bus/pci/devices reading only ``class``; returns candidate lists."""
        r = self.r
        gpus, nics, bridges_other = [], [], []
        for bdf in r.listdir(_PCI_DIR):
            text = r.read('%s/%s/class' % (_PCI_DIR, bdf))
            if text is None:
                r.warn('cannot read the class of PCI device %s' % bdf)
                continue
            try:
                code = int(text, 16)
            except ValueError:
                r.warn('malformed class %r of PCI device %s' % (text[:20], bdf))
                continue
            sub = code >> 8
            if code >> 16 == 0x03 or sub == _CLASS_PROCESSING_ACCEL:
                gpus.append((bdf, code))
            elif code >> 16 == 0x02:
                nics.append((bdf, code))
            elif sub == _CLASS_BRIDGE_OTHER:
                bridges_other.append((bdf, code))
        return gpus, nics, bridges_other

    def device(self, bdf: str) -> dict:
        """Common attributes of one PCI function, read through its real sysfs path."""
        r = self.r
        path = r.resolve('%s/%s' % (_PCI_DIR, bdf))
        vendor = r.read_int(path + '/vendor', base=16)
        device = r.read_int(path + '/device', base=16)
        pci_id = '%04x:%04x' % (vendor or 0, device or 0)
        if vendor is None or device is None:
            r.warn('cannot read the vendor/device id of PCI device %s' % bdf)
        return {'bdf': bdf, 'path': path, 'vendor_id': vendor, 'pci_id': pci_id, 'chain': _chain(path)}

    def _numa_node(self, dev: dict):
        value = self.r.read_int(dev['path'] + '/numa_node')
        return value if value is not None and value >= 0 else None

    def _local_cpus(self, dev: dict):
        """Return (cpulist text, cpu numbers) of the device's local CPUs as sysfs lists them, or ('', None)."""
        r = self.r
        text = r.read(dev['path'] + '/local_cpulist')
        try:
            if text is not None:
                return text, parse_cpulist(text)
            text = r.read(dev['path'] + '/local_cpus')
            if text is not None:
                cpus = parse_cpumask(text)
                return format_sorted(cpus), cpus
        except ValueError as exc:
            r.warn('PCI device %s: %s' % (dev['bdf'], exc))
        return '', None

    def _driver(self, dev: dict) -> str:
        target = self.r.readlink(dev['path'] + '/driver')
        return posixpath.basename(target) if target else 'none'

    def _pcie(self, dev: dict) -> dict:
        r = self.r
        out = {}
        for key, attr in (('current_speed', 'current_link_speed'), ('current_width', 'current_link_width'),
                          ('max_speed', 'max_link_speed'), ('max_width', 'max_link_width')):
            text = r.read('%s/%s' % (dev['path'], attr))
            if text is None:
                out[key] = None
            elif key.endswith('width'):
                out[key] = int(text) if text.isdigit() else None
            else:
                speed = text.replace(' PCIe', '').strip()
                out[key] = None if speed.lower().startswith('unknown') else speed
        out['current_gen'] = _pcie_gen(out['current_speed'])
        out['max_gen'] = _pcie_gen(out['max_speed'])
        return out

    def place(self, dev: dict, nodes: list) -> None:
        """Set numa_node, numa_source and local_cpus on a device entry.

        The node is never -1. When sysfs has none (firmware without _PXM, many VMs):
        a host with one CPU-bearing node gives that node ('single_node'); else the node
        holding most of the device's local CPUs ('local_cpulist'); when the local CPUs
        favour no node (a VM device local to every CPU) or are unknown, the first
        CPU-bearing node ('assumed').
        """
        node = self._numa_node(dev)
        _text, local = self._local_cpus(dev)
        # local_cpulist is the mask of the device's node and may name offline CPUs: report online ones
        # only; the node is chosen from the whole mask (as hwloc does, against the nodes' listed CPUs).
        dev['local_cpus'] = format_sorted([c for c in local if c in self.online]) if local is not None else ''
        if node is not None:
            dev['numa_node'], dev['numa_source'] = node, 'sysfs'
            return
        cpu_nodes = [n for n in nodes if n['cpus']] or nodes[:1]
        if len(cpu_nodes) == 1:
            dev['numa_node'], dev['numa_source'] = cpu_nodes[0]['id'], 'single_node'
            return
        if local is None:
            self.r.warn('PCI device %s has neither a NUMA node nor local CPUs; assuming node %d'
                        % (dev['bdf'], cpu_nodes[0]['id']))
            dev['numa_node'], dev['numa_source'] = cpu_nodes[0]['id'], 'assumed'
            return
        local_set = set(local)
        shares = sorted(((len(local_set & (set(parse_cpulist(n['cpus'])) | set(parse_cpulist(n.get('offline_cpus') or '')))),
                          -n['id']) for n in cpu_nodes), reverse=True)
        best, runner_up = shares[0], shares[1]
        if best[0] > runner_up[0]:
            dev['numa_node'], dev['numa_source'] = -best[1], 'local_cpulist'
        else:
            dev['numa_node'], dev['numa_source'] = cpu_nodes[0]['id'], 'assumed'

    # -- GPUs -----------------------------------------------------------------
    def gpus(self, candidates: list, nodes: list) -> list:
        out = []
        per_vendor = {}
        for bdf, code in candidates:
            dev = self.device(bdf)
            if _pci_ids.is_display_only(dev['pci_id']):
                continue
            vendor = _pci_ids.gpu_vendor(dev['vendor_id'])
            known = _pci_ids.GPUS.get(dev['pci_id'])
            index = per_vendor.get(vendor, 0)
            per_vendor[vendor] = index + 1
            self.place(dev, nodes)
            out.append({
                'index': index,
                'vendor': vendor,
                'pci_id': dev['pci_id'],
                'bdf': bdf,
                'class': '%06x' % code,
                'name': known[0] if known else '%s GPU %s' % (vendor if vendor != 'other' else 'PCI', dev['pci_id']),
                'short_name': known[1] if known else dev['pci_id'],
                'architecture': known[2] if known else 'unknown',
                'numa_node': dev['numa_node'],
                'numa_source': dev['numa_source'],
                'local_cpus': dev['local_cpus'],
                'driver': self._driver(dev),
                'pcie': self._pcie(dev),
                'source': 'sysfs',
                'nearest_nics': [],
                '_chain': dev['chain'],
            })
        return out

    def nvswitches(self, candidates: list) -> dict:
        bdfs = []
        for bdf, _code in candidates:
            vendor = self.r.read_int('%s/%s/vendor' % (_PCI_DIR, bdf), base=16)
            if vendor == 0x10de:
                bdfs.append(bdf)
        return {'count': len(bdfs), 'bdfs': bdfs}

    # -- NICs -----------------------------------------------------------------
    def _class_links(self, rel: str) -> dict:
        """Map PCI BDF -> sorted names for entries of /sys/class/<rel> that sit on a PCI device."""
        mapping = {}
        for name in self.r.listdir(rel):
            target = self.r.resolve('%s/%s' % (rel, name))
            bdf = None
            for part in target.split('/'):
                if _is_bdf(part):
                    bdf = part
            if bdf:
                mapping.setdefault(bdf, []).append(name)
        return mapping

    def nics(self, candidates: list, nodes: list) -> list:
        if not candidates:
            return []
        r = self.r
        netdevs = self._class_links('sys/class/net')
        rdma = self._class_links('sys/class/infiniband')
        out = []
        for bdf, code in candidates:
            dev = self.device(bdf)
            if r.exists(dev['path'] + '/physfn'):
                continue  # SR-IOV virtual function: reported through its physical function
            self.place(dev, nodes)
            names = netdevs.get(bdf, [])
            rdma_names = rdma.get(bdf, [])
            netdev = names[0] if names else None
            rdma_device = rdma_names[0] if rdma_names else None
            link_layer, speed = None, None
            if rdma_device:
                port = 'sys/class/infiniband/%s/ports/1/' % rdma_device
                layer = r.read(port + 'link_layer')
                if layer:
                    link_layer = layer.lower()
                speed = _rdma_rate_mbps(r.read(port + 'rate'))
            if netdev:
                base = 'sys/class/net/%s/' % netdev
                if link_layer is None:
                    net_type = r.read_int(base + 'type')
                    link_layer = {1: 'ethernet', 32: 'infiniband'}.get(net_type)
                if speed is None:
                    net_speed = r.read_int(base + 'speed')
                    if net_speed is not None and net_speed > 0:
                        speed = net_speed
            if link_layer is None:
                link_layer = 'infiniband' if code >> 8 == _CLASS_INFINIBAND else 'ethernet'
            out.append({
                'netdev': netdev,
                'netdevs': names,
                'bdf': bdf,
                'vendor': _pci_ids.NIC_VENDORS.get(dev['vendor_id'], 'other'),
                'pci_id': dev['pci_id'],
                'name': _pci_ids.NICS.get(dev['pci_id'], dev['pci_id']),
                'numa_node': dev['numa_node'],
                'numa_source': dev['numa_source'],
                'local_cpus': dev['local_cpus'],
                'driver': self._driver(dev),
                'link_layer': link_layer,
                'speed_mbps': speed,
                'rdma_device': rdma_device,
                '_chain': dev['chain'],
            })
        return out


def _chain(path: str) -> list:
    """Return the PCI hierarchy of a sysfs device path, from its host bridge down."""
    parts = path.split('/')
    for i, part in enumerate(parts):
        if _is_host_bridge(part):
            return parts[i:]
    return []


def _pcie_gen(speed):
    if not speed:
        return None
    try:
        rate = float(speed.split()[0])
    except (ValueError, IndexError):
        return None
    for gen, gts in ((6, 64.0), (5, 32.0), (4, 16.0), (3, 8.0), (2, 5.0), (1, 2.5)):
        if rate >= gts:
            return gen
    return None


def _rdma_rate_mbps(text):
    """'400 Gb/sec (4X NDR)' -> 400000."""
    if not text:
        return None
    fields = text.split()
    try:
        value = float(fields[0])
    except (ValueError, IndexError):
        return None
    unit = fields[1] if len(fields) > 1 else 'Gb/sec'
    scale = {'Gb/sec': 1000, 'Mb/sec': 1}.get(unit, 1000)
    return int(value * scale) or None


def pcie_distance(chain_a: list, chain_b: list, node_a, node_b) -> str:
    """Classify the path between two PCI devices like ``nvidia-smi topo -m``.

    ``chain_*`` are the sysfs path components from the host bridge down
    (``['pci0000:17', '0000:17:01.0', '0000:18:00.0', '0000:19:00.0', '0000:1a:00.0']``).

    PIX: below one PCIe switch (their deepest common bridge sits below the root port and is
    the upstream or a downstream port of the switch both hang off); PXB: behind a common
    switch reached through further switches; PHB: same host bridge (root complex);
    NODE: same NUMA node, different host bridges; SYS: different NUMA nodes.
    """
    if not chain_a or not chain_b or chain_a[0] != chain_b[0]:
        return 'NODE' if node_a is not None and node_a == node_b else 'SYS'
    common = 0
    for a, b in zip(chain_a, chain_b):
        if a != b:
            break
        common += 1
    # chain[0] is the host bridge, chain[1] the root port; a common prefix of 1 means
    # the paths meet in the root complex.
    if common <= 1:
        return 'PHB'
    below_a = len(chain_a) - common
    below_b = len(chain_b) - common
    # Meeting at a switch's upstream port: device <- downstream port <- upstream port (2 hops each).
    # Meeting at a downstream port or root port with the devices directly below: 1 hop each.
    if below_a <= 2 and below_b <= 2:
        return 'PIX'
    return 'PXB'


def _nearest(gpus: list, nics: list) -> None:
    """Fill each GPU's nearest_nics; RDMA-capable NICs are preferred when the host has any."""
    rdma = [n for n in nics if n['rdma_device']]
    candidates = rdma or nics
    for gpu in gpus:
        ranked = []
        for nic in candidates:
            distance = pcie_distance(gpu['_chain'], nic['_chain'], gpu['numa_node'], nic['numa_node'])
            ranked.append((_DISTANCE_RANK[distance], nic['bdf'], distance, nic))
        if not ranked:
            continue
        best = min(rank for rank, _bdf, _d, _n in ranked)
        gpu['nearest_nics'] = [
            {'bdf': nic['bdf'], 'netdev': nic['netdev'], 'rdma_device': nic['rdma_device'], 'distance': distance}
            for rank, _bdf, distance, nic in sorted(ranked, key=lambda item: (item[0], item[1])) if rank == best
        ]


def _count_groups(names: list) -> list:
    order, counts = [], {}
    for name in names:
        if name not in counts:
            order.append(name)
            counts[name] = 0
        counts[name] += 1
    return ['%dx %s' % (counts[name], name) for name in order]


def _summary(cpu: dict, numa: list, gpus: list, nvswitches: dict, nics: list) -> str:
    def plural(n, word):
        return '%d %s%s' % (n, word, '' if n == 1 else 's')
    cores_text = plural(cpu['cores'], 'core')
    # Say when CPUs do not run: SMT switched off (smt/control) or CPUs offline.
    notes = []
    if cpu['smt'] == 'off':
        notes.append('SMT off')
    offline = parse_cpulist(cpu['offline'])
    if offline:
        notes.append('%d of %d CPUs offline' % (len(offline), len(offline) + cpu['threads']))
    if notes:
        cores_text += ' (%s)' % ', '.join(notes)
    parts = [plural(cpu['sockets'], 'socket'), cores_text]
    memory_only = sum(1 for n in numa if n['memory_only'])
    numa_text = plural(len(numa), 'NUMA node')
    if memory_only:
        numa_text += ' (%d memory-only)' % memory_only
    parts.append(numa_text)
    if gpus:
        parts.extend(_count_groups([g['short_name'] for g in gpus]))
    else:
        parts.append('no GPUs')
    if nvswitches['count']:
        parts.append('%d NVSwitch' % nvswitches['count'])
    # Count adapters, not functions: the ports of a dual-port card share bus:device.
    adapters = {}
    for nic in nics:
        adapters.setdefault(nic['bdf'].rsplit('.', 1)[0], nic['name'])
    parts.extend(_count_groups([adapters[key] for key in sorted(adapters)]))
    return ', '.join(parts)


def probe_tree(reader: TreeReader, live: bool, gpu_libraries: bool = True, nvml_module=None, amdsmi_module=None) -> dict:
    """Probe the tree behind ``reader``; see ``probe`` for the arguments."""
    start = time.perf_counter()
    p = _Probe(reader, live)
    cpu = p.cpu()
    numa = p.numa(cpu)
    gpu_candidates, nic_candidates, bridges_other = p.scan_pci()
    gpus = p.gpus(gpu_candidates, numa)
    nvswitches = p.nvswitches(bridges_other)
    nics = p.nics(nic_candidates, numa)
    _nearest(gpus, nics)
    libraries = {}
    if live and gpu_libraries:
        # Imported here: a captured tree (and the common CPU-only node) never needs them.
        from ansible_collections.linuxai.node.plugins.module_utils import _amdsmi, _nvml  # pylint: disable=import-outside-toplevel
        libraries['nvml'] = _nvml.enrich(gpus, nvswitches['bdfs'], reader.warn, module=nvml_module)
        libraries['amdsmi'] = _amdsmi.enrich(gpus, reader.warn, module=amdsmi_module)
    else:
        reason = 'disabled (gpu_libraries=false)' if live else 'not used with a captured root'
        libraries['nvml'] = {'used': False, 'reason': reason}
        libraries['amdsmi'] = {'used': False, 'reason': reason}
    for item in gpus:
        del item['_chain']
    for item in nics:
        del item['_chain']
    facts = {
        'schema_version': SCHEMA_VERSION,
        'cpu': cpu,
        'numa': numa,
        'gpus': gpus,
        'nvswitches': nvswitches,
        'nics': nics,
        'gpu_libraries': libraries,
        'summary': _summary(cpu, numa, gpus, nvswitches, nics),
    }
    facts['probe_ms'] = round((time.perf_counter() - start) * 1000.0, 2)
    return facts


def probe(root: str = '/', gpu_libraries: bool = True, nvml_module=None, amdsmi_module=None) -> dict:
    """Return the ``linuxai_topology`` fact for ``root``.

    ``root`` is '/' (live), a directory or a tar archive holding ``sys/`` and
    ``proc/``. NVML and amdsmi are consulted only when the tree is live and
    ``gpu_libraries`` is true; ``nvml_module``/``amdsmi_module`` replace the
    imported ``pynvml``/``amdsmi`` (tests).
    Raises TopologyRootError when ``root`` cannot be used.
    """
    opened = open_root(root)
    reader = opened.reader()
    facts = probe_tree(reader, opened.live, gpu_libraries, nvml_module, amdsmi_module)
    ordered = {'schema_version': facts.pop('schema_version'), 'root': opened.requested, 'live': opened.live}
    ordered.update(facts)
    ordered['warnings'] = list(reader.warnings)
    return ordered
