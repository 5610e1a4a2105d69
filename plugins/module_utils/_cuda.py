# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CUDA toolkit decisions: driver compatibility and /etc/nccl.conf from the topology facts.

Pure functions, no I/O: the cuda filters and the unit tests call them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Minimum Linux x86_64 driver of each toolkit's GA release (CUDA Toolkit release notes, table
# "CUDA Toolkit and Corresponding Driver Versions"). A driver at or above it runs everything the
# toolkit builds (native support).
NATIVE_MINIMUM = {
    (10, 0): '410.48',
    (10, 1): '418.39',
    (10, 2): '440.33',
    (11, 0): '450.51.05',
    (11, 1): '455.23',
    (11, 2): '460.27.03',
    (11, 3): '465.19.01',
    (11, 4): '470.42.01',
    (11, 5): '495.29.05',
    (11, 6): '510.39.01',
    (11, 7): '515.43.04',
    (11, 8): '520.61.05',
    (12, 0): '525.60.13',
    (12, 1): '530.30.02',
    (12, 2): '535.54.03',
    (12, 3): '545.23.06',
    (12, 4): '550.54.14',
    (12, 5): '555.42.02',
    (12, 6): '560.28.03',
    (12, 8): '570.26',
    (12, 9): '575.51.03',
    (13, 0): '580.65.06',
}

# Minor-version compatibility (CUDA 11 on): a toolkit of a major family runs, with a limited
# feature set (no PTX JIT of newer PTX, no features that need the newer driver), on any driver at
# or above the family's minimum (release notes, "CUDA Toolkit and Minimum Required Driver Version
# for CUDA Minor Version Compatibility").
MINOR_COMPAT_MINIMUM = {
    11: '450.80.02',
    12: '525.60.13',
    13: '580.65.06',
}

_VERSION = re.compile(r'(?:^|[^0-9.])([0-9]+(?:\.[0-9]+)+)')
_TOOLKIT = re.compile(r'^\s*([0-9]+)[.-]([0-9]+)(?:[.-][0-9]+)*\s*$')
_NCCL_KEY = re.compile(r'^NCCL_[A-Z0-9_]+$')


def toolkit_version(value):
    """(major, minor) of a toolkit version: 12.4, '12-4', '12.4.131'."""
    text = str(value)
    match = _TOOLKIT.match(text)
    if not match:
        raise ValueError("'%s' is not a CUDA toolkit version such as 12.4" % text)
    return int(match.group(1)), int(match.group(2))


def driver_version(value):
    """The driver version in a package or NVML version string ('' when there is none).

    '550.163.01-2' and '1:550.54.14-1~deb13u1' give '550.163.01'; a bare branch '550' stays '550'.
    """
    text = str(value if value is not None else '').strip()
    if re.match(r'^[0-9]{3}$', text):
        return text
    text = re.sub(r'^[0-9]+:', '', text)
    match = _VERSION.search(text)
    if not match or int(match.group(1).split('.')[0]) < 100:
        return ''
    return match.group(1)


def _tuple(version):
    return tuple(int(part) for part in version.split('.'))


def _at_least(driver, minimum):
    """driver >= minimum; a bare branch ('550') stands for the newest release of that branch."""
    if '.' not in driver:
        return int(driver) >= int(minimum.split('.')[0])
    return _tuple(driver) >= _tuple(minimum)


def compatibility(toolkit, driver, forward_compat=False):
    """How a toolkit runs on a driver.

    Returns a dict: ``status`` (native, minor, forward, unknown, error), ``ok`` (the role may go
    on), ``message`` (one line for a person), ``toolkit``, ``driver``, ``native_minimum``,
    ``minor_minimum``.
    """
    major, minor = toolkit_version(toolkit)
    name = '%d.%d' % (major, minor)
    drv = driver_version(driver)
    native = NATIVE_MINIMUM.get((major, minor))
    if native is None:
        known = sorted(v for v in NATIVE_MINIMUM if v[0] == major)
        older = [v for v in known if v < (major, minor)]
        native = NATIVE_MINIMUM[older[-1]] if older else None
    family = MINOR_COMPAT_MINIMUM.get(major)
    result = {'toolkit': name, 'driver': drv, 'native_minimum': native, 'minor_minimum': family,
              'status': 'unknown', 'ok': True, 'message': ''}
    if not drv:
        result['message'] = ('CUDA %s: no NVIDIA driver is installed or planned, so its compatibility was not '
                             'checked; CUDA %s needs driver %s or newer.' % (name, name, native or 'unknown'))
        return result
    if native is None:
        result['message'] = ('CUDA %s is not in the collection\'s driver table; check the CUDA release notes '
                             'for the driver it needs (driver %s).' % (name, drv))
        return result
    exact = (major, minor) in NATIVE_MINIMUM
    if _at_least(drv, native):
        result.update(status='native', message='CUDA %s runs natively on driver %s (needs %s or newer).'
                      % (name, drv, native))
        if not exact:
            result.update(status='unknown', message=(
                'CUDA %s is newer than the collection\'s driver table; driver %s meets the newest entry of '
                'CUDA %d.x (%s) - check the CUDA release notes.' % (name, drv, major, native)))
        return result
    if family is not None and _at_least(drv, family):
        result.update(status='minor', message=(
            'CUDA %s on driver %s runs under minor-version compatibility (CUDA %d.x needs %s or newer): '
            'applications built with it run, but PTX of CUDA %s cannot be JIT-compiled and features '
            'that need a newer driver fail at run time. Driver %s or newer runs it natively.'
            % (name, drv, major, family, name, native)))
        return result
    if forward_compat:
        result.update(status='forward', message=(
            'CUDA %s needs driver %s or newer and driver %s is older: it runs only through the CUDA '
            'forward-compatibility package cuda-compat-%d-%d, which the role installs from NVIDIA\'s repository into '
            'the toolkit\'s directory (cuda_toolkit_forward_compat is true). Applications load it through '
            'LD_LIBRARY_PATH, on data-centre GPUs only, as NVIDIA\'s Forward Compatibility guide describes.'
            % (name, native, drv, major, minor)))
        return result
    result.update(status='error', ok=False, message=(
        'CUDA %s needs NVIDIA driver %s or newer (%s or newer under minor-version compatibility), but the '
        'driver is %s. Install a newer driver (nvidia_driver_branch), choose an older toolkit, or set '
        'cuda_toolkit_forward_compat: true on data-centre GPUs to use the cuda-compat package.'
        % (name, native, family or native, drv)))
    return result


def _nvidia_gpus(topology):
    return [gpu for gpu in (topology or {}).get('gpus') or [] if gpu.get('vendor') == 'nvidia']


def nccl_settings(topology, overrides=None, relaxed_ordering='auto'):
    """The NCCL settings for a node: derived from the topology facts, then ``overrides`` merged over.

    Derived: NCCL_IB_HCA (the RDMA devices nearest the NVIDIA GPUs, exact names, GPU order),
    NCCL_SOCKET_IFNAME (the first NIC without RDMA, exact name) and NCCL_IB_PCI_RELAXED_ORDERING:
    2 (use it where the HCA and platform support it) when every chosen HCA is a Mellanox/NVIDIA ConnectX
    (mlx5), 1 (NCCL's "enable, fail if unsupported") only when ``relaxed_ordering`` is True.
    A key of ``overrides`` set to None drops it. Returns an ordered list of [key, value].
    """
    overrides = overrides or {}
    if not isinstance(overrides, dict):
        raise TypeError('the NCCL overrides must be a dict of NCCL_* keys, got %s' % type(overrides).__name__)
    for key in overrides:
        if not _NCCL_KEY.match(str(key)):
            raise ValueError("'%s' is not an NCCL variable (NCCL_ followed by capitals, digits, _)" % key)
    if relaxed_ordering not in ('auto', True, False):
        raise ValueError("relaxed_ordering must be auto, true or false, got '%s'" % relaxed_ordering)
    topology = topology or {}
    nics = topology.get('nics') or []
    by_rdma = dict((nic.get('rdma_device'), nic) for nic in nics if nic.get('rdma_device'))
    hcas = []
    for gpu in sorted(_nvidia_gpus(topology), key=lambda g: g.get('index', 0)):
        for near in gpu.get('nearest_nics') or []:
            rdma = near.get('rdma_device')
            if rdma and rdma not in hcas:
                hcas.append(rdma)
    derived = {}
    if hcas:
        derived['NCCL_IB_HCA'] = '=' + ','.join(hcas)
        mlx = all((by_rdma.get(h, {}).get('driver') == 'mlx5_core' or h.startswith('mlx5_')) for h in hcas)
        # NCCL's environment variable docs: 1 forces relaxed ordering and fails where it is unavailable,
        # 2 (its default) uses it when available; a node-wide file must not make jobs fail on a host without it.
        if relaxed_ordering is True:
            derived['NCCL_IB_PCI_RELAXED_ORDERING'] = '1'
        elif relaxed_ordering == 'auto' and mlx:
            derived['NCCL_IB_PCI_RELAXED_ORDERING'] = '2'
    socket = [nic['netdev'] for nic in nics if nic.get('netdev') and not nic.get('rdma_device')
              and nic.get('link_layer', 'ethernet') == 'ethernet']
    if socket:
        derived['NCCL_SOCKET_IFNAME'] = '=' + socket[0]
    merged = dict(derived)
    merged.update(overrides)
    keys = [k for k in ('NCCL_IB_HCA', 'NCCL_SOCKET_IFNAME', 'NCCL_IB_PCI_RELAXED_ORDERING') if k in merged]
    keys += sorted(k for k in merged if k not in keys)
    return [[key, _value(merged[key])] for key in keys if merged[key] is not None]


def _value(value):
    if isinstance(value, bool):
        return '1' if value else '0'
    text = str(value)
    if '\n' in text:
        raise ValueError('an NCCL value must be one line, got %r' % text)
    return text


def nccl_conf(settings):
    """The text of /etc/nccl.conf for a list of [key, value] (or a dict)."""
    items = settings.items() if isinstance(settings, dict) else settings
    lines = ['# Managed by linuxai.node.cuda_toolkit from the topology facts; set cuda_toolkit_nccl_conf to change it.']
    lines += ['%s=%s' % (key, value) for key, value in items]
    return '\n'.join(lines) + '\n'


# NVIDIA's CUDA repository (developer.download.nvidia.com/compute/cuda/repos/<dir>/<arch>/): one
# definition for nvidia_driver and cuda_toolkit, which both add it as linuxai-nvidia-cuda.
# Directory names and architecture (sbsa for Arm servers) as the CUDA Installation Guide for Linux gives
# them ("Network Repo Installation"). Each repository is signed by the key its directory publishes:
# 3bf863cc (deb) and D42D0685 (rpm) since NVIDIA's 2022 rotation (github.com/NVIDIA/cuda-repo-management,
# SIGNATURES.md and issue #4); debian13, new in 2025, has its own key 8793F200 ("only a new key for Debian 13",
# cuda-repo-management issue #39; its table of active keys). rhel10 publishes CDF6BA43.pub, whose full
# fingerprint NVIDIA does not print: it has no default, and the role asks for the pin.
NVIDIA_REPO_NAME = 'linuxai-nvidia-cuda'
_DEB_KEY = ('3bf863cc.pub', 'EB693B3035CD5710E231E123A4B469963BF863CC')
_RPM_KEY = ('D42D0685.pub', '610C7B14E068A878070DA4E99CD0A493D42D0685')
NVIDIA_REPO_KEYS = {
    'debian12': _DEB_KEY,
    'debian13': ('8793F200.pub', '02182E60104FCDC26EAE1B8597A5D4CB8793F200'),
    'ubuntu2204': _DEB_KEY,
    'ubuntu2404': _DEB_KEY,
    'rhel8': _RPM_KEY,
    'rhel9': _RPM_KEY,
    'rhel10': ('CDF6BA43.pub', ''),
}


def nvidia_repo_dir(facts):
    """debian12/x86_64, ubuntu2404/sbsa, rhel9/x86_64; '' where NVIDIA has no repository for the system."""
    family = facts.get('os_family')
    distribution = facts.get('distribution')
    arch = 'sbsa' if facts.get('architecture') == 'aarch64' else facts.get('architecture')
    if distribution == 'Debian':
        name = 'debian%s' % facts.get('distribution_major_version')
    elif distribution == 'Ubuntu':
        name = 'ubuntu%s' % str(facts.get('distribution_version', '')).replace('.', '')
    elif family == 'RedHat':
        name = 'rhel%s' % facts.get('distribution_major_version')
    else:
        return ''
    return '%s/%s' % (name, arch)


def nvidia_repository(facts, base_url, key_url=None, key_fingerprint=None, variable='key_fingerprint'):
    """The repository request of linuxai.node.common's repository helper; {} where there is none.

    A directory without a known key (a release newer than the table) gets an empty key URL and pin, which
    the repository helper refuses, naming ``variable``."""
    directory = nvidia_repo_dir(facts)
    if not directory:
        return {}
    key = NVIDIA_REPO_KEYS.get(directory.split('/')[0], ('', ''))
    url = '%s/%s/' % (str(base_url).rstrip('/'), directory)
    return {
        'name': NVIDIA_REPO_NAME,
        'description': 'NVIDIA CUDA repository (%s)' % directory,
        'uris': [url],
        'suites': ['/'],
        'key_url': key_url or (url + key[0] if key[0] else ''),
        'key_fingerprint': re.sub('[^0-9A-Z]', '', str(key_fingerprint or key[1]).upper()),
        'variable': variable,
        'repo_gpgcheck': True,
    }
