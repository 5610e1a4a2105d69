# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The machines the topology tests, the integration playbook and the benchmark build.

Each function returns a ``topology_builder.Machine``; ``MACHINES`` maps names to them.
"""

try:
    from .topology_builder import Machine, Node, gpu, endpoint, host_bridge, nic, root_port, switch
except ImportError:  # imported from this directory by tests/tools/topology-fixture.py and benchmarks/topology.py
    from topology_builder import Machine, Node, gpu, endpoint, host_bridge, nic, root_port, switch  # pylint: disable=import-error

GIB = 1024


def hgx_h100():
    """2-socket Sapphire Rapids, 8x H100 SXM, 4 NVSwitch, 8x ConnectX-7 NDR sharing PCIe switches with the GPUs.

    Each CPU root port feeds a PCIe switch with two lower switches, each holding one GPU
    and one NIC (GPU <-> its NIC: PIX, <-> the pair's other NIC: PXB).
    """
    def complex_(bus, node, first):
        pairs = []
        for k in (first, first + 1):
            pairs.append(switch(gpu('h100-sxm', label='gpu%d' % k),
                                nic('cx7-ib', netdev='ibp{bus}s0', rdma='mlx5_%d' % k, link_layer='infiniband',
                                    speed_mbps=400000, label='nic%d' % k)))
        return host_bridge(bus, node, root_port(switch(pairs[0], pairs[1], endpoint('nvme'))))

    hugepages = {2048: (1024, 1000), 1048576: (0, 0)}
    return Machine(
        sockets=2, cores_per_socket=56, threads_per_core=2,
        numa=[Node(0, 1031 * GIB, hugepages=hugepages, distances=[10, 21]),
              Node(1, 1032 * GIB, hugepages=hugepages, distances=[21, 10])],
        pci=[
            host_bridge(0x00, 0,
                        root_port(endpoint('aspeed')),
                        root_port(nic('i350', netdev=['eno1', 'eno2'], speed_mbps=1000, ports=2, label='lom'))),
            host_bridge(0x05, 0, root_port(switch(*[endpoint('h100-nvswitch', label='nvswitch%d' % i) for i in range(4)]))),
            complex_(0x15, 0, 0),
            complex_(0x37, 0, 2),
            complex_(0x9a, 1, 4),
            complex_(0xbc, 1, 6),
        ])


def mi300x():
    """2-socket EPYC Genoa with 8x MI300X, each behind a PCIe switch with a 400G RoCE ConnectX-7."""
    bridges = [host_bridge(0x00, 0, root_port(endpoint('aspeed')),
                           root_port(nic('i350', netdev='eno1', speed_mbps=1000)))]
    for k in range(8):
        bridges.append(host_bridge(0x10 + 0x20 * k, k // 4, root_port(switch(
            gpu('mi300x', label='gpu%d' % k),
            nic('cx7-eth', netdev='ens%d' % (k + 1), rdma='mlx5_%d' % k, speed_mbps=400000, label='nic%d' % k)))))
    return Machine(
        vendor='AuthenticAMD', model='AMD EPYC 9454 48-Core Processor',
        sockets=2, cores_per_socket=48, threads_per_core=2, memory_mb=2 * 768 * GIB, pci=bridges)


def workstation():
    """1-socket Xeon W workstation, 2x RTX 6000 Ada on CPU root ports, firmware gives no NUMA node."""
    return Machine(
        model='Intel(R) Xeon(R) w7-3465X', sockets=1, cores_per_socket=28, threads_per_core=2, memory_mb=256 * GIB,
        pci=[host_bridge(0x00, -1,
                         root_port(gpu('rtx6000ada', label='gpu0')),
                         root_port(gpu('rtx6000ada', label='gpu1')),
                         root_port(nic('i210', netdev='eno1', speed_mbps=1000, label='nic0')))])


def vm_numa_minus1():
    """KVM guest with 2 virtual NUMA nodes; passed-through GPUs report numa_node -1 but a local_cpulist."""
    return Machine(
        model='Intel Xeon Processor (SapphireRapids)', sockets=2, cores_per_socket=8, threads_per_core=1,
        smt_control='notsupported', memory_mb=128 * GIB,
        pci=[host_bridge(0x00, -1,
                         endpoint('qxl'),
                         root_port(gpu('h100-pcie', label='gpu0', local_cpulist=list(range(8, 16))), preset='qemu-root-port'),
                         root_port(gpu('h100-pcie', label='gpu1', local_cpulist=list(range(0, 8))), preset='qemu-root-port'),
                         root_port(nic('virtio-net', netdev='enp4s0', label='nic0'), preset='qemu-root-port'))])


def no_gpu():
    """A CPU-only server: BMC graphics (not a GPU), dual-port I350, NVMe."""
    return Machine(
        model='Intel(R) Xeon(R) Silver 4410Y', sockets=1, cores_per_socket=8, threads_per_core=2, memory_mb=64 * GIB,
        pci=[host_bridge(0x00, 0,
                         root_port(endpoint('aspeed')),
                         root_port(nic('i350', netdev=['eno1', 'eno2'], speed_mbps=1000, ports=2)),
                         root_port(endpoint('nvme')))])


def power9_sparse():
    """POWER9 AC922-like: NUMA nodes 0 and 8, SMT4 cores run in SMT2 mode (2 threads each offline).

    The kernel keeps the offline threads in each node's cpulist (seen on POWER snapshots).
    """
    offline = [core * 4 + t for core in range(8) for t in (2, 3)]
    return Machine(
        arch='ppc64le', vendor='IBM', sockets=2, cores_per_socket=4, threads_per_core=4, numbering='adjacent',
        offline=offline, smt_control=None, offline_in_node_lists=True,
        numa=[Node(0, 256 * GIB, socket=0, distances=[10, 40]), Node(8, 256 * GIB, socket=1, distances=[40, 10])],
        pci=[host_bridge(0x00, 0, root_port(gpu('v100-sxm2', label='gpu0')), domain=0x0004),
             host_bridge(0x00, 8, root_port(gpu('v100-sxm2', label='gpu1')), domain=0x0035)])


def grace_hopper():
    """GH200: 72 Neoverse-V2 cores, node 0 LPDDR5X, node 1 the GPU's HBM (memory only), nodes 2-9 empty."""
    nodes = [Node(0, 480 * GIB, socket=0), Node(1, 96 * GIB, cpus=[])]
    nodes += [Node(n, 0, cpus=[]) for n in range(2, 10)]
    return Machine(
        arch='aarch64', vendor='', model='', sockets=1, cores_per_socket=72, threads_per_core=1, smt_control=None,
        arm_ids=(0x41, 0xd4f), numa=nodes,
        pci=[host_bridge(0x00, 0, root_port(gpu('gh200', label='gpu0')), domain=0x0009),
             host_bridge(0x00, 0, root_port(nic('cx7-ib', netdev='ibp1s0', rdma='mlx5_0', link_layer='infiniband',
                                                speed_mbps=400000, label='nic0')), domain=0x0000)])


def ampere_altra():
    """Ampere Altra (Neoverse-N1) whose firmware reports physical_package_id -1, with an A100 PCIe."""
    return Machine(
        arch='aarch64', sockets=1, cores_per_socket=80, threads_per_core=1, smt_control=None,
        arm_ids=(0x41, 0xd0c), package_ids=[-1], memory_mb=512 * GIB,
        pci=[host_bridge(0x00, 0, root_port(gpu('a100-pcie', label='gpu0')),
                         root_port(nic('cx7-eth', netdev='enP1p1s0', rdma='mlx5_0', speed_mbps=200000, label='nic0')))])


def smt_off():
    """2-socket Xeon Gold 6426Y booted with ``nosmt``: every second thread offline, smt/control ``off``.

    The nodes' cpulist and the devices' local_cpulist still name the offline threads, as many
    x86 kernels do. 4x H100 PCIe (two per socket) and a ConnectX-7 per socket.
    """
    m = Machine(model='Intel(R) Xeon(R) Gold 6426Y', sockets=2, cores_per_socket=16, threads_per_core=2,
                smt_control='off', offline_in_node_lists=True, memory_mb=512 * GIB,
                pci=[host_bridge(0x00, 0, root_port(endpoint('aspeed')),
                                 root_port(nic('i350', netdev='eno1', speed_mbps=1000, label='lom'))),
                     host_bridge(0x15, 0, root_port(gpu('h100-pcie', label='gpu0')), root_port(gpu('h100-pcie', label='gpu1')),
                                 root_port(nic('cx7-ib', netdev='ibp{bus}s0', rdma='mlx5_0', link_layer='infiniband',
                                               speed_mbps=400000, label='nic0'))),
                     host_bridge(0x97, 1, root_port(gpu('h100-pcie', label='gpu2')), root_port(gpu('h100-pcie', label='gpu3')),
                                 root_port(nic('cx7-ib', netdev='ibp{bus}s0', rdma='mlx5_1', link_layer='infiniband',
                                               speed_mbps=400000, label='nic1')))])
    m.offline = set(m.smt_threads())
    return m


def offline_middle():
    """2-socket Xeon, 12 cores x 2 threads per socket, CPUs 4-7 and 28-29 taken offline (cores 4 and 5 of
    socket 0 entirely, cores 6 and 7 down to their second thread). The GPU on node 0 has a local_cpulist
    that still names the offline CPUs."""
    return Machine(model='Intel(R) Xeon(R) Gold 5317', sockets=2, cores_per_socket=12, threads_per_core=2,
                   offline=[4, 5, 6, 7, 28, 29], offline_in_node_lists=True, memory_mb=256 * GIB,
                   pci=[host_bridge(0x17, 0, root_port(gpu('a100-pcie', label='gpu0')),
                                    root_port(nic('cx7-eth', netdev='ens1f0', rdma='mlx5_0', speed_mbps=200000,
                                                  label='nic0'))),
                        host_bridge(0x85, 1, root_port(gpu('a100-pcie', label='gpu1')))])


def node_cpus_offline():
    """4-node EPYC (NPS2 on two sockets) whose node 3 has every CPU offline; its memory stays online."""
    node_cpus = [list(range(n * 8, n * 8 + 8)) + list(range(32 + n * 8, 32 + n * 8 + 8)) for n in range(4)]
    return Machine(vendor='AuthenticAMD', model='AMD EPYC 7313 16-Core Processor', sockets=2, cores_per_socket=16,
                   threads_per_core=2, offline=node_cpus[3], offline_in_node_lists=True,
                   numa=[Node(n, 64 * GIB, cpus=node_cpus[n], distances=[10 if n == o else (12 if n // 2 == o // 2 else 32)
                                                                         for o in range(4)]) for n in range(4)],
                   pci=[host_bridge(0x00, 0, root_port(nic('i350', netdev='eno1', speed_mbps=1000, label='nic0'))),
                        host_bridge(0x80, 2, root_port(gpu('mi300x', label='gpu0')))])


def mask_only():
    """2-socket Xeon X5570 on an old kernel: no ``*_list`` topology files and no node cpulist, only the hex masks."""
    return Machine(model='Intel(R) Xeon(R) CPU           X5570  @ 2.93GHz', sockets=2, cores_per_socket=4,
                   threads_per_core=2, smt_control=None, topology_files='masks', memory_mb=48 * GIB,
                   pci=[host_bridge(0x00, 0, root_port(nic('i350', netdev=['eth0', 'eth1'], speed_mbps=1000, ports=2,
                                                           label='nic0')))])


def amd_compute_units():
    """2-socket Opteron 6380 (Bulldozer family 15h): the kernel lists the 2 cores of a compute unit as
    thread siblings, each with its own core_id; 2 NUMA nodes per socket, 8 cores each."""
    return Machine(vendor='AuthenticAMD', model='AMD Opteron(TM) Processor 6380', cpu_family=0x15,
                   sockets=2, cores_per_socket=8, threads_per_core=2, numbering='adjacent', compute_units=True,
                   smt_control=None,
                   numa=[Node(n, 32 * GIB, cpus=list(range(n * 8, n * 8 + 8)),
                              distances=[10 if n == o else (16 if n // 2 == o // 2 else 22) for o in range(4)])
                         for n in range(4)],
                   pci=[host_bridge(0x00, 0, root_port(nic('i350', netdev='eth0', speed_mbps=1000, label='nic0')))])


def multi_die():
    """2-socket Xeon Platinum 9200-like: 2 dies per package, each its own NUMA node; core_id restarts in each die."""
    return Machine(model='Intel(R) Xeon(R) Platinum 9242 CPU @ 2.30GHz', sockets=2, cores_per_socket=8,
                   threads_per_core=2, dies_per_socket=2, memory_mb=4 * 96 * GIB,
                   numa=[Node(n, 96 * GIB, cpus=[c + t * 16 for c in range(n * 4, n * 4 + 4) for t in (0, 1)],
                              distances=[10 if n == o else (11 if n // 2 == o // 2 else 21) for o in range(4)])
                         for n in range(4)],
                   pci=[host_bridge(0x00, 0, root_port(nic('i350', netdev='eno1', speed_mbps=1000, label='nic0'))),
                        host_bridge(0x80, 2, root_port(gpu('h100-pcie', label='gpu0')))])


def no_package_id():
    """2-socket arm64 server whose firmware gives no physical_package_id file: packages come from package_cpus."""
    return Machine(arch='aarch64', sockets=2, cores_per_socket=32, threads_per_core=1, smt_control=None,
                   arm_ids=(0x41, 0xd0c), package_ids=[None, None], memory_mb=256 * GIB,
                   pci=[host_bridge(0x00, 0, root_port(gpu('a100-pcie', label='gpu0')), domain=0x0000),
                        host_bridge(0x00, 1, root_port(nic('cx7-eth', netdev='enP1p1s0', rdma='mlx5_0',
                                                           speed_mbps=200000, label='nic0')), domain=0x0001)])


def arm_clusters():
    """2-socket Kunpeng 920-like arm64 server (Linux 5.16+): clusters of 4 cores (cluster_id, cluster_cpus_list)."""
    return Machine(arch='aarch64', sockets=2, cores_per_socket=16, threads_per_core=1, smt_control=None,
                   arm_ids=(0x48, 0xd01), clusters_per_die=4, memory_mb=256 * GIB,
                   pci=[host_bridge(0x00, 0, root_port(nic('cx7-eth', netdev='enp1s0', rdma='mlx5_0',
                                                           speed_mbps=100000, label='nic0')))])


MACHINES = {
    'hgx_h100': hgx_h100,
    'mi300x': mi300x,
    'workstation': workstation,
    'vm_numa_minus1': vm_numa_minus1,
    'no_gpu': no_gpu,
    'power9_sparse': power9_sparse,
    'grace_hopper': grace_hopper,
    'ampere_altra': ampere_altra,
    'smt_off': smt_off,
    'offline_middle': offline_middle,
    'node_cpus_offline': node_cpus_offline,
    'mask_only': mask_only,
    'amd_compute_units': amd_compute_units,
    'multi_die': multi_die,
    'no_package_id': no_package_id,
    'arm_clusters': arm_clusters,
}
