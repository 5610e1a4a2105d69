# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Node validation checks from what the validate role reads on a node."""

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _validation as v
from ansible_collections.linuxai.node.plugins.filter import validation as f

BOOTED = {'container': 'none', 'booted': True, 'runtime_changes_allowed': True}
CONTAINER = {'container': 'podman', 'booted': True, 'runtime_changes_allowed': False}
PROC_535 = ('NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.261.03  Release Build  (dvs-builder@U16)\n'
            'GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n')
PROC_OPEN_550 = 'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.163.01  Release Build\n'


def topology(nvidia=0, amd=0, nvswitches=0, live=True):
    gpus = [{'index': i, 'vendor': 'nvidia'} for i in range(nvidia)] + [{'index': i, 'vendor': 'amd'} for i in range(amd)]
    return {'live': live, 'root': '/' if live else '/root/x.tar.gz', 'gpus': gpus,
            'nvswitches': {'count': nvswitches, 'bdfs': []}}


def smi(gpus, mode='Enabled', rc=0):
    return {'rc': rc, 'stdout': '\n'.join('%d, %s' % (i, mode) for i in range(gpus)), 'stderr': ''}


def by_name(checks):
    return dict((c['name'], c) for c in checks)


def test_nvidia_node_all_good():
    data = {'environment': BOOTED, 'topology': topology(nvidia=8, nvswitches=4),
            'packages': {'nvidia-smi': [{'version': '535.261.03-1~deb12u1'}]},
            'nvidia_proc_version': PROC_535, 'nvidia_smi': smi(8),
            'fabric_manager': {'LoadState': 'loaded', 'ActiveState': 'active'},
            'container': {'engine': 'docker', 'rc': 0, 'stdout': 'GPU 0: H100'},
            'tuning': {'file_exists': True, 'in_force': True, 'count': 20},
            'reboot_flags': {'nvidia_driver': False}}
    checks = by_name(v.validation_checks(data))
    for name in ('nvidia_driver', 'nvidia_smi', 'nvidia_persistence', 'fabric_manager', 'container_gpu', 'tuning', 'reboot'):
        assert checks[name]['status'] == 'pass', checks[name]
    assert checks['amd_driver']['status'] == 'skipped'
    assert checks['nvidia_driver']['detail'] == 'kernel module and userspace 535.261.03'


def test_version_mismatch_persistence_off_fabric_manager_down_and_reboot_pending():
    data = {'environment': BOOTED, 'topology': topology(nvidia=2, nvswitches=4),
            'packages': {'nvidia-driver-cuda': [{'version': '580.95.05-1'}]},
            'nvidia_proc_version': PROC_OPEN_550, 'nvidia_smi': smi(2, 'Disabled'),
            'fabric_manager': {'LoadState': 'loaded', 'ActiveState': 'failed'},
            'tuning': {'file_exists': True, 'in_force': False, 'drift_report': ['sysctl vm.swappiness: running 60, want 10']},
            'reboot_flags': {'nvidia_driver': True, 'kernel_tuning': False}}
    result = f.validation_report(data, 'gpu1')
    checks = by_name(result['checks'])
    assert 'kernel module 550.163.01, userspace 580.95.05' in checks['nvidia_driver']['detail']
    assert checks['nvidia_persistence']['detail'] == 'persistence mode off on GPU 0,1'
    assert checks['fabric_manager']['status'] == 'fail'
    assert checks['tuning']['status'] == 'fail' and 'vm.swappiness' in checks['tuning']['detail']
    assert checks['reboot']['detail'] == 'pending for nvidia_driver'
    assert not result['passed']
    assert result['failed'] == ['nvidia_driver', 'nvidia_persistence', 'fabric_manager', 'tuning', 'reboot']
    # No engine installed: the smoke test is skipped with the reason, not passed.
    assert checks['container_gpu'] == {'name': 'container_gpu', 'status': 'skipped',
                                       'detail': 'no container engine (docker, podman) installed'}


def test_module_not_loaded_and_smi_missing():
    data = {'environment': BOOTED, 'topology': topology(nvidia=1), 'packages': {},
            'nvidia_proc_version': '', 'nvidia_smi': {'rc': 2, 'msg': '[Errno 2] No such file or directory', 'stdout': ''}}
    checks = by_name(v.validation_checks(data))
    assert checks['nvidia_driver']['detail'] == 'nvidia kernel module not loaded (no driver package installed)'
    assert checks['nvidia_smi']['detail'].startswith('nvidia-smi exit 2: [Errno 2]')
    assert checks['nvidia_persistence']['status'] == 'fail'


def test_smi_sees_fewer_gpus_than_the_topology():
    data = {'environment': BOOTED, 'topology': topology(nvidia=8), 'packages': {'libcuda1': [{'version': '535.261.03-1'}]},
            'nvidia_proc_version': PROC_535, 'nvidia_smi': smi(7)}
    assert by_name(v.validation_checks(data))['nvidia_smi']['detail'] == 'nvidia-smi lists 7 GPUs, the node has 8'


@pytest.mark.parametrize('env,topo,reason', [
    (CONTAINER, topology(nvidia=8, nvswitches=4, live=False), 'topology replayed from /root/x.tar.gz, not this machine'),
    (CONTAINER, topology(nvidia=8, nvswitches=4), 'podman container: no kernel modules or GPUs of its own'),
])
def test_container_and_replayed_topology_skip_with_reason(env, topo, reason):
    data = {'environment': env, 'topology': topo, 'packages': {'nvidia-smi': [{'version': '535.261.03-1'}]},
            'tuning': {'file_exists': True, 'file': '/etc/sysctl.d/90-linuxai-node.conf'}, 'reboot_flags': {}}
    result = f.validation_report(data, 'demo')
    checks = by_name(result['checks'])
    # What can be read in a container or from a replay still counts: the installed package.
    assert checks['driver_packages']['status'] == 'pass'
    assert checks['driver_packages']['detail'] == 'nvidia-smi 535.261.03 installed'
    assert all(c['status'] == 'skipped' for c in result['checks'] if c['name'] != 'driver_packages'), result['checks']
    assert checks['nvidia_driver']['detail'] == reason + ' (nvidia-smi 535.261.03 installed)'
    assert checks['fabric_manager']['detail'] == reason + ' (4 NVSwitches in the topology)'
    assert checks['tuning']['detail'] == "podman container: the running kernel is the host's; profile written"
    assert result['passed'] and result['counts']['pass'] == 1


def test_reboot_flags_in_a_container_are_reported_not_failed():
    data = {'environment': CONTAINER, 'topology': topology(), 'reboot_flags': {'kernel_tuning': True, 'rocm': False}}
    result = f.validation_report(data, 'demo')
    assert by_name(result['checks'])['reboot'] == {
        'name': 'reboot', 'status': 'skipped',
        'detail': 'not a booted host: nothing here would reboot; a booted node would need one for kernel_tuning'}
    assert result['passed']


def test_cpu_node_without_tuning_file():
    data = {'environment': BOOTED, 'topology': topology(), 'tuning': {'file_exists': False, 'file': '/etc/x.conf'}}
    checks = by_name(v.validation_checks(data))
    assert checks['nvidia_driver']['detail'] == 'no NVIDIA GPU'
    assert checks['amd_driver']['detail'] == 'no AMD GPU'
    assert checks['container_gpu']['detail'] == 'no GPU'
    assert checks['tuning']['detail'] == 'no sysctl profile /etc/x.conf (kernel_tuning not applied)'
    assert checks['reboot']['status'] == 'pass'


def test_reboot_required_file_is_a_warning():
    data = {'environment': BOOTED, 'topology': topology(), 'reboot_required_file': True}
    result = f.validation_report(data, 'n')
    assert by_name(result['checks'])['reboot']['status'] == 'warn'
    assert result['passed']


@pytest.mark.parametrize('loaded,packages,status,detail', [
    ('', {}, 'pass', "the kernel's own amdgpu (no separate module version)"),
    ('6.10.5', {'amdgpu-dkms': [{'version': '1:6.10.5.60300-2084815.24.04'}]}, 'pass', 'amdgpu 6.10.5 loaded and installed'),
    ('6.8.5', {'amdgpu-dkms': [{'version': '1:6.10.5.60300-2084815.24.04'}]}, 'fail',
     'amdgpu 6.8.5 loaded, amdgpu-dkms 6.10.5.60300-2084815.24.04 installed: reboot'),
])
def test_amd_driver_versions(loaded, packages, status, detail):
    data = {'environment': BOOTED, 'topology': topology(amd=8), 'packages': packages, 'amdgpu_loaded': True,
            'amdgpu_version': loaded, 'amd_smi': {'rc': 0, 'stdout': 'GPU: 0\n', 'tool': 'amd-smi'}}
    checks = by_name(v.validation_checks(data))
    assert (checks['amd_driver']['status'], checks['amd_driver']['detail']) == (status, detail)
    assert checks['amd_smi']['status'] == 'pass'


def test_amdgpu_not_loaded_and_container_smoke_test_failure():
    data = {'environment': BOOTED, 'topology': topology(amd=1), 'amdgpu_loaded': False,
            'amd_smi': {'rc': 1, 'stderr': 'no GPU found', 'tool': 'amd-smi'},
            'container': {'engine': 'podman', 'rc': 125, 'stderr': 'Error: device /dev/kfd: no such file'}}
    checks = by_name(v.validation_checks(data))
    assert checks['amd_driver']['detail'] == 'amdgpu kernel module not loaded'
    assert checks['amd_smi']['detail'] == 'amd-smi exit 1: no GPU found'
    assert checks['container_gpu']['detail'] == 'podman run exit 125: Error: device /dev/kfd: no such file'


def test_table_and_fleet():
    good = f.validation_report({'environment': BOOTED, 'topology': topology()}, 'cpu1')
    bad = f.validation_report({'environment': BOOTED, 'topology': topology(nvidia=1), 'nvidia_proc_version': ''}, 'gpu-node-17')
    table = f.validation_table(bad)
    assert table[0].split() == ['check', 'status', 'detail']
    assert table[1].startswith('nvidia_driver        FAIL     nvidia kernel module not loaded')
    lines = f.validation_fleet({'cpu1': good, 'gpu-node-17': bad, 'gone': None}, ['cpu1', 'gpu-node-17', 'gone'])
    assert lines[0] == 'cpu1         PASS  1 pass, 0 warn, 10 skipped, 0 fail'
    assert lines[1].startswith('gpu-node-17  FAIL  1 pass, 0 warn, 6 skipped, 4 fail  [nvidia_driver, nvidia_smi, nvidia_persistence, driver_packages]')
    assert lines[2] == 'gone         NO REPORT  (failed or unreachable before validation)'
    assert lines[3] == '1 of 3 nodes passed'


def test_bad_input_is_a_filter_error():
    from ansible.errors import AnsibleFilterError
    with pytest.raises(AnsibleFilterError, match='validation_report: expected a dict'):
        f.FilterModule().filters()['validation_report']({'topology': {}}, 'n')


def test_proc_and_package_versions():
    assert v.nvidia_proc_version(PROC_535) == '535.261.03'
    assert v.nvidia_proc_version(PROC_OPEN_550) == '550.163.01'
    assert v.nvidia_proc_version('garbage') is None
    assert v.package_version({'libnvidia-compute-580-server': [{'version': '580.95.05-0ubuntu1'}]}, v.NVIDIA_USERSPACE) == \
        ('libnvidia-compute-580-server', '580.95.05')
    assert v.package_version({}, v.NVIDIA_USERSPACE) == (None, None)


@pytest.mark.parametrize('nvidia,amd,packages,holds,status,detail', [
    (8, 0, {'libcuda1': [{'version': '535.261.03-1~deb12u1'}]}, ['libcuda1', 'nvidia-smi'], 'pass',
     'libcuda1 535.261.03 installed and held'),
    (8, 0, {'libcuda1': [{'version': '535.261.03-1~deb12u1'}]}, [], 'warn',
     'libcuda1 535.261.03 installed, not held: an upgrade may replace the driver under running jobs'),
    (8, 0, {'libcuda1': [{'version': '535.261.03-1~deb12u1'}]}, None, 'pass', 'libcuda1 535.261.03 installed'),
    (8, 0, {'bash': [{'version': '5.2'}]}, [], 'fail', 'no NVIDIA driver package installed, 8 NVIDIA GPUs'),
    (0, 8, {'rocminfo': [{'version': '6.1.2-1'}], 'amd-smi': [{'version': '6.1'}]}, None, 'pass', 'amd-smi, rocminfo installed'),
    (0, 8, {'rocminfo': [{'version': '1.0.0.70002-56~24.04'}], 'amdgpu-dkms': [{'version': '1:6.14.14.30100000-2193512.24.04'}]},
     None, 'pass', 'rocminfo installed, amdgpu-dkms 6.14.14.30100000-2193512.24.04'),
    (0, 2, {}, None, 'fail', 'no ROCm tools (rocminfo, amd-smi) installed, 2 AMD GPUs'),
    (0, 0, {}, None, 'skipped', 'no GPU'),
])
def test_driver_packages_are_checked_in_containers_too(nvidia, amd, packages, holds, status, detail):
    data = {'environment': CONTAINER, 'topology': topology(nvidia=nvidia, amd=amd, live=False),
            'packages': packages, 'holds': holds}
    check = by_name(f.validation_report(data, 'n')['checks'])['driver_packages']
    assert (check['status'], check['detail']) == (status, detail)


@pytest.mark.parametrize('packages,services,status,detail', [
    ({'docker.io': [{}], 'containerd': [{}]},
     {'docker.service': {'state': 'running'}, 'containerd.service': {'state': 'running'}},
     'pass', 'docker.service, containerd.service running'),
    ({'docker-ce': [{}], 'containerd.io': [{}]},
     {'docker.service': {'state': 'stopped'}, 'containerd.service': {'state': 'running'}},
     'fail', 'docker.service stopped'),
    ({'containerd': [{}]}, {}, 'fail', 'containerd.service missing'),
    ({'podman': [{}]}, {}, 'skipped', 'no docker or containerd installed'),
    ({'docker.io': [{}]}, None, 'skipped', 'service states not read'),
])
def test_container_engine_daemons(packages, services, status, detail):
    data = {'environment': CONTAINER, 'topology': topology(), 'packages': packages, 'services': services}
    check = by_name(f.validation_report(data, 'n')['checks'])['container_engine']
    assert (check['status'], check['detail']) == (status, detail)


# systemctl show --property=Id,LoadState,ActiveState,SubState docker.service containerd.service, as systemd prints it.
SYSTEMCTL_SHOW = """ActiveState=active
SubState=running
LoadState=loaded
Id=docker.service

ActiveState=inactive
SubState=dead
LoadState=not-found
Id=containerd.service
"""


def test_systemctl_show_in_service_facts_terms():
    assert v.parse_systemctl_show(SYSTEMCTL_SHOW) == {
        'docker.service': {'name': 'docker.service', 'state': 'running', 'source': 'systemd'}}
    failed = SYSTEMCTL_SHOW.replace('ActiveState=active\nSubState=running', 'ActiveState=failed\nSubState=failed')
    assert v.parse_systemctl_show(failed)['docker.service']['state'] == 'failed'
    assert v.parse_systemctl_show('') == {}


@pytest.mark.parametrize('packages,status,detail', [
    ({'docker.io': [{}]}, 'pass', 'docker.service running'),
    ({'docker.io': [{}], 'containerd': [{}]}, 'fail', 'containerd.service missing'),
])
def test_container_engine_daemons_from_systemctl_show(packages, status, detail):
    data = {'environment': CONTAINER, 'topology': topology(), 'packages': packages, 'systemctl_show': SYSTEMCTL_SHOW}
    check = by_name(f.validation_report(data, 'n')['checks'])['container_engine']
    assert (check['status'], check['detail']) == (status, detail)
