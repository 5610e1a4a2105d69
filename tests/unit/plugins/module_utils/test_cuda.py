# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CUDA driver compatibility rules and nccl.conf rendering from fixture topologies."""

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _cuda
from ansible_collections.linuxai.node.plugins.filter import cuda as cuda_filters


# --- compatibility: the release notes' table -------------------------------------------------

@pytest.mark.parametrize('toolkit, native', [
    ('11.8', '520.61.05'), ('12.0', '525.60.13'), ('12.2', '535.54.03'), ('12.4', '550.54.14'),
    ('12.6', '560.28.03'), ('12.8', '570.26'), ('12.9', '575.51.03'), ('13.0', '580.65.06'),
])
def test_native_minimum_is_the_release_notes_value(toolkit, native):
    assert _cuda.compatibility(toolkit, native)['status'] == 'native'
    below = native.rsplit('.', 1)[0] + '.' + str(int(native.rsplit('.', 1)[1]) - 1)
    assert _cuda.compatibility(toolkit, below)['status'] != 'native'


@pytest.mark.parametrize('toolkit, driver, status', [
    ('12.4', '550.54.14', 'native'),
    ('12.4', '550.163.01', 'native'),       # Debian 13's driver
    ('12.4', '535.261.03', 'minor'),        # Debian 12's driver: 12.x minor-version compatibility
    ('12.4', '525.60.13', 'minor'),
    ('12.4', '525.60.12', 'error'),
    ('12.0', '520.61.05', 'error'),
    ('11.8', '520.61.05', 'native'),
    ('11.8', '470.82.01', 'minor'),
    ('11.8', '450.80.02', 'minor'),
    ('11.8', '450.51.06', 'error'),
    ('11.0', '450.51.05', 'native'),
    ('13.0', '575.51.03', 'error'),         # 12.x drivers do not run 13.x
    ('12.8', '580.65.06', 'native'),        # newer drivers run older toolkits
    ('10.2', '440.33', 'native'),
    ('10.2', '418.39', 'error'),            # no minor-version compatibility before CUDA 11
])
def test_compatibility_status(toolkit, driver, status):
    result = _cuda.compatibility(toolkit, driver)
    assert result['status'] == status
    assert result['ok'] == (status != 'error')


def test_error_names_both_minimums_and_the_way_out():
    result = _cuda.compatibility('12.4', '470.82.01')
    assert not result['ok']
    assert '550.54.14' in result['message'] and '525.60.13' in result['message']
    assert 'cuda_toolkit_forward_compat' in result['message']


def test_forward_compatibility_turns_the_error_into_a_warning():
    result = _cuda.compatibility('12.4', '470.82.01', forward_compat=True)
    assert result['status'] == 'forward' and result['ok']
    assert 'cuda-compat-12-4' in result['message']


def test_minor_compatibility_warns_about_ptx_jit():
    assert 'PTX' in _cuda.compatibility('12.4', '535.261.03')['message']


@pytest.mark.parametrize('driver, status', [('550', 'native'), ('535', 'minor'), ('580', 'native'), ('470', 'error')])
def test_a_planned_branch_stands_for_its_newest_release(driver, status):
    assert _cuda.compatibility('12.4', driver)['status'] == status


@pytest.mark.parametrize('value, version', [
    ('550.163.01-2', '550.163.01'), ('1:550.54.14-1~deb13u1', '550.54.14'), ('535.261.03-1~deb12u1', '535.261.03'),
    ('580.95.05-0ubuntu0.24.04.2', '580.95.05'), ('550', '550'), ('', ''), (None, ''), ('1.2', ''),
])
def test_driver_version_from_packages_and_nvml(value, version):
    assert _cuda.driver_version(value) == version


def test_unknown_driver_is_a_note_not_an_error():
    result = _cuda.compatibility('12.4', '')
    assert result['status'] == 'unknown' and result['ok'] and '550.54.14' in result['message']


def test_toolkit_missing_from_the_table_uses_the_family_and_says_so():
    result = _cuda.compatibility('12.7', '560.35.03')
    assert result['status'] == 'unknown' and result['ok'] and 'release notes' in result['message']
    assert _cuda.compatibility('12.7', '535.54.03')['status'] == 'minor'


@pytest.mark.parametrize('value', ['12-4', '12.4.131', 12.4])
def test_toolkit_spellings(value):
    assert _cuda.toolkit_version(value) == (12, 4)


def test_bad_toolkit_is_refused_by_the_filter():
    with pytest.raises(Exception, match='cuda_driver_compat: .*not a CUDA toolkit version'):
        cuda_filters.FilterModule().filters()['cuda_driver_compat']('twelve', '550.54.14')


# --- nccl.conf from fixture topologies --------------------------------------------------------

def settings(topology, overrides=None, relaxed='auto'):
    return dict(_cuda.nccl_settings(topology, overrides, relaxed))


def test_hgx_h100_uses_the_gpu_local_hcas_and_the_ethernet_nic(machine_facts):
    result = settings(machine_facts('hgx_h100'))
    assert result == {
        'NCCL_IB_HCA': '=mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7',
        'NCCL_SOCKET_IFNAME': '=eno1',
        'NCCL_IB_PCI_RELAXED_ORDERING': '2',
    }


def test_relaxed_ordering_is_forced_only_when_asked(machine_facts):
    assert settings(machine_facts('hgx_h100'), relaxed=True)['NCCL_IB_PCI_RELAXED_ORDERING'] == '1'


def test_overrides_merge_and_null_drops(machine_facts):
    overrides = {'NCCL_IB_HCA': None, 'NCCL_DEBUG': 'INFO', 'NCCL_IB_PCI_RELAXED_ORDERING': False}
    result = _cuda.nccl_settings(machine_facts('hgx_h100'), overrides)
    assert result == [['NCCL_SOCKET_IFNAME', '=eno1'], ['NCCL_IB_PCI_RELAXED_ORDERING', '0'], ['NCCL_DEBUG', 'INFO']]


def test_relaxed_ordering_can_be_left_to_nccl(machine_facts):
    assert 'NCCL_IB_PCI_RELAXED_ORDERING' not in settings(machine_facts('hgx_h100'), relaxed=False)


@pytest.mark.parametrize('machine, ifname', [
    ('workstation', 'eno1'),  # the I210
    ('no_gpu', 'eno1'),  # the I350's first port (eno2 the second)
    ('vm_numa_minus1', 'enp4s0'),  # the virtio-net NIC
])
def test_nodes_without_gpu_local_rdma_get_no_hca_list(machine_facts, machine, ifname):
    # Only NCCL_SOCKET_IFNAME, '=' for NCCL's exact interface name match.
    assert settings(machine_facts(machine)) == {'NCCL_SOCKET_IFNAME': '=' + ifname}


def test_amd_gpus_do_not_drive_nccl_hcas(machine_facts):
    assert 'NCCL_IB_HCA' not in settings(machine_facts('mi300x'))


def test_rendered_file(machine_facts):
    text = cuda_filters.FilterModule().filters()['cuda_nccl_conf'](machine_facts('hgx_h100'), {'NCCL_DEBUG': 'WARN'})
    lines = text.splitlines()
    assert lines[0].startswith('# Managed by linuxai.node.cuda_toolkit')
    assert lines[1:] == ['NCCL_IB_HCA==mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7',
                         'NCCL_SOCKET_IFNAME==eno1', 'NCCL_IB_PCI_RELAXED_ORDERING=2', 'NCCL_DEBUG=WARN']


@pytest.mark.parametrize('overrides, match', [
    ({'nccl_debug': 'INFO'}, 'not an NCCL variable'),
    ({'NCCL_DEBUG': 'a\nb'}, 'one line'),
    ('NCCL_DEBUG=INFO', 'must be a dict'),
])
def test_bad_overrides(machine_facts, overrides, match):
    with pytest.raises(Exception, match=match):
        cuda_filters.FilterModule().filters()['cuda_nccl_conf'](machine_facts('hgx_h100'), overrides)


def facts(distribution, family, major, version=None, architecture='x86_64'):
    return {'distribution': distribution, 'os_family': family, 'distribution_major_version': major,
            'distribution_version': version or major, 'architecture': architecture}


DEB_KEY = ('3bf863cc.pub', 'EB693B3035CD5710E231E123A4B469963BF863CC')
RPM_KEY = ('D42D0685.pub', '610C7B14E068A878070DA4E99CD0A493D42D0685')


# Each directory's key as NVIDIA publishes it (cuda-repo-management: SIGNATURES.md, issue #39, table of keys).
@pytest.mark.parametrize('system, directory, key', [
    (facts('Debian', 'Debian', '12'), 'debian12/x86_64', DEB_KEY),
    (facts('Debian', 'Debian', '13'), 'debian13/x86_64', ('8793F200.pub', '02182E60104FCDC26EAE1B8597A5D4CB8793F200')),
    (facts('Debian', 'Debian', '13', architecture='aarch64'), 'debian13/sbsa',
     ('8793F200.pub', '02182E60104FCDC26EAE1B8597A5D4CB8793F200')),
    (facts('Ubuntu', 'Debian', '22', '22.04'), 'ubuntu2204/x86_64', DEB_KEY),
    (facts('Ubuntu', 'Debian', '24', '24.04'), 'ubuntu2404/x86_64', DEB_KEY),
    (facts('Rocky', 'RedHat', '9', '9.5'), 'rhel9/x86_64', RPM_KEY),
    (facts('RedHat', 'RedHat', '8', '8.10', 'aarch64'), 'rhel8/sbsa', RPM_KEY),
    # rhel10's key file is known, its fingerprint is not printed by NVIDIA: no default pin.
    (facts('RedHat', 'RedHat', '10', '10.0'), 'rhel10/x86_64', ('CDF6BA43.pub', '')),
    # A release newer than the table: neither key file nor pin, so the repository helper asks for both.
    (facts('Ubuntu', 'Debian', '26', '26.04'), 'ubuntu2604/x86_64', ('', '')),
])
def test_nvidia_repository_follows_the_system(system, directory, key):
    repo = _cuda.nvidia_repository(system, 'https://mirror.example.com/cuda/repos/', variable='nvidia_driver_repo_key_fingerprint')
    url = 'https://mirror.example.com/cuda/repos/%s/' % directory
    assert repo == {
        'name': 'linuxai-nvidia-cuda', 'description': 'NVIDIA CUDA repository (%s)' % directory,
        'uris': [url], 'suites': ['/'], 'key_url': url + key[0] if key[0] else '',
        'key_fingerprint': key[1],
        'variable': 'nvidia_driver_repo_key_fingerprint', 'repo_gpgcheck': True}


def test_nvidia_repository_takes_the_pins_it_is_given():
    repo = _cuda.nvidia_repository(facts('Debian', 'Debian', '12'), 'http://m/', 'http://k/key.asc', 'eb69 3b30 35cd 5710 e231  e123 a4b4 6996 3bf8 63cc')
    assert repo['key_url'] == 'http://k/key.asc'
    assert repo['key_fingerprint'] == 'EB693B3035CD5710E231E123A4B469963BF863CC'


def test_no_nvidia_repository_for_other_systems():
    assert _cuda.nvidia_repository(facts('Archlinux', 'Archlinux', '0'), 'http://m') == {}
    assert cuda_filters.nvidia_cuda_repository(facts('Debian', 'Debian', '13'), 'http://m')['uris'] == ['http://m/debian13/x86_64/']
