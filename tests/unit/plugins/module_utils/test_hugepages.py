# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter.hugepages import FilterModule
from ansible_collections.linuxai.node.plugins.module_utils._hugepages import (
    default_reserve_mb,
    parse_size_kb,
    plan_hugepages,
    size_label,
)

GIB = 1024 * 1024  # KiB in a GiB page
TWO_MB = 2048


def node(node_id, memory_mb, cpus="0-15", memory_only=False):
    return {
        "id": node_id, "cpus": cpus, "memory_mb": memory_mb, "memory_only": memory_only,
        "hugepages": {"2048": {"total": 0, "free": 0}, "1048576": {"total": 0, "free": 0}},
        "distances": {str(node_id): 10},
    }


# Two sockets, one node each.
TWO_SOCKETS = [node(0, 515000, "0-15,32-47"), node(1, 515000, "16-31,48-63")]
# Two sockets in NPS4 / SNC4: eight nodes of 64 GiB.
EIGHT_NODES = [node(i, 65536, "%d-%d" % (i * 8, i * 8 + 7)) for i in range(8)]
# Sparse ids and memory-only (CXL) nodes: CPU nodes 0 and 8, memory-only 2 and 10.
SPARSE = [
    node(0, 257000, "0-31"),
    node(2, 131072, "", memory_only=True),
    node(8, 257000, "32-63"),
    node(10, 131072, "", memory_only=True),
]


# ---------------------------------------------------------------- total


def test_total_spread_over_two_sockets():
    plan = plan_hugepages(TWO_SOCKETS, GIB, total=64)
    assert plan["nodes"] == {"0": 32, "1": 32}
    assert plan["total"] == 64
    assert plan["total_mb"] == 65536
    assert plan["size"] == "1G"
    assert plan["size_kb"] == GIB
    assert plan["cmdline_nodes"] == "0:32,1:32"
    assert plan["total_spread_matches"] is True


def test_total_remainder_goes_to_lowest_ids():
    plan = plan_hugepages(EIGHT_NODES, TWO_MB, total=8 * 1000 + 3)
    assert plan["nodes"] == dict((str(i), 1001 if i < 3 else 1000) for i in range(8))
    assert plan["total"] == 8003
    assert plan["total_spread_matches"] is True


def test_total_fewer_pages_than_nodes():
    plan = plan_hugepages(EIGHT_NODES, GIB, total=3)
    assert plan["nodes"] == {"0": 1, "1": 1, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0, "7": 0}
    assert plan["cmdline_nodes"] == "0:1,1:1,2:1"


def test_total_skips_memory_only_nodes_with_sparse_ids():
    plan = plan_hugepages(SPARSE, GIB, total=101)
    assert plan["nodes"] == {"0": 51, "8": 50}
    assert plan["cmdline_nodes"] == "0:51,8:50"
    # The kernel would spread hugepages=101 over the memory-only nodes too.
    assert plan["total_spread_matches"] is False


def test_node_with_empty_cpus_counts_as_memory_only():
    nodes = [node(0, 65536), dict(node(1, 65536, cpus=""), memory_only=False)]
    assert plan_hugepages(nodes, TWO_MB, total=10)["nodes"] == {"0": 10}


def test_ids_given_as_strings_and_node_dict():
    nodes = {"0": {"cpus": "0-3", "memory_mb": 8192}, "1": {"cpus": "4-7", "memory_mb": 8192}}
    assert plan_hugepages(nodes, "2M", total=4)["nodes"] == {"0": 2, "1": 2}


# ---------------------------------------------------------------- fraction


def test_fraction_rounds_down_to_whole_pages():
    # 515000 MiB * 0.5 = 257500 MiB = 251.46 GiB -> 251 pages of 1 GiB.
    plan = plan_hugepages(TWO_SOCKETS, GIB, fraction=0.5)
    assert plan["nodes"] == {"0": 251, "1": 251}
    # 2 MiB pages: 257500 / 2 = 128750 exactly.
    assert plan_hugepages(TWO_SOCKETS, TWO_MB, fraction=0.5)["nodes"] == {"0": 128750, "1": 128750}


def test_fraction_without_float_error():
    # 5140 * 0.7 is 3597.9999999999995 in floating point; exactly 3598 MiB is 1799 pages.
    assert 5140 * 0.7 < 3598
    plan = plan_hugepages([node(0, 5140)], TWO_MB, fraction=0.7, reserve_mb=0)
    assert plan["nodes"] == {"0": 1799}


def test_fraction_only_on_cpu_nodes():
    plan = plan_hugepages(SPARSE, GIB, fraction=0.25)
    assert sorted(plan["nodes"]) == ["0", "8"]
    assert plan["nodes"]["0"] == int(257000 * 0.25 // 1024)


def test_fraction_too_small_for_one_page():
    with pytest.raises(ValueError, match="less than one 1G huge page"):
        plan_hugepages([node(0, 4096)], GIB, fraction=0.1)


@pytest.mark.parametrize("fraction", [0, 0.9, 0.95, 1, -0.1, True, "half", [0.5]])
def test_fraction_out_of_range(fraction):
    with pytest.raises(ValueError, match="fraction"):
        plan_hugepages(TWO_SOCKETS, GIB, fraction=fraction)


def test_fraction_close_to_the_limit_hits_the_reserve():
    # 0.89 of 16 GiB leaves less than the 2 GiB minimum reserve.
    with pytest.raises(ValueError, match="NUMA node 0"):
        plan_hugepages([node(0, 16384)], TWO_MB, fraction=0.89)


# ---------------------------------------------------------------- per_node


def test_per_node_may_name_memory_only_nodes():
    plan = plan_hugepages(SPARSE, GIB, per_node={0: 16, "10": 8})
    assert plan["nodes"] == {"0": 16, "10": 8}
    assert plan["total"] == 24
    assert plan["cmdline_nodes"] == "0:16,10:8"
    assert plan["total_spread_matches"] is False


def test_per_node_zero_for_one_node_is_allowed():
    plan = plan_hugepages(TWO_SOCKETS, GIB, per_node={0: 4, 1: 0})
    assert plan["nodes"] == {"0": 4, "1": 0}
    assert plan["cmdline_nodes"] == "0:4"


def test_per_node_unknown_id_fails_naming_it():
    with pytest.raises(ValueError, match=r"NUMA node 4 in per_node is not in the topology \(nodes: 0, 2, 8, 10\)"):
        plan_hugepages(SPARSE, GIB, per_node={0: 1, 4: 1})


@pytest.mark.parametrize("per_node, message", [
    ({0: -1}, "per_node"),
    ({0: 1.5}, "per_node"),
    ({0: "4"}, "per_node"),
    ({0: True}, "per_node"),
    ({0: 0, 1: 0}, "no huge page"),
    ({}, "non-empty"),
    ([0, 1], "non-empty dict"),
    ({"zero": 1}, "node id"),
    ({0: 1, "0": 2}, "twice"),
])
def test_per_node_invalid(per_node, message):
    with pytest.raises(ValueError, match=message):
        plan_hugepages(TWO_SOCKETS, GIB, per_node=per_node)


# ---------------------------------------------------------------- fit and reserve


def test_request_too_large_names_node_pages_mib_and_memory():
    with pytest.raises(ValueError) as exc:
        plan_hugepages(TWO_SOCKETS, GIB, total=1000)
    message = str(exc.value)
    assert "NUMA node 0" in message
    assert "500 huge pages of 1G (512000 MiB)" in message
    assert "515000 MiB of memory" in message
    assert "51500 MiB stays free" in message
    assert "at most 452 pages" in message


def test_largest_request_that_fits():
    # (515000 - 51500) MiB = 463500 MiB = 452.6 GiB.
    assert plan_hugepages(TWO_SOCKETS, GIB, total=904)["nodes"] == {"0": 452, "1": 452}


def test_default_reserve_is_ten_percent_or_two_gib():
    assert default_reserve_mb(515000) == 51500
    assert default_reserve_mb(16384) == 2048
    assert default_reserve_mb(0) == 2048


def test_small_node_fails_with_two_gib_reserve():
    # 14 GiB usable on a 16 GiB node: 15 pages of 1 GiB do not fit.
    assert plan_hugepages([node(0, 16384)], GIB, total=14)["total"] == 14
    with pytest.raises(ValueError, match="NUMA node 0: 15 huge pages"):
        plan_hugepages([node(0, 16384)], GIB, total=15)


def test_explicit_reserve():
    assert plan_hugepages([node(0, 16384)], GIB, total=16, reserve_mb=0)["total"] == 16
    with pytest.raises(ValueError, match="8192 MiB stays free"):
        plan_hugepages([node(0, 16384)], GIB, total=9, reserve_mb=8192)
    with pytest.raises(ValueError, match="reserve_mb"):
        plan_hugepages([node(0, 16384)], GIB, total=1, reserve_mb=-1)


def test_memory_only_node_with_too_many_pages_fails_naming_it():
    with pytest.raises(ValueError, match="NUMA node 10: 200 huge pages of 1G"):
        plan_hugepages(SPARSE, GIB, per_node={10: 200})


# ---------------------------------------------------------------- inputs


@pytest.mark.parametrize("total", [0, -4, 2.5, "8", True])
def test_total_invalid(total):
    with pytest.raises(ValueError, match="total must be a positive integer"):
        plan_hugepages(TWO_SOCKETS, GIB, total=total)


@pytest.mark.parametrize("kwargs", [{}, {"total": 1, "fraction": 0.5}, {"total": 1, "per_node": {0: 1}}])
def test_exactly_one_mode(kwargs):
    with pytest.raises(ValueError, match="exactly one of total, fraction or per_node"):
        plan_hugepages(TWO_SOCKETS, GIB, **kwargs)


@pytest.mark.parametrize("size, kb", [
    (2048, 2048), ("2048", 2048), ("2M", 2048), ("2MB", 2048), ("2MiB", 2048), ("2m", 2048),
    ("1G", GIB), ("1GiB", GIB), ("64K", 64), ("64kB", 64),
])
def test_parse_size(size, kb):
    assert parse_size_kb(size) == kb


@pytest.mark.parametrize("size", [0, -2048, 3000, "3M", "huge", None, True, 2.0])
def test_parse_size_invalid(size):
    with pytest.raises(ValueError, match="Invalid huge page size"):
        plan_hugepages(TWO_SOCKETS, size, total=1)


def test_size_label():
    assert [size_label(k) for k in (64, 2048, 32768, GIB, 16 * GIB)] == ["64K", "2M", "32M", "1G", "16G"]


@pytest.mark.parametrize("nodes, message", [
    ([], "no NUMA node"),
    ("node0", "list of NUMA nodes"),
    ([{"cpus": "0"}], "with an id"),
    ([node(-1, 1024)], "node id"),
    ([node(0, 1024), node(0, 1024)], "listed twice"),
    ([dict(node(0, 0), memory_mb="lots")], "memory_mb"),
])
def test_bad_topology(nodes, message):
    with pytest.raises(ValueError, match=message):
        plan_hugepages(nodes, GIB, total=1)


def test_only_memory_only_nodes():
    nodes = [node(0, 65536, "", memory_only=True)]
    with pytest.raises(ValueError, match="no NUMA node with CPUs"):
        plan_hugepages(nodes, GIB, total=1)
    with pytest.raises(ValueError, match="no NUMA node with CPUs"):
        plan_hugepages(nodes, GIB, fraction=0.5)


# ---------------------------------------------------------------- filter


def test_filter_returns_the_plan():
    hugepage_plan = FilterModule().filters()["hugepage_plan"]
    assert hugepage_plan(TWO_SOCKETS, "1G", total=2)["nodes"] == {"0": 1, "1": 1}
    assert hugepage_plan(TWO_SOCKETS, total=2)["size"] == "2M"


def test_filter_raises_filter_error_with_the_message():
    hugepage_plan = FilterModule().filters()["hugepage_plan"]
    with pytest.raises(AnsibleFilterError, match="hugepage_plan: NUMA node 0: 500 huge pages"):
        hugepage_plan(TWO_SOCKETS, "1G", total=1000)
