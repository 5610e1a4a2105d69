# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Post-provisioning checks of a node, from what the validate role read on it.

Every check ends as ``pass``, ``fail``, ``warn`` or ``skipped`` with a one-line detail. A check that cannot
be done on this node (a container, a replayed topology, no GPU of that vendor) is ``skipped`` with the
reason, never ``pass``.
"""

from __future__ import annotations

import re

STATUSES = ('pass', 'fail', 'warn', 'skipped')

# Userspace packages whose version is the driver's, most specific first: Debian, NVIDIA's repository
# (branch-suffixed names up to R580, unversioned from R590), Ubuntu's -server branches, RHEL.
NVIDIA_USERSPACE = (
    r'^nvidia-driver-cuda$', r'^libcuda1$', r'^nvidia-smi$', r'^libnvidia-compute(-[0-9]+)?(-server)?$',
    r'^nvidia-utils(-[0-9]+)?(-server)?$', r'^nvidia-driver-cuda-libs$', r'^nvidia-driver-libs$',
)
AMDGPU_DKMS = (r'^amdgpu-dkms$',)

_NVIDIA_PROC = re.compile(r'Kernel Module(?: for \S+)?\s+([0-9]+\.[0-9]+(?:\.[0-9]+)?)')
_VERSION = re.compile(r'([0-9]{3,}\.[0-9]+(?:\.[0-9]+)?)')


def _check(name, status, detail):
    if status not in STATUSES:
        raise ValueError('unknown status %r' % status)
    return {'name': name, 'status': status, 'detail': detail}


def nvidia_proc_version(text):
    """The kernel module version in /proc/driver/nvidia/version, or None."""
    match = _NVIDIA_PROC.search(text or '')
    return match.group(1) if match else None


def package_version(packages, patterns, driver_version=True):
    """(name, version) of the first installed package matching one of the patterns, else (None, None).

    The version is the NVIDIA driver version in it (535.261.03) when driver_version, else the version
    without its epoch."""
    for pattern in patterns:
        for name in sorted(packages or {}):
            if re.match(pattern, name):
                entries = packages[name] or [{}]
                raw = str(entries[0].get('version', '')).split(':', 1)[-1]
                found = _VERSION.search(raw) if driver_version else None
                return name, (found.group(1) if found else raw)
    return None, None


def _why_not_probed(env, topology):
    """Why the GPU and kernel checks cannot run here, or None when they can."""
    if not topology.get('live', True):
        return 'topology replayed from %s, not this machine' % topology.get('root')
    if not env.get('runtime_changes_allowed', False):
        if env.get('container') not in (None, '', 'none', False):
            return '%s container: no kernel modules or GPUs of its own' % env.get('container')
        return 'not a booted system'
    return None


def _output_lines(result):
    """What a failed command said: its stderr, else its stdout (where nvidia-smi prints its errors), else the msg
    of the module that ran it (the exec error of a missing tool; for a non-zero exit only 'non-zero return code')."""
    text = result.get('stderr') or result.get('stdout') or result.get('msg') or ''
    return [line.strip() for line in text.splitlines() if line.strip()]


def _smi(name, result, expected, tool):
    if result is None:
        return _check(name, 'fail', '%s did not run' % tool)
    if result.get('rc') != 0:
        err = _output_lines(result)
        return _check(name, 'fail', '%s exit %s: %s' % (tool, result.get('rc'), err[0] if err else 'no output'))
    lines = [line for line in (result.get('stdout') or '').splitlines() if line.strip()]
    if tool == 'nvidia-smi' and len(lines) != expected:
        return _check(name, 'fail', '%s lists %d GPUs, the node has %d' % (tool, len(lines), expected))
    return _check(name, 'pass', '%s sees %d GPU%s' % (tool, expected, '' if expected == 1 else 's'))


def _nvidia(data, gpus, why):
    packages = data.get('packages') or {}
    pkg, userspace = package_version(packages, NVIDIA_USERSPACE)
    installed = '%s %s installed' % (pkg, userspace) if pkg else 'no driver package installed'
    names = ('nvidia_driver', 'nvidia_smi', 'nvidia_persistence')
    if not gpus:
        return [_check(n, 'skipped', 'no NVIDIA GPU') for n in names]
    if why:
        return [_check('nvidia_driver', 'skipped', '%s (%s)' % (why, installed))] + \
            [_check(n, 'skipped', why) for n in names[1:]]
    checks = []
    kernel = nvidia_proc_version(data.get('nvidia_proc_version'))
    if kernel is None:
        checks.append(_check('nvidia_driver', 'fail', 'nvidia kernel module not loaded (%s)' % installed))
    elif userspace is None:
        checks.append(_check('nvidia_driver', 'fail', 'kernel module %s loaded, no userspace package found' % kernel))
    elif kernel != userspace:
        checks.append(_check('nvidia_driver', 'fail',
                             'kernel module %s, userspace %s (%s): reboot to load the installed driver'
                             % (kernel, userspace, pkg)))
    else:
        checks.append(_check('nvidia_driver', 'pass', 'kernel module and userspace %s' % kernel))
    smi = data.get('nvidia_smi')
    checks.append(_smi('nvidia_smi', smi, len(gpus), 'nvidia-smi'))
    if smi and smi.get('rc') == 0:
        modes = [line.rsplit(',', 1)[-1].strip() for line in smi.get('stdout', '').splitlines() if line.strip()]
        off = [str(i) for i, mode in enumerate(modes) if mode.lower() != 'enabled']
        if off:
            checks.append(_check('nvidia_persistence', 'fail', 'persistence mode off on GPU %s' % ','.join(off)))
        else:
            checks.append(_check('nvidia_persistence', 'pass', 'enabled on %d GPUs' % len(modes)))
    else:
        checks.append(_check('nvidia_persistence', 'fail', 'unknown: nvidia-smi did not answer'))
    return checks


def _fabric_manager(data, why):
    count = (data['topology'].get('nvswitches') or {}).get('count', 0)
    if not count:
        return _check('fabric_manager', 'skipped', 'no NVSwitch')
    if why:
        return _check('fabric_manager', 'skipped', '%s (%d NVSwitches in the topology)' % (why, count))
    unit = data.get('fabric_manager') or {}
    state = unit.get('ActiveState', 'unknown')
    if unit.get('LoadState') == 'not-found':
        return _check('fabric_manager', 'fail', 'nvidia-fabricmanager.service not installed, %d NVSwitches' % count)
    if state != 'active':
        return _check('fabric_manager', 'fail', 'nvidia-fabricmanager.service %s, %d NVSwitches' % (state, count))
    return _check('fabric_manager', 'pass', 'nvidia-fabricmanager active for %d NVSwitches' % count)


def _amd(data, gpus, why):
    if not gpus:
        return [_check(n, 'skipped', 'no AMD GPU') for n in ('amd_driver', 'amd_smi')]
    pkg, version = package_version(data.get('packages') or {}, AMDGPU_DKMS, driver_version=False)
    if why:
        installed = '%s %s installed' % (pkg, version) if pkg else 'kernel amdgpu'
        return [_check('amd_driver', 'skipped', '%s (%s)' % (why, installed)), _check('amd_smi', 'skipped', why)]
    checks = []
    if not data.get('amdgpu_loaded'):
        checks.append(_check('amd_driver', 'fail', 'amdgpu kernel module not loaded'))
    else:
        loaded = (data.get('amdgpu_version') or '').strip()
        if not loaded:
            checks.append(_check('amd_driver', 'pass', "the kernel's own amdgpu (no separate module version)"))
        elif pkg is None:
            checks.append(_check('amd_driver', 'warn', 'amdgpu %s loaded, no amdgpu-dkms package found' % loaded))
        elif not re.match(re.escape(loaded) + r'(?![0-9])', str(version)):
            checks.append(_check('amd_driver', 'fail', 'amdgpu %s loaded, %s %s installed: reboot'
                                 % (loaded, pkg, version)))
        else:
            checks.append(_check('amd_driver', 'pass', 'amdgpu %s loaded and installed' % loaded))
    checks.append(_smi('amd_smi', data.get('amd_smi'), len(gpus), (data.get('amd_smi') or {}).get('tool', 'amd-smi')))
    return checks


# docker prints "docker: <error>." and, for an error before the container starts (a pull, a create), the hint
# "See 'docker run --help'." under it (docker/cli, cli/command/container/run.go, reportError); podman prints
# "Error: <error>" after what it tried.
_ENGINE_HINT = re.compile(r"^See '\S+( \S+)? --help'\.$")


def _engine_error(result):
    """Why a container run failed: the engine's error line and what follows it (nvidia-container-cli's reason),
    without docker's help hint; else the last line."""
    lines = [line for line in _output_lines(result) if not _ENGINE_HINT.match(line)]
    if not lines:
        return 'no output'
    first = next((i for i, line in enumerate(lines) if line.startswith(('docker: ', 'Error: '))), len(lines) - 1)
    return ' '.join(lines[first:])


def _container(data, gpus, why):
    if not gpus:
        return _check('container_gpu', 'skipped', 'no GPU')
    if why:
        return _check('container_gpu', 'skipped', why)
    if not data.get('smoke_enabled', True):
        return _check('container_gpu', 'skipped', 'validate_container_smoke_test is false')
    if data.get('check_mode'):
        return _check('container_gpu', 'skipped', 'check mode: no image is pulled or run')
    result = data.get('container')
    if not result or not result.get('engine'):
        return _check('container_gpu', 'skipped', 'no container engine (docker, podman) installed')
    if result.get('rc') != 0:
        return _check('container_gpu', 'fail', '%s run exit %s: %s' % (result['engine'], result.get('rc'), _engine_error(result)))
    return _check('container_gpu', 'pass', 'a %s container sees the GPUs' % result['engine'])


# Engines with a daemon, by the packages that install them (Debian/Ubuntu, Docker's repository, RHEL).
ENGINES = (
    ('docker', (r'^docker\.io$', r'^docker-ce$', r'^moby-engine$'), 'docker.service'),
    ('containerd', (r'^containerd$', r'^containerd\.io$'), 'containerd.service'),
)
# Packages of the GPU userspace tools, whose absence means the driver layer did not run on a GPU node.
AMD_TOOLS = (r'^rocminfo$', r'^amd-smi-lib$', r'^amd-smi$')


def _installed(packages, patterns):
    return sorted(name for name in packages or {} for pattern in patterns if re.match(pattern, name))


def _driver_packages(data, nvidia, amd):
    """Installed and held driver packages: readable in a container and on a replayed topology too."""
    if not nvidia and not amd:
        return _check('driver_packages', 'skipped', 'no GPU')
    packages = data.get('packages') or {}
    details = []
    status = 'pass'
    if nvidia:
        pkg, version = package_version(packages, NVIDIA_USERSPACE)
        if pkg is None:
            return _check('driver_packages', 'fail', 'no NVIDIA driver package installed, %d NVIDIA GPUs' % len(nvidia))
        holds = data.get('holds')
        if holds is None:
            details.append('%s %s installed' % (pkg, version))
        elif pkg in holds:
            details.append('%s %s installed and held' % (pkg, version))
        else:
            status = 'warn'
            details.append('%s %s installed, not held: an upgrade may replace the driver under running jobs' % (pkg, version))
    if amd:
        tools = _installed(packages, AMD_TOOLS)
        if not tools:
            return _check('driver_packages', 'fail', 'no ROCm tools (rocminfo, amd-smi) installed, %d AMD GPUs' % len(amd))
        driver, version = package_version(packages, AMDGPU_DKMS, driver_version=False)
        details.append('%s installed%s' % (', '.join(tools), ', %s %s' % (driver, version) if driver else ''))
    return _check('driver_packages', status, '; '.join(details))


def parse_systemctl_show(text):
    """{unit: {name, state}} from systemctl show's blank-line separated blocks, in service_facts' terms.

    state is "running" for a running unit, else its ActiveState; units systemd does not know are left out."""
    units = {}
    for block in (text or '').split('\n\n'):
        props = dict(line.split('=', 1) for line in block.splitlines() if '=' in line)
        if props.get('Id') and props.get('LoadState') == 'loaded':
            state = 'running' if props.get('SubState') == 'running' else props.get('ActiveState', 'unknown')
            units[props['Id']] = {'name': props['Id'], 'state': state, 'source': 'systemd'}
    return units


def _container_engine(data):
    """The daemons of the installed container engines run (podman has none)."""
    services = data.get('services')
    if services is None and data.get('systemctl_show') is not None:
        services = parse_systemctl_show(data['systemctl_show'])
    found = [(name, unit) for name, patterns, unit in ENGINES if _installed(data.get('packages'), patterns)]
    if not found:
        return _check('container_engine', 'skipped', 'no docker or containerd installed')
    if services is None:
        return _check('container_engine', 'skipped', 'service states not read')
    down = ['%s %s' % (unit, (services.get(unit) or {}).get('state', 'missing')) for name, unit in found
            if (services.get(unit) or {}).get('state') != 'running']
    if down:
        return _check('container_engine', 'fail', ', '.join(down))
    return _check('container_engine', 'pass', ', '.join(unit for name, unit in found) + ' running')


def _tuning(data):
    env = data['environment']
    tuning = data.get('tuning') or {}
    if not tuning.get('file_exists'):
        return _check('tuning', 'skipped', 'no sysctl profile %s (kernel_tuning not applied)' % tuning.get('file', ''))
    if not env.get('runtime_changes_allowed', False):
        return _check('tuning', 'skipped', "%s container: the running kernel is the host's; profile written"
                      % env.get('container') if env.get('container') not in (None, '', 'none', False)
                      else 'not booted: profile written, not applied')
    if tuning.get('in_force'):
        return _check('tuning', 'pass', '%d sysctls in force' % tuning.get('count', 0))
    drift = tuning.get('drift_report') or []
    return _check('tuning', 'fail', '%d not in force: %s' % (len(drift), '; '.join(drift[:3])))


def _reboot(data):
    env = data['environment']
    pending = sorted(role for role, flag in (data.get('reboot_flags') or {}).items() if flag)
    if not env.get('runtime_changes_allowed', False):
        # A container boots nothing: its /proc/cmdline and modules are the host's.
        return _check('reboot', 'skipped', 'not a booted host: nothing here would reboot%s'
                      % ('; a booted node would need one for %s' % ', '.join(pending) if pending else ''))
    if pending:
        return _check('reboot', 'fail', 'pending for %s' % ', '.join(pending))
    if data.get('reboot_required_file'):
        return _check('reboot', 'warn', '/run/reboot-required exists (package updates)')
    return _check('reboot', 'pass', 'none pending')


def validation_checks(data):
    """The node's checks, as a list of {name, status, detail}."""
    if not isinstance(data, dict) or not isinstance(data.get('topology'), dict) \
            or not isinstance(data.get('environment'), dict):
        raise TypeError('expected a dict with the environment and topology facts')
    topology = data['topology']
    why = _why_not_probed(data['environment'], topology)
    nvidia = [g for g in topology.get('gpus', []) if g.get('vendor') == 'nvidia']
    amd = [g for g in topology.get('gpus', []) if g.get('vendor') == 'amd']
    checks = _nvidia(data, nvidia, why)
    checks.append(_fabric_manager(data, why))
    checks.extend(_amd(data, amd, why))
    checks.append(_driver_packages(data, nvidia, amd))
    checks.append(_container_engine(data))
    checks.append(_container(data, nvidia + amd, why))
    checks.append(_tuning(data))
    checks.append(_reboot(data))
    return checks


def validation_result(node, checks):
    """The linuxai_validation fact: the checks, the failed ones, counts and passed."""
    counts = dict((status, sum(1 for c in checks if c['status'] == status)) for status in STATUSES)
    failed = [c['name'] for c in checks if c['status'] == 'fail']
    return {'node': node, 'passed': not failed, 'failed': failed, 'counts': counts, 'checks': checks}


def validation_table(result):
    """A readable table of one node's checks, as lines."""
    lines = ['%-20s %-8s %s' % ('check', 'status', 'detail')]
    for check in result['checks']:
        lines.append('%-20s %-8s %s' % (check['name'], check['status'].upper(), check['detail']))
    return lines


def validation_fleet(results, hosts):
    """One line per host: the fleet summary. A host without a result failed before validation."""
    width = max([len(h) for h in hosts] + [4])
    lines = []
    for host in hosts:
        result = (results or {}).get(host)
        if not result:
            lines.append('%s  NO REPORT  (failed or unreachable before validation)' % host.ljust(width))
            continue
        c = result['counts']
        state = 'PASS' if result['passed'] else 'FAIL'
        line = '%s  %-4s  %d pass, %d warn, %d skipped, %d fail' % (
            host.ljust(width), state, c['pass'], c['warn'], c['skipped'], c['fail'])
        if result['failed']:
            line += '  [%s]' % ', '.join(result['failed'])
        lines.append(line)
    total = len(hosts)
    passed = sum(1 for h in hosts if ((results or {}).get(h) or {}).get('passed'))
    lines.append('%d of %d nodes passed' % (passed, total))
    return lines
