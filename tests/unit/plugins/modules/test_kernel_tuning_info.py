# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

from ansible_collections.linuxai.node.plugins.modules import kernel_tuning_info
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
