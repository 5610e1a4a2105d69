# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _packages as pk

DPKG = "\n".join([
    "dpkg\t1.22.21\tamd64\tii ",
    "nvidia-driver-cuda\t580.95.05-1\tamd64\thi ",
    "libc6\t2.41-12\tamd64\tii ",
    "libc6\t2.41-12\ti386\tii ",
    "firmware-old\t1:20230210-5\tall\trc ",
    "half\t1.0\tamd64\tiU ",
    "held-removed\t2.0\tamd64\thc ",
    "epoch\t2:1.0-3\tamd64\tiF ",
    "garbage line without tabs",
    "",
])


def test_dpkg_lists_the_installed_packages_in_package_facts_layout():
    packages, _held = pk.parse_dpkg(DPKG)
    assert packages["dpkg"] == [{"name": "dpkg", "version": "1.22.21", "arch": "amd64", "source": "apt"}]
    assert packages["nvidia-driver-cuda"][0]["version"] == "580.95.05-1"


def test_dpkg_keeps_one_entry_per_architecture():
    packages, _held = pk.parse_dpkg(DPKG)
    assert [e["arch"] for e in packages["libc6"]] == ["amd64", "i386"]


def test_dpkg_leaves_out_what_is_not_on_the_system_as_python_apt_does():
    packages, _held = pk.parse_dpkg(DPKG)
    # config-files only (rc, hc) is not installed; unpacked and half-configured are.
    assert "firmware-old" not in packages and "held-removed" not in packages
    assert "half" in packages and packages["epoch"][0]["version"] == "2:1.0-3"


def test_dpkg_holds_as_apt_mark_showhold_lists_them():
    _packages, held = pk.parse_dpkg(DPKG)
    assert held == ["held-removed", "nvidia-driver-cuda"]


def test_rpm_gives_epoch_release_and_arch():
    packages = pk.parse_rpm("kernel\t(none)\t5.14.0\t570.el9\tx86_64\nshim-x64\t2\t15.8\t3.el9\tx86_64\n"
                            "gpg-pubkey\t(none)\tfd431d51\t4ae0493b\t(none)\n\nbad\tline\n")
    assert packages["kernel"] == [{"name": "kernel", "epoch": None, "version": "5.14.0", "release": "570.el9",
                                   "arch": "x86_64", "source": "rpm"}]
    assert packages["shim-x64"][0]["epoch"] == 2
    assert packages["gpg-pubkey"][0]["arch"] is None
    assert "bad" not in packages


def test_commands_ask_for_the_fields_the_parsers_read():
    dpkg = pk.dpkg_command("/usr/bin/dpkg-query")
    assert dpkg[:2] == ["/usr/bin/dpkg-query", "--show"]
    assert dpkg[2] == "--showformat=${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n"
    assert pk.rpm_command("/usr/bin/rpm")[-1].count("\t") == 4


INSTALLED = {'linux-image-amd64': [{}], 'linux-image-6.1.0-37-amd64': [{}], 'linux-image-cloud-amd64': [{}],
             'linux-image-unsigned-6.8.0-50-generic': [{}], 'linux-image-uc-generic': [{}], 'dpkg': [{}]}


def test_kernel_headers_on_debian_are_per_kernel_and_per_flavour():
    assert pk.kernel_headers(INSTALLED, ['6.1.0-37-amd64'], 'Debian', '12') == [
        'linux-headers-6.1.0-37-amd64', 'linux-headers-amd64', 'linux-headers-cloud-amd64']


def test_kernel_headers_on_rhel_follow_the_release():
    assert pk.kernel_headers({}, ['5.14.0-570.el9.x86_64'], 'RedHat', '9') == [
        'kernel-devel-5.14.0-570.el9.x86_64', 'kernel-devel-matched']
    assert pk.kernel_headers({}, ['4.18.0-553.el8.x86_64'], 'RedHat', '8')[-1] == 'kernel-devel'


def test_kernel_headers_of_64k_page_kernels():
    # Grace: the kernel-64k package (uname -r ...aarch64+64k) has its own devel package.
    assert pk.kernel_headers({}, ['5.14.0-570.el9.aarch64+64k', '5.14.0-570.el9.aarch64'], 'RedHat', '9') == [
        'kernel-64k-devel-5.14.0-570.el9.aarch64', 'kernel-devel-5.14.0-570.el9.aarch64',
        'kernel-devel-matched', 'kernel-64k-devel-matched']
    assert pk.kernel_headers({}, ['5.14.0-570.el9.aarch64+64k'], 'RedHat', '9') == [
        'kernel-64k-devel-5.14.0-570.el9.aarch64', 'kernel-64k-devel-matched']


def test_no_kernel_no_headers():
    assert pk.kernel_headers(INSTALLED, [], 'Debian', '12') == []


def test_versionlock_names_without_epoch_version_or_excludes():
    out = ("nvidia-driver-cuda-3:580.95.05-1.el9.*\n"
           "kmod-nvidia-open-dkms-3:580.95.05-1.el9.x86_64\n"
           "!kernel-0:5.14.0-570.el9.*\n"
           "\n"
           "cuda-toolkit*\n")
    assert pk.parse_versionlock(out) == ["cuda-toolkit*", "kmod-nvidia-open-dkms", "nvidia-driver-cuda"]


def test_versionlock_command_is_quiet_list():
    assert pk.versionlock_command("/usr/bin/dnf") == ["/usr/bin/dnf", "-q", "versionlock", "list"]


@pytest.mark.parametrize('text, manager', [
    ('NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n', 'rpm'),
    ('ID=almalinux\n', 'rpm'),
    ('ID=debian\nVERSION_ID="13"\n', 'dpkg'),
    ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', 'dpkg'),
    ('ID=arch\n', None),
    ('', None),
])
def test_os_release_names_the_package_database(text, manager):
    assert pk.os_release_manager(text) == manager
