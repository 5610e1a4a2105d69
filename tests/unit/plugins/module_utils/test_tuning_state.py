# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift between wanted tuning and a fake running kernel."""

import os

from ansible_collections.linuxai.node.plugins.module_utils import _tuning_state as ts


def write(root, rel, text):
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def test_sysctl_in_force_missing_and_whitespace(tmp_path):
    write(tmp_path, "proc/sys/vm/swappiness", "10\n")
    write(tmp_path, "proc/sys/net/ipv4/tcp_rmem", "4096\t87380\t134217728\n")
    write(tmp_path, "proc/sys/kernel/numa_balancing", "1\n")
    result = ts.tuning_state(str(tmp_path), sysctl={
        "vm.swappiness": 10,
        "net.ipv4.tcp_rmem": "4096 87380 134217728",
        "kernel.numa_balancing": 0,
        "vm.no_such_key": 1,
    })
    by_name = {s["name"]: s for s in result["settings"]}
    assert by_name["sysctl vm.swappiness"]["in_force"]
    assert by_name["sysctl net.ipv4.tcp_rmem"]["in_force"]
    assert not by_name["sysctl kernel.numa_balancing"]["in_force"]
    assert by_name["sysctl kernel.numa_balancing"]["running"] == "1"
    assert result["missing_sysctls"] == ["vm.no_such_key"]
    assert [d["name"] for d in result["drift"]] == ["sysctl kernel.numa_balancing"]
    assert result["in_force"] is False
    assert result["drift_report"] == ["sysctl kernel.numa_balancing: running 1, want 0"]


def test_thp_reads_the_bracketed_mode(tmp_path):
    write(tmp_path, "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n")
    write(tmp_path, "sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n")
    result = ts.tuning_state(str(tmp_path), thp_enabled="madvise", thp_defrag="never")
    assert [(s["running"], s["in_force"]) for s in result["settings"]] == [("madvise", True), ("madvise", False)]


def test_hugepages_per_node_with_sparse_ids(tmp_path):
    for node, pages in (("0", "512"), ("8", "0")):
        write(tmp_path, "sys/devices/system/node/node%s/hugepages/hugepages-2048kB/nr_hugepages" % node, pages)
    result = ts.tuning_state(str(tmp_path), hugepages=[{"size_kb": 2048, "nodes": {"8": 512, "0": 512}}])
    assert [(s["name"], s["running"], s["in_force"]) for s in result["settings"]] == [
        ("hugepages 2048kB node0", 512, True),
        ("hugepages 2048kB node8", 0, False),
    ]


def test_governor_without_cpufreq_is_drift(tmp_path):
    os.makedirs(os.path.join(str(tmp_path), "sys/devices/system/cpu/cpu0"))
    result = ts.tuning_state(str(tmp_path), governor="performance")
    assert result["settings"][0]["running"] is None
    assert not result["in_force"]


def test_governor_mixed_values_are_reported(tmp_path):
    write(tmp_path, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance")
    write(tmp_path, "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave")
    state = ts.governor_state(str(tmp_path), "performance")[0]
    assert state["running"] == "performance,powersave"
    assert not state["in_force"]


def test_kernel_args_against_proc_cmdline(tmp_path):
    write(tmp_path, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 iommu=pt quiet\n")
    result = ts.tuning_state(str(tmp_path), kernel_args={"iommu": "pt", "intel_iommu": "on", "quiet": None})
    assert [(s["name"], s["in_force"]) for s in result["settings"]] == [
        ("kernel argument iommu", True),
        ("kernel argument intel_iommu", False),
        ("kernel argument quiet", True),
    ]
