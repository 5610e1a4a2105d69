# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ROCm role decisions: tuning presets from fixture topologies, AMD's repositories per distribution."""

import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.module_utils import _rocm
from ansible_collections.linuxai.node.plugins.filter import rocm as rocm_filters

FILTERS = rocm_filters.FilterModule().filters()
KEY = 'CA8BB4727A47B4D09B4EE8969386B48A1A693C5C'


def _amd(short_name, cpu='AuthenticAMD', count=8):
    return {'cpu': {'vendor': cpu}, 'gpus': [{'vendor': 'amd', 'short_name': short_name}] * count}


# --- tuning presets from fixture facts ---------------------------------------------------

def test_mi300x_fixture_gets_the_mi300x_preset(machine_facts):
    preset = _rocm.tuning_preset(machine_facts('mi300x'))
    assert preset['presets'] == ['mi300x']
    assert preset['parts'] == ['MI300X']
    assert preset['kernel_args'] == {'iommu': 'pt'}
    assert preset['pci_realloc_off'] is True
    assert preset['sysctl'] == {'kernel.numa_balancing': 0}
    assert preset['reason'] == 'preset mi300x for MI300X'


@pytest.mark.parametrize('machine', ['hgx_h100', 'workstation', 'no_gpu', 'grace_hopper'])
def test_nodes_without_an_instinct_part_get_no_preset(machine_facts, machine):
    preset = _rocm.tuning_preset(machine_facts(machine))
    assert preset['presets'] == [] and preset['kernel_args'] == {} and preset['sysctl'] == {}
    assert not preset['pci_realloc_off']


def test_the_facts_may_come_wrapped_as_ansible_facts(machine_facts):
    assert _rocm.tuning_preset({'linuxai_topology': machine_facts('mi300x')})['presets'] == ['mi300x']


@pytest.mark.parametrize('part, preset, args, realloc', [
    ('MI325X', 'mi300x', {'iommu': 'pt'}, True),
    ('MI355X', 'mi300x', {'iommu': 'pt'}, True),
    ('MI300A', 'mi300a', {'iommu': 'pt'}, False),
    ('MI250', 'mi200', {'iommu': 'pt', 'amd_iommu': 'on'}, False),
    ('MI210', 'mi200', {'iommu': 'pt', 'amd_iommu': 'on'}, False),
    ('MI100', 'mi200', {'iommu': 'pt', 'amd_iommu': 'on'}, False),
])
def test_preset_per_part(part, preset, args, realloc):
    result = _rocm.tuning_preset(_amd(part))
    assert result['presets'] == [preset] and result['kernel_args'] == args and result['pci_realloc_off'] is realloc
    assert result['sysctl'] == {'kernel.numa_balancing': 0}


def test_amd_iommu_only_on_amd_cpus():
    assert _rocm.tuning_preset(_amd('MI250', cpu='GenuineIntel'))['kernel_args'] == {'iommu': 'pt'}


def test_radeon_gets_no_preset_and_mixed_parts_get_the_union():
    assert _rocm.tuning_preset(_amd('RX 7900 XTX'))['reason'] == 'no preset for RX 7900 XTX'
    mixed = {'cpu': {'vendor': 'AuthenticAMD'},
             'gpus': [{'vendor': 'amd', 'short_name': 'MI300X'}, {'vendor': 'amd', 'short_name': 'MI210'},
                      {'vendor': 'nvidia', 'short_name': 'H100 SXM'}]}
    result = _rocm.tuning_preset(mixed)
    assert result['presets'] == ['mi200', 'mi300x']
    assert result['kernel_args'] == {'iommu': 'pt', 'amd_iommu': 'on'} and result['pci_realloc_off']


# --- repositories per distribution ----------------------------------------------------------

UBUNTU = {'distribution': 'Ubuntu', 'os_family': 'Debian', 'distribution_major_version': '24',
          'distribution_version': '24.04', 'distribution_release': 'noble'}
DEBIAN12 = {'distribution': 'Debian', 'os_family': 'Debian', 'distribution_major_version': '12',
            'distribution_version': '12.11', 'distribution_release': 'bookworm'}
DEBIAN13 = dict(DEBIAN12, distribution_major_version='13', distribution_version='13.1', distribution_release='trixie')
ROCKY = {'distribution': 'Rocky', 'os_family': 'RedHat', 'distribution_major_version': '9',
         'distribution_version': '9.6', 'distribution_release': 'Blue Onyx'}
RHEL = dict(ROCKY, distribution='RedHat', distribution_release='Plow')


def test_ubuntu_gets_amds_three_apt_repositories():
    repos = _rocm.repositories(UBUNTU, '7.0.2', '30.10')
    assert [(r['name'], r['uris'], r['suites'], r['components']) for r in repos] == [
        ('linuxai-rocm-amdgpu', ['https://repo.radeon.com/amdgpu/30.10/ubuntu'], ['noble'], ['main']),
        ('linuxai-rocm-rocm', ['https://repo.radeon.com/rocm/apt/7.0.2'], ['noble'], ['main']),
        ('linuxai-rocm-graphics', ['https://repo.radeon.com/graphics/7.0.2/ubuntu'], ['noble'], ['main']),
    ]
    for repo in repos:
        assert repo['key_url'] == 'https://repo.radeon.com/rocm/rocm.gpg.key'
        assert repo['key_fingerprint'] == KEY
        assert repo['variable'] == 'rocm_repo_key_fingerprint'


@pytest.mark.parametrize('facts, suite', [(DEBIAN12, 'jammy'), (DEBIAN13, 'noble')])
def test_debian_uses_the_ubuntu_suite_amd_documents(facts, suite):
    assert {r['suites'][0] for r in _rocm.repositories(facts, '7.1', '30.20')} == {suite}
    assert _rocm.repositories(facts, '7.1', '30.20', suite='noble')[0]['suites'] == ['noble']


def test_rocky_and_rhel_get_their_dnf_trees():
    rocky = _rocm.repositories(ROCKY, '7.0.2', '30.10')
    assert [r['uris'][0] for r in rocky] == [
        'https://repo.radeon.com/amdgpu/30.10/el/9.6/main/x86_64/',
        'https://repo.radeon.com/rocm/el9/7.0.2/main',
        'https://repo.radeon.com/graphics/7.0.2/el/9.6/main/x86_64/',
    ]
    assert all(r['priority'] == 50 and 'suites' not in r for r in rocky)
    # RHEL takes the same el trees (the rhel9 tree holds EL8-built packages).
    rhel = _rocm.repositories(RHEL, '7.0.2', '30.10.2')
    assert [r['uris'][0] for r in rhel][:2] == [
        'https://repo.radeon.com/amdgpu/30.10.2/el/9.6/main/x86_64/',
        'https://repo.radeon.com/rocm/el9/7.0.2/main',
    ]


def test_mirror_key_and_optional_repositories():
    repos = _rocm.repositories(UBUNTU, '7.0.2', '30.10', base_url='http://mirror.example/amd/',
                               key_fingerprint='ca8b b472 7a47 b4d0 9b4e  e896 9386 b48a 1a69 3c5c',
                               driver=False, graphics=False)
    assert [r['name'] for r in repos] == ['linuxai-rocm-rocm']
    assert repos[0]['uris'] == ['http://mirror.example/amd/rocm/apt/7.0.2']
    assert repos[0]['key_url'] == 'http://mirror.example/amd/rocm/rocm.gpg.key'
    assert repos[0]['key_fingerprint'] == KEY


@pytest.mark.parametrize('facts, args, message', [
    (UBUNTU, ('7', '30.10'), 'rocm_version'),
    (UBUNTU, ('7.0.2', 'latest'), 'rocm_amdgpu_version'),
    (dict(DEBIAN12, distribution_major_version='11'), ('7.0.2', '30.10'), 'rocm_repo_suite'),
    (dict(ROCKY, distribution_version='9'), ('7.0.2', '30.10'), 'point release'),
    (dict(UBUNTU, os_family='Suse'), ('7.0.2', '30.10'), 'Suse'),
])
def test_bad_requests_name_the_problem(facts, args, message):
    with pytest.raises(ValueError, match=message):
        _rocm.repositories(facts, *args)


# --- the filters ---------------------------------------------------------------------------

def test_every_filter_has_its_documentation():
    here = os.path.dirname(rocm_filters.__file__)
    assert sorted(FILTERS) == ['rocm_repositories', 'rocm_tuning_preset']
    assert all(os.path.isfile(os.path.join(here, name + '.yml')) for name in FILTERS)


def test_filters_wrap_errors(machine_facts):
    assert FILTERS['rocm_tuning_preset'](machine_facts('mi300x'))['pci_realloc_off']
    assert len(FILTERS['rocm_repositories'](UBUNTU, '7.0.2', '30.10')) == 3
    with pytest.raises(AnsibleFilterError, match='rocm_repositories: rocm_version'):
        FILTERS['rocm_repositories'](UBUNTU, 'latest', '30.10')
    with pytest.raises(AnsibleFilterError, match='rocm_tuning_preset'):
        FILTERS['rocm_tuning_preset']('not facts')
