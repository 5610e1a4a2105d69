# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""NVIDIA driver decisions taken from the topology facts (private to linuxai.node).

Pure functions, no I/O: which kernel module flavour (open or proprietary) the
GPUs need, whether Fabric Manager and NVLSM are needed, whether a reboot is
needed, and reading ``dkms status``. The role ``linuxai.node.nvidia_driver``
calls them through the filters in ``plugins/filter/nvidia.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Generations in release order; the topology facts name them this way.
ARCHITECTURES = ('kepler', 'maxwell', 'pascal', 'volta', 'turing', 'ampere', 'ada', 'hopper',
                 'grace-hopper', 'blackwell', 'grace-blackwell', 'rubin')
# NVIDIA: "For Grace Hopper or Blackwell, you must use the open-source GPU kernel modules."
OPEN_REQUIRED = frozenset(('grace-hopper', 'blackwell', 'grace-blackwell', 'rubin'))
# "For Turing, Ampere, Ada Lovelace or Hopper, NVIDIA recommends the open modules."
OPEN_RECOMMENDED = frozenset(('turing', 'ampere', 'ada', 'hopper'))
# "For Maxwell, Pascal or Volta, the open modules are not compatible: use the proprietary driver."
OPEN_UNSUPPORTED = frozenset(('kepler', 'maxwell', 'pascal', 'volta'))
# First branch with open modules; first branch where they are the default and supported
# on GeForce/workstation boards too (before it only data center boards were production quality).
OPEN_FIRST_BRANCH = 515
OPEN_DEFAULT_BRANCH = 560
# First branch that supports a generation, and the last one that still does.
FIRST_BRANCH = {'hopper': 520, 'grace-hopper': 535, 'blackwell': 570, 'grace-blackwell': 570}
LAST_BRANCH = {'kepler': 470, 'maxwell': 580, 'pascal': 580, 'volta': 580}
# Fabric Manager needs the NVLink Subnet Manager from this generation on (NVLink 5 switches).
NVLSM_ARCHITECTURES = frozenset(('blackwell', 'grace-blackwell', 'rubin'))
NVLSM_FIRST_BRANCH = 570
# PCI class 0x0302 ("3D controller"): data center boards with no display engine.
COMPUTE_CLASS_PREFIX = '0302'

FLAVOURS = ('auto', 'open', 'proprietary')


def nvidia_gpus(topology):
    """The NVIDIA GPUs of a topology fact (or of a list of GPU entries)."""
    if isinstance(topology, dict):
        topology = topology.get('linuxai_topology', topology).get('gpus', [])
    return [gpu for gpu in topology or [] if gpu.get('vendor') == 'nvidia']


def branch_number(branch):
    """'580', 580, '580.95.05' -> 580; ValueError otherwise."""
    text = str(branch).strip()
    match = re.match(r'^([0-9]{3})(\.[0-9.]+)?$', text)
    if not match:
        raise ValueError('a driver branch is three digits such as 580, not %r' % (branch,))
    return int(match.group(1))


def _architectures(gpus):
    return sorted(set(gpu.get('architecture') or 'unknown' for gpu in gpus),
                  key=lambda a: (ARCHITECTURES.index(a) if a in ARCHITECTURES else len(ARCHITECTURES), a))


def _branch_errors(archs, branch):
    errors = []
    for arch in archs:
        if arch in FIRST_BRANCH and branch < FIRST_BRANCH[arch]:
            errors.append('%s GPUs need driver branch %d or newer, not %d' % (arch, FIRST_BRANCH[arch], branch))
        if arch in LAST_BRANCH and branch > LAST_BRANCH[arch]:
            errors.append('%s GPUs are supported up to driver branch %d, not %d' % (arch, LAST_BRANCH[arch], branch))
    return errors


def choose_flavour(gpus, branch, override='auto', open_packaged=True, packaging='the distribution'):
    """Pick the kernel module flavour for the NVIDIA GPUs of a node.

    ``open_packaged`` is False where the packages at hand cannot install the open modules (Debian 12's
    archive: its nvidia-open-kernel-dkms lags the rest of its driver); ``packaging`` names those packages.
    Then auto takes the proprietary modules unless a GPU needs the open ones, and open is an error.

    Returns a dict: ``flavour`` (open or proprietary), ``reason`` (one sentence),
    ``architectures`` (sorted), ``errors`` (the request cannot work: the role
    fails with them) and ``warnings``.
    """
    if override not in FLAVOURS:
        raise ValueError('the kernel module flavour is one of %s, not %r' % (', '.join(FLAVOURS), override))
    branch = branch_number(branch)
    gpus = nvidia_gpus(gpus)
    archs = _architectures(gpus)
    need_open = [a for a in archs if a in OPEN_REQUIRED]
    need_proprietary = [a for a in archs if a in OPEN_UNSUPPORTED]
    errors = _branch_errors(archs, branch)
    warnings = []
    if 'unknown' in archs:
        warnings.append('some NVIDIA GPUs are of an unknown generation (%s); they do not weigh in the choice'
                        % ', '.join(sorted(set(g.get('pci_id', '?') for g in gpus if (g.get('architecture') or 'unknown') == 'unknown'))))
    if need_open and need_proprietary:
        errors.append('%s GPUs need the open kernel modules and %s GPUs the proprietary ones: '
                      'no driver serves both in one node' % ('/'.join(need_open), '/'.join(need_proprietary)))

    if override == 'open':
        flavour, reason = 'open', 'open kernel modules requested'
        if need_proprietary:
            errors.append('the open kernel modules do not support %s GPUs' % '/'.join(need_proprietary))
    elif override == 'proprietary':
        flavour, reason = 'proprietary', 'proprietary kernel modules requested'
        if need_open:
            errors.append('%s GPUs work only with the open kernel modules' % '/'.join(need_open))
    elif need_open:
        flavour, reason = 'open', '%s GPUs require the open kernel modules' % '/'.join(need_open)
    elif need_proprietary:
        flavour, reason = 'proprietary', '%s GPUs are not supported by the open kernel modules' % '/'.join(need_proprietary)
    else:
        recommended = [g for g in gpus if g.get('architecture') in OPEN_RECOMMENDED]
        display = [g for g in recommended if not str(g.get('class', '')).startswith(COMPUTE_CLASS_PREFIX)]
        names = '/'.join(a for a in archs if a in OPEN_RECOMMENDED)
        if recommended and branch >= OPEN_DEFAULT_BRANCH:
            flavour, reason = 'open', 'NVIDIA recommends the open kernel modules for %s GPUs' % names
        elif recommended and branch >= OPEN_FIRST_BRANCH and not display:
            flavour, reason = 'open', ('NVIDIA recommends the open kernel modules for %s data center GPUs '
                                       '(production quality since branch %d)' % (names, OPEN_FIRST_BRANCH))
        elif recommended:
            flavour, reason = 'proprietary', ('branch %d predates production-quality open modules for '
                                              'workstation and GeForce boards (from %d)' % (branch, OPEN_DEFAULT_BRANCH))
        else:
            flavour = 'open' if branch >= OPEN_DEFAULT_BRANCH else 'proprietary'
            reason = ('no NVIDIA GPU of a known generation found: the default of branch %d (%s)'
                      % (branch, 'open since %d' % OPEN_DEFAULT_BRANCH if flavour == 'open' else 'proprietary before %d' % OPEN_DEFAULT_BRANCH))
    if flavour == 'open' and not open_packaged:
        if override == 'auto' and not need_open:
            flavour = 'proprietary'
            reason += (', but %s packages them at an older release than the rest of its driver: proprietary modules, '
                       'which support every GPU up to Hopper' % packaging)
        else:
            errors.append('%s packages the open kernel modules (nvidia-open-kernel-dkms) at an older release than the '
                          'rest of its driver, so apt cannot install them together: use the proprietary modules (every GPU '
                          "up to Hopper), or NVIDIA's repository, which Grace Hopper and Blackwell need" % packaging)
    if flavour == 'open' and branch < OPEN_FIRST_BRANCH:
        errors.append('the open kernel modules exist from branch %d, not %d' % (OPEN_FIRST_BRANCH, branch))
    return {'flavour': flavour, 'reason': reason, 'architectures': archs, 'errors': errors, 'warnings': warnings}


def fabric_manager(topology, mode='auto', branch=None):
    """Whether the node needs Fabric Manager (NVSwitch systems) and NVLSM (from Blackwell on).

    ``mode``: auto (from the facts), true or false. Returns ``fabric_manager``,
    ``nvlsm`` (bools), ``reason`` and ``errors``.
    """
    if isinstance(topology, dict) and 'linuxai_topology' in topology:
        topology = topology['linuxai_topology']
    topology = topology or {}
    switches = int((topology.get('nvswitches') or {}).get('count') or 0)
    archs = _architectures(nvidia_gpus(topology.get('gpus', [])))
    nvlsm_archs = [a for a in archs if a in NVLSM_ARCHITECTURES]
    mode = str(mode).lower()
    errors = []
    if mode in ('false', 'no', 'off'):
        return {'fabric_manager': False, 'nvlsm': False, 'errors': errors,
                'reason': 'Fabric Manager turned off%s' % (' although the node has %d NVSwitches' % switches if switches else '')}
    if mode in ('true', 'yes', 'on'):
        wanted, reason = True, 'Fabric Manager requested'
    elif mode == 'auto':
        wanted = switches > 0 and bool(archs)
        if wanted:
            reason = '%d NVSwitches connect the %s GPUs' % (switches, '/'.join(archs))
        elif switches:
            reason = '%d NVSwitches but no NVIDIA GPU: nothing for Fabric Manager to manage' % switches
        else:
            reason = 'no NVSwitch'
    else:
        raise ValueError('Fabric Manager is auto, true or false, not %r' % (mode,))
    nvlsm = wanted and bool(nvlsm_archs)
    if nvlsm:
        reason += '; %s NVSwitch systems also need NVLSM' % '/'.join(nvlsm_archs)
        if branch is not None and branch_number(branch) < NVLSM_FIRST_BRANCH:
            errors.append('NVLSM needs driver branch %d or newer, not %s' % (NVLSM_FIRST_BRANCH, branch))
    return {'fabric_manager': wanted, 'nvlsm': nvlsm, 'reason': reason, 'errors': errors}


def driver_version(value):
    """The driver version in a package or module version string, or '' when none.

    '535.261.03-1~deb12u1' -> '535.261.03', '3:580.65.06-1.el9' -> '580.65.06',
    '580.95.05-0ubuntu0.24.04.2' -> '580.95.05', '550.163.01\\n' -> '550.163.01'.
    """
    if value is None:
        return ''
    text = str(value).strip()
    if ':' in text.split('-', 1)[0]:
        text = text.split(':', 1)[1]
    match = re.match(r'^([0-9]{3}\.[0-9]+(\.[0-9]+)?)', text)
    return match.group(1) if match else ''


def reboot_needed(installed, loaded, nouveau_loaded=False, runtime=True, extra_reasons=None):
    """Decide whether the node must reboot for the installed driver.

    ``installed``: version of the installed driver packages; ``loaded``: content of
    /sys/module/nvidia/version ('' when no nvidia module is loaded). A reboot is needed
    when a different driver is loaded, or when nouveau holds the GPUs. Outside a booted
    host (containers, image builds) nothing is loaded by us and no reboot is asked for.
    Returns ``required``, ``reasons``, ``load_now`` (the modules can simply be loaded).
    """
    installed_v, loaded_v = driver_version(installed), driver_version(loaded)
    result = {'installed': installed_v, 'loaded': loaded_v, 'required': False, 'reasons': [], 'load_now': False}
    if not runtime:
        return result
    reasons = list(extra_reasons or [])
    if nouveau_loaded:
        reasons.append('nouveau is loaded and holds the GPUs')
    if installed_v and loaded_v and installed_v != loaded_v:
        reasons.append('driver %s is loaded but %s is installed' % (loaded_v, installed_v))
    result['reasons'] = reasons
    result['required'] = bool(reasons)
    result['load_now'] = bool(installed_v) and not loaded_v and not reasons
    return result


# dkms 3: "nvidia-current/535.261.03, 6.1.0-28-amd64, x86_64: installed"
# dkms 2: "nvidia, 470.57.02, 5.4.0-80-generic, x86_64: installed"
_DKMS_LINE = re.compile(r'^(?P<module>[^,/\s]+)(?:/|, )(?P<version>[^,:]+)'
                        r'(?:, (?P<kernel>[^,:]+))?(?:, (?P<arch>[^,:]+))?: (?P<status>.+)$')
DRIVER_DKMS_MODULE = r'^nvidia(-current|-srv|-tesla(-[0-9]+)?)?(-open)?$'


def parse_dkms_status(text):
    """Lines of ``dkms status`` as dicts: module, version, kernel, arch, status."""
    entries = []
    for line in str(text or '').splitlines():
        match = _DKMS_LINE.match(line.strip())
        if match:
            entry = match.groupdict()
            entry['status'] = entry['status'].strip()
            entries.append(entry)
    return entries


def dkms_report(text, kernels, module_regex=DRIVER_DKMS_MODULE):
    """For each kernel, whether the driver's DKMS module is installed.

    Returns ``installed`` (kernels with the module built and installed), ``missing``
    (kernels without it), ``modules`` (driver module/version pairs DKMS knows) and
    ``entries`` (the driver's status lines).
    """
    pattern = re.compile(module_regex)
    entries = [e for e in parse_dkms_status(text) if pattern.match(e['module'])]
    installed = sorted(set(e['kernel'] for e in entries if e['kernel'] and e['status'].startswith('installed')))
    missing = [k for k in kernels if k not in installed]
    modules = sorted(set('%s/%s' % (e['module'], e['version']) for e in entries))
    return {'installed': installed, 'missing': missing, 'modules': modules, 'entries': entries}


_LOG_ERROR = re.compile(r'(error|fatal|undefined|\*\*\*|cannot|not found)', re.IGNORECASE)


def dkms_log_errors(text, limit=20):
    """The lines of a DKMS make.log that explain a failed build (the last ``limit``)."""
    lines = [line.rstrip() for line in str(text or '').splitlines() if line.strip()]
    relevant = [line for line in lines if _LOG_ERROR.search(line)]
    return (relevant or lines)[-limit:]
