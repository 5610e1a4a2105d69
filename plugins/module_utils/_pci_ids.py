# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Small built-in tables of PCI ids the topology probe names, and PCI addresses (private to linuxai.node).

Only parts that matter on AI/GPU nodes are listed; anything else is reported
by its ``vvvv:dddd`` id. NVML and amdsmi names win over these when available.
Each GPU row is ``pci_id: (full name, short name for summaries, architecture)``.
``normalize_bdf`` is the one place a PCI address from NVML, amdsmi or a user
becomes the form sysfs names devices by, which the facts carry.
"""

from __future__ import annotations

VENDORS = {
    0x10de: 'nvidia',
    0x1002: 'amd',
    0x8086: 'intel',
}

GPUS = {
    # NVIDIA Volta / Turing
    '10de:1db1': ('Tesla V100-SXM2-16GB', 'V100 SXM2', 'volta'),
    '10de:1db4': ('Tesla V100-PCIE-16GB', 'V100 PCIe', 'volta'),
    '10de:1db5': ('Tesla V100-SXM2-32GB', 'V100 SXM2', 'volta'),
    '10de:1db6': ('Tesla V100-PCIE-32GB', 'V100 PCIe', 'volta'),
    '10de:1eb8': ('Tesla T4', 'T4', 'turing'),
    # NVIDIA Ampere
    '10de:20b0': ('NVIDIA A100-SXM4-40GB', 'A100 SXM', 'ampere'),
    '10de:20b2': ('NVIDIA A100-SXM4-80GB', 'A100 SXM', 'ampere'),
    '10de:20b5': ('NVIDIA A100 80GB PCIe', 'A100 PCIe', 'ampere'),
    '10de:20f1': ('NVIDIA A100-PCIE-40GB', 'A100 PCIe', 'ampere'),
    '10de:20b7': ('NVIDIA A30', 'A30', 'ampere'),
    '10de:2236': ('NVIDIA A10', 'A10', 'ampere'),
    '10de:25b6': ('NVIDIA A16', 'A16', 'ampere'),
    '10de:2230': ('NVIDIA RTX A6000', 'RTX A6000', 'ampere'),
    '10de:2204': ('NVIDIA GeForce RTX 3090', 'RTX 3090', 'ampere'),
    # NVIDIA Ada Lovelace
    '10de:26b1': ('NVIDIA RTX 6000 Ada Generation', 'RTX 6000 Ada', 'ada'),
    '10de:26b5': ('NVIDIA L40', 'L40', 'ada'),
    '10de:26b9': ('NVIDIA L40S', 'L40S', 'ada'),
    '10de:27b8': ('NVIDIA L4', 'L4', 'ada'),
    '10de:2684': ('NVIDIA GeForce RTX 4090', 'RTX 4090', 'ada'),
    # NVIDIA Hopper
    '10de:2330': ('NVIDIA H100 80GB HBM3', 'H100 SXM', 'hopper'),
    '10de:2331': ('NVIDIA H100 PCIe', 'H100 PCIe', 'hopper'),
    '10de:2321': ('NVIDIA H100 NVL', 'H100 NVL', 'hopper'),
    '10de:2335': ('NVIDIA H200', 'H200 SXM', 'hopper'),
    '10de:2342': ('NVIDIA GH200 480GB', 'GH200', 'grace-hopper'),
    # NVIDIA Blackwell
    '10de:2901': ('NVIDIA B200', 'B200', 'blackwell'),
    '10de:2941': ('NVIDIA GB200', 'GB200', 'grace-blackwell'),
    '10de:2b85': ('NVIDIA GeForce RTX 5090', 'RTX 5090', 'blackwell'),
    # AMD Instinct / Radeon
    '1002:738c': ('AMD Instinct MI100', 'MI100', 'cdna'),
    '1002:740c': ('AMD Instinct MI250X/MI250', 'MI250', 'cdna2'),
    '1002:740f': ('AMD Instinct MI210', 'MI210', 'cdna2'),
    '1002:74a0': ('AMD Instinct MI300A', 'MI300A', 'cdna3'),
    '1002:74a1': ('AMD Instinct MI300X', 'MI300X', 'cdna3'),
    '1002:74a5': ('AMD Instinct MI325X', 'MI325X', 'cdna3'),
    '1002:744c': ('AMD Radeon RX 7900 XTX', 'RX 7900 XTX', 'rdna3'),
    '1002:7448': ('AMD Radeon PRO W7900', 'PRO W7900', 'rdna3'),
    # Intel Data Center GPUs
    '8086:0bd5': ('Intel Data Center GPU Max 1550', 'Max 1550', 'xe-hpc'),
    '8086:0bda': ('Intel Data Center GPU Max 1100', 'Max 1100', 'xe-hpc'),
    '8086:56c0': ('Intel Data Center GPU Flex 170', 'Flex 170', 'xe-hpg'),
    '8086:56c1': ('Intel Data Center GPU Flex 140', 'Flex 140', 'xe-hpg'),
    # Other accelerators in the processing-accelerator class
    '1da3:1020': ('Habana Labs Gaudi2', 'Gaudi2', 'gaudi2'),
}

# Display adapters that are not compute GPUs: BMC and virtual-machine consoles.
# Matched by vendor id (whole vendor) or by full pci_id.
DISPLAY_ONLY = frozenset([
    '1a03',       # ASPEED BMC graphics
    '102b',       # Matrox G200 (server BMC graphics)
    '19e5:1711',  # Huawei iBMC graphics
    '1234:1111',  # QEMU standard VGA
    '1b36:0100',  # QXL paravirtual graphics
    '1af4:1050',  # virtio-gpu
    '15ad:0405',  # VMware SVGA II
    '1013:00b8',  # Cirrus Logic GD 5446 (emulated)
    '1414:5353',  # Hyper-V video
])

# NVIDIA NVLink switches seen as PCI bridges (class 0x0680) on HGX baseboards.
NVSWITCHES = {
    '10de:1ac1': 'NVSwitch (V100)',
    '10de:1af1': 'NVSwitch (A100)',
    '10de:22a3': 'NVSwitch (H100)',
}

NIC_VENDORS = {
    0x15b3: 'mellanox',
    0x14e4: 'broadcom',
    0x8086: 'intel',
    0x1d0f: 'amazon',
    0x1af4: 'virtio',
    0x1077: 'qlogic',
    0x1924: 'solarflare',
    0x1dd8: 'pensando',
    0x10ec: 'realtek',
    0x19e5: 'huawei',
    0x1137: 'cisco',
}

NICS = {
    '15b3:1017': 'ConnectX-5',
    '15b3:1019': 'ConnectX-5 Ex',
    '15b3:101b': 'ConnectX-6',
    '15b3:101d': 'ConnectX-6 Dx',
    '15b3:101f': 'ConnectX-6 Lx',
    '15b3:1021': 'ConnectX-7',
    '15b3:1023': 'ConnectX-8',
    '15b3:a2d6': 'BlueField-2',
    '15b3:a2dc': 'BlueField-3',
    '14e4:1750': 'BCM57508 NetXtreme-E',
    '14e4:16d7': 'BCM57414 NetXtreme-E',
    '8086:1521': 'I350',
    '8086:1533': 'I210',
    '8086:1563': 'X550',
    '8086:1572': 'X710',
    '8086:37d2': 'X722',
    '8086:1592': 'E810-C',
    '8086:159b': 'E810-XXV',
    '1d0f:efa0': 'Elastic Fabric Adapter',
    '1d0f:efa1': 'Elastic Fabric Adapter',
    '1d0f:efa2': 'Elastic Fabric Adapter',
    '1d0f:ec20': 'Elastic Network Adapter',
    '1af4:1000': 'virtio-net',
    '1af4:1041': 'virtio-net',
}

# Compute capability -> architecture, for GPUs the table does not know.
NVIDIA_ARCH_BY_CC = {
    '6.0': 'pascal', '6.1': 'pascal', '6.2': 'pascal',
    '7.0': 'volta', '7.2': 'volta', '7.5': 'turing',
    '8.0': 'ampere', '8.6': 'ampere', '8.7': 'ampere', '8.9': 'ada',
    '9.0': 'hopper',
    '10.0': 'blackwell', '10.3': 'blackwell', '11.0': 'blackwell', '12.0': 'blackwell', '12.1': 'blackwell',
}

# AMD gfx target -> architecture, for GPUs the table does not know.
AMD_ARCH_BY_GFX = {
    'gfx906': 'gcn5', 'gfx908': 'cdna', 'gfx90a': 'cdna2',
    'gfx940': 'cdna3', 'gfx941': 'cdna3', 'gfx942': 'cdna3', 'gfx950': 'cdna4',
    'gfx1030': 'rdna2', 'gfx1100': 'rdna3', 'gfx1101': 'rdna3', 'gfx1102': 'rdna3',
    'gfx1200': 'rdna4', 'gfx1201': 'rdna4',
}

# aarch64 /proc/cpuinfo "CPU implementer" -> vendor, and (implementer, part) -> core name.
ARM_IMPLEMENTERS = {
    0x41: 'ARM', 0x42: 'Broadcom', 0x46: 'Fujitsu', 0x48: 'HiSilicon',
    0x4e: 'NVIDIA', 0x50: 'Ampere', 0x51: 'Qualcomm', 0x61: 'Apple', 0xc0: 'Ampere',
}
ARM_PARTS = {
    (0x41, 0xd0c): 'Neoverse-N1',
    (0x41, 0xd40): 'Neoverse-V1',
    (0x41, 0xd49): 'Neoverse-N2',
    (0x41, 0xd4f): 'Neoverse-V2',
    (0x41, 0xd84): 'Neoverse-V3',
    (0x41, 0xd8e): 'Neoverse-N3',
    (0x46, 0x001): 'A64FX',
    (0x48, 0xd01): 'Kunpeng-920',
    (0xc0, 0xac3): 'AmpereOne',
}


def gpu_vendor(vendor_id: int) -> str:
    """Return nvidia, amd, intel or other."""
    return VENDORS.get(vendor_id, 'other')


def is_display_only(pci_id: str) -> bool:
    """True for BMC and virtual consoles that must not count as GPUs."""
    return pci_id in DISPLAY_ONLY or pci_id.split(':', 1)[0] in DISPLAY_ONLY


def normalize_bdf(value) -> str:
    """A PCI address as sysfs names the device ('0000:1a:00.0'): the form of the facts' ``bdf``.

    Accepts NVML's bus id ('00000000:1A:00.0': a 32-bit domain as 8 hex digits, upper case), its
    legacy and sysfs' form ('0000:1a:00.0'), the address without its domain ('1a:00.0', domain 0),
    and bytes of any of these. Anything else comes back stripped and lower-cased.
    """
    text = (value.decode('utf-8', 'replace') if isinstance(value, bytes) else str(value)).strip().lower()
    parts = text.split(':')
    if len(parts) == 2:
        parts.insert(0, '0')
    if len(parts) != 3:
        return text
    try:
        domain = int(parts[0] or '0', 16)
    except ValueError:
        return text
    return '%04x:%s:%s' % (domain, parts[1], parts[2])
