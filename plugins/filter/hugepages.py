# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugin ``hugepage_plan``: huge pages per NUMA node (documented in hugepage_plan.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils._hugepages import plan_hugepages
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def hugepage_plan(numa_nodes, size="2M", total=None, fraction=None, per_node=None, reserve_mb=None):
    """Plan huge pages of one size per NUMA node; see plan_hugepages."""
    return plan_hugepages(numa_nodes, size, total=total, fraction=fraction, per_node=per_node, reserve_mb=reserve_mb)


class FilterModule(object):
    def filters(self):
        return filter_map(hugepage_plan)
