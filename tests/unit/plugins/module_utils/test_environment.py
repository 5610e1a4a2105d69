# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Environment detection on fake /proc, /run and /sys trees."""

import os
import struct

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _environment as env

EFI_ATTRS = struct.pack("<I", 0x06)


def write(root, rel, data=b""):
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())


def booted_tree(root, comm="systemd"):
    os.makedirs(os.path.join(str(root), "run/systemd/system"))
    write(root, "proc/1/comm", comm + "\n")


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"run/.containerenv": ""}, "podman"),
        ({".dockerenv": ""}, "docker"),
        ({"proc/1/environ": b"PATH=/bin\0container=lxc\0"}, "lxc"),
        ({"proc/1/environ": b"container=lxc-libvirt\0"}, "lxc"),
        ({"proc/1/environ": b"container=systemd-nspawn\0"}, "systemd-nspawn"),
        ({"proc/1/environ": b"container=wsl\0"}, "other"),
        ({"run/systemd/container": "docker\n"}, "docker"),
        ({"proc/1/cgroup": "0::/kubepods/besteffort/pod1/abc\n"}, "containerd"),
        ({"proc/1/cgroup": "0::/init.scope\n", "proc/1/environ": b"PATH=/bin\0"}, "none"),
        ({}, "none"),
    ],
)
def test_detect_container(tmp_path, files, expected):
    for rel, data in files.items():
        write(tmp_path, rel, data)
    assert env.detect_container(str(tmp_path)) == expected


def test_booted_requires_systemd_run_dir(tmp_path):
    write(tmp_path, "proc/1/comm", "systemd\n")
    assert env.detect_booted(str(tmp_path)) is False
    os.makedirs(os.path.join(str(tmp_path), "run/systemd/system"))
    assert env.detect_booted(str(tmp_path)) is True


def test_not_booted_when_pid1_is_a_shell(tmp_path):
    booted_tree(tmp_path, comm="bash")
    assert env.detect_booted(str(tmp_path)) is False


@pytest.mark.parametrize(
    "secure_boot, setup_mode, expected",
    [(1, 0, "enabled"), (0, 0, "disabled"), (1, 1, "disabled"), (1, None, "enabled")],
)
def test_secure_boot_from_efivars(tmp_path, secure_boot, setup_mode, expected):
    write(tmp_path, env.SECURE_BOOT_VAR, EFI_ATTRS + bytes([secure_boot]))
    if setup_mode is not None:
        write(tmp_path, env.SETUP_MODE_VAR, EFI_ATTRS + bytes([setup_mode]))
    assert env.detect_secure_boot(str(tmp_path)) == expected


def test_secure_boot_legacy_bios_is_disabled(tmp_path):
    write(tmp_path, "sys/firmware/acpi/tables/DSDT", b"x")
    assert env.detect_secure_boot(str(tmp_path)) == "disabled"


def test_secure_boot_masked_firmware_is_unknown(tmp_path):
    os.makedirs(os.path.join(str(tmp_path), "sys/firmware"))
    assert env.detect_secure_boot(str(tmp_path)) == "unknown"


def test_secure_boot_unreadable_variable_is_unknown(tmp_path):
    os.makedirs(os.path.join(str(tmp_path), "sys/firmware/efi/efivars"))
    assert env.detect_secure_boot(str(tmp_path)) == "unknown"
    write(tmp_path, env.SECURE_BOOT_VAR, b"\x06\x00")  # truncated
    assert env.detect_secure_boot(str(tmp_path)) == "unknown"


def test_environment_in_podman_container(tmp_path):
    booted_tree(tmp_path)
    write(tmp_path, "run/.containerenv")
    result = env.detect_environment(str(tmp_path))
    assert result == {
        "container": "podman",
        "in_container": True,
        "booted": True,
        "secure_boot": "unknown",
        "ostree": False,
        "kernels": [],
        "cgroup_v2": False,
        "apt_lists_updated": 0,
        "dpkg_interrupted": False,
        "runtime_changes_allowed": False,
    }


def test_cgroup_v2_is_the_unified_hierarchy(tmp_path):
    assert env.detect_cgroup_v2(str(tmp_path)) is False
    write(tmp_path, "sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n")
    assert env.detect_cgroup_v2(str(tmp_path)) is True


def test_apt_lists_updated_is_the_time_apt_cache_valid_time_compares(tmp_path):
    assert env.detect_apt_lists_updated(str(tmp_path)) == 0
    write(tmp_path, "var/lib/apt/lists/lock")
    os.utime(str(tmp_path / "var/lib/apt/lists"), (1700000000, 1700000000))
    assert env.detect_apt_lists_updated(str(tmp_path)) == 1700000000
    write(tmp_path, "var/lib/apt/periodic/update-success-stamp")
    os.utime(str(tmp_path / "var/lib/apt/periodic/update-success-stamp"), (1800000000, 1800000000))
    assert env.detect_apt_lists_updated(str(tmp_path)) == 1800000000


def test_kernels_are_the_releases_with_a_kernel_directory(tmp_path):
    write(tmp_path, "lib/modules/6.1.0-37-amd64/kernel/drivers/x.ko")
    write(tmp_path, "lib/modules/6.12.48+deb13-amd64/kernel/fs/y.ko")
    # Left over after the kernel package was removed: DKMS output only, no kernel.
    write(tmp_path, "lib/modules/6.1.0-10-amd64/updates/dkms/nvidia.ko")
    assert env.detect_kernels(str(tmp_path)) == ["6.1.0-37-amd64", "6.12.48+deb13-amd64"]
    assert env.detect_environment(str(tmp_path))["kernels"] == ["6.1.0-37-amd64", "6.12.48+deb13-amd64"]


def test_no_modules_directory_means_no_kernels(tmp_path):
    assert env.detect_kernels(str(tmp_path)) == []


def test_environment_on_booted_ostree_host(tmp_path):
    booted_tree(tmp_path)
    write(tmp_path, "run/ostree-booted")
    write(tmp_path, env.SECURE_BOOT_VAR, EFI_ATTRS + b"\x01")
    result = env.detect_environment(str(tmp_path))
    assert result["container"] == "none"
    assert result["ostree"] is True
    assert result["secure_boot"] == "enabled"
    assert result["runtime_changes_allowed"] is True


def test_live_system_answers_without_error():
    result = env.detect_environment("/")
    assert result["container"] in env.CONTAINER_ENGINES + ("none",)
    assert result["secure_boot"] in ("enabled", "disabled", "unknown")
