# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ROCm role decisions (private to linuxai.node): AMD's repositories per distribution and the
per-part tuning presets, from the topology facts. Pure functions, no system access."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# AMD's ROCm signing key (https://repo.radeon.com/rocm/rocm.gpg.key), one key for the amdgpu, rocm and
# graphics repositories; AMD extends its expiry, the fingerprint stays.
AMD_KEY_FINGERPRINT = 'CA8BB4727A47B4D09B4EE8969386B48A1A693C5C'

# Debian has no repository of its own at AMD: AMD documents its Ubuntu packages for it.
DEBIAN_SUITES = {'12': 'jammy', '13': 'noble'}

_AMDGPU_VERSION = re.compile(r'^[0-9]+\.[0-9]+(\.[0-9]+)*$')
_ROCM_VERSION = re.compile(r'^[0-9]+\.[0-9]+(\.[0-9]+)?$')

# Tuning AMD publishes per Instinct generation (system optimization guides for MI300X/MI300A, MI200, MI100),
# expressed as linuxai.node.kernel_tuning variables. Keyed by the short_name of the topology facts.
_PRESETS = (
    # MI300X/MI325X (and MI35x): IOMMU pass-through, no PCI resource reallocation, NUMA auto-balancing off.
    (re.compile(r'^MI3(0[08]X|25X|5[05]X)$'), 'mi300x', {
        'kernel_args': {'iommu': 'pt'}, 'pci_realloc_off': True, 'amd_iommu': False,
        'sysctl': {'kernel.numa_balancing': 0}}),
    # MI300A APU: IOMMU pass-through, NUMA auto-balancing off.
    (re.compile(r'^MI300A$'), 'mi300a', {
        'kernel_args': {'iommu': 'pt'}, 'pci_realloc_off': False, 'amd_iommu': False,
        'sysctl': {'kernel.numa_balancing': 0}}),
    # MI250X/MI250/MI210 and MI100: amd_iommu=on iommu=pt on EPYC hosts, NUMA auto-balancing off.
    (re.compile(r'^MI(2[15]0X?|100)$'), 'mi200', {
        'kernel_args': {'iommu': 'pt'}, 'pci_realloc_off': False, 'amd_iommu': True,
        'sysctl': {'kernel.numa_balancing': 0}}),
)


def _facts(value):
    """Accept either the topology facts or a dict holding them under linuxai_topology."""
    if not isinstance(value, dict):
        raise TypeError('expected the linuxai_topology facts (a dict), got %s' % type(value).__name__)
    return value.get('linuxai_topology', value)


def amd_gpus(topology):
    """The AMD GPUs of the topology facts."""
    return [gpu for gpu in _facts(topology).get('gpus') or [] if gpu.get('vendor') == 'amd']


def tuning_preset(topology):
    """The kernel_tuning settings AMD recommends for the node's Instinct parts.

    Returns ``presets`` (names, e.g. ``['mi300x']``), ``parts`` (short names of the AMD GPUs),
    ``kernel_args`` (for kernel_tuning_kernel_args), ``pci_realloc_off`` (kernel_tuning_pci_realloc_off),
    ``sysctl`` (for kernel_tuning_sysctl) and ``reason``. Nodes with several parts get the union.
    """
    facts = _facts(topology)
    gpus = amd_gpus(facts)
    amd_cpu = (facts.get('cpu') or {}).get('vendor') == 'AuthenticAMD'
    parts = sorted(set(gpu.get('short_name') or gpu.get('name') or gpu.get('pci_id') or '?' for gpu in gpus))
    result = {'presets': [], 'parts': parts, 'kernel_args': {}, 'pci_realloc_off': False, 'sysctl': {}, 'reason': ''}
    for part in parts:
        for pattern, name, preset in _PRESETS:
            if not pattern.match(part):
                continue
            if name not in result['presets']:
                result['presets'].append(name)
            result['kernel_args'].update(preset['kernel_args'])
            if preset['amd_iommu'] and amd_cpu:
                result['kernel_args']['amd_iommu'] = 'on'
            result['pci_realloc_off'] = result['pci_realloc_off'] or preset['pci_realloc_off']
            result['sysctl'].update(preset['sysctl'])
            break
    if not gpus:
        result['reason'] = 'no AMD GPU in the facts: no preset'
    elif not result['presets']:
        result['reason'] = 'no preset for %s' % ', '.join(parts)
    else:
        result['reason'] = 'preset %s for %s' % (', '.join(result['presets']), ', '.join(parts))
    return result


def _check_versions(rocm_version, amdgpu_version):
    if not _ROCM_VERSION.match(str(rocm_version or '')):
        raise ValueError("rocm_version: a ROCm release such as '7.0.2' or '7.1', not '%s'" % rocm_version)
    if not _AMDGPU_VERSION.match(str(amdgpu_version or '')):
        raise ValueError("rocm_amdgpu_version: an amdgpu driver release such as '30.10' or '30.10.2', not '%s'"
                         % amdgpu_version)


def apt_suite(facts, suite=None):
    """The Ubuntu suite of AMD's apt repositories for this node: its codename, or the documented one for Debian."""
    if suite:
        return suite
    if facts.get('distribution') == 'Debian':
        major = str(facts.get('distribution_major_version', ''))
        if major not in DEBIAN_SUITES:
            raise ValueError('no Ubuntu suite of AMD for Debian %s; set rocm_repo_suite' % major)
        return DEBIAN_SUITES[major]
    return facts.get('distribution_release')


def repositories(facts, rocm_version, amdgpu_version, base_url='https://repo.radeon.com', key_url=None,
                 key_fingerprint=None, suite=None, driver=True, graphics=True):
    """AMD's repositories for the node, as inputs of linuxai.node.common's repository.yml.

    ``facts`` holds distribution, os_family, distribution_major_version, distribution_version and
    distribution_release. apt: ``<base>/amdgpu/<driver>/ubuntu <suite> main``, ``<base>/rocm/apt/<rocm>
    <suite> main`` and ``<base>/graphics/<rocm>/ubuntu <suite> main``. dnf (RHEL, Rocky and the other
    rebuilds alike): ``<base>/amdgpu/<driver>/el/<major.minor>/main/x86_64/``,
    ``<base>/rocm/el<major>/<rocm>/main`` and ``<base>/graphics/<rocm>/el/<major.minor>/main/x86_64/``.
    """
    _check_versions(rocm_version, amdgpu_version)
    base = str(base_url or 'https://repo.radeon.com').rstrip('/')
    key = {
        'key_url': key_url or base + '/rocm/rocm.gpg.key',
        'key_fingerprint': re.sub('[^0-9A-Z]', '', str(key_fingerprint or AMD_KEY_FINGERPRINT).upper()),
        'variable': 'rocm_repo_key_fingerprint',
    }
    family = facts.get('os_family')
    wanted = [('amdgpu', driver), ('rocm', True), ('graphics', graphics)]
    repos = []
    if family == 'Debian':
        release = apt_suite(facts, suite)
        urls = {
            'amdgpu': '%s/amdgpu/%s/ubuntu' % (base, amdgpu_version),
            'rocm': '%s/rocm/apt/%s' % (base, rocm_version),
            'graphics': '%s/graphics/%s/ubuntu' % (base, rocm_version),
        }
        for name, enabled in wanted:
            if enabled:
                repo = {'name': 'linuxai-rocm-' + name, 'uris': [urls[name]], 'suites': [release],
                        'components': ['main'], 'architectures': ['amd64']}
                repo.update(key)
                repos.append(repo)
    elif family == 'RedHat':
        # One "el" tree for RHEL and its rebuilds (ROCm install guide, "Package manager installation", RHEL:
        # rocm/el9/<rocm>/main, amdgpu/<driver>/el/9.6/main/x86_64); rocm/rhel9 holds EL8-built packages.
        tree = 'el'
        major = str(facts.get('distribution_major_version', ''))
        version = str(facts.get('distribution_version', ''))
        if not re.match(r'^[0-9]+\.[0-9]+$', version):
            raise ValueError("AMD's dnf trees are per point release (9.6); this node reports '%s'" % version)
        urls = {
            'amdgpu': '%s/amdgpu/%s/%s/%s/main/x86_64/' % (base, amdgpu_version, tree, version),
            'rocm': '%s/rocm/%s%s/%s/main' % (base, tree, major, rocm_version),
            'graphics': '%s/graphics/%s/%s/%s/main/x86_64/' % (base, rocm_version, tree, version),
        }
        titles = {'amdgpu': 'AMD GPU driver %s' % amdgpu_version, 'rocm': 'ROCm %s' % rocm_version,
                  'graphics': 'AMD graphics %s' % rocm_version}
        for name, enabled in wanted:
            if enabled:
                repo = {'name': 'linuxai-rocm-' + name, 'description': titles[name], 'uris': [urls[name]],
                        'priority': 50, 'repo_gpgcheck': False}
                repo.update(key)
                repos.append(repo)
    else:
        raise ValueError('AMD publishes no repository for the %s family' % family)
    return repos
