# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a node runs: container engine, booted systemd, Secure Boot, ostree.

Private to linuxai.node. Every function takes ``root`` so tests can point it at a
fake tree; nothing here writes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

# EFI global variable GUID: SecureBoot is 4 bytes of attributes then one data byte.
SECURE_BOOT_VAR = "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0a33be2fba0"
SETUP_MODE_VAR = "sys/firmware/efi/efivars/SetupMode-8be4df61-93ca-11d2-aa0d-e0a33be2fba0"

CONTAINER_ENGINES = ("podman", "docker", "lxc", "systemd-nspawn", "containerd", "other")


def _path(root, rel):
    return os.path.join(root, rel.lstrip("/"))


def _read(root, rel, mode="r"):
    try:
        with open(_path(root, rel), mode) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _pid1_environ(root):
    raw = _read(root, "proc/1/environ", "rb")
    if not raw:
        return {}
    result = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep:
            result[key.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    return result


def detect_container(root="/"):
    """Return the container engine this system runs in, or ``none``.

    Markers, in order of reliability: the files podman and docker drop into every
    container, the ``container=`` variable systemd-aware engines hand to PID 1,
    then cgroup paths for engines that set neither.
    """
    if os.path.exists(_path(root, "run/.containerenv")):
        return "podman"
    if os.path.exists(_path(root, ".dockerenv")):
        return "docker"
    container = _pid1_environ(root).get("container") or (_read(root, "run/systemd/container") or "").strip()
    if container:
        if container in ("podman", "docker", "lxc", "systemd-nspawn"):
            return container
        if container.startswith("lxc"):
            return "lxc"
        return "other"
    cgroup = _read(root, "proc/1/cgroup") or ""
    for marker, engine in (("/docker/", "docker"), ("/lxc/", "lxc"), ("libpod", "podman"), ("/kubepods", "containerd")):
        if marker in cgroup:
            return engine
    return "none"


def detect_booted(root="/"):
    """True when systemd is PID 1 (the test sd_booted(3) makes)."""
    if not os.path.isdir(_path(root, "run/systemd/system")):
        return False
    comm = (_read(root, "proc/1/comm") or "").strip()
    # A captured tree may lack /proc/1/comm; the systemd run directory is then the answer.
    return comm in ("", "systemd", "init")


def _efi_flag(root, rel):
    raw = _read(root, rel, "rb")
    if raw is None or len(raw) < 5:
        return None
    return bool(raw[4] if isinstance(raw[4], int) else ord(raw[4]))


def detect_secure_boot(root="/"):
    """``enabled``, ``disabled`` or ``unknown`` from the EFI variables.

    A system booted without EFI cannot enforce Secure Boot: ``disabled``. EFI
    firmware whose variables cannot be read (a container masks /sys/firmware)
    is ``unknown``; roles treat unknown as "might be enabled" where it matters.
    """
    efi_dir = _path(root, "sys/firmware/efi")
    firmware_dir = _path(root, "sys/firmware")
    if not os.path.isdir(efi_dir):
        try:
            visible = os.listdir(firmware_dir)
        except OSError:
            visible = []
        # An empty or missing /sys/firmware means we cannot see the firmware at all.
        return "disabled" if visible else "unknown"
    enabled = _efi_flag(root, SECURE_BOOT_VAR)
    if enabled is None:
        return "unknown"
    if enabled and _efi_flag(root, SETUP_MODE_VAR):
        # Setup mode: keys not enrolled, nothing is enforced.
        return "disabled"
    return "enabled" if enabled else "disabled"


def detect_ostree(root="/"):
    return os.path.exists(_path(root, "run/ostree-booted"))


def detect_kernels(root="/"):
    """Releases of the installed kernels: /lib/modules/<release>/kernel belongs to the kernel package.

    A container has /lib/modules of the host bind-mounted or none at all; either way no kernel package."""
    modules = _path(root, "lib/modules")
    try:
        releases = os.listdir(modules)
    except OSError:
        return []
    return sorted(r for r in releases if os.path.isdir(os.path.join(modules, r, "kernel")))


def detect_cgroup_v2(root="/"):
    """True on the unified cgroup v2 hierarchy (cgroup.controllers exists only at a v2 root)."""
    return os.path.exists(_path(root, "sys/fs/cgroup/cgroup.controllers"))


def detect_apt_lists_updated(root="/"):
    """When apt's package lists were last updated, in seconds since the epoch; 0 without apt.

    The time ansible.builtin.apt's cache_valid_time compares: the mtime of apt's update-success stamp where
    it exists, else of the lists directory."""
    for rel in ("var/lib/apt/periodic/update-success-stamp", "var/lib/apt/lists"):
        try:
            return int(os.stat(_path(root, rel)).st_mtime)
        except OSError:
            continue
    return 0


def detect_dpkg_interrupted(root="/"):
    """True when dpkg left journal files in /var/lib/dpkg/updates: a run was interrupted, and apt refuses to work
    ("dpkg was interrupted, you must manually run 'dpkg --configure -a'") until dpkg --configure -a finishes it.

    apt's test (debSystem::CheckUpdates): any file there whose name is all digits."""
    try:
        names = os.listdir(_path(root, "var/lib/dpkg/updates"))
    except OSError:
        return False
    return any(name.isdigit() for name in names)


def detect_environment(root="/"):
    container = detect_container(root)
    booted = detect_booted(root)
    return {
        "container": container,
        "in_container": container != "none",
        "booted": booted,
        "secure_boot": detect_secure_boot(root),
        "ostree": detect_ostree(root),
        "kernels": detect_kernels(root),
        "cgroup_v2": detect_cgroup_v2(root),
        "apt_lists_updated": detect_apt_lists_updated(root),
        "dpkg_interrupted": detect_dpkg_interrupted(root),
        # Runtime changes (sysctl, modprobe, hugepages, reboot) only make sense here.
        "runtime_changes_allowed": container == "none" and booted,
    }
