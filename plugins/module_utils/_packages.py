# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The installed packages in ansible.builtin.package_facts' layout, read with one dpkg-query or rpm call.

package_facts opens python-apt's cache of every package the archive lists, which costs seconds per call on
a node with a few repositories; dpkg-query reads only dpkg's status file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# One line per package: fields separated by tabs (no package field holds a tab).
DPKG_FORMAT = '${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n'
RPM_FORMAT = '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'

# dpkg's package states (the second letter of db:Status-Abbrev) in which a version is on the system,
# as python-apt's is_installed counts them: not "n" (not-installed) or "c" (config-files only).
_DPKG_PRESENT = frozenset('iUFHWt')


# The package database of a distribution family, from /etc/os-release's ID and ID_LIKE: a RHEL node may carry
# EPEL's dpkg, a Debian node Debian's rpm (both are packaged), so the tools present do not tell.
_RPM_FAMILY = frozenset(('rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'ol', 'amzn', 'suse', 'opensuse'))
_DPKG_FAMILY = frozenset(('debian', 'ubuntu'))


def os_release_manager(text):
    """'rpm' or 'dpkg' for the distribution /etc/os-release describes, or None when it does not say."""
    ids = []
    for line in (text or '').splitlines():
        key, sep, value = line.partition('=')
        if sep and key.strip() in ('ID', 'ID_LIKE'):
            ids += value.strip().strip('"\'').lower().split()
    for name in ids:
        if name in _RPM_FAMILY:
            return 'rpm'
        if name in _DPKG_FAMILY:
            return 'dpkg'
    return None


def dpkg_command(dpkg_query):
    return [dpkg_query, '--show', '--showformat=' + DPKG_FORMAT]


def rpm_command(rpm):
    return [rpm, '--query', '--all', '--queryformat', RPM_FORMAT]


def _add(packages, entry):
    packages.setdefault(entry['name'], []).append(entry)


def parse_dpkg(text):
    """(packages, held): package_facts' {name: [{name, version, arch, source}]} and the held names.

    A package whose selection is "hold" counts as held whatever its state, as apt-mark showhold lists it."""
    packages, held = {}, set()
    for line in text.splitlines():
        fields = line.split('\t')
        if len(fields) != 4 or not fields[0]:
            continue
        name, version, arch, status = fields
        status = status.strip()
        if status[:1] == 'h':
            held.add(name)
        if len(status) < 2 or status[1] not in _DPKG_PRESENT:
            continue
        _add(packages, {'name': name, 'version': version, 'arch': arch, 'source': 'apt'})
    return packages, sorted(held)


def parse_rpm(text):
    """package_facts' {name: [{name, epoch, version, release, arch, source}]} from rpm --queryformat output."""
    packages = {}
    for line in text.splitlines():
        fields = line.split('\t')
        if len(fields) != 5 or not fields[0]:
            continue
        name, epoch, version, release, arch = fields
        _add(packages, {
            'name': name,
            'epoch': None if epoch in ('', '(none)') else int(epoch) if epoch.isdigit() else epoch,
            'version': version,
            'release': release,
            'arch': None if arch in ('', '(none)') else arch,
            'source': 'rpm',
        })
    return packages


def versionlock_command(dnf):
    return [dnf, '-q', 'versionlock', 'list']


# dnf versionlock prints an entry as name-epoch:version-release.arch (a glob where one was added so); a
# leading "!" marks an exclude, not a hold.
_VERSIONLOCK = re.compile(r'^(.+?)-[0-9]+:')


def parse_versionlock(text):
    """The package names dnf's versionlock holds, sorted, from `dnf -q versionlock list`."""
    held = set()
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith(('#', '!')):
            continue
        match = _VERSIONLOCK.match(entry)
        held.add(match.group(1) if match else entry)
    return sorted(held)


# Kernel flavour metapackages (linux-image-amd64, linux-image-generic-hwe-24.04) bring the kernels to come;
# their headers metapackage brings those kernels' headers. Not the signed/unsigned/extra-modules variants.
_FLAVOUR = re.compile(r'^linux-image-([a-z][a-z0-9.-]*)$')
_NOT_FLAVOUR = re.compile(r'^linux-image-(unsigned|extra|uc)-')


def kernel_headers(packages, kernels, os_family, major_version=None):
    """The headers packages DKMS needs: one per installed kernel, and the flavour metapackages' headers.

    Empty without an installed kernel (a container): DKMS has nothing to build for."""
    kernels = list(kernels or [])
    if not kernels:
        return []
    if os_family == 'RedHat':
        # kernel-devel-matched (EL9 on) pulls the devel package of every installed kernel, as kernels come. The
        # 64k-page aarch64 kernels (uname -r ending in +64k, as on Grace) are the kernel-64k package, whose headers
        # are kernel-64k-devel-<version> (and kernel-64k-devel-matched), not kernel-devel.
        wanted, flavours = [], set()
        for release in kernels:
            flavour = 'kernel-64k' if release.endswith('+64k') else 'kernel'
            flavours.add(flavour)
            wanted.append('%s-devel-%s' % (flavour, release[:-len('+64k')] if flavour == 'kernel-64k' else release))
        matched = '-devel-matched' if int(major_version or 0) >= 9 else '-devel'
        return wanted + [flavour + matched for flavour in sorted(flavours)]
    flavours = sorted('linux-headers-' + _FLAVOUR.match(name).group(1) for name in packages or {}
                      if _FLAVOUR.match(name) and not _NOT_FLAVOUR.match(name))
    return ['linux-headers-' + k for k in kernels] + flavours
