# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare wanted kernel tuning with what the running kernel has (read-only).

Private to linuxai.node. Every reader takes ``root`` so tests use fake trees.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

_BRACKETED = re.compile(r"\[([^\]]+)\]")


def _read(root, rel):
    try:
        with open(os.path.join(root, rel.lstrip("/"))) as handle:
            return handle.read().strip()
    except (IOError, OSError):
        return None


def sysctl_path(name):
    """proc path of a sysctl key; dots separate levels, slashes may appear in names."""
    return "proc/sys/" + name.replace(".", "/")


def _normalise(value):
    return " ".join(str(value).split())


def sysctl_state(root, wanted):
    """Return (settings, missing) for {key: value}; keys the kernel lacks go to missing."""
    settings, missing = [], []
    for key in sorted(wanted):
        running = _read(root, sysctl_path(key))
        if running is None:
            missing.append(key)
            continue
        desired = _normalise(wanted[key])
        settings.append({"name": "sysctl " + key, "desired": desired, "running": _normalise(running),
                         "in_force": _normalise(running) == desired})
    return settings, missing


def thp_state(root, enabled=None, defrag=None):
    settings = []
    for name, desired in (("enabled", enabled), ("defrag", defrag)):
        if desired is None:
            continue
        raw = _read(root, "sys/kernel/mm/transparent_hugepage/" + name)
        match = _BRACKETED.search(raw or "")
        running = match.group(1) if match else None
        settings.append({"name": "transparent_hugepage " + name, "desired": desired, "running": running,
                         "in_force": running == desired})
    return settings


def hugepage_state(root, size_kb, nodes):
    """nodes: {"<id>": pages}; reads each node's pool of that size."""
    settings = []
    for node_id in sorted(nodes, key=int):
        rel = "sys/devices/system/node/node%s/hugepages/hugepages-%dkB/nr_hugepages" % (node_id, int(size_kb))
        raw = _read(root, rel)
        running = int(raw) if raw is not None and raw.isdigit() else None
        desired = int(nodes[node_id])
        settings.append({"name": "hugepages %dkB node%s" % (int(size_kb), node_id), "desired": desired,
                         "running": running, "in_force": running == desired})
    return settings


def governor_state(root, governor):
    """One entry summarising every CPU's cpufreq governor; running is None without cpufreq."""
    base = os.path.join(root, "sys/devices/system/cpu")
    try:
        names = sorted(n for n in os.listdir(base) if re.match(r"^cpu\d+$", n))
    except OSError:
        names = []
    seen = set()
    for name in names:
        value = _read(root, "sys/devices/system/cpu/%s/cpufreq/scaling_governor" % name)
        if value is not None:
            seen.add(value)
    running = ",".join(sorted(seen)) if seen else None
    return [{"name": "cpufreq governor", "desired": governor, "running": running,
             "in_force": running == governor}]


def cmdline_state(root, args):
    """args: {name: value or None}; compares with /proc/cmdline."""
    running = (_read(root, "proc/cmdline") or "").split()
    settings = []
    for name in args:
        wanted = name if args[name] is None else "%s=%s" % (name, args[name])
        settings.append({"name": "kernel argument " + name, "desired": wanted,
                         "running": " ".join(t for t in running if t == name or t.startswith(name + "=")) or None,
                         "in_force": wanted in running})
    return settings


def tuning_state(root, sysctl=None, thp_enabled=None, thp_defrag=None, hugepages=None, governor=None, kernel_args=None):
    settings, missing = sysctl_state(root, sysctl or {})
    settings += thp_state(root, thp_enabled, thp_defrag)
    for pool in hugepages or []:
        settings += hugepage_state(root, pool["size_kb"], pool["nodes"])
    if governor:
        settings += governor_state(root, governor)
    if kernel_args:
        settings += cmdline_state(root, kernel_args)
    drift = [s for s in settings if not s["in_force"]]
    report = ["%s: running %s, want %s" % (s["name"], "-" if s["running"] is None else s["running"], s["desired"])
              for s in drift]
    return {"settings": settings, "drift": drift, "drift_report": report, "missing_sysctls": missing,
            "in_force": not drift}
