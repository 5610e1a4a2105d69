# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""environment_facts run as Ansible runs it (main() through the harness), against trees of the files a booted
host, containers of each engine and an image build leave under /proc, /run, /sys, /lib/modules and /var/lib/apt."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import struct

import pytest
import yaml

from ansible_collections.linuxai.node.plugins.modules import environment_facts
from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import run_module

# EFI variables: 4 bytes of attributes (NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS) and the value byte.
EFI_GUID = '8be4df61-93ca-11d2-aa0d-e0a33be2fba0'
EFI_ATTRS = struct.pack('<I', 0x06)
APT_STAMP = 1764662400


def write(root, rel, data=b''):
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())


def mkdir(root, rel):
    os.makedirs(os.path.join(str(root), rel), exist_ok=True)


def booted_debian(root, secure_boot=1, setup_mode=0):
    """Debian 13 on UEFI, booted by systemd: two kernel packages, cgroup v2, apt lists refreshed."""
    mkdir(root, 'run/systemd/system')
    write(root, 'proc/1/comm', 'systemd\n')
    write(root, 'proc/1/cgroup', '0::/init.scope\n')
    write(root, 'proc/1/environ', b'HOME=/\0init=/sbin/init\0TERM=linux\0BOOT_IMAGE=/boot/vmlinuz-6.12.48+deb13-amd64\0')
    write(root, 'sys/firmware/efi/efivars/SecureBoot-' + EFI_GUID, EFI_ATTRS + bytes([secure_boot]))
    write(root, 'sys/firmware/efi/efivars/SetupMode-' + EFI_GUID, EFI_ATTRS + bytes([setup_mode]))
    write(root, 'sys/firmware/acpi/tables/DSDT', b'DSDT')
    write(root, 'sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n')
    for release in ('6.12.43+deb13-amd64', '6.12.48+deb13-amd64'):
        write(root, 'lib/modules/%s/kernel/drivers/net/ethernet/mellanox/mlx5/core/mlx5_core.ko.xz' % release)
        write(root, 'lib/modules/%s/modules.dep' % release)
    # A kernel removed with its package: only what DKMS built for it is left.
    write(root, 'lib/modules/6.12.38+deb13-amd64/updates/dkms/nvidia.ko.xz')
    write(root, 'var/lib/apt/lists/lock')
    write(root, 'var/lib/apt/periodic/update-success-stamp')
    os.utime(os.path.join(str(root), 'var/lib/apt/periodic/update-success-stamp'), (APT_STAMP, APT_STAMP))


def podman_systemd(root):
    """podman run --systemd=always: systemd is PID 1 of the container, /sys/firmware is masked (empty)."""
    write(root, 'run/.containerenv', 'engine="podman-5.4.2"\nname="linuxai-node-debian13"\nrootless=0\n')
    mkdir(root, 'run/systemd/system')
    write(root, 'run/systemd/container', 'podman\n')
    write(root, 'proc/1/comm', 'systemd\n')
    write(root, 'proc/1/environ', b'container=podman\0container_uuid=0c5b8d5b3a1d\0HOME=/root\0')
    write(root, 'proc/1/cgroup', '0::/\n')
    mkdir(root, 'sys/firmware')
    write(root, 'sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n')
    # The image's /lib/modules holds no kernel package.
    mkdir(root, 'lib/modules')


def run(root, **args):
    return run_module(environment_facts.main, dict(args, root=str(root)))


def env_of(root, **args):
    result = run(root, **args)
    assert not result.get('failed'), result
    assert result['changed'] is False
    return result['ansible_facts']['linuxai_environment']


def test_a_booted_host(tmp_path):
    booted_debian(tmp_path)
    assert env_of(tmp_path) == {
        'container': 'none', 'in_container': False, 'booted': True, 'secure_boot': 'enabled', 'ostree': False,
        'kernels': ['6.12.43+deb13-amd64', '6.12.48+deb13-amd64'], 'cgroup_v2': True, 'apt_lists_updated': APT_STAMP,
        'dpkg_interrupted': False, 'runtime_changes_allowed': True,
    }


def test_a_podman_container_with_systemd_is_booted_but_makes_no_runtime_changes(tmp_path):
    podman_systemd(tmp_path)
    assert env_of(tmp_path) == {
        'container': 'podman', 'in_container': True, 'booted': True, 'secure_boot': 'unknown', 'ostree': False,
        'kernels': [], 'cgroup_v2': True, 'apt_lists_updated': 0, 'dpkg_interrupted': False,
        'runtime_changes_allowed': False,
    }


@pytest.mark.parametrize('files, container, booted', [
    # docker run without systemd: PID 1 is the command.
    ({'.dockerenv': '', 'proc/1/comm': 'sleep\n', 'proc/1/cgroup': '0::/\n'}, 'docker', False),
    # docker run with systemd as PID 1 (the Molecule images).
    ({'.dockerenv': '', 'proc/1/comm': 'systemd\n', 'run/systemd/system/': None}, 'docker', True),
    ({'proc/1/environ': b'container=systemd-nspawn\0', 'run/systemd/container': 'systemd-nspawn\n',
      'proc/1/comm': 'systemd\n', 'run/systemd/system/': None}, 'systemd-nspawn', True),
    ({'proc/1/environ': b'container=lxc\0', 'proc/1/comm': 'systemd\n', 'run/systemd/system/': None}, 'lxc', True),
    ({'proc/1/environ': b'container=lxc-libvirt\0', 'proc/1/comm': 'systemd\n', 'run/systemd/system/': None}, 'lxc', True),
    # A Kubernetes pod on containerd sharing the host's cgroup namespace.
    ({'proc/1/cgroup': '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod4f1c.slice/'
                       'cri-containerd-9a1b.scope\n', 'proc/1/comm': 'pause\n'}, 'containerd', False),
    # A Docker container on cgroup v1.
    ({'proc/1/cgroup': '12:cpu,cpuacct:/docker/3f2a9c0d\n11:memory:/docker/3f2a9c0d\n', 'proc/1/comm': 'bash\n'}, 'docker', False),
    ({'proc/1/environ': b'container=wsl\0', 'proc/1/comm': 'init\n'}, 'other', False),
])
def test_container_engines(tmp_path, files, container, booted):
    for rel, data in files.items():
        if data is None:
            mkdir(tmp_path, rel)
        else:
            write(tmp_path, rel, data)
    env = env_of(tmp_path)
    assert (env['container'], env['in_container'], env['booted']) == (container, True, booted)
    assert env['runtime_changes_allowed'] is False


def test_an_image_build_chroot_is_neither_a_container_nor_booted(tmp_path):
    # A chroot or image build of the host's OS: kernels installed, no systemd running.
    booted_debian(tmp_path)
    os.rmdir(os.path.join(str(tmp_path), 'run/systemd/system'))
    env = env_of(tmp_path)
    assert (env['container'], env['booted'], env['runtime_changes_allowed']) == ('none', False, False)
    assert env['kernels'] == ['6.12.43+deb13-amd64', '6.12.48+deb13-amd64']


def test_pid1_other_than_systemd_is_not_booted(tmp_path):
    booted_debian(tmp_path)
    write(tmp_path, 'proc/1/comm', 'dumb-init\n')
    env = env_of(tmp_path)
    assert (env['booted'], env['runtime_changes_allowed']) == (False, False)


@pytest.mark.parametrize('secure_boot, setup_mode, state', [(1, 0, 'enabled'), (0, 0, 'disabled'), (1, 1, 'disabled')])
def test_secure_boot_of_a_booted_host(tmp_path, secure_boot, setup_mode, state):
    booted_debian(tmp_path, secure_boot, setup_mode)
    assert env_of(tmp_path)['secure_boot'] == state


def test_secure_boot_with_unreadable_efivars_and_on_bios(tmp_path):
    booted_debian(tmp_path)
    for name in os.listdir(os.path.join(str(tmp_path), 'sys/firmware/efi/efivars')):
        os.remove(os.path.join(str(tmp_path), 'sys/firmware/efi/efivars', name))
    assert env_of(tmp_path)['secure_boot'] == 'unknown'  # EFI firmware whose variables cannot be read
    os.rmdir(os.path.join(str(tmp_path), 'sys/firmware/efi/efivars'))
    os.rmdir(os.path.join(str(tmp_path), 'sys/firmware/efi'))
    assert env_of(tmp_path)['secure_boot'] == 'disabled'  # legacy BIOS: /sys/firmware without efi


def test_an_ostree_host_without_apt_or_cgroup_v2(tmp_path):
    booted_debian(tmp_path)
    write(tmp_path, 'run/ostree-booted')
    os.remove(os.path.join(str(tmp_path), 'sys/fs/cgroup/cgroup.controllers'))
    for rel in ('var/lib/apt/periodic/update-success-stamp', 'var/lib/apt/lists/lock'):
        os.remove(os.path.join(str(tmp_path), rel))
    for rel in ('var/lib/apt/periodic', 'var/lib/apt/lists'):
        os.rmdir(os.path.join(str(tmp_path), rel))
    env = env_of(tmp_path)
    assert (env['ostree'], env['cgroup_v2'], env['apt_lists_updated'], env['runtime_changes_allowed']) == (True, False, 0, True)


def test_apt_lists_without_the_periodic_stamp(tmp_path):
    booted_debian(tmp_path)
    os.remove(os.path.join(str(tmp_path), 'var/lib/apt/periodic/update-success-stamp'))
    os.utime(os.path.join(str(tmp_path), 'var/lib/apt/lists'), (1700000000, 1700000000))
    assert env_of(tmp_path)['apt_lists_updated'] == 1700000000


@pytest.mark.parametrize('names, interrupted', [
    ([], False),
    # dpkg's journal: numbered files. Anything else there (a tmp.i file mid-write) is not apt's test.
    (['0000'], True),
    (['0003', 'tmp.i'], True),
    (['tmp.i'], False),
])
def test_an_interrupted_dpkg_is_seen_by_its_journal(tmp_path, names, interrupted):
    booted_debian(tmp_path)
    for name in names:
        write(tmp_path, 'var/lib/dpkg/updates/' + name)
    assert env_of(tmp_path)['dpkg_interrupted'] is interrupted


def test_check_mode_reads_the_same(tmp_path):
    booted_debian(tmp_path)
    assert env_of(tmp_path, _ansible_check_mode=True)['runtime_changes_allowed'] is True


def test_a_root_that_is_not_a_directory_fails(tmp_path):
    write(tmp_path, 'file')
    result = run(tmp_path / 'file')
    assert result['failed'] and result['msg'] == 'root %s is not a directory' % (tmp_path / 'file')
    assert run(tmp_path / 'missing')['failed']


def documented():
    """The keys of linuxai_environment in the module's RETURN, with their documented type and choices."""
    doc = yaml.safe_load(environment_facts.RETURN)
    return doc['ansible_facts']['contains']['linuxai_environment']['contains']


TYPES = {'str': str, 'bool': bool, 'list': list, 'int': int}


@pytest.mark.parametrize('make', [booted_debian, podman_systemd])
def test_every_documented_key_is_returned_with_its_type(tmp_path, make):
    make(tmp_path)
    env = env_of(tmp_path)
    doc = documented()
    assert sorted(env) == sorted(doc)
    for key, spec in doc.items():
        assert spec['returned'] == 'always', key
        assert type(env[key]) is TYPES[spec['type']], (key, env[key])  # pylint: disable=unidiomatic-typecheck
        if 'choices' in spec:
            assert env[key] in spec['choices'], (key, env[key])
        if spec['type'] == 'list':
            assert all(isinstance(item, str) for item in env[key]), key
