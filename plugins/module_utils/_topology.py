# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hardware topology probe behind linuxai.node.topology_facts (private to linuxai.node).

Reads sysfs and procfs only (live or from a captured tree) and returns the
``linuxai_topology`` fact; NVML and amdsmi add details on a live system.

Cost model: one listing of /sys/bus/pci/devices and one read of each
device's ``class``; further reads only for GPUs, NVSwitches and NICs. CPU
topology costs one read per core plus two per package. Nothing walks /sys.
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

    # -- CPU ------------------------------------------------------------------
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

        package_of = {}     # cpu -> package key
        cores = []          # (package key, sorted cpus of the core)
        seen = set()
        for cpu in online:
            if cpu in seen:
                continue
            base = '%s/cpu%d/topology/' % (_CPU_DIR, cpu)
            siblings = _cpus(r, base + 'thread_siblings_list')
            if siblings is None:
                siblings = _cpus(r, base + 'core_cpus_list')
            siblings = (set(siblings or ()) & online_set) - seen
            siblings.add(cpu)
            if cpu not in package_of:
                pkg = r.read_int(base + 'physical_package_id')
                members = _cpus(r, base + 'package_cpus_list')
                if members is None:
                    members = _cpus(r, base + 'core_siblings_list')
                members = (set(members or ()) & online_set) | {cpu}
                if pkg is None:
                    r.warn('cannot read /%sphysical_package_id; socket and core counts may be wrong' % base)
                    key = ('unknown',)
                elif pkg < 0:
                    # Some arm64 firmware reports -1: group by package_cpus_list instead.
                    key = ('group', min(members))
                else:
                    key = ('id', pkg)
                for member in members:
                    package_of.setdefault(member, key)
            cores.append((package_of[cpu], sorted(siblings)))
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
        package_list = []
        for pkg in sorted(per_package):
            core_threads = sorted(per_package[pkg], key=lambda threads: threads[0])
            package_list.append({
                'id': pkg,
                'cpus': format_sorted(sorted(c for threads in core_threads for c in threads)),
                'cores': [format_sorted(threads) for threads in core_threads],
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
            'online': format_sorted(online),
            'offline': format_sorted(offline),
            'present': format_sorted(present),
            'packages': package_list,
        }

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
        nodes = []
        for node_id in ids:
            base = '%s/node%d/' % (_NODE_DIR, node_id)
            cpus = _cpus(r, base + 'cpulist')
            if cpus is None:
                r.warn('cannot read /%scpulist' % base)
                cpus = []
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
                'memory_mb': memory_mb,
                'memory_only': not cpus and memory_mb > 0,
                'hugepages': self._hugepages(base + 'hugepages'),
                'distances': distances,
            })
        return nodes

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
        """Return (cpulist text, cpu numbers) of the device's local CPUs, or ('', None)."""
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
        dev['local_cpus'], local = self._local_cpus(dev)
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
        shares = sorted(((len(local_set & set(parse_cpulist(n['cpus']))), -n['id']) for n in cpu_nodes), reverse=True)
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
    parts = [plural(cpu['sockets'], 'socket'), plural(cpu['cores'], 'core')]
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
