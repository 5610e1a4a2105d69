# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Kubelet filters: CPU and topology manager settings from the topology facts, the kubelet's version and flags.

Documented in the sidecar NAME.yml files next to this one. The logic is module_utils/_kubernetes.py,
under the same names.
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils import _kubernetes
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


class FilterModule(object):
    """linuxai.node kubelet filters."""

    def filters(self):
        return filter_map(_kubernetes.kubelet_reserved_cpus, _kubernetes.kubelet_config, _kubernetes.kubelet_version,
                          _kubernetes.kubelet_extra_args)
