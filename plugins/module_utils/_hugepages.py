# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huge page sizing per NUMA node from the topology facts.

Private to linuxai.node, used by the ``hugepage_plan`` filter and the kernel_tuning role.
Pure logic; every failure is a ValueError whose message is meant for the user.

A NUMA node is a dict from the topology fact::

    {id: 0, cpus: "0-15,32-47", memory_mb: 515000, memory_only: false, ...}

Nodes without CPUs (``memory_only: true`` or ``cpus: ""``: CXL or HBM memory) get huge
pages only when ``per_node`` names them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import ROUND_FLOOR, Decimal

RESERVE_FRACTION = Decimal("0.10")
RESERVE_MIN_MB = 2048
MAX_FRACTION = Decimal("0.9")

_UNITS_KB = {"k": 1, "m": 1024, "g": 1024 * 1024}
_SIZE_RE = re.compile(r"^\s*(\d+)\s*([kKmMgG])?(?:i?[bB])?\s*$")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def parse_size_kb(size):
    """Page size in KiB from 2048, "2048", "2M", "2MB", "2MiB", "1G", "1GiB" or "64K"."""
    kb = None
    if _is_int(size):
        kb = size
    elif isinstance(size, str):
        match = _SIZE_RE.match(size)
        if match:
            kb = int(match.group(1)) * _UNITS_KB[(match.group(2) or "k").lower()]
    if kb is None or kb <= 0 or kb & (kb - 1):
        raise ValueError(
            "Invalid huge page size %r: use a power of two in KiB (2048) or with a unit "
            "(2M, 1G)" % (size,)
        )
    return kb


def size_label(size_kb):
    """The kernel's spelling of a page size for hugepagesz=: 2048 -> "2M"."""
    for unit, factor in (("G", 1024 * 1024), ("M", 1024)):
        if size_kb % factor == 0:
            return "%d%s" % (size_kb // factor, unit)
    return "%dK" % size_kb


def default_reserve_mb(memory_mb):
    """Memory kept free of huge pages on a node: 10 % of it or 2 GiB, whichever is larger."""
    return max(int(Decimal(memory_mb) * RESERVE_FRACTION), RESERVE_MIN_MB)


def _node_id(value):
    if _is_int(value) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ValueError("Invalid NUMA node id %r: expected a non-negative integer" % (value,))


def _nodes(numa_nodes):
    """Validate the topology list (or a dict keyed by id) into {id: node}."""
    if isinstance(numa_nodes, dict):
        items = [dict(node, id=node.get("id", key)) for key, node in numa_nodes.items()]
    elif isinstance(numa_nodes, (list, tuple)):
        items = list(numa_nodes)
    else:
        raise ValueError("numa_nodes must be the list of NUMA nodes from the topology facts")
    if not items:
        raise ValueError("The topology lists no NUMA node")
    nodes = {}
    for node in items:
        if not isinstance(node, dict) or "id" not in node:
            raise ValueError("Invalid NUMA node entry %r: expected a dict with an id" % (node,))
        node_id = _node_id(node["id"])
        if node_id in nodes:
            raise ValueError("NUMA node %d is listed twice in the topology" % node_id)
        memory = node.get("memory_mb")
        if isinstance(memory, bool) or not isinstance(memory, (int, float)) or memory < 0:
            raise ValueError("NUMA node %d has invalid memory_mb %r" % (node_id, memory))
        memory = int(memory)
        cpus = str(node.get("cpus") or "").strip()
        nodes[node_id] = {
            "memory_mb": memory,
            "has_cpus": bool(cpus) and not node.get("memory_only", False),
        }
    return nodes


def _pages(name, value, allow_zero=False):
    if not _is_int(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(
            "%s must be a %s integer number of pages, got %r"
            % (name, "non-negative" if allow_zero else "positive", value)
        )
    return value


def _plan_total(nodes, total):
    total = _pages("total", total)
    targets = sorted(node_id for node_id, node in nodes.items() if node["has_cpus"])
    if not targets:
        raise ValueError("The topology has no NUMA node with CPUs to spread huge pages over")
    base, extra = divmod(total, len(targets))
    return dict((node_id, base + (1 if index < extra else 0)) for index, node_id in enumerate(targets))


def _plan_fraction(nodes, fraction, size_kb):
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, str)):
        raise ValueError("fraction must be a number between 0 and 0.9, got %r" % (fraction,))
    try:
        share = Decimal(str(fraction))
    except ArithmeticError:
        raise ValueError("fraction must be a number between 0 and 0.9, got %r" % (fraction,))
    if not 0 < share < MAX_FRACTION:
        raise ValueError("fraction must be greater than 0 and less than 0.9, got %s" % fraction)
    plan = {}
    for node_id in sorted(nodes):
        node = nodes[node_id]
        if node["has_cpus"]:
            wanted_kb = Decimal(node["memory_mb"]) * 1024 * share
            plan[node_id] = int((wanted_kb / size_kb).to_integral_value(rounding=ROUND_FLOOR))
    if not plan:
        raise ValueError("The topology has no NUMA node with CPUs to place huge pages on")
    if not any(plan.values()):
        raise ValueError(
            "fraction %s of each node's memory is less than one %s huge page on every node"
            % (fraction, size_label(size_kb))
        )
    return plan


def _plan_per_node(nodes, per_node):
    if not isinstance(per_node, dict) or not per_node:
        raise ValueError("per_node must be a non-empty dict of NUMA node id to pages")
    plan = {}
    for key, pages in per_node.items():
        node_id = _node_id(key)
        if node_id not in nodes:
            raise ValueError(
                "NUMA node %s in per_node is not in the topology (nodes: %s)"
                % (key, ", ".join(str(n) for n in sorted(nodes)))
            )
        if node_id in plan:
            raise ValueError("NUMA node %d is given twice in per_node" % node_id)
        plan[node_id] = _pages("per_node[%s]" % key, pages, allow_zero=True)
    if not any(plan.values()):
        raise ValueError("per_node asks for no huge page at all")
    return plan


def _check_fit(nodes, plan, size_kb, reserve_mb):
    label = size_label(size_kb)
    for node_id in sorted(plan):
        pages = plan[node_id]
        memory = nodes[node_id]["memory_mb"]
        reserve = default_reserve_mb(memory) if reserve_mb is None else reserve_mb
        usable_kb = max(memory - reserve, 0) * 1024
        if pages * size_kb > usable_kb:
            raise ValueError(
                "NUMA node %d: %d huge pages of %s (%d MiB) do not fit; the node has %d MiB "
                "of memory and %d MiB stays free, so at most %d pages of %s fit"
                % (node_id, pages, label, pages * size_kb // 1024, memory, reserve,
                   usable_kb // size_kb, label)
            )


def _kernel_spread(nodes, total):
    """Where plain hugepages=<total> puts boot-time pages: round-robin over nodes with
    memory, lowest id first."""
    targets = sorted(node_id for node_id, node in nodes.items() if node["memory_mb"] > 0)
    if not targets:
        return {}
    base, extra = divmod(total, len(targets))
    return dict((node_id, base + (1 if index < extra else 0)) for index, node_id in enumerate(targets))


def plan_hugepages(numa_nodes, size_kb, total=None, fraction=None, per_node=None, reserve_mb=None):
    """Plan huge pages of one size per NUMA node.

    Give exactly one of:

    - ``total``: pages, spread evenly over the nodes with CPUs; the remainder goes one
      page each to the lowest node ids.
    - ``fraction``: more than 0 and less than 0.9 of each CPU node's memory, rounded down
      to whole pages.
    - ``per_node``: ``{node id: pages}``; may name memory-only nodes; 0 is allowed for a
      node, but not for all of them.

    Each planned node must keep ``reserve_mb`` MiB free of huge pages; by default 10 % of
    its memory or 2 GiB, whichever is larger. ``size_kb`` also accepts "2M" or "1G".

    Returns ``{"size_kb", "size", "nodes": {"<id>": pages}, "total", "total_mb",
    "cmdline_nodes", "total_spread_matches"}``. ``size`` and ``total`` fit
    ``hugepagesz=`` and ``hugepages=``; ``cmdline_nodes`` is the node format
    ``hugepages=0:8,1:8`` of kernels that support it; ``total_spread_matches`` is true
    when plain ``hugepages=<total>`` puts the pages where planned.
    Raises ValueError with a message for the user.
    """
    size_kb = parse_size_kb(size_kb)
    given = [name for name, value in (("total", total), ("fraction", fraction),
                                      ("per_node", per_node)) if value is not None]
    if len(given) != 1:
        raise ValueError(
            "Give exactly one of total, fraction or per_node (got %s)" % (", ".join(given) or "none")
        )
    if reserve_mb is not None and (not _is_int(reserve_mb) or reserve_mb < 0):
        raise ValueError("reserve_mb must be a non-negative integer of MiB, got %r" % (reserve_mb,))
    nodes = _nodes(numa_nodes)
    if total is not None:
        plan = _plan_total(nodes, total)
    elif fraction is not None:
        plan = _plan_fraction(nodes, fraction, size_kb)
    else:
        plan = _plan_per_node(nodes, per_node)
    _check_fit(nodes, plan, size_kb, reserve_mb)

    count = sum(plan.values())
    spread = _kernel_spread(nodes, count)
    planned = dict((node_id, pages) for node_id, pages in plan.items() if pages)
    return {
        "size_kb": size_kb,
        "size": size_label(size_kb),
        "nodes": dict((str(node_id), plan[node_id]) for node_id in sorted(plan)),
        "total": count,
        "total_mb": count * size_kb // 1024,
        "cmdline_nodes": ",".join("%d:%d" % (n, plan[n]) for n in sorted(plan) if plan[n]),
        "total_spread_matches": planned == dict((n, p) for n, p in spread.items() if p),
    }
