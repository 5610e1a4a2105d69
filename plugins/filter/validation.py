# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Node validation filters of the validate role; documented in the sidecar NAME.yml files next to this one."""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils import _validation
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def validation_report(data, node):
    """The linuxai_validation fact of a node from what the validate role read on it."""
    return _validation.validation_result(node, _validation.validation_checks(data))


def validation_table(result):
    """A node's validation as table lines."""
    return _validation.validation_table(result)


def validation_fleet(results, hosts):
    """The fleet summary lines, one per host."""
    return _validation.validation_fleet(results, list(hosts))


class FilterModule(object):
    def filters(self):
        return filter_map(validation_report, validation_table, validation_fleet)
