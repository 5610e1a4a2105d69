# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Audit filters of playbooks/audit.yml; documented in the sidecar NAME.yml files next to this one."""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils import _audit
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def audit_report(records, hosts):
    """The audit report of the hosts from the linuxai.node.audit callback's records."""
    return _audit.audit_report(list(records), list(hosts))


def audit_table(report, diff=True):
    """The audit report as readable lines."""
    return _audit.audit_table(report, diff=bool(diff))


class FilterModule(object):
    def filters(self):
        return filter_map(audit_report, audit_table)
