# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cpulist and topology filters; documented in the sidecar NAME.yml files next to this one.

The logic is module_utils/_topology_fact.py, under the same names.
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils import _topology_fact as fact
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


class FilterModule(object):
    """linuxai.node topology filters."""

    def filters(self):
        return filter_map(fact.cpulist_parse, fact.cpulist_format, fact.cpulist_intersect, fact.gpu_cpus,
                          fact.gpu_numa_node, fact.slurm_core_ids)
