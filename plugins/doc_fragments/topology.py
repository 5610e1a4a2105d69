# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """The O(root) option shared by topology_facts and topology_capture."""

    DOCUMENTATION = r'''
options:
  root:
    description:
      - Where to read sysfs and procfs from.
      - V(/) reads the running system.
      - Anything else is a captured tree on the managed node, either a directory or a C(.tar), C(.tar.gz),
        C(.tgz), C(.tar.bz2) or C(.tar.xz) archive, holding C(sys/) and C(proc/) at its top or one directory
        down. That is the layout of M(linuxai.node.topology_capture) archives and of C(hwloc-gather-topology)
        (run it with C(--io) so that PCI devices are included).
      - Archives are unpacked into a private temporary directory that is removed afterwards; members that are
        not plain files, directories or relative links inside the tree are skipped with a warning.
      - Roles of this collection pass the play variable C(linuxai_topology_root) here, so one variable makes
        every role plan from a captured tree.
    type: path
    default: /
'''
