# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declarative builder of fake sysfs/procfs trees for the topology probe.

A machine is a few lines::

    Machine(sockets=2, cores_per_socket=4, threads_per_core=2,
            pci=[host_bridge(0x15, 0, root_port(switch(gpu('h100-sxm'), nic('cx7-ib', netdev='ib0', rdma='mlx5_0'))))])

``write(machine, path)`` lays it out the way the kernel does: real directory
chains under ``sys/devices/pci0000:15/...`` with the relative symlinks of
``/sys/bus/pci/devices``, ``/sys/class/net``, ``/sys/class/infiniband`` and
``driver``, CPU topology files (offline CPUs lose their ``topology/``), NUMA
node files, hugepage pools, PCI config space (so hwloc's lstopo can read the
tree too) and ``/proc/cpuinfo`` / ``/proc/meminfo`` in the architecture's
format. Bus numbers are assigned depth first, like firmware does.

The CPU files follow Documentation/ABI/stable/sysfs-devices-system-cpu and
Documentation/admin-guide/cputopology.rst; the node files follow
Documentation/ABI/stable/sysfs-devices-node. Variants seen on real kernels are
switches of ``Machine``: ``offline_in_node_lists`` (a node's ``cpulist``/``cpumap`` and a
PCI device's ``local_cpulist``/``local_cpus`` keep offline CPUs), ``topology_files='masks'``
(kernels before the ``*_list`` files: only the hex masks ``thread_siblings`` and
``core_siblings``, and no node ``cpulist``), ``compute_units`` (AMD family 15h: the two
cores of a compute unit are ``thread_siblings`` with different ``core_id``),
``dies_per_socket`` (``die_id``/``die_cpus_list``, ``core_id`` restarting in each die),
``clusters_per_die`` (``cluster_id``/``cluster_cpus_list``) and ``package_ids`` entries of None
(no ``physical_package_id`` file).
"""

import os
import struct

# pci_id, class, driver, link speed (GT/s string), width
PRESETS = {
    'h100-sxm': (0x10de, 0x2330, 0x030200, 'nvidia', '32.0 GT/s PCIe', 16),
    'h100-pcie': (0x10de, 0x2331, 0x030200, 'nvidia', '32.0 GT/s PCIe', 16),
    'a100-pcie': (0x10de, 0x20b5, 0x030200, 'nvidia', '16.0 GT/s PCIe', 16),
    'v100-sxm2': (0x10de, 0x1db5, 0x030200, 'nvidia', '8.0 GT/s PCIe', 16),
    'gh200': (0x10de, 0x2342, 0x030200, 'nvidia', '32.0 GT/s PCIe', 16),
    'rtx6000ada': (0x10de, 0x26b1, 0x030000, 'nvidia', '16.0 GT/s PCIe', 16),
    'nvidia-unknown': (0x10de, 0x9999, 0x030200, 'nvidia', '32.0 GT/s PCIe', 16),
    'h100-nvswitch': (0x10de, 0x22a3, 0x068000, 'nvidia', '16.0 GT/s PCIe', 2),
    'mi300x': (0x1002, 0x74a1, 0x120000, 'amdgpu', '32.0 GT/s PCIe', 16),
    'amd-unknown': (0x1002, 0x75a3, 0x120000, 'amdgpu', '32.0 GT/s PCIe', 16),
    'gaudi2': (0x1da3, 0x1020, 0x120000, 'habanalabs', '16.0 GT/s PCIe', 16),
    'aspeed': (0x1a03, 0x2000, 0x030000, 'ast', '5.0 GT/s PCIe', 1),
    'qxl': (0x1b36, 0x0100, 0x030000, 'qxl', None, None),
    'cx7-ib': (0x15b3, 0x1021, 0x020700, 'mlx5_core', '32.0 GT/s PCIe', 16),
    'cx7-eth': (0x15b3, 0x1021, 0x020000, 'mlx5_core', '32.0 GT/s PCIe', 16),
    'i350': (0x8086, 0x1521, 0x020000, 'igb', '5.0 GT/s PCIe', 4),
    'i210': (0x8086, 0x1533, 0x020000, 'igb', '2.5 GT/s PCIe', 1),
    'virtio-net': (0x1af4, 0x1041, 0x020000, 'virtio-pci', None, None),
    'nvme': (0x144d, 0xa824, 0x010802, 'nvme', '16.0 GT/s PCIe', 4),
    'root-port': (0x8086, 0x352a, 0x060400, 'pcieport', '32.0 GT/s PCIe', 16),
    'pex': (0x1000, 0xc030, 0x060400, 'pcieport', '32.0 GT/s PCIe', 16),
    'qemu-root-port': (0x1b36, 0x000c, 0x060400, 'pcieport', '16.0 GT/s PCIe', 32),
}

_PORT_TYPE = {'endpoint': 0, 'root_port': 4, 'upstream': 5, 'downstream': 6}
_GEN = {'2.5': 1, '5.0': 2, '8.0': 3, '16.0': 4, '32.0': 5, '64.0': 6}


class Dev(object):
    """A PCI node: an endpoint, a root port (one child) or a switch (one child per downstream port)."""

    def __init__(self, kind, preset, children=(), label=None, numa_node=None, local_cpulist=None,
                 driver=None, netdev=None, rdma=None, link_layer=None, speed_mbps=None, ports=1, vfs=0,
                 current_speed=None):
        self.kind = kind
        self.preset = preset
        self.children = list(children)
        self.label = label
        self.numa_node = numa_node
        self.local_cpulist = local_cpulist
        self.driver = driver
        self.netdev = netdev
        self.rdma = rdma
        self.link_layer = link_layer
        self.speed_mbps = speed_mbps
        self.ports = ports
        self.vfs = vfs
        self.current_speed = current_speed


def gpu(preset, **kw):
    return Dev('endpoint', preset, **kw)


def endpoint(preset, **kw):
    return Dev('endpoint', preset, **kw)


def nic(preset, netdev=None, rdma=None, link_layer='ethernet', speed_mbps=None, **kw):
    """A NIC; ``netdev``/``rdma`` may be lists when ``ports`` > 1; ``{bus}`` in a netdev is the decimal bus number."""
    return Dev('endpoint', preset, netdev=netdev, rdma=rdma, link_layer=link_layer, speed_mbps=speed_mbps, **kw)


def switch(*children, **kw):
    return Dev('switch', kw.pop('preset', 'pex'), children=children, **kw)


def root_port(child, **kw):
    return Dev('root_port', kw.pop('preset', 'root-port'), children=[child], **kw)


class HostBridge(object):
    def __init__(self, bus, node, children, domain=0, prefix=None):
        self.bus = bus
        self.node = node
        self.children = list(children)
        self.domain = domain
        self.prefix = prefix


def host_bridge(bus, node, *children, **kw):
    """A PCI root complex ``pci0000:<bus>`` attached to NUMA ``node`` (-1: firmware gives none)."""
    return HostBridge(bus, node, children, **kw)


class Node(object):
    """A NUMA node; ``cpus=None`` takes the CPUs of socket ``socket`` (default: the node's position)."""

    def __init__(self, node_id, memory_mb, cpus=None, socket=None, hugepages=None, distances=None):
        self.id = node_id
        self.memory_mb = memory_mb
        self.cpus = cpus
        self.socket = socket
        self.hugepages = hugepages or {2048: (0, 0), 1048576: (0, 0)}
        self.distances = distances


class Machine(object):
    def __init__(self, arch='x86_64', vendor='GenuineIntel', model='Intel(R) Xeon(R) Platinum 8480+',
                 sockets=1, cores_per_socket=4, threads_per_core=1, numbering='x86', offline=(),
                 smt_control='auto', numa=None, package_ids=None, pci=(), memory_mb=65536,
                 arm_ids=(0x41, 0xd0c), power_model='POWER9 (raw), altivec supported',
                 offline_in_node_lists=False, topology_files='all', compute_units=False, dies_per_socket=1,
                 cpu_family=6, clusters_per_die=None):
        self.arch = arch
        self.vendor = vendor
        self.model = model
        self.sockets = sockets
        self.cores_per_socket = cores_per_socket
        self.threads_per_core = threads_per_core
        self.numbering = numbering
        self.offline = set(offline)
        self.smt_control = smt_control
        self.numa = numa
        self.package_ids = package_ids
        self.pci = list(pci)
        self.memory_mb = memory_mb
        self.arm_ids = arm_ids
        self.power_model = power_model
        self.offline_in_node_lists = offline_in_node_lists
        if topology_files not in ('all', 'masks'):
            raise ValueError('topology_files is all or masks')
        self.topology_files = topology_files
        self.compute_units = compute_units
        if cores_per_socket % dies_per_socket:
            raise ValueError('cores_per_socket must divide into dies_per_socket dies')
        self.dies_per_socket = dies_per_socket
        self.cpu_family = cpu_family
        if clusters_per_die and (cores_per_socket // dies_per_socket) % clusters_per_die:
            raise ValueError('the cores of a die must divide into clusters_per_die clusters')
        self.clusters_per_die = clusters_per_die

    def smt_threads(self):
        """The CPUs that are not the first thread of their core (what ``nosmt`` takes offline)."""
        return [self.cpu_id(s, c, t) for s in range(self.sockets) for c in range(self.cores_per_socket)
                for t in range(1, self.threads_per_core)]

    def cpu_id(self, socket, core, thread):
        s, c, t = self.sockets, self.cores_per_socket, self.threads_per_core
        if self.numbering == 'x86':
            return thread * s * c + socket * c + core
        return (socket * c + core) * t + thread

    @property
    def ncpus(self):
        return self.sockets * self.cores_per_socket * self.threads_per_core

    def socket_cpus(self, socket):
        return sorted(self.cpu_id(socket, c, t) for c in range(self.cores_per_socket) for t in range(self.threads_per_core))

    def nodes(self):
        if self.numa is not None:
            return self.numa
        per = self.memory_mb // self.sockets
        return [Node(s, per) for s in range(self.sockets)]

    def node_cpus(self, node, position):
        """All CPUs (online or not) of a node."""
        if node.cpus is not None:
            return sorted(node.cpus)
        socket = node.socket if node.socket is not None else position
        if socket >= self.sockets:
            return []
        return self.socket_cpus(socket)


# -- formatting helpers ------------------------------------------------------------

def cpulist(cpus):
    cpus = sorted(set(cpus))
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else '%d-%d' % (cpus[i], cpus[j]))
        i = j + 1
    return ','.join(out)


def cpumask(cpus, nbits):
    value = 0
    for cpu in cpus:
        value |= 1 << cpu
    words = max(1, (nbits + 31) // 32)
    parts = ['%08x' % ((value >> (32 * i)) & 0xffffffff) for i in reversed(range(words))]
    if nbits % 32:
        digits = (nbits % 32 + 3) // 4
        parts[0] = parts[0][-digits:]
    return ','.join(parts)


class _Writer(object):
    def __init__(self, root):
        self.root = root
        self.made = set()

    def mkdir(self, rel):
        if rel in self.made:
            return
        os.makedirs(os.path.join(self.root, rel), exist_ok=True)
        self.made.add(rel)

    def write(self, rel, content):
        self.mkdir(os.path.dirname(rel))
        data = content if isinstance(content, bytes) else (str(content) + '\n').encode()
        with open(os.path.join(self.root, rel), 'wb') as handle:
            handle.write(data)

    def link(self, rel, target_rel):
        """Create ``rel`` as a relative symlink to ``target_rel`` (both relative to the root)."""
        self.mkdir(os.path.dirname(rel))
        target = os.path.relpath(target_rel, os.path.dirname(rel))
        os.symlink(target, os.path.join(self.root, rel))


def _config_space(vendor, device, cls, header, port_type, speed, width, buses=None):
    cfg = bytearray(256)
    struct.pack_into('<HHHH', cfg, 0, vendor, device, 0x0006, 0x0010)
    struct.pack_into('<I', cfg, 8, (cls << 8) | 0x01)
    cfg[0x0e] = header
    if header == 1 and buses:
        cfg[0x18], cfg[0x19], cfg[0x1a] = buses
    else:
        struct.pack_into('<HH', cfg, 0x2c, vendor, 0x1234)
    cfg[0x34] = 0x40
    cfg[0x40], cfg[0x41] = 0x10, 0x00
    struct.pack_into('<H', cfg, 0x42, 0x2 | (port_type << 4))
    gen = _GEN.get((speed or '').split(' ')[0], 0)
    struct.pack_into('<I', cfg, 0x4c, gen | ((width or 0) << 4))
    struct.pack_into('<H', cfg, 0x52, gen | ((width or 0) << 4))
    return bytes(cfg)


def write(machine, root):
    """Write ``machine`` under ``root``; return {label: bdf} for labelled devices."""
    w = _Writer(root)
    online = _write_cpus(machine, w)
    nodes = _write_numa(machine, w, online)
    # What the kernel lists as a node's CPUs (local_cpulist of a PCI device is its node's mask).
    listed = online if not machine.offline_in_node_lists else set(range(machine.ncpus))
    node_cpus = dict((n.id, [c for c in machine.node_cpus(n, i) if c in listed]) for i, n in enumerate(nodes))
    labels = {}
    netdevs = []
    for hb in machine.pci:
        _write_host_bridge(machine, w, hb, node_cpus, online, labels, netdevs)
    w.link('sys/class/net/lo', 'sys/devices/virtual/net/lo')
    w.write('sys/devices/virtual/net/lo/type', '772')
    w.mkdir('sys/class/infiniband')
    w.mkdir('sys/bus/pci/devices')
    _write_proc(machine, w, online, nodes)
    return labels


def _write_cpus(m, w):
    base = 'sys/devices/system/cpu'
    present = list(range(m.ncpus))
    online = set(present) - m.offline
    lists = m.topology_files == 'all'
    cores_per_die = m.cores_per_socket // m.dies_per_socket
    for s in range(m.sockets):
        pkg_id = m.package_ids[s] if m.package_ids else s
        pkg_cpus = [c for c in m.socket_cpus(s) if c in online]
        for core in range(m.cores_per_socket):
            die = core // cores_per_die
            die_cpus = [m.cpu_id(s, c, t) for c in range(die * cores_per_die, (die + 1) * cores_per_die)
                        for t in range(m.threads_per_core)]
            die_cpus = [c for c in die_cpus if c in online]
            threads = [m.cpu_id(s, core, t) for t in range(m.threads_per_core)]
            siblings = [t for t in threads if t in online]
            for index, cpu in enumerate(threads):
                d = '%s/cpu%d' % (base, cpu)
                if cpu != 0:
                    w.write(d + '/online', '1' if cpu in online else '0')
                if cpu not in online:
                    w.mkdir(d)
                    continue
                t = d + '/topology/'
                if pkg_id is not None:
                    w.write(t + 'physical_package_id', pkg_id)
                # core_id is unique within a die (cputopology.rst); an AMD compute unit's cores
                # each keep their own core_id although the kernel lists them as thread siblings.
                core_id = core % cores_per_die
                w.write(t + 'core_id', core_id * m.threads_per_core + index if m.compute_units else core_id)
                # The two masks every kernel has; the *_list files came later, core_cpus/package_cpus
                # and die_id/die_cpus later still (Linux 5.x).
                if not lists:
                    w.write(t + 'thread_siblings', cpumask(siblings, m.ncpus))
                    w.write(t + 'core_siblings', cpumask(pkg_cpus, m.ncpus))
                    continue
                w.write(t + 'die_id', die)
                if m.clusters_per_die:
                    # cluster_id / cluster_cpus_list (Linux 5.16+), numbered across the machine.
                    per_cluster = cores_per_die // m.clusters_per_die
                    cluster = (core % cores_per_die) // per_cluster
                    first = die * cores_per_die + cluster * per_cluster
                    cluster_cpus = [c for c in (m.cpu_id(s, k, x) for k in range(first, first + per_cluster)
                                                for x in range(m.threads_per_core)) if c in online]
                    w.write(t + 'cluster_id', (s * m.dies_per_socket + die) * m.clusters_per_die + cluster)
                    w.write(t + 'cluster_cpus_list', cpulist(cluster_cpus))
                    w.write(t + 'cluster_cpus', cpumask(cluster_cpus, m.ncpus))
                for name, cpus in (('thread_siblings', siblings), ('core_cpus', siblings),
                                   ('core_siblings', pkg_cpus), ('package_cpus', pkg_cpus), ('die_cpus', die_cpus)):
                    w.write(t + name + '_list', cpulist(cpus))
                    w.write(t + name, cpumask(cpus, m.ncpus))
    w.write(base + '/present', cpulist(present))
    w.write(base + '/possible', cpulist(present))
    w.write(base + '/online', cpulist(online))
    w.write(base + '/offline', cpulist(m.offline))
    w.write(base + '/kernel_max', 8191)
    control = m.smt_control
    if control == 'auto':
        control = 'on' if m.threads_per_core > 1 else 'notsupported'
    if control is not None:
        w.write(base + '/smt/control', control)
        w.write(base + '/smt/active', 1 if control == 'on' else 0)
    return online


def _write_numa(m, w, online):
    nodes = m.nodes()
    base = 'sys/devices/system/node'
    ids = [n.id for n in nodes]
    w.write(base + '/online', cpulist(ids))
    w.write(base + '/possible', cpulist(ids))
    with_cpu = []
    for position, node in enumerate(nodes):
        cpus = [c for c in m.node_cpus(node, position) if c in online]
        if cpus:
            with_cpu.append(node.id)  # has_cpu: nodes with an online CPU (sysfs-devices-node)
        if m.offline_in_node_lists:
            cpus = m.node_cpus(node, position)
        d = '%s/node%d/' % (base, node.id)
        if m.topology_files == 'all':
            w.write(d + 'cpulist', cpulist(cpus))
        w.write(d + 'cpumap', cpumask(cpus, m.ncpus))
        kb = node.memory_mb * 1024
        w.write(d + 'meminfo', 'Node %d MemTotal:       %d kB\nNode %d MemFree:        %d kB\nNode %d MemUsed:        %d kB'
                % (node.id, kb, node.id, kb // 2, node.id, kb - kb // 2))
        distances = node.distances or [10 if other == node.id else 20 for other in ids]
        w.write(d + 'distance', ' '.join(str(v) for v in distances))
        for size, (total, free) in node.hugepages.items():
            h = '%shugepages/hugepages-%dkB/' % (d, size)
            w.write(h + 'nr_hugepages', total)
            w.write(h + 'free_hugepages', free)
            w.write(h + 'surplus_hugepages', 0)
    w.write(base + '/has_cpu', cpulist(with_cpu))
    w.write(base + '/has_memory', cpulist([n.id for n in nodes if n.memory_mb]))
    w.write(base + '/has_normal_memory', cpulist([n.id for n in nodes if n.memory_mb]))
    for size in (2048, 1048576):
        h = 'sys/kernel/mm/hugepages/hugepages-%dkB/' % size
        w.write(h + 'nr_hugepages', sum(n.hugepages.get(size, (0, 0))[0] for n in nodes))
        w.write(h + 'free_hugepages', sum(n.hugepages.get(size, (0, 0))[1] for n in nodes))
    return nodes


class _Bus(object):
    def __init__(self, start):
        self.next = start

    def take(self):
        self.next += 1
        return self.next


def _write_host_bridge(m, w, hb, node_cpus, online, labels, netdevs):
    name = 'pci%04x:%02x' % (hb.domain, hb.bus)
    top = (hb.prefix + '/' if hb.prefix else '') + name
    w.mkdir('sys/devices/' + top)
    w.write('sys/devices/%s/pci_bus/%04x:%02x/cpulistaffinity' % (top, hb.domain, hb.bus),
            cpulist(node_cpus.get(hb.node, online)))
    buses = _Bus(hb.bus)
    for devno, child in enumerate(hb.children):
        _write_dev(m, w, hb, child, hb.bus, devno + 1, 'sys/devices/' + top, node_cpus, online, labels, buses, netdevs)


def _write_dev(m, w, hb, dev, bus, devno, parent, node_cpus, online, labels, buses, netdevs, port_type=None):
    vendor, device, cls, driver, speed, width = PRESETS[dev.preset]
    bdf = '%04x:%02x:%02x.0' % (hb.domain, bus, devno)
    if dev.kind == 'switch':
        # Upstream port at this address; one downstream port per child on the next bus.
        inner = buses.take()
        path = _write_function(m, w, hb, dev, bdf, parent, vendor, device, cls, driver, speed, width,
                               'upstream', node_cpus, online, header=1)
        spans = []
        for index, child in enumerate(dev.children):
            down_bdf = '%04x:%02x:%02x.0' % (hb.domain, inner, index)
            sec = buses.take()
            down = _write_function(m, w, hb, dev, down_bdf, path, vendor, device, cls, driver, speed, width,
                                   'downstream', node_cpus, online, header=1)
            _write_dev(m, w, hb, child, sec, 0, down, node_cpus, online, labels, buses, netdevs)
            spans.append((down, sec, buses.next))
        for down, sec, sub in spans:
            _patch_buses(w, down, inner, sec, sub)
        _patch_buses(w, path, bus, inner, buses.next)
        return
    if dev.kind == 'root_port':
        sec = buses.take()
        path = _write_function(m, w, hb, dev, bdf, parent, vendor, device, cls, driver, speed, width,
                               'root_port', node_cpus, online, header=1)
        _write_dev(m, w, hb, dev.children[0], sec, 0, path, node_cpus, online, labels, buses, netdevs)
        _patch_buses(w, path, bus, sec, buses.next)
        return
    for port in range(dev.ports):
        fbdf = bdf[:-1] + str(port)
        path = _write_function(m, w, hb, dev, fbdf, parent, vendor, device, cls, driver, speed, width,
                               'endpoint', node_cpus, online, header=0)
        if dev.label and port == 0:
            labels[dev.label] = fbdf
        elif dev.label:
            labels['%s.%d' % (dev.label, port)] = fbdf
        _write_nic_parts(w, dev, port, path)
    for vf in range(dev.vfs):
        vbdf = '%04x:%02x:%02x.%d' % (hb.domain, bus, devno + 1 + vf // 8, vf % 8)
        path = _write_function(m, w, hb, dev, vbdf, parent, vendor, device + 1, cls, driver, speed, width,
                               'endpoint', node_cpus, online, header=0)
        w.link(path + '/physfn', parent + '/' + bdf)


def _patch_buses(w, path, primary, secondary, subordinate):
    cfg_path = os.path.join(w.root, path, 'config')
    with open(cfg_path, 'r+b') as handle:
        cfg = bytearray(handle.read())
        cfg[0x18], cfg[0x19], cfg[0x1a] = primary, secondary, subordinate
        handle.seek(0)
        handle.write(bytes(cfg))


def _write_function(m, w, hb, dev, bdf, parent, vendor, device, cls, driver, speed, width, port_type,
                    node_cpus, online, header):
    path = parent + '/' + bdf
    node = dev.numa_node if dev.numa_node is not None else hb.node
    if dev.local_cpulist is not None:
        local = dev.local_cpulist
    elif node is not None and node >= 0 and node in node_cpus:
        local = node_cpus[node]
    else:
        local = sorted(online)
    w.write(path + '/vendor', '0x%04x' % vendor)
    w.write(path + '/device', '0x%04x' % device)
    w.write(path + '/subsystem_vendor', '0x%04x' % vendor)
    w.write(path + '/subsystem_device', '0x1234')
    w.write(path + '/class', '0x%06x' % cls)
    w.write(path + '/revision', '0x01')
    w.write(path + '/numa_node', node if node is not None else -1)
    w.write(path + '/local_cpulist', cpulist(local))
    w.write(path + '/local_cpus', cpumask(local, m.ncpus))
    w.write(path + '/config', _config_space(vendor, device, cls, header, _PORT_TYPE[port_type], speed, width))
    current = dev.current_speed or speed
    if speed:
        w.write(path + '/current_link_speed', current)
        w.write(path + '/max_link_speed', speed)
        w.write(path + '/current_link_width', width)
        w.write(path + '/max_link_width', width)
    if port_type != 'endpoint':
        drv = 'pcieport'
    else:
        drv = dev.driver if dev.driver is not None else driver
    if drv and drv != 'none':
        w.mkdir('sys/bus/pci/drivers/' + drv)
        w.link(path + '/driver', 'sys/bus/pci/drivers/' + drv)
    w.link('sys/bus/pci/devices/' + bdf, path)
    return path


def _write_nic_parts(w, dev, port, path):
    def pick(value):
        if isinstance(value, (list, tuple)):
            return value[port] if port < len(value) else None
        return value if port == 0 else None
    netdev, rdma = pick(dev.netdev), pick(dev.rdma)
    if netdev and '{bus}' in netdev:  # udev-style names from the PCI bus number: ibp{bus}s0 -> ibp27s0
        netdev = netdev.format(bus=int(path.rsplit('/', 1)[1].split(':')[1], 16))
    if netdev:
        n = path + '/net/' + netdev
        w.write(n + '/type', 32 if dev.link_layer == 'infiniband' else 1)
        w.write(n + '/speed', dev.speed_mbps if dev.speed_mbps else -1)
        w.write(n + '/operstate', 'up')
        w.link('sys/class/net/' + netdev, n)
    if rdma:
        r = path + '/infiniband/' + rdma
        layer = 'InfiniBand' if dev.link_layer == 'infiniband' else 'Ethernet'
        w.write(r + '/ports/1/link_layer', layer)
        gbps = (dev.speed_mbps or 0) // 1000
        w.write(r + '/ports/1/rate', '%d Gb/sec (4X NDR)' % gbps if gbps else '0 Gb/sec')
        w.write(r + '/ports/1/state', '4: ACTIVE')
        w.link('sys/class/infiniband/' + rdma, r)


def _write_proc(m, w, online, nodes):
    blocks = []
    where = dict((m.cpu_id(s, c, t), (s, c)) for s in range(m.sockets)
                 for c in range(m.cores_per_socket) for t in range(m.threads_per_core))
    for cpu in sorted(online):
        socket, core = where[cpu]
        if m.arch == 'x86_64':
            blocks.append('\n'.join([
                'processor\t: %d' % cpu, 'vendor_id\t: %s' % m.vendor, 'cpu family\t: %d' % m.cpu_family,
                'model\t\t: 143',
                'model name\t: %s' % m.model, 'stepping\t: 8', 'cpu MHz\t\t: 2000.000', 'physical id\t: %d' % socket,
                'siblings\t: %d' % (m.cores_per_socket * m.threads_per_core), 'core id\t\t: %d' % core,
                'cpu cores\t: %d' % m.cores_per_socket, 'fpu\t\t: yes',
                'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov lm avx avx2 avx512f',
                'bogomips\t: 4000.00', '']))
        elif m.arch == 'aarch64':
            blocks.append('\n'.join([
                'processor\t: %d' % cpu, 'BogoMIPS\t: 50.00', 'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32',
                'CPU implementer\t: 0x%02x' % m.arm_ids[0], 'CPU architecture: 8', 'CPU variant\t: 0x3',
                'CPU part\t: 0x%03x' % m.arm_ids[1], 'CPU revision\t: 1', '']))
        elif m.arch == 'ppc64le':
            blocks.append('\n'.join([
                'processor\t: %d' % cpu, 'cpu\t\t: %s' % m.power_model, 'clock\t\t: 3800.000000MHz',
                'revision\t: 2.3 (pvr 004e 1203)', '']))
    text = '\n'.join(blocks)
    if m.arch == 'ppc64le':
        text += '\ntimebase\t: 512000000\nplatform\t: PowerNV\nmodel\t\t: 8335-GTH\nmachine\t\t: PowerNV 8335-GTH\n'
    w.write('proc/cpuinfo', text.encode())
    total_kb = sum(n.memory_mb for n in nodes) * 1024
    w.write('proc/meminfo', 'MemTotal:       %d kB\nMemFree:        %d kB\nHugePages_Total:       0\n'
            'Hugepagesize:       2048 kB' % (total_kb, total_kb // 2))
