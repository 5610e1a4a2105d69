# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pathlib
import re
import sys
from unittest import mock

import yaml

from ansible.module_utils import basic
from ansible_collections.linuxai.node.plugins.modules import kernel_tuning_info
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import topology_machines
from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import run_module


def run(args):
    return run_module(kernel_tuning_info.main, args)


def touch(root, rel, text=""):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_reports_the_tools_installed_under_root(tmp_path):
    result = run({"root": str(tmp_path)})
    assert not result["changed"]
    assert result["tuned_installed"] is False and result["sysctl_installed"] is False
    touch(tmp_path, "sbin/sysctl")
    touch(tmp_path, "usr/sbin/tuned-adm")
    result = run({"root": str(tmp_path)})
    assert result["tuned_installed"] is True and result["sysctl_installed"] is True


def test_sysctl_drift_and_missing_keys(tmp_path):
    touch(tmp_path, "proc/sys/vm/swappiness", "60\n")
    result = run({"root": str(tmp_path), "sysctl": {"vm.swappiness": 10, "vm.no_such_key": 1}})
    assert result["missing_sysctls"] == ["vm.no_such_key"]
    assert result["drift_report"] == ["sysctl vm.swappiness: running 60, want 10"]
    assert result["in_force"] is False


def test_a_hugepage_pool_without_its_size_names_the_option(tmp_path):
    result = run({"root": str(tmp_path), "hugepages": [{"nodes": {}}]})
    assert result["failed"] and result["msg"].startswith("hugepages[0]")


def fake_tuned(root, version, consts, main_conf=None):
    """A tuned install under root: tuned-adm's #! names a Python that imports a tuned package with these consts.

    The package copies the lines of tuned/consts.py and tuned/version.py of that upstream release that the
    query reads. The fake interpreter drops -I so that PYTHONPATH reaches the package.
    """
    major, minor, patch = version.split(".")
    touch(root, "pylib/tuned/__init__.py")
    touch(root, "pylib/tuned/consts.py", consts)
    touch(root, "pylib/tuned/version.py",
          "TUNED_VERSION_MAJOR = %s\nTUNED_VERSION_MINOR = %s\nTUNED_VERSION_PATCH = %s\n" % (major, minor, patch))
    touch(root, "usr/sbin/tuned-adm", "#!/usr/bin/python3 -Es\nimport tuned.admin\n")
    touch(root, "usr/bin/python3", '#!/bin/sh\n[ "$1" = -I ] && shift\nPYTHONPATH=%s exec %s "$@"\n'
          % (root / "pylib", sys.executable))
    (root / "usr/bin/python3").chmod(0o755)
    if main_conf is not None:
        touch(root, "etc/tuned/tuned-main.conf", main_conf)


CONSTS_2_20 = 'LOAD_DIRECTORIES = ["/usr/lib/tuned", "/etc/tuned"]\n'
CONSTS_2_25 = ('USER_PROFILES_DIR = "/etc/tuned/profiles"\nSYSTEM_PROFILES_DIR = "/usr/lib/tuned/profiles"\n'
               'CFG_PROFILE_DIRS = "profile_dirs"\nCFG_DEF_PROFILE_DIRS = [SYSTEM_PROFILES_DIR, USER_PROFILES_DIR]\n')
# RHEL 9's build of the new code keeps the old directories (tuned.spec: rhel < 10).
CONSTS_2_25_EL9 = CONSTS_2_25.replace('"/etc/tuned/profiles"', '"/etc/tuned"').replace(
    '"/usr/lib/tuned/profiles"', '"/usr/lib/tuned"')
OUR_PROFILE = "[main]\nsummary=linuxai.node ML node (throughput-performance with overrides)\n"


def place(root, **extra):
    return run(dict({"root": str(root), "tuned_profile": "linuxai-node"}, **extra))


def test_tuned_2_20_reads_profiles_from_etc_tuned(tmp_path):
    fake_tuned(tmp_path, "2.20.0", CONSTS_2_20, "profile_dirs = /srv/ignored\n")
    result = place(tmp_path)
    assert result["tuned_version"] == "2.20.0"
    assert result["tuned_profile_dirs"] == ["/usr/lib/tuned", "/etc/tuned"]
    assert result["tuned_profile_path"] == "/etc/tuned/linuxai-node"
    assert result["tuned_profile_stale"] == []


def test_tuned_2_25_moves_our_profile_out_of_etc_tuned(tmp_path):
    fake_tuned(tmp_path, "2.25.1", CONSTS_2_25,
               "daemon = 1\n# profile_dirs = /usr/lib/tuned/profiles,/etc/tuned/profiles\n")
    (tmp_path / "etc/tuned/profiles").mkdir()
    touch(tmp_path, "etc/tuned/linuxai-node/tuned.conf", OUR_PROFILE)
    result = place(tmp_path)
    assert not result.get("failed"), result
    assert result["tuned_version"] == "2.25.1"
    assert result["tuned_profile_path"] == "/etc/tuned/profiles/linuxai-node"
    assert result["tuned_profile_stale"] == [{"path": "/etc/tuned/linuxai-node", "action": "move"}]


def test_the_build_and_tuned_main_conf_decide_not_the_version(tmp_path):
    fake_tuned(tmp_path, "2.25.1", CONSTS_2_25_EL9, "")
    assert place(tmp_path)["tuned_profile_path"] == "/etc/tuned/linuxai-node"
    touch(tmp_path, "etc/tuned/tuned-main.conf", "profile_dirs = /usr/lib/tuned;/srv/tuned\n")
    assert place(tmp_path)["tuned_profile_path"] == "/srv/tuned/linuxai-node"
    touch(tmp_path, "etc/tuned/tuned-main.conf", "profile_dirs =\n")
    assert "searches no profile directory" in place(tmp_path)["msg"]


def test_without_tuned_the_distribution_default_is_used(tmp_path):
    result = place(tmp_path, tuned_profile_dirs_default=["/usr/lib/tuned/profiles", "/etc/tuned/profiles"])
    assert result["tuned_version"] is None
    assert result["tuned_profile_path"] == "/etc/tuned/profiles/linuxai-node"
    assert "tuned_profile_dirs_default is empty" in place(tmp_path)["msg"]
    assert "tuned_profile_path" not in run({"root": str(tmp_path)})


def test_a_tuned_that_cannot_answer_fails_the_query(tmp_path):
    fake_tuned(tmp_path, "2.25.1", "raise ImportError('broken tuned')\n", "")
    result = place(tmp_path)
    assert result["failed"] and "broken tuned" in result["msg"]


def test_before_the_install_the_plan_is_the_move_the_real_run_makes(tmp_path):
    touch(tmp_path, "etc/tuned/linuxai-node/tuned.conf", OUR_PROFILE)
    result = place(tmp_path, tuned_profile_dirs_default=["/usr/lib/tuned/profiles", "/etc/tuned/profiles"])
    assert result["tuned_profile_stale"] == [{"path": "/etc/tuned/linuxai-node", "action": "move"}]


# --- a booted host -----------------------------------------------------------------------
# The HGX H100 fixture tree (2 NUMA nodes, 224 CPUs, 1024 2 MiB pages per node) with the files a booted kernel
# adds: /proc/sys as the kernel prints it (tabs between the numbers of a vector), the THP modes with the one in
# force bracketed, each CPU's cpufreq governor, the boot line. What kernel_tuning and validate pass is what
# roles/kernel_tuning/tasks/read.yml and roles/validate/tasks/read_running.yml pass.
SYSCTL_TUNED = {
    "kernel/numa_balancing": "0", "vm/max_map_count": "1048576", "vm/swappiness": "10", "vm/zone_reclaim_mode": "0",
    "net/core/rmem_max": "268435456", "net/ipv4/tcp_rmem": "4096\t87380\t268435456",
    "net/ipv4/neigh/default/gc_thresh3": "65536", "fs/file-max": "4194304",
}
# kernel_tuning_sysctl_defaults' values as the role's YAML gives them (ints, and a string for a vector).
SYSCTL_WANTED = {
    "kernel.numa_balancing": 0, "vm.max_map_count": 1048576, "vm.swappiness": 10, "vm.zone_reclaim_mode": 0,
    "net.core.rmem_max": 268435456, "net.ipv4.tcp_rmem": "4096 87380 268435456",
    "net.ipv4.neigh.default.gc_thresh3": 65536, "fs.file-max": 4194304,
}
CMDLINE = ("BOOT_IMAGE=/boot/vmlinuz-6.12.48+deb13-amd64 root=UUID=6a0f5d8e-3b7c-4c1e-9f2a-1d2e3f4a5b6c ro quiet "
           "iommu=pt intel_iommu=on processor.max_cstate=1 intel_idle.max_cstate=1 pci=realloc=off\n")
# __kernel_tuning_kernel_args: kernel_tuning_cstate_max is an int.
KERNEL_ARGS = {"iommu": "pt", "intel_iommu": "on", "processor.max_cstate": 1, "intel_idle.max_cstate": 1, "pci": "realloc=off"}
# A pool of the hugepage_plan filter's result: size_kb and nodes are read, the rest is ignored.
POOL_2M = {"size": "2M", "size_kb": 2048, "nodes": {"0": 1024, "1": 1024}, "total": 2048, "cmdline_nodes": "0:1024,1:1024",
           "total_spread_matches": True}


def booted_hgx(build, governor="performance"):
    root = pathlib.Path(build(topology_machines.hgx_h100()).path)
    for rel, value in SYSCTL_TUNED.items():
        touch(root, "proc/sys/" + rel, value + "\n")
    touch(root, "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n")
    touch(root, "sys/kernel/mm/transparent_hugepage/defrag", "always defer [defer+madvise] madvise never\n")
    cpus = sorted(p for p in (root / "sys/devices/system/cpu").iterdir() if re.match(r"^cpu[0-9]+$", p.name))
    assert len(cpus) == 224
    for cpu in cpus:
        touch(root, "sys/devices/system/cpu/%s/cpufreq/scaling_governor" % cpu.name, governor + "\n")
    touch(root, "proc/cmdline", CMDLINE)
    return root


def kernel_tuning_args(root, **changes):
    args = {"root": str(root), "sysctl": SYSCTL_WANTED, "thp_enabled": "madvise", "thp_defrag": "defer+madvise",
            "hugepages": [POOL_2M], "governor": "performance", "kernel_args": KERNEL_ARGS}
    args.update(changes)
    return args


def run_warned(args):
    warnings = []
    with mock.patch.object(basic.AnsibleModule, "warn", lambda self, message: warnings.append(message)):
        result = run(args)
    return result, warnings


def test_a_tuned_booted_node_has_everything_in_force(build):
    root = booted_hgx(build)
    result, warnings = run_warned(kernel_tuning_args(root))
    assert not result.get("failed"), result
    assert warnings == []
    assert (result["in_force"], result["drift"], result["drift_report"], result["missing_sysctls"]) == (True, [], [], [])
    assert [(s["name"], s["desired"], s["running"], s["in_force"]) for s in result["settings"]] == [
        ("sysctl fs.file-max", "4194304", "4194304", True),
        ("sysctl kernel.numa_balancing", "0", "0", True),
        ("sysctl net.core.rmem_max", "268435456", "268435456", True),
        ("sysctl net.ipv4.neigh.default.gc_thresh3", "65536", "65536", True),
        ("sysctl net.ipv4.tcp_rmem", "4096 87380 268435456", "4096 87380 268435456", True),
        ("sysctl vm.max_map_count", "1048576", "1048576", True),
        ("sysctl vm.swappiness", "10", "10", True),
        ("sysctl vm.zone_reclaim_mode", "0", "0", True),
        ("transparent_hugepage enabled", "madvise", "madvise", True),
        ("transparent_hugepage defrag", "defer+madvise", "defer+madvise", True),
        ("hugepages 2048kB node0", 1024, 1024, True),
        ("hugepages 2048kB node1", 1024, 1024, True),
        ("cpufreq governor", "performance", "performance", True),
        ("kernel argument iommu", "iommu=pt", "iommu=pt", True),
        ("kernel argument intel_iommu", "intel_iommu=on", "intel_iommu=on", True),
        ("kernel argument processor.max_cstate", "processor.max_cstate=1", "processor.max_cstate=1", True),
        ("kernel argument intel_idle.max_cstate", "intel_idle.max_cstate=1", "intel_idle.max_cstate=1", True),
        ("kernel argument pci", "pci=realloc=off", "pci=realloc=off", True),
    ]


def test_a_booted_node_before_the_tuning_is_applied(build):
    # The distribution's values, THP always, one node short of pages, one CPU left on powersave, the old boot line.
    root = booted_hgx(build)
    for rel, value in (("vm/swappiness", "60"), ("kernel/numa_balancing", "1"), ("net/ipv4/tcp_rmem", "4096\t131072\t6291456")):
        touch(root, "proc/sys/" + rel, value + "\n")
    touch(root, "sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n")
    touch(root, "sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "512\n")
    touch(root, "sys/devices/system/cpu/cpu5/cpufreq/scaling_governor", "powersave\n")
    touch(root, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.12.48+deb13-amd64 root=UUID=6a0f ro quiet processor.max_cstate=5\n")
    result, warnings = run_warned(kernel_tuning_args(root))
    assert warnings == [] and result["missing_sysctls"] == []
    assert result["in_force"] is False
    assert result["drift_report"] == [
        "sysctl kernel.numa_balancing: running 1, want 0",
        "sysctl net.ipv4.tcp_rmem: running 4096 131072 6291456, want 4096 87380 268435456",
        "sysctl vm.swappiness: running 60, want 10",
        "transparent_hugepage enabled: running always, want madvise",
        "hugepages 2048kB node1: running 512, want 1024",
        "cpufreq governor: running performance,powersave, want performance",
        "kernel argument iommu: running -, want iommu=pt",
        "kernel argument intel_iommu: running -, want intel_iommu=on",
        "kernel argument processor.max_cstate: running processor.max_cstate=5, want processor.max_cstate=1",
        "kernel argument intel_idle.max_cstate: running -, want intel_idle.max_cstate=1",
        "kernel argument pci: running -, want pci=realloc=off",
    ]
    assert [d["name"] for d in result["drift"]] == [line.split(":")[0] for line in result["drift_report"]]
    assert len(result["settings"]) == 18


def test_sysctls_the_running_kernel_lacks_are_warned_not_drift(build):
    # A kernel without CONFIG_NUMA_BALANCING has no kernel.numa_balancing; ipv6.disable=1 takes net.ipv6 away.
    root = booted_hgx(build)
    (root / "proc/sys/kernel/numa_balancing").unlink()
    wanted = dict(SYSCTL_WANTED, **{"net.ipv6.neigh.default.gc_thresh3": 65536})
    result, warnings = run_warned(kernel_tuning_args(root, sysctl=wanted))
    assert result["missing_sysctls"] == ["kernel.numa_balancing", "net.ipv6.neigh.default.gc_thresh3"]
    assert warnings == ["The running kernel has no sysctl kernel.numa_balancing, net.ipv6.neigh.default.gc_thresh3: skipped."]
    assert result["in_force"] is True and result["drift_report"] == []
    assert "sysctl kernel.numa_balancing" not in [s["name"] for s in result["settings"]]


def test_the_validate_role_compares_the_profile_it_read(build):
    # read_running.yml passes only sysctl: the profile's key=value lines as strings (sysctl.conf.j2 writes key=value).
    root = booted_hgx(build)
    wanted = dict((key, str(value)) for key, value in SYSCTL_WANTED.items())
    result = run({"root": str(root), "sysctl": wanted})
    assert (result["in_force"], len(result["settings"]), result["drift_report"]) == (True, 8, [])
    touch(root, "proc/sys/vm/max_map_count", "65530\n")
    result = run({"root": str(root), "sysctl": wanted})
    assert (result["in_force"], result["drift_report"]) == (False, ["sysctl vm.max_map_count: running 65530, want 1048576"])


def test_a_vm_without_cpufreq_is_governor_drift(build):
    root = booted_hgx(build)
    for cpu in (root / "sys/devices/system/cpu").glob("cpu*/cpufreq/scaling_governor"):
        cpu.unlink()
    result = run({"root": str(root), "governor": "performance"})
    assert result["drift_report"] == ["cpufreq governor: running -, want performance"]


def test_every_key_documented_as_always_returned_is_returned(build):
    documented = yaml.safe_load(kernel_tuning_info.RETURN)
    always = sorted(k for k, v in documented.items() if v["returned"] == "always")
    result = run(kernel_tuning_args(booted_hgx(build)))
    assert sorted(k for k in result if k in documented) == always
    types = {"list": list, "bool": bool, "str": str}
    for key in always:
        assert isinstance(result[key], types[documented[key]["type"]]), key
