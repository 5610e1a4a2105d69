# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run hwloc's lstopo over a sysfs/procfs tree and reduce its XML to what the probe is compared on.

``HWLOC_FSROOT`` points hwloc's Linux backend at the tree; ``HWLOC_COMPONENTS=linux,stop`` keeps
every other discovery component out (the x86 one would mix this host's CPUID into another machine's
tree, the pci one would read this host's PCI bus).
"""

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

LSTOPO = 'lstopo-no-graphics'
PACKAGE = 'hwloc'  # the Debian/Ubuntu/Fedora package that gives lstopo-no-graphics
_IO_TYPES = frozenset(('Bridge', 'PCIDev', 'OSDev', 'Misc'))


def available():
    return shutil.which(LSTOPO) is not None


def bits(mask):
    """CPU or node numbers of an hwloc bitmap string ("0x0000ff00,0x00000003", "0xf...f" for infinite)."""
    if not mask:
        return frozenset()
    words = mask.split(',')
    out = set()
    offset = 0
    for word in reversed(words):
        value = int(word, 16) if word else 0  # hwloc writes a zero word as nothing: "0x1,,0x3"
        bit = 0
        while value:
            if value & 1:
                out.add(offset + bit)
            value >>= 1
            bit += 1
        offset += 32
    return frozenset(out)


def run(root):
    """Return lstopo's XML for ``root`` (a directory holding sys/ and proc/)."""
    env = dict(os.environ, HWLOC_FSROOT=root, HWLOC_COMPONENTS='linux,stop', HWLOC_HIDE_ERRORS='0')
    env.pop('HWLOC_XMLFILE', None)
    done = subprocess.run([LSTOPO, '--of', 'xml', '--filter', 'io:all', '-'], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True, timeout=60)
    return done.stdout.decode(), done.stderr.decode()


def summary(xml_text):
    """What hwloc found: online PUs, package/core/die/cluster cpusets, NUMA nodes, and the localities of PCI devices."""
    root = ET.fromstring(xml_text)
    found = {'pus': set(), 'packages': [], 'cores': [], 'dies': [], 'clusters': [], 'numa': {}, 'pci': {}}

    def walk(obj, parent_nodeset, locality):
        kind = obj.get('type')
        nodeset = parent_nodeset
        if kind not in _IO_TYPES and obj.get('nodeset') is not None:
            nodeset = bits(obj.get('nodeset'))
        if kind == 'PU':
            found['pus'].add(int(obj.get('os_index')))
        elif kind == 'Package':
            found['packages'].append(bits(obj.get('cpuset')))
        elif kind == 'Core':
            found['cores'].append(bits(obj.get('cpuset')))
        elif kind == 'Die':
            found['dies'].append(bits(obj.get('cpuset')))
        elif kind == 'Group' and obj.get('subtype') == 'Cluster':
            found['clusters'].append(bits(obj.get('cpuset')))
        elif kind == 'NUMANode':
            found['numa'][int(obj.get('os_index'))] = {
                'cpus': bits(obj.get('cpuset')),
                'memory_mb': int(obj.get('local_memory', '0')) // (1024 * 1024),
            }
        elif kind == 'PCIDev':
            # An I/O object's locality is that of its first non-I/O ancestor (the object hwloc
            # attached its host bridge to): a nodeset and a cpuset.
            found['pci'][obj.get('pci_busid')] = locality
        next_locality = locality
        if kind not in _IO_TYPES:
            next_locality = {'nodes': nodeset, 'cpus': bits(obj.get('cpuset'))}
        for child in obj.findall('object'):
            walk(child, nodeset, next_locality)

    for top in root.findall('object'):
        walk(top, frozenset(), None)
    return found
