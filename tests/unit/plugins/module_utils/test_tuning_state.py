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


# tuned-main.conf as Debian 13's tuned 2.25.1-1 ships it: profile_dirs only in a comment.
DEBIAN13_MAIN_CONF = """# Global tuned configuration file.
daemon = 1
dynamic_tuning = 0
# Directories to search for profiles separated by , or ;
# In case of conflicts in profile names, the later directory
# takes precedence
# profile_dirs = /usr/lib/tuned/profiles,/etc/tuned/profiles
"""
QUERY_2_20 = {"version": "2.20.0", "load_directories": ["/usr/lib/tuned", "/etc/tuned"], "default_profile_dirs": None}
QUERY_2_25 = {"version": "2.25.1", "load_directories": None,
              "default_profile_dirs": ["/usr/lib/tuned/profiles", "/etc/tuned/profiles"]}
OUR_PROFILE = ("[main]\nsummary=linuxai.node ML node (throughput-performance with overrides)\n"
               "include=throughput-performance\n")


def test_profile_dirs_option_as_tuned_reads_it():
    assert ts.configured_profile_dirs(DEBIAN13_MAIN_CONF) is None
    assert ts.configured_profile_dirs(None) is None
    assert ts.configured_profile_dirs(
        "daemon = 1\nprofile_dirs = /usr/lib/tuned/profiles, /srv/tuned ;/etc/tuned/profiles  # site\n"
    ) == ["/usr/lib/tuned/profiles", "/srv/tuned", "/etc/tuned/profiles"]
    assert ts.configured_profile_dirs("profile_dirs =\n") == []


def test_a_broken_tuned_main_conf_is_a_value_error():
    try:
        ts.configured_profile_dirs("daemon = 1\nthis line has no equals sign\n")
    except ValueError as error:
        assert "tuned-main.conf" in str(error)
    else:
        raise AssertionError("no ValueError")


def test_old_tuned_ignores_profile_dirs_new_tuned_honours_it(tmp_path):
    write(tmp_path, "etc/tuned/tuned-main.conf", "profile_dirs = /usr/lib/tuned/profiles,/srv/tuned\n")
    assert ts.tuned_profile_dirs(str(tmp_path), QUERY_2_20) == ["/usr/lib/tuned", "/etc/tuned"]
    assert ts.tuned_profile_dirs(str(tmp_path), QUERY_2_25) == ["/usr/lib/tuned/profiles", "/srv/tuned"]
    write(tmp_path, "etc/tuned/tuned-main.conf", DEBIAN13_MAIN_CONF)
    assert ts.tuned_profile_dirs(str(tmp_path), QUERY_2_25) == ["/usr/lib/tuned/profiles", "/etc/tuned/profiles"]


def test_the_interpreter_comes_from_the_tuned_adm_shebang(tmp_path):
    assert ts.tuned_interpreter(str(tmp_path)) is None
    write(tmp_path, "usr/sbin/tuned-adm", "#!/usr/bin/python3 -Es\n#\n# tuned-adm\n")
    assert ts.tuned_interpreter(str(tmp_path)) == [os.path.join(str(tmp_path), "usr/bin/python3")]
    assert ts.tuned_query_argv(str(tmp_path))[1:3] == ["-I", "-c"]
    write(tmp_path, "usr/sbin/tuned-adm", "#!/usr/bin/env python3\n")
    assert ts.tuned_interpreter(str(tmp_path)) == [os.path.join(str(tmp_path), "usr/bin/env"), "python3"]
    write(tmp_path, "usr/sbin/tuned-adm", "\x7fELF")
    assert ts.tuned_query_argv(str(tmp_path)) is None


def test_a_query_without_a_version_is_refused():
    assert ts.parse_tuned_query('{"version": "2.25.1", "load_directories": null}')["version"] == "2.25.1"
    for stdout in ("", "[]", '{"load_directories": null}', "Traceback (most recent call last):"):
        try:
            ts.parse_tuned_query(stdout)
        except ValueError:
            continue
        raise AssertionError("accepted %r" % stdout)


def test_an_old_location_copy_of_ours_moves_a_foreign_profile_stays(tmp_path):
    new_dirs = ["/usr/lib/tuned/profiles", "/etc/tuned/profiles"]
    write(tmp_path, "etc/tuned/linuxai-node/tuned.conf", OUR_PROFILE)
    os.makedirs(os.path.join(str(tmp_path), "etc/tuned/profiles"))
    assert ts.tuned_profile_placement(str(tmp_path), new_dirs, "linuxai-node") == {
        "path": "/etc/tuned/profiles/linuxai-node",
        "stale": [{"path": "/etc/tuned/linuxai-node", "action": "move"}],
    }
    # The place already taken: the old copy goes.
    write(tmp_path, "etc/tuned/profiles/linuxai-node/tuned.conf", OUR_PROFILE)
    assert ts.tuned_profile_placement(str(tmp_path), new_dirs, "linuxai-node")["stale"] == [
        {"path": "/etc/tuned/linuxai-node", "action": "remove"}]
    # An old tuned: the copy in the new layout's directory is ours and stale, the one in /etc/tuned is in place.
    placement = ts.tuned_profile_placement(str(tmp_path), ["/usr/lib/tuned", "/etc/tuned"], "linuxai-node")
    assert placement == {"path": "/etc/tuned/linuxai-node",
                         "stale": [{"path": "/etc/tuned/profiles/linuxai-node", "action": "remove"}]}
    # A profile of that name that this collection did not write is left alone.
    write(tmp_path, "etc/tuned/linuxai-node/tuned.conf", "[main]\nsummary=site tuning\n")
    assert ts.tuned_profile_placement(str(tmp_path), new_dirs, "linuxai-node")["stale"] == []


def test_two_old_copies_one_moves_and_a_missing_parent_means_remove(tmp_path):
    write(tmp_path, "etc/tuned/linuxai-node/tuned.conf", OUR_PROFILE)
    write(tmp_path, "etc/tuned/profiles/linuxai-node/tuned.conf", "  summary = linuxai.node ML node (old)\n")
    placement = ts.tuned_profile_placement(str(tmp_path), ["/usr/lib/tuned/profiles", "/srv/tuned"], "linuxai-node")
    assert placement["path"] == "/srv/tuned/linuxai-node"
    assert placement["stale"] == [{"path": "/etc/tuned/linuxai-node", "action": "remove"},
                                  {"path": "/etc/tuned/profiles/linuxai-node", "action": "remove"}]
    os.makedirs(os.path.join(str(tmp_path), "srv/tuned"))
    placement = ts.tuned_profile_placement(str(tmp_path), ["/usr/lib/tuned/profiles", "/srv/tuned"], "linuxai-node")
    assert [s["action"] for s in placement["stale"]] == ["move", "remove"]
