# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shutil
import subprocess

import pytest

from ansible.module_utils import basic
from ansible_collections.linuxai.node.plugins.modules import installed_packages

from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import run_module


def run(args=None):
    return run_module(installed_packages.main, args)


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg-query (Debian/Ubuntu)")
def test_reads_this_machines_dpkg_database_as_dpkg_query_reports_it():
    result = run({"_ansible_check_mode": True})
    assert result["manager"] == "dpkg" and not result["changed"]
    packages = result["ansible_facts"]["packages"]
    version = subprocess.run(["dpkg-query", "--show", "--showformat=${Version}", "dpkg"],
                             capture_output=True, text=True, check=True).stdout
    assert packages["dpkg"][0]["version"] == version
    held = subprocess.run(["apt-mark", "showhold"], capture_output=True, text=True, check=True).stdout.split()
    assert result["held"] == sorted(held)


def fake_bin(tmp_path, name, script):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


def test_rpm_manager_reads_rpm(tmp_path, monkeypatch):
    fake_bin(tmp_path, "rpm", "printf 'kernel\\t(none)\\t5.14.0\\t570.el9\\tx86_64\\n'\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run({"manager": "rpm"})
    assert result["manager"] == "rpm" and result["held"] == []
    assert result["ansible_facts"]["packages"]["kernel"][0]["release"] == "570.el9"


def test_auto_takes_rpm_where_there_is_no_dpkg_query(tmp_path, monkeypatch):
    fake_bin(tmp_path, "rpm", "printf 'bash\\t(none)\\t5.1.8\\t9.el9\\tx86_64\\n'\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path",
                        lambda self, name, required=False, opt_dirs=None: shutil.which(name, path=str(tmp_path)))
    assert run()["manager"] == "rpm"


def test_a_failing_query_fails_with_its_message(tmp_path, monkeypatch):
    fake_bin(tmp_path, "dpkg-query", "echo 'dpkg-query: error: database locked' >&2; exit 2\n")
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path",
                        lambda self, name, required=False, opt_dirs=None: shutil.which(name, path=str(tmp_path)))
    result = run({"manager": "dpkg"})
    assert result["failed"] and "database locked" in result["msg"] and result["rc"] == 2


def test_no_package_database_names_the_option(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path",
                        lambda self, name, required=False, opt_dirs=None: None)
    for manager in ("dpkg", "auto"):
        result = run({"manager": manager})
        assert result["failed"] and result["msg"].startswith("manager: ")


def test_rpm_with_versionlock_reads_dnfs_holds(tmp_path, monkeypatch):
    fake_bin(tmp_path, "rpm", "printf 'nvidia-driver\\t3\\t580.95.05\\t1.el9\\tx86_64\\n'\n")
    fake_bin(tmp_path, "dnf", "[ \"$*\" = '-q versionlock list' ] || exit 9\n"
                              "printf 'nvidia-driver-3:580.95.05-1.el9.*\\nkmod-nvidia-open-dkms-3:580.95.05-1.el9.*\\n'\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run({"manager": "rpm", "versionlock": True})
    assert result["held_read"] and result["held"] == ["kmod-nvidia-open-dkms", "nvidia-driver"]


def test_rpm_without_versionlock_plugin_says_holds_were_not_read(tmp_path, monkeypatch):
    fake_bin(tmp_path, "rpm", "printf 'bash\\t(none)\\t5.1.8\\t9.el9\\tx86_64\\n'\n")
    fake_bin(tmp_path, "dnf", "echo 'No such command: versionlock.' >&2; exit 2\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run({"manager": "rpm", "versionlock": True})
    assert not result["held_read"] and result["held"] == []
    assert not run({"manager": "rpm"})["held_read"]


@pytest.mark.parametrize("os_release, manager", [
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "rpm"),
    ('ID=rhel\nID_LIKE="fedora"\n', "rpm"),
    ("ID=debian\n", "dpkg"),
    ("ID=ubuntu\nID_LIKE=debian\n", "dpkg"),
])
def test_auto_follows_the_distribution_where_both_tools_exist(tmp_path, monkeypatch, os_release, manager):
    # EPEL packages dpkg and Debian packages rpm: the tools present do not say which database is the system's.
    fake_bin(tmp_path, "rpm", "printf 'bash\\t(none)\\t5.1.8\\t9.el9\\tx86_64\\n'\n")
    fake_bin(tmp_path, "dpkg-query", "printf 'bash\\t5.2.15-2\\tamd64\\tii \\n'\n")
    (tmp_path / "os-release").write_text(os_release)
    monkeypatch.setattr(installed_packages, "OS_RELEASE", str(tmp_path / "os-release"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path",
                        lambda self, name, required=False, opt_dirs=None: shutil.which(name, path=str(tmp_path)))
    result = run()
    assert result["manager"] == manager
    assert result["ansible_facts"]["packages"]["bash"][0]["version"] == ("5.1.8" if manager == "rpm" else "5.2.15-2")
