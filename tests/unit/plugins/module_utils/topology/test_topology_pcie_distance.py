# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PCIe distance classes of the probe (nvidia-smi topo -m's PIX, PXB, PHB, NODE and SYS)."""

import pytest

from ansible_collections.linuxai.node.plugins.module_utils._topology import pcie_distance


HB = 'pci0000:17'
RP = '0000:17:01.0'


@pytest.mark.parametrize('a, b, nodes, expected', [
    # One switch: GPU and NIC below two downstream ports of the same upstream port.
    ([HB, RP, '0000:18:00.0', '0000:19:00.0', '0000:1a:00.0'],
     [HB, RP, '0000:18:00.0', '0000:19:01.0', '0000:1b:00.0'], (0, 0), 'PIX'),
    # Two functions of one device below a root port.
    ([HB, RP, '0000:18:00.0'], [HB, RP, '0000:18:00.1'], (0, 0), 'PIX'),
    # Nested switches: different lower switches below one upper switch.
    ([HB, RP, '0000:18:00.0', '0000:19:00.0', '0000:1a:00.0', '0000:1b:00.0', '0000:1c:00.0'],
     [HB, RP, '0000:18:00.0', '0000:19:01.0', '0000:1d:00.0', '0000:1e:00.0', '0000:1f:00.0'], (0, 0), 'PXB'),
    # One directly under the upper switch, the other one switch further down.
    ([HB, RP, '0000:18:00.0', '0000:19:00.0', '0000:1a:00.0'],
     [HB, RP, '0000:18:00.0', '0000:19:01.0', '0000:1d:00.0', '0000:1e:00.0', '0000:1f:00.0'], (0, 0), 'PXB'),
    # Two root ports of one root complex.
    ([HB, RP, '0000:18:00.0'], [HB, '0000:17:02.0', '0000:20:00.0'], (0, 0), 'PHB'),
    # An integrated device on the root bus.
    ([HB, RP, '0000:18:00.0'], [HB, '0000:17:1f.6'], (0, 0), 'PHB'),
    # Different root complexes.
    ([HB, RP, '0000:18:00.0'], ['pci0000:37', '0000:37:01.0', '0000:38:00.0'], (0, 0), 'NODE'),
    ([HB, RP, '0000:18:00.0'], ['pci0000:9a', '0000:9a:01.0', '0000:9b:00.0'], (0, 1), 'SYS'),
    # Unknown paths fall back to the NUMA nodes.
    ([], [HB, RP, '0000:18:00.0'], (1, 1), 'NODE'),
    ([], [], (0, 1), 'SYS'),
])
def test_pcie_distance(a, b, nodes, expected):
    assert pcie_distance(a, b, nodes[0], nodes[1]) == expected
    assert pcie_distance(b, a, nodes[1], nodes[0]) == expected
