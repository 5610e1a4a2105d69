# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validate checks that run only on a booted host, fed what the probes print there.

roles/validate/tasks/probe.yml and read_running.yml run only where linuxai_environment says
runtime_changes_allowed and the topology is live, so no container test reaches them. Here their
registered results are built as the modules that ran them register them (ansible.builtin.command:
rc, stdout, stderr, msg 'non-zero return code' on a failure, the exec error where the tool is
missing; ansible.builtin.systemd_service: status), with the tools' own output, and handed to the
validation_report filter in the dict roles/validate/tasks/report.yml builds. The topology is the
HGX H100 and MI300X fixture machines' probe answer, as read on the node itself (live).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.linuxai.node.plugins.filter import validation as f
from ansible_collections.linuxai.node.plugins.module_utils import _driver_choice as choice

BOOTED = {'container': 'none', 'in_container': False, 'booted': True, 'runtime_changes_allowed': True}

# /proc/driver/nvidia/version of the open modules of R580 (NVIDIA's repository, Debian 13) and of the
# release before it on the same node: the kernel still runs it after an upgrade until the reboot.
PROC_580_95 = ('NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.95.05  Release Build  '
               '(dvs-builder@U22-I3-AF03-09-1)  Tue Sep 23 09:55:41 UTC 2025\n'
               'GCC version:  gcc version 14.2.0 (Debian 14.2.0-19) \n')
PROC_580_65 = PROC_580_95.replace('580.95.05', '580.65.06')
# NVIDIA's repository on Debian: nvidia-driver-cuda carries the driver version; apt-mark showhold lists it.
PACKAGES_580_95 = {'nvidia-driver-cuda': [{'name': 'nvidia-driver-cuda', 'version': '580.95.05-1', 'source': 'apt'}],
                   'nvidia-kernel-open-dkms': [{'name': 'nvidia-kernel-open-dkms', 'version': '580.95.05-1', 'source': 'apt'}],
                   'docker-ce': [{'name': 'docker-ce', 'version': '5:28.5.1-1~debian.13~trixie', 'source': 'apt'}],
                   'containerd.io': [{'name': 'containerd.io', 'version': '1.7.28-1~debian.13~trixie', 'source': 'apt'}]}
HELD = ['nvidia-driver-cuda', 'nvidia-kernel-open-dkms']

# systemctl show --property=Id,LoadState,ActiveState,SubState docker.service containerd.service
SYSTEMCTL_RUNNING = ('Id=docker.service\nLoadState=loaded\nActiveState=active\nSubState=running\n\n'
                     'Id=containerd.service\nLoadState=loaded\nActiveState=active\nSubState=running\n')
# ansible.builtin.systemd_service's status of nvidia-fabricmanager.service (systemctl show, a few of its keys).
FM_ACTIVE = {'Id': 'nvidia-fabricmanager.service', 'LoadState': 'loaded', 'ActiveState': 'active', 'SubState': 'running',
             'UnitFileState': 'enabled', 'Result': 'success'}
FM_FAILED = dict(FM_ACTIVE, ActiveState='failed', SubState='failed', Result='exit-code')
FM_MISSING = {'Id': 'nvidia-fabricmanager.service', 'LoadState': 'not-found', 'ActiveState': 'inactive', 'SubState': 'dead'}
TUNED = {'file': '/etc/sysctl.d/90-linuxai-node.conf', 'file_exists': True, 'in_force': True, 'count': 21, 'drift_report': []}


def command(argv, rc=0, stdout='', stderr=''):
    """What ansible.builtin.command registers for a command that ran (failed_when: false)."""
    result = {'changed': False, 'cmd': list(argv), 'rc': rc, 'stdout': stdout, 'stderr': stderr,
              'stdout_lines': stdout.splitlines(), 'stderr_lines': stderr.splitlines(), 'msg': ''}
    if rc != 0:
        result.update(failed=True, msg='non-zero return code')
    return result


def not_installed(argv):
    """What ansible.builtin.command registers when the executable is missing (run_command's OSError)."""
    return {'changed': False, 'failed': True, 'cmd': list(argv), 'rc': 2, 'stdout': '', 'stderr': '',
            'msg': "[Errno 2] No such file or directory: b'%s'" % argv[0]}


SMI_ARGV = ['nvidia-smi', '--query-gpu=index,persistence_mode', '--format=csv,noheader']


def nvidia_smi(modes):
    """nvidia-smi --query-gpu=index,persistence_mode --format=csv,noheader: one "index, mode" line per GPU."""
    return command(SMI_ARGV, stdout='\n'.join('%d, %s' % (i, m) for i, m in enumerate(modes)))


def docker_run(rc=0, stdout='', stderr=''):
    argv = ['docker', 'run', '--rm', '--gpus', 'all', 'docker.io/library/ubuntu:24.04', 'nvidia-smi', '-L']
    result = command(argv, rc, stdout, stderr)
    # report.yml: combine({'engine': __validate_container.cmd[0]})
    return dict(result, engine=result['cmd'][0])


SMI_L = '\n'.join('GPU %d: NVIDIA H100 80GB HBM3 (UUID: GPU-4b1d5a3e-0c2f-4e1a-9d6b-7f8e9a0b1c%02d)' % (i, i) for i in range(8))


@pytest.fixture
def hgx(machine_facts):
    """The HGX H100 fixture's topology as the node itself reads it: 8 H100 SXM, 4 NVSwitches."""
    facts = machine_facts('hgx_h100')
    facts.update(live=True, root='/')
    return facts


@pytest.fixture
def mi300x(machine_facts):
    facts = machine_facts('mi300x')
    facts.update(live=True, root='/')
    return facts


def hgx_inputs(topology, **changes):
    """report.yml's inputs of a healthy HGX node with NVIDIA's R580 driver, less or plus the changes."""
    data = {'environment': BOOTED, 'topology': topology, 'packages': PACKAGES_580_95, 'holds': HELD,
            'systemctl_show': SYSTEMCTL_RUNNING, 'nvidia_proc_version': PROC_580_95,
            'nvidia_smi': nvidia_smi(['Enabled'] * 8), 'fabric_manager': FM_ACTIVE,
            'amdgpu_loaded': False, 'amdgpu_version': '', 'amd_smi': None,
            'container': docker_run(stdout=SMI_L), 'smoke_enabled': True, 'tuning': TUNED,
            'reboot_flags': {'kernel_tuning': False, 'nvidia_driver': False, 'rocm': False, 'container_runtime': False},
            'reboot_required_file': False}
    data.update(changes)
    return data


def checks_of(data):
    return dict((c['name'], (c['status'], c['detail'])) for c in f.validation_report(data, 'hgx-01')['checks'])


def test_a_healthy_hgx_node_passes_every_check_it_can_make(hgx):
    result = f.validation_report(hgx_inputs(hgx), 'hgx-01')
    assert result['passed'] and result['failed'] == []
    assert result['counts'] == {'pass': 9, 'fail': 0, 'warn': 0, 'skipped': 2}
    checks = dict((c['name'], (c['status'], c['detail'])) for c in result['checks'])
    assert checks == {
        'nvidia_driver': ('pass', 'kernel module and userspace 580.95.05'),
        'nvidia_smi': ('pass', 'nvidia-smi sees 8 GPUs'),
        'nvidia_persistence': ('pass', 'enabled on 8 GPUs'),
        'fabric_manager': ('pass', 'nvidia-fabricmanager active for 4 NVSwitches'),
        'amd_driver': ('skipped', 'no AMD GPU'),
        'amd_smi': ('skipped', 'no AMD GPU'),
        'driver_packages': ('pass', 'nvidia-driver-cuda 580.95.05 installed and held'),
        'container_engine': ('pass', 'docker.service, containerd.service running'),
        'container_gpu': ('pass', 'a docker container sees the GPUs'),
        'tuning': ('pass', '21 sysctls in force'),
        'reboot': ('pass', 'none pending'),
    }


# nvidia-smi after the userspace moved to 580.95.05 under a loaded 580.65.06 (exit 18, NVML_ERROR_LIB_RM_VERSION_MISMATCH),
# printed on stdout; ansible.builtin.command's msg is only 'non-zero return code'.
SMI_MISMATCH = 'Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 580.95'


def test_after_an_upgrade_without_a_reboot_the_node_is_not_validated(hgx):
    # nvidia_driver/tasks/run.yml decides from /sys/module/nvidia/version and the installed package.
    plan = choice.reboot_needed('580.95.05-1', '580.65.06\n', False, True)
    assert (plan['required'], plan['load_now'], plan['reasons']) == (True, False, ['driver 580.65.06 is loaded but 580.95.05 is installed'])
    data = hgx_inputs(hgx, nvidia_proc_version=PROC_580_65, nvidia_smi=command(SMI_ARGV, 18, stdout=SMI_MISMATCH),
                      reboot_flags={'kernel_tuning': False, 'nvidia_driver': plan['required']},
                      container=docker_run(125, stderr=DOCKER_HOOK.replace('driver not loaded', 'driver/library version mismatch')))
    result = f.validation_report(data, 'hgx-01')
    checks = dict((c['name'], (c['status'], c['detail'])) for c in result['checks'])
    assert not result['passed']
    assert result['failed'] == ['nvidia_driver', 'nvidia_smi', 'nvidia_persistence', 'container_gpu', 'reboot']
    assert checks['nvidia_driver'] == (
        'fail', 'kernel module 580.65.06, userspace 580.95.05 (nvidia-driver-cuda): reboot to load the installed driver')
    assert checks['nvidia_smi'] == ('fail', 'nvidia-smi exit 18: Failed to initialize NVML: Driver/library version mismatch')
    assert checks['nvidia_persistence'] == ('fail', 'unknown: nvidia-smi did not answer')
    assert checks['container_gpu'][0] == 'fail'
    assert checks['container_gpu'][1].endswith(
        'nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown.')
    assert checks['reboot'] == ('fail', 'pending for nvidia_driver')
    # What is read from the package database alone still passes.
    assert checks['driver_packages'] == ('pass', 'nvidia-driver-cuda 580.95.05 installed and held')


# nvidia-smi with the driver installed and no module loaded (exit 9: the driver is not loaded).
SMI_NO_DRIVER = ("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
                 "Make sure that the latest NVIDIA driver is installed and running.\n\n")


def test_a_driver_that_is_installed_and_not_loaded(hgx):
    # run.yml loads it at once when nothing else asks for a reboot.
    plan = choice.reboot_needed('580.95.05-1', '', False, True)
    assert (plan['required'], plan['load_now']) == (False, True)
    checks = checks_of(hgx_inputs(hgx, nvidia_proc_version='', nvidia_smi=command(SMI_ARGV, 9, stdout=SMI_NO_DRIVER)))
    assert checks['nvidia_driver'] == ('fail', 'nvidia kernel module not loaded (nvidia-driver-cuda 580.95.05 installed)')
    assert checks['nvidia_smi'] == ('fail', "nvidia-smi exit 9: NVIDIA-SMI has failed because it couldn't communicate with the "
                                            "NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.")


def test_nvidia_smi_missing_is_the_exec_error(hgx):
    checks = checks_of(hgx_inputs(hgx, nvidia_smi=not_installed(SMI_ARGV)))
    assert checks['nvidia_smi'] == ('fail', "nvidia-smi exit 2: [Errno 2] No such file or directory: b'nvidia-smi'")


@pytest.mark.parametrize('modes, status, detail', [
    (['Enabled'] * 8, 'pass', 'enabled on 8 GPUs'),
    (['Enabled', 'Enabled', 'Disabled', 'Enabled', 'Enabled', 'Disabled', 'Enabled', 'Enabled'], 'fail',
     'persistence mode off on GPU 2,5'),
    (['Disabled'] * 8, 'fail', 'persistence mode off on GPU 0,1,2,3,4,5,6,7'),
])
def test_persistence_mode_per_gpu(hgx, modes, status, detail):
    assert checks_of(hgx_inputs(hgx, nvidia_smi=nvidia_smi(modes)))['nvidia_persistence'] == (status, detail)


def test_a_gpu_missing_from_nvidia_smi(hgx):
    # A GPU that fell off the bus is gone from nvidia-smi's list while the PCI topology was read before.
    checks = checks_of(hgx_inputs(hgx, nvidia_smi=nvidia_smi(['Enabled'] * 7)))
    assert checks['nvidia_smi'] == ('fail', 'nvidia-smi lists 7 GPUs, the node has 8')


@pytest.mark.parametrize('unit, status, detail', [
    (FM_ACTIVE, 'pass', 'nvidia-fabricmanager active for 4 NVSwitches'),
    (FM_FAILED, 'fail', 'nvidia-fabricmanager.service failed, 4 NVSwitches'),
    (dict(FM_ACTIVE, ActiveState='activating', SubState='start'), 'fail', 'nvidia-fabricmanager.service activating, 4 NVSwitches'),
    (FM_MISSING, 'fail', 'nvidia-fabricmanager.service not installed, 4 NVSwitches'),
    ({}, 'fail', 'nvidia-fabricmanager.service unknown, 4 NVSwitches'),
])
def test_fabric_manager_on_an_nvswitch_node(hgx, unit, status, detail):
    assert checks_of(hgx_inputs(hgx, fabric_manager=unit))['fabric_manager'] == (status, detail)


# docker run --gpus all on a node whose docker has no NVIDIA runtime: the daemon's error, then docker's hint
# (docker/cli, cli/command/container/run.go, reportError).
DOCKER_NO_RUNTIME = ('docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].\n'
                     "See 'docker run --help'.\n")
# The image is not mirrored and the node cannot reach Docker Hub.
DOCKER_NO_IMAGE = ("Unable to find image 'docker.io/library/ubuntu:24.04' locally\n"
                   'docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup '
                   'registry-1.docker.io on 127.0.0.53:53: server misbehaving.\n'
                   "See 'docker run --help'.\n")
# The NVIDIA runtime hook fails because the driver is not loaded: its reason is on the next line.
DOCKER_HOOK = ('docker: Error response from daemon: failed to create task for container: failed to create shim task: '
               'OCI runtime create failed: runc create failed: unable to start container process: error during container '
               "init: error running prestart hook #0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\n"
               'nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown.\n')


@pytest.mark.parametrize('result, detail', [
    (docker_run(125, stderr=DOCKER_NO_RUNTIME),
     'docker run exit 125: docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].'),
    (docker_run(125, stderr=DOCKER_NO_IMAGE),
     'docker run exit 125: docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup '
     'registry-1.docker.io on 127.0.0.53:53: server misbehaving.'),
    (docker_run(125, stderr=DOCKER_HOOK),
     'docker run exit 125: ' + DOCKER_HOOK.strip().replace('\n', ' ')),
])
def test_a_failed_docker_smoke_test_says_why(hgx, result, detail):
    assert checks_of(hgx_inputs(hgx, container=result))['container_gpu'] == ('fail', detail)


def test_a_failed_podman_smoke_test_says_why(hgx):
    # podman run --device nvidia.com/gpu=all without a CDI specification (nvidia-ctk cdi generate not run).
    argv = ['podman', 'run', '--rm', '--device', 'nvidia.com/gpu=all', '--security-opt', 'label=disable',
            'docker.io/library/ubuntu:24.04', 'nvidia-smi', '-L']
    result = command(argv, 126, stderr='Error: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all\n')
    checks = checks_of(hgx_inputs(hgx, container=dict(result, engine='podman')))
    assert checks['container_gpu'] == ('fail', 'podman run exit 126: Error: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all')


def test_check_mode_runs_no_container(hgx):
    # validate in check mode (audit, upgrade_driver --check) must not pull or run an image.
    checks = checks_of(hgx_inputs(hgx, check_mode=True))
    assert checks['container_gpu'] == ('skipped', 'check mode: no image is pulled or run')


def test_the_smoke_test_that_did_not_run(hgx):
    # report.yml passes none when no engine was found or the test is turned off.
    assert checks_of(hgx_inputs(hgx, container=None))['container_gpu'] == (
        'skipped', 'no container engine (docker, podman) installed')
    assert checks_of(hgx_inputs(hgx, smoke_enabled=False))['container_gpu'] == (
        'skipped', 'validate_container_smoke_test is false')


def test_engine_daemons_from_systemctl_show_on_the_node(hgx):
    down = SYSTEMCTL_RUNNING.replace('Id=docker.service\nLoadState=loaded\nActiveState=active\nSubState=running',
                                     'Id=docker.service\nLoadState=loaded\nActiveState=failed\nSubState=failed')
    assert checks_of(hgx_inputs(hgx, systemctl_show=down))['container_engine'] == ('fail', 'docker.service failed')


def test_the_tuning_drift_kernel_tuning_info_reports(hgx):
    drift = ['sysctl kernel.numa_balancing: running 1, want 0', 'sysctl vm.swappiness: running 60, want 10',
             'sysctl vm.max_map_count: running 65530, want 1048576', 'sysctl fs.file-max: running 9223372036854775807, want 4194304']
    tuning = dict(TUNED, in_force=False, drift_report=drift)
    assert checks_of(hgx_inputs(hgx, tuning=tuning))['tuning'] == ('fail', '4 not in force: ' + '; '.join(drift[:3]))
    assert checks_of(hgx_inputs(hgx, tuning=dict(TUNED, file_exists=False, in_force=False, count=0)))['tuning'] == (
        'skipped', 'no sysctl profile /etc/sysctl.d/90-linuxai-node.conf (kernel_tuning not applied)')


@pytest.mark.parametrize('flags, reboot_file, status, detail', [
    ({'kernel_tuning': True, 'nvidia_driver': True, 'rocm': False}, False, 'fail', 'pending for kernel_tuning, nvidia_driver'),
    ({'kernel_tuning': False}, True, 'warn', '/run/reboot-required exists (package updates)'),
])
def test_reboot_on_a_booted_node(hgx, flags, reboot_file, status, detail):
    checks = checks_of(hgx_inputs(hgx, reboot_flags=flags, reboot_required_file=reboot_file))
    assert checks['reboot'] == (status, detail)


# --- AMD ---------------------------------------------------------------------------------
# amd-smi list on an MI300X node (one block per GPU).
AMD_SMI_LIST = ''.join('GPU: %d\n    BDF: 0000:%02x:00.0\n    UUID: 6eff74a1-0000-1000-80%02d-84c354560001\n    KFD_ID: %d\n'
                       '    NODE_ID: %d\n    PARTITION_ID: 0\n\n' % (i, 0x11 + 0x20 * i, i, 45412 + i, i + 2) for i in range(8))
AMD_SMI_ARGV = 'set -o pipefail\nif command -v amd-smi >/dev/null; then amd-smi list; else rocm-smi --showid; fi\n'
# amd-smi where amdgpu is not loaded: its errors on stderr, exit -1 (255).
AMD_SMI_NO_DRIVER = ('ERROR:root:Unable to get devices, driver not initialized (amdgpu not found in modules)\n'
                     'ERROR:root:Unable to detect any GPU devices, check amdgpu version and module status (sudo modprobe amdgpu)\n')
AMDGPU_DKMS = {'amdgpu-dkms': [{'name': 'amdgpu-dkms', 'version': '1:6.12.12.60400-2147987.24.04', 'source': 'apt'}],
               'rocminfo': [{'name': 'rocminfo', 'version': '1.0.0.60400-47~24.04', 'source': 'apt'}],
               'amd-smi-lib': [{'name': 'amd-smi-lib', 'version': '25.3.0.60400-47~24.04', 'source': 'apt'}]}


def amd_inputs(topology, **changes):
    data = {'environment': BOOTED, 'topology': topology, 'packages': AMDGPU_DKMS, 'holds': None,
            'systemctl_show': None, 'nvidia_proc_version': '', 'nvidia_smi': None, 'fabric_manager': {},
            'amdgpu_loaded': True, 'amdgpu_version': '6.12.12\n',
            # report.yml: combine({'tool': 'amd-smi'})
            'amd_smi': dict(command(['/bin/bash', '-c', AMD_SMI_ARGV], stdout=AMD_SMI_LIST), tool='amd-smi'),
            'container': None, 'smoke_enabled': True, 'tuning': dict(TUNED, file_exists=False), 'reboot_flags': {},
            'reboot_required_file': False}
    data.update(changes)
    return data


def test_a_healthy_mi300x_node(mi300x):
    checks = checks_of(amd_inputs(mi300x))
    assert checks['amd_driver'] == ('pass', 'amdgpu 6.12.12 loaded and installed')
    assert checks['amd_smi'] == ('pass', 'amd-smi sees 8 GPUs')
    assert checks['driver_packages'] == ('pass', 'amd-smi-lib, rocminfo installed, amdgpu-dkms 6.12.12.60400-2147987.24.04')
    assert checks['nvidia_driver'] == ('skipped', 'no NVIDIA GPU')


@pytest.mark.parametrize('loaded, status, detail', [
    # The amdgpu of ROCm 6.3 still loaded under ROCm 6.4's amdgpu-dkms.
    ('6.10.5\n', 'fail', 'amdgpu 6.10.5 loaded, amdgpu-dkms 6.12.12.60400-2147987.24.04 installed: reboot'),
    # A version that is only the start of the installed one is another version.
    ('6.12.1\n', 'fail', 'amdgpu 6.12.1 loaded, amdgpu-dkms 6.12.12.60400-2147987.24.04 installed: reboot'),
    ('6.12.12\n', 'pass', 'amdgpu 6.12.12 loaded and installed'),
])
def test_the_loaded_amdgpu_against_amdgpu_dkms(mi300x, loaded, status, detail):
    assert checks_of(amd_inputs(mi300x, amdgpu_version=loaded))['amd_driver'] == (status, detail)


def test_amdgpu_not_loaded(mi300x):
    amd_smi = dict(command(['/bin/bash', '-c', AMD_SMI_ARGV], 255, stderr=AMD_SMI_NO_DRIVER), tool='amd-smi')
    checks = checks_of(amd_inputs(mi300x, amdgpu_loaded=False, amdgpu_version='', amd_smi=amd_smi))
    assert checks['amd_driver'] == ('fail', 'amdgpu kernel module not loaded')
    assert checks['amd_smi'] == ('fail', 'amd-smi exit 255: ERROR:root:Unable to get devices, driver not initialized '
                                         '(amdgpu not found in modules)')


def test_neither_amd_smi_nor_rocm_smi_installed(mi300x):
    amd_smi = dict(command(['/bin/bash', '-c', AMD_SMI_ARGV], 127, stderr='/bin/bash: line 2: rocm-smi: command not found\n'),
                   tool='amd-smi')
    assert checks_of(amd_inputs(mi300x, amd_smi=amd_smi))['amd_smi'] == (
        'fail', 'amd-smi exit 127: /bin/bash: line 2: rocm-smi: command not found')


def test_an_amd_smoke_test_without_dev_kfd(mi300x):
    argv = ['podman', 'run', '--rm', '--device', '/dev/kfd', '--device', '/dev/dri', '--group-add', 'video',
            'docker.io/library/ubuntu:24.04', 'sh', '-c', 'test -c /dev/kfd && ls /dev/dri/renderD*']
    result = command(argv, 125, stderr='Error: stat /dev/kfd: no such file or directory\n')
    checks = checks_of(amd_inputs(mi300x, container=dict(result, engine='podman')))
    assert checks['container_gpu'] == ('fail', 'podman run exit 125: Error: stat /dev/kfd: no such file or directory')


# --- nvidia_driver: run.yml and the DKMS check ------------------------------------------------
# run.yml hands nvidia_reboot_needed the installed package's version, /sys/module/nvidia/version (slurped:
# the version and a newline, '' where no nvidia module is loaded), whether /sys/module/nouveau exists and the
# Secure Boot step's reason.
@pytest.mark.parametrize('installed, loaded, nouveau, extra, required, load_now, reasons', [
    # The driver this run installed is the one loaded: nothing to do.
    ('580.95.05-1', '580.95.05\n', False, [], False, False, []),
    # RHEL, NVIDIA's repository (an epoch in the package version), nothing loaded yet: load it now.
    ('3:580.95.05-1.el9', '', False, [], False, True, []),
    # A fresh install on a node whose nouveau was blacklisted before the boot: load it now.
    ('580.95.05-0ubuntu0.24.04.2', '', False, [], False, True, []),
    # nouveau still holds the GPUs: the blacklist needs a boot.
    ('580.95.05-1', '', True, [], True, False, ['nouveau is loaded and holds the GPUs']),
    # An upgrade under a loaded older driver.
    ('580.95.05-1', '580.65.06\n', False, [], True, False, ['driver 580.65.06 is loaded but 580.95.05 is installed']),
    # A queued MOK enrolment stops the load as well.
    ('580.95.05-1', '', False, ['the module signing key is queued for MOK enrolment'], True, False,
     ['the module signing key is queued for MOK enrolment']),
])
def test_the_reboot_decision_of_nvidia_driver_on_a_booted_node(installed, loaded, nouveau, extra, required, load_now, reasons):
    plan = choice.reboot_needed(installed, loaded, nouveau, True, extra)
    assert (plan['required'], plan['load_now'], plan['reasons']) == (required, load_now, reasons)


# dkms status (dkms 3) after a kernel upgrade on Debian 13 with NVIDIA's repository: the new kernel's build is
# only "built" (its install failed); the suffix DKMS adds where the installed module differs from its build
# (a signed copy) still means installed; another NVIDIA module (GPUDirect Storage's nvidia-fs) is not the driver.
DKMS_DEBIAN13 = """nvidia/580.95.05, 6.12.43+deb13-amd64, x86_64: installed (WARNING! Diff between built and installed module!)
nvidia/580.95.05, 6.12.48+deb13-amd64, x86_64: built
nvidia-fs/2.26.6, 6.12.43+deb13-amd64, x86_64: installed
"""
# Debian 13's own driver, built for the old kernel only.
DKMS_DEBIAN13_ARCHIVE = 'nvidia-current/550.163.01, 6.12.43+deb13-amd64, x86_64: installed\n'


@pytest.mark.parametrize('status, kernels, installed, missing, modules', [
    (DKMS_DEBIAN13, ['6.12.43+deb13-amd64', '6.12.48+deb13-amd64'], ['6.12.43+deb13-amd64'], ['6.12.48+deb13-amd64'],
     ['nvidia/580.95.05']),
    (DKMS_DEBIAN13.replace('x86_64: built', 'x86_64: installed'), ['6.12.43+deb13-amd64', '6.12.48+deb13-amd64'],
     ['6.12.43+deb13-amd64', '6.12.48+deb13-amd64'], [], ['nvidia/580.95.05']),
    (DKMS_DEBIAN13_ARCHIVE, ['6.12.43+deb13-amd64', '6.12.48+deb13-amd64'], ['6.12.43+deb13-amd64'], ['6.12.48+deb13-amd64'],
     ['nvidia-current/550.163.01']),
    # Added to DKMS, built for no kernel (dkms 3 prints module/version: added).
    ('nvidia/580.95.05: added\n', ['6.12.48+deb13-amd64'], [], ['6.12.48+deb13-amd64'], ['nvidia/580.95.05']),
    # Nothing known to DKMS (dkms status printed nothing).
    ('', ['6.12.48+deb13-amd64'], [], ['6.12.48+deb13-amd64'], []),
])
def test_dkms_status_of_a_booted_node(status, kernels, installed, missing, modules):
    report = choice.dkms_report(status, kernels)
    assert (report['installed'], report['missing'], report['modules']) == (installed, missing, modules)


def test_the_amdgpu_dkms_status_of_rocm():
    # roles/rocm/tasks/main.yml checks amdgpu with module_regex ^amdgpu$.
    status = ('amdgpu/6.12.12-2147987.24.04, 6.8.0-85-generic, x86_64: installed\n'
              'amdgpu/6.12.12-2147987.24.04, 6.8.0-87-generic, x86_64: built\n')
    report = choice.dkms_report(status, ['6.8.0-85-generic', '6.8.0-87-generic'], '^amdgpu$')
    assert (report['installed'], report['missing'], report['modules']) == (
        ['6.8.0-85-generic'], ['6.8.0-87-generic'], ['amdgpu/6.12.12-2147987.24.04'])
