#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: topology_facts
short_description: Hardware topology of a GPU node as facts
version_added: 0.1.0
description:
  - Sets C(ansible_facts['linuxai_topology']) with the CPU sockets, cores and SMT state, the NUMA nodes with
    their memory, huge pages and distances, the GPUs with their NUMA placement, PCIe links and nearest NICs,
    NVSwitches, network and RDMA devices, and a one-line summary.
  - Reads sysfs and procfs only; it walks nothing, so it takes a few milliseconds on an 8-GPU node.
  - On the running system (O(root=/)) it adds details from NVML (NVIDIA) and amdsmi (AMD) when their Python
    bindings import on the node (C(pynvml) from the nvidia-ml-py package, C(amdsmi) from ROCm). A library
    that is missing leaves those fields out; a driver/library version mismatch adds a warning.
  - Missing, unreadable or malformed files never fail the module; each gives a warning, listed in the fact's
    RV(ansible_facts.linuxai_topology.warnings) and shown by Ansible, and the rest of the answer stands.
  - Can read a tree captured on another node (O(root)), for bug reports and for planning offline.
author:
  - linuxai.node maintainers (@linuxai)
extends_documentation_fragment:
  - linuxai.node.topology
options:
  gpu_libraries:
    description:
      - Query NVML and amdsmi when they are available and O(root=/).
      - Set to V(false) to report what sysfs says only.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no difference to show.
  facts:
    support: full
    description: Sets C(linuxai_topology).
  platform:
    support: full
    platforms: linux
    description: Reads Linux sysfs and procfs (any architecture); a captured tree can be read on any POSIX host.
notes:
  - Always returns C(changed=false).
  - Inside a container C(/sys) belongs to the host, so the answer describes the host's hardware.
  - GPU C(index) counts GPUs of one vendor in PCI bus order, the order nvidia-smi and rocm-smi use when
    every GPU is bound to the vendor driver.
  - Display adapters of BMCs and virtual machines (ASPEED, Matrox G200, QXL, virtio-gpu, ...) are not GPUs
    and are left out. SR-IOV virtual functions of NICs are left out.
  - The schema is versioned by RV(ansible_facts.linuxai_topology.schema_version); fields are only added within
    a version.
seealso:
  - module: linuxai.node.topology_capture
  - plugin: linuxai.node.gpu_cpus
    plugin_type: filter
  - plugin: linuxai.node.slurm_core_ids
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Read the hardware topology
  linuxai.node.topology_facts:

- name: Show the summary line
  ansible.builtin.debug:
    msg: "{{ ansible_facts['linuxai_topology']['summary'] }}"

- name: Plan from a tree captured on another node (file on the managed node)
  linuxai.node.topology_facts:
    root: /srv/captures/gpu-node-17.tar.gz

- name: Let one play variable decide for every role
  linuxai.node.topology_facts:
    root: "{{ linuxai_topology_root | default('/') }}"

- name: Fail early when Fabric Manager will be needed but the GPUs are not bound to nvidia
  ansible.builtin.assert:
    that: >-
      ansible_facts['linuxai_topology']['nvswitches']['count'] == 0
      or ansible_facts['linuxai_topology']['gpus'] | map(attribute='driver') | unique == ['nvidia']

# From the command line, on a captured archive:
#   ansible localhost -m linuxai.node.topology_facts -a root=/tmp/node17.tar.gz
'''

RETURN = r'''
ansible_facts:
  description: Facts added to the host.
  returned: always
  type: dict
  contains:
    linuxai_topology:
      description: The hardware topology.
      returned: always
      type: dict
      contains:
        schema_version:
          description: Version of this layout; raised only when a field changes meaning or goes away.
          type: int
          returned: always
          sample: 1
        root:
          description: The O(root) that was read.
          type: str
          returned: always
          sample: /
        live:
          description: Whether the running system was read (O(root=/)).
          type: bool
          returned: always
          sample: true
        cpu:
          description: Processors. Counts cover online CPUs.
          type: dict
          returned: always
          contains:
            architecture:
              description: Machine architecture (C(uname -m)); for a captured tree taken from C(/proc/sys/kernel/arch)
                or inferred from C(/proc/cpuinfo).
              type: str
              sample: x86_64
            vendor:
              description: CPU vendor (C(vendor_id) on x86, the implementer on arm64, V(IBM) on POWER).
              type: str
              sample: GenuineIntel
            model:
              description: CPU model name (on arm64 the core, for example V(Neoverse-V2)).
              type: str
              sample: Intel(R) Xeon(R) Platinum 8480+
            sockets:
              description: Physical packages with at least one online CPU.
              type: int
              sample: 2
            cores:
              description: Physical cores with at least one online thread.
              type: int
              sample: 112
            cores_per_socket:
              description: RV(ansible_facts.linuxai_topology.cpu.cores) divided by RV(ansible_facts.linuxai_topology.cpu.sockets).
              type: int
              sample: 56
            threads:
              description: Online logical CPUs.
              type: int
              sample: 224
            threads_per_core:
              description: Most online threads of any core.
              type: int
              sample: 2
            smt:
              description:
                - V(on), V(off) (disabled or forced off), V(notsupported) from C(/sys/devices/system/cpu/smt/control);
                  without that file V(on) when cores run several threads, else V(unknown).
                - V(off) is the C(nosmt) boot option or C(echo off > smt/control); the second threads are then offline
                  (listed in C(offline)), cores run one thread, and every CPU set of these facts leaves them out.
              type: str
              sample: "on"
            smt_active:
              description:
                - True when a core runs more than one online thread, from C(/sys/devices/system/cpu/smt/active)
                  (Documentation/ABI/testing/sysfs-devices-system-cpu) or, without it, from the cores.
              type: bool
              sample: true
            dies:
              description: Number of dies (C(die_id), Linux 5.2+) over all packages; 0 when the kernel has no die files.
              type: int
              sample: 2
            clusters:
              description:
                - Number of CPU clusters (C(cluster_id), Linux 5.16+; cores sharing an L2 on x86, a cluster of cores on
                  arm64) over all packages; 0 when the kernel has no cluster files.
              type: int
              sample: 0
            compute_unit_cores:
              description:
                - True when the kernel lists cores with different C(core_id) as thread siblings (AMD family 15h
                  compute units); each of them is then counted as a core with one thread, as hwloc and AMD count them.
              type: bool
              sample: false
            online:
              description: Online CPUs as a cpulist.
              type: str
              sample: 0-223
            offline:
              description: Offline CPUs as a cpulist (empty string when none); no other CPU set of these facts has them.
              type: str
              sample: ""
            present:
              description: Present CPUs as a cpulist.
              type: str
              sample: 0-223
            packages:
              description:
                - Sockets by id, each with its online CPUs and its cores (a cpulist of each core's online threads),
                  cores ordered by their first thread. This is the order Slurm and hwloc number cores in.
                - Cores come from C(thread_siblings_list) (or C(core_cpus_list), or the hex masks C(thread_siblings)
                  / C(core_cpus) on kernels without the list files), packages from C(physical_package_id) and
                  C(package_cpus_list) / C(core_siblings_list) (or their masks); a package without an id, or with
                  id -1, is the set of CPUs in that list and gets a number after the real ids.
                - C(dies) lists the package's dies (C(die_id), C(die_cpus_list)) and C(clusters) its clusters
                  (C(cluster_id), C(cluster_cpus_list)), each with its online CPUs; [] without those files.
              type: list
              elements: dict
              sample: [{"id": 0, "cpus": "0-55,112-167", "cores": ["0,112", "1,113"], "dies": [{"id": 0, "cpus": "0-55,112-167"}],
                        "clusters": []}]
        numa:
          description: NUMA nodes by id. Ids are kept as the kernel gives them, sparse ones included.
          type: list
          elements: dict
          returned: always
          contains:
            id:
              description: Node id.
              type: int
              sample: 0
            cpus:
              description:
                - Online CPUs of the node as a cpulist; empty for memory-only nodes and nodes whose CPUs are all offline.
                - The node's C(cpulist) (or C(cpumap)) intersected with C(/sys/devices/system/cpu/online); many kernels
                  keep offline CPUs in it (Documentation/ABI/stable/sysfs-devices-node calls it the CPUs associated
                  to the node), and hwloc intersects it the same way.
              type: str
              sample: 0-55,112-167
            offline_cpus:
              description: Offline CPUs the kernel still lists for the node, as a cpulist (empty string when none).
              type: str
              sample: ""
            memory_mb:
              description: Memory of the node in MiB.
              type: int
              sample: 1055744
            memory_only:
              description: True for a node with memory and no online CPU (GPU HBM on Grace Hopper, CXL memory, a node whose CPUs are all offline).
              type: bool
              sample: false
            hugepages:
              description: Huge page pools keyed by page size in KiB, each with V(total) and V(free) pages.
              type: dict
              sample: {"2048": {"total": 1024, "free": 1000}, "1048576": {"total": 0, "free": 0}}
            distances:
              description: SLIT distance to each node, keyed by node id.
              type: dict
              sample: {"0": 10, "1": 21}
        gpus:
          description: GPUs and other accelerators (PCI display, 3D and processing-accelerator classes), in PCI bus order.
          type: list
          elements: dict
          returned: always
          contains:
            index:
              description: Position among the GPUs of the same vendor in PCI bus order.
              type: int
              sample: 0
            vendor:
              description: V(nvidia), V(amd), V(intel) or V(other).
              type: str
              sample: nvidia
            pci_id:
              description: PCI vendor and device id, C(vvvv:dddd).
              type: str
              sample: "10de:2330"
            bdf:
              description: PCI address, C(domain:bus:device.function).
              type: str
              sample: "0000:1a:00.0"
            class:
              description: PCI class code.
              type: str
              sample: "030200"
            name:
              description: Product name from NVML or amdsmi, else from a built-in table, else a generic name with the PCI id.
              type: str
              sample: NVIDIA H100 80GB HBM3
            short_name:
              description: Short product name used in the summary.
              type: str
              sample: H100 SXM
            architecture:
              description: V(volta), V(turing), V(ampere), V(ada), V(hopper), V(grace-hopper), V(blackwell),
                V(cdna2), V(cdna3), ... from the built-in table, the compute capability or the gfx target; V(unknown) else.
              type: str
              sample: hopper
            numa_node:
              description: NUMA node of the GPU; never -1 (see RV(ansible_facts.linuxai_topology.gpus.numa_source)).
              type: int
              sample: 0
            numa_source:
              description:
                - V(sysfs) when the kernel gives the node.
                - V(single_node) when it does not and only one node has CPUs.
                - V(local_cpulist) when it was derived from the node holding most of the device's local CPUs.
                - V(assumed) when nothing tells; the first node with CPUs is reported.
              type: str
              sample: sysfs
            local_cpus:
              description: Online CPUs the kernel considers local to the device (C(local_cpulist) without offline CPUs), as a cpulist.
              type: str
              sample: 0-55,112-167
            driver:
              description: Bound kernel driver (V(nvidia), V(amdgpu), V(nouveau), V(vfio-pci), ...) or V(none).
              type: str
              sample: nvidia
            pcie:
              description: PCIe link, speeds as the kernel writes them without the C(PCIe) suffix; widths in lanes;
                generations derived from the speeds. Values are null when the kernel does not report them.
              type: dict
              sample: {"current_speed": "32.0 GT/s", "current_width": 16, "max_speed": "32.0 GT/s", "max_width": 16,
                       "current_gen": 5, "max_gen": 5}
            source:
              description: Where the details came from, V(nvml), V(amdsmi) or V(sysfs).
              type: str
              sample: nvml
            nearest_nics:
              description:
                - The NICs closest to the GPU over PCIe, all at the same (best) distance, RDMA-capable NICs
                  preferred when the host has any.
                - C(distance) follows C(nvidia-smi topo -m) - V(PIX) below the same PCIe switch, V(PXB) through
                  several switches but not the host bridge, V(PHB) through the same host bridge, V(NODE) within
                  the NUMA node, V(SYS) across NUMA nodes.
              type: list
              elements: dict
              sample: [{"bdf": "0000:1b:00.0", "netdev": "ibp27s0", "rdma_device": "mlx5_0", "distance": "PIX"}]
            uuid:
              description: GPU UUID (NVML, amdsmi).
              type: str
              returned: when NVML or amdsmi is used
              sample: GPU-5e1d0a7c-1c59-4b58-9c1f-7f1a4a1f7a11
            memory_mb:
              description: GPU memory in MiB (NVML, amdsmi).
              type: int
              returned: when NVML or amdsmi is used
              sample: 81559
            driver_version:
              description: Driver version (NVML, amdsmi).
              type: str
              returned: when NVML or amdsmi is used
              sample: "550.90.07"
            cuda_version:
              description: Highest CUDA version the driver supports (NVML).
              type: str
              returned: when NVML is used
              sample: "12.4"
            compute_capability:
              description: CUDA compute capability (NVML).
              type: str
              returned: when NVML is used
              sample: "9.0"
            persistence_mode:
              description: Whether persistence mode is on (NVML).
              type: bool
              returned: when NVML is used and the GPU supports it
              sample: true
            mig:
              description: MIG state (NVML) - C(mode) V(enabled), V(disabled) or V(unsupported), C(pending_mode) and
                C(devices), each with C(index), C(name), C(profile), C(uuid), C(memory_mb), C(gpu_instance_id)
                and C(compute_instance_id) as far as NVML reports them.
              type: dict
              returned: when NVML is used
              sample: {"mode": "disabled", "pending_mode": "disabled", "devices": []}
            nvlink:
              description:
                - NVLinks of the GPU (NVML) - C(active_links), the active NVLink count; C(switches), the PCI addresses
                  of the NVSwitches reached; C(peer_links), the number of active NVLinks to each GPU linked
                  directly (no NVSwitch in between), by PCI address, as Slurm's NVML autodetection counts them
                  for C(Links=). Links that end at an NVSwitch count in C(active_links) only.
              type: dict
              returned: when NVML is used and the GPU has NVLink
              sample: {"active_links": 6, "switches": [], "peer_links": {"0000:1e:00.0": 2, "0000:2a:00.0": 4}}
            nvlink_peers:
              description: PCI addresses of the GPUs reachable over NVLink, directly or through NVSwitches (NVML).
              type: list
              elements: str
              returned: when NVML is used
              sample: ["0000:1e:00.0"]
            gfx_target:
              description: AMD gfx target (amdsmi).
              type: str
              returned: when amdsmi is used
              sample: gfx942
            xgmi_peers:
              description: PCI addresses of the GPUs one XGMI hop away (amdsmi).
              type: list
              elements: str
              returned: when amdsmi is used
              sample: ["0000:33:00.0"]
            compute_partition:
              description: Compute partition mode (amdsmi), for example V(SPX) or V(CPX).
              type: str
              returned: when amdsmi reports it
              sample: SPX
            memory_partition:
              description: Memory partition mode (amdsmi), for example V(NPS1).
              type: str
              returned: when amdsmi reports it
              sample: NPS1
        nvswitches:
          description: NVIDIA NVSwitches visible on PCI; a count above 0 means the node needs Fabric Manager.
          type: dict
          returned: always
          sample: {"count": 4, "bdfs": ["0000:07:00.0", "0000:08:00.0", "0000:09:00.0", "0000:0a:00.0"]}
        nics:
          description: Network devices (PCI network class; SR-IOV virtual functions left out), in PCI bus order.
          type: list
          elements: dict
          returned: always
          contains:
            netdev:
              description: First network interface of the device, or null when it has none (an InfiniBand HCA without IPoIB,
                a device bound to vfio-pci).
              type: str
              sample: ibp27s0
            netdevs:
              description: All network interfaces of the device.
              type: list
              elements: str
              sample: [ibp27s0]
            bdf:
              description: PCI address.
              type: str
              sample: "0000:1b:00.0"
            vendor:
              description: Vendor (V(mellanox), V(broadcom), V(intel), ...) or V(other).
              type: str
              sample: mellanox
            pci_id:
              description: PCI vendor and device id.
              type: str
              sample: "15b3:1021"
            name:
              description: Product name from a built-in table, else the PCI id.
              type: str
              sample: ConnectX-7
            numa_node:
              description: NUMA node, never -1 (same rules as for GPUs).
              type: int
              sample: 0
            numa_source:
              description: How the NUMA node was found (same values as for GPUs).
              type: str
              sample: sysfs
            local_cpus:
              description: Online local CPUs (C(local_cpulist) without offline CPUs) as a cpulist.
              type: str
              sample: 0-55,112-167
            driver:
              description: Bound kernel driver or V(none).
              type: str
              sample: mlx5_core
            link_layer:
              description: V(ethernet) or V(infiniband).
              type: str
              sample: infiniband
            speed_mbps:
              description: Link speed in Mb/s (RDMA port rate, else the interface speed); null when down or unknown.
              type: int
              sample: 400000
            rdma_device:
              description: RDMA device name, or null.
              type: str
              sample: mlx5_0
        gpu_libraries:
          description: Whether NVML and amdsmi were used (C(used)), why not (C(reason)), and the driver and CUDA versions
            they reported.
          type: dict
          returned: always
          sample: {"nvml": {"used": false, "reason": "pynvml is not importable (install nvidia-ml-py on the node)"},
                   "amdsmi": {"used": false, "reason": "no GPU bound to the amdgpu driver"}}
        summary:
          description: One line for humans.
          type: str
          returned: always
          sample: 2 sockets, 112 cores, 2 NUMA nodes, 8x H100 SXM, 4 NVSwitch, 1x I350, 8x ConnectX-7
        probe_ms:
          description: Time the probe took, in milliseconds (without unpacking an archive).
          type: float
          returned: always
          sample: 4.2
        warnings:
          description:
            - Problems met while reading (missing, unreadable or malformed files, library failures).
            - Lines starting C(NUMA layout:) mean the firmware's NUMA layout contradicts the CPUs (a CPU in two nodes,
              an online CPU in none, the threads of one core in different nodes); the layout is reported as sysfs
              gives it, and decisions taken from it are not to be trusted.
          type: list
          elements: str
          returned: always
          sample: []
'''

import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils._topology import TopologyRootError, probe


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type='path', default='/'),
            gpu_libraries=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    root = module.params['root'] or '/'
    if root == '/' and platform.system() != 'Linux':
        module.fail_json(msg='topology_facts reads Linux sysfs; %s is not supported' % platform.system())
    try:
        facts = probe(root, gpu_libraries=module.params['gpu_libraries'])
    except TopologyRootError as exc:
        module.fail_json(msg=str(exc))
    for warning in facts['warnings']:
        module.warn(warning)
    module.exit_json(changed=False, ansible_facts={'linuxai_topology': facts})


if __name__ == '__main__':
    main()
