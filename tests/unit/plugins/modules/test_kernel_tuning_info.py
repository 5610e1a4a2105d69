# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
