# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NVIDIA driver decisions (flavour, Fabric Manager, reboot, DKMS) from topology fixture facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _driver_choice as choice
from ansible_collections.linuxai.node.plugins.module_utils import _topology
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import topology_builder as tb
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import topology_machines

# Generations the shared fixtures lack, as PCI presets (vendor, device, class, driver, speed, width).
EXTRA_PRESETS = {
    'b200': (0x10de, 0x2901, 0x030200, 'nvidia', '32.0 GT/s PCIe', 16),
    't4': (0x10de, 0x1eb8, 0x030200, 'nvidia', '8.0 GT/s PCIe', 16),
}


def hgx_b200():
    """8x B200 on PCIe switches with 2 NVSwitches visible (their NVLink 5 fabric needs NVLSM)."""
    gpus = [tb.host_bridge(0x10 + 0x20 * k, k // 4, tb.root_port(tb.gpu('b200'))) for k in range(8)]
    switches = tb.host_bridge(0x05, 0, tb.root_port(tb.switch(*[tb.endpoint('h100-nvswitch') for _switch in range(2)])))
    return tb.Machine(sockets=2, cores_per_socket=8, pci=[switches] + gpus)


def mixed_volta_blackwell():
    return tb.Machine(pci=[tb.host_bridge(0x00, 0, tb.root_port(tb.gpu('v100-sxm2')), tb.root_port(tb.gpu('b200')))])


def mixed_volta_turing():
    return tb.Machine(pci=[tb.host_bridge(0x00, 0, tb.root_port(tb.gpu('v100-sxm2')), tb.root_port(tb.gpu('t4')))])


MACHINES = dict(topology_machines.MACHINES, hgx_b200=hgx_b200, mixed_volta_blackwell=mixed_volta_blackwell,
                mixed_volta_turing=mixed_volta_turing)


@pytest.fixture(scope='module')
def facts():
    """facts('hgx_h100') -> the topology facts of a fixture machine, built once per module."""
    for name, preset in EXTRA_PRESETS.items():
        tb.PRESETS.setdefault(name, preset)
    scratch = tempfile.mkdtemp(prefix='linuxai-driver-choice-')
    cache = {}

    def get(name):
        if name not in cache:
            path = os.path.join(scratch, name)
            os.makedirs(path)
            tb.write(MACHINES[name](), path)
            cache[name] = _topology.probe(path)
        return cache[name]
    yield get
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.parametrize('machine, branch, flavour, reason', [
    ('hgx_h100', '580', 'open', 'recommends the open kernel modules for hopper'),
    ('hgx_h100', '535', 'open', 'data center GPUs'),
    ('grace_hopper', '580', 'open', 'grace-hopper GPUs require the open'),
    ('hgx_b200', '580', 'open', 'blackwell GPUs require the open'),
    ('power9_sparse', '580', 'proprietary', 'volta GPUs are not supported by the open'),
    ('ampere_altra', '550', 'open', 'data center GPUs'),
    ('vm_numa_minus1', '570', 'open', 'recommends the open kernel modules for hopper'),
    ('workstation', '580', 'open', 'recommends the open kernel modules for ada'),
    # RTX 6000 Ada is a display board: before 560 the open modules were not production quality for it.
    ('workstation', '535', 'proprietary', 'predates production-quality open modules'),
    ('mixed_volta_turing', '580', 'proprietary', 'volta GPUs are not supported'),
    ('no_gpu', '580', 'open', 'no NVIDIA GPU'),
    ('no_gpu', '535', 'proprietary', 'no NVIDIA GPU'),
    ('mi300x', '550', 'proprietary', 'no NVIDIA GPU'),
])
def test_auto_flavour_follows_nvidia_guidance(facts, machine, branch, flavour, reason):
    result = choice.choose_flavour(facts(machine), branch)
    assert result['flavour'] == flavour
    assert reason in result['reason']
    assert result['errors'] == []


def test_architectures_come_from_the_fixture(facts):
    assert choice.choose_flavour(facts('hgx_h100'), '580')['architectures'] == ['hopper']
    assert choice.choose_flavour(facts('mixed_volta_turing'), '580')['architectures'] == ['volta', 'turing']


@pytest.mark.parametrize('machine, branch, override, error', [
    ('grace_hopper', '580', 'proprietary', 'grace-hopper GPUs work only with the open kernel modules'),
    ('hgx_b200', '580', 'proprietary', 'blackwell GPUs work only with the open kernel modules'),
    ('power9_sparse', '580', 'open', 'the open kernel modules do not support volta GPUs'),
    ('hgx_b200', '550', 'auto', 'blackwell GPUs need driver branch 570 or newer, not 550'),
    ('grace_hopper', '525', 'auto', 'grace-hopper GPUs need driver branch 535 or newer'),
    ('power9_sparse', '590', 'auto', 'volta GPUs are supported up to driver branch 580, not 590'),
    ('mixed_volta_blackwell', '580', 'auto', 'no driver serves both in one node'),
    ('hgx_h100', '470', 'open', 'the open kernel modules exist from branch 515, not 470'),
])
def test_requests_that_cannot_work_are_errors(facts, machine, branch, override, error):
    result = choice.choose_flavour(facts(machine), branch, override)
    assert any(error in e for e in result['errors']), result['errors']


def test_override_is_kept_when_the_gpus_allow_it(facts):
    result = choice.choose_flavour(facts('hgx_h100'), '580', 'proprietary')
    assert (result['flavour'], result['errors']) == ('proprietary', [])
    assert choice.choose_flavour(facts('no_gpu'), '535', 'open')['flavour'] == 'open'


def test_unknown_generation_warns_and_does_not_weigh():
    gpus = [{'vendor': 'nvidia', 'architecture': 'unknown', 'pci_id': '10de:9999', 'class': '030200'}]
    result = choice.choose_flavour(gpus, '580')
    assert result['flavour'] == 'open'
    assert '10de:9999' in result['warnings'][0]


@pytest.mark.parametrize('bad', ['58', '5800', 'latest', '', None, 'r580'])
def test_branch_must_be_three_digits(bad):
    with pytest.raises(ValueError):
        choice.choose_flavour([], bad)


def test_flavour_choice_is_checked():
    with pytest.raises(ValueError):
        choice.choose_flavour([], '580', 'closed')


def test_branch_number_accepts_versions():
    assert choice.branch_number(580) == 580
    assert choice.branch_number('580.95.05') == 580


@pytest.mark.parametrize('machine, mode, branch, fm, nvlsm', [
    ('hgx_h100', 'auto', '580', True, False),
    ('hgx_b200', 'auto', '580', True, True),
    ('grace_hopper', 'auto', '580', False, False),
    ('workstation', 'auto', '580', False, False),
    ('no_gpu', 'auto', '580', False, False),
    ('hgx_h100', 'false', '580', False, False),
    ('workstation', 'true', '580', True, False),
])
def test_fabric_manager_only_with_nvswitches(facts, machine, mode, branch, fm, nvlsm):
    result = choice.fabric_manager(facts(machine), mode, branch)
    assert (result['fabric_manager'], result['nvlsm']) == (fm, nvlsm)
    assert result['errors'] == []


def test_fabric_manager_reasons(facts):
    assert choice.fabric_manager(facts('hgx_h100'))['reason'] == '4 NVSwitches connect the hopper GPUs'
    assert 'also need NVLSM' in choice.fabric_manager(facts('hgx_b200'))['reason']
    assert 'although the node has 4 NVSwitches' in choice.fabric_manager(facts('hgx_h100'), 'false')['reason']
    assert choice.fabric_manager({'linuxai_topology': facts('no_gpu')})['reason'] == 'no NVSwitch'


def test_nvswitches_without_nvidia_gpus_need_nothing():
    result = choice.fabric_manager({'gpus': [], 'nvswitches': {'count': 4, 'bdfs': []}})
    assert not result['fabric_manager']
    assert 'no NVIDIA GPU' in result['reason']


def test_nvlsm_needs_branch_570(facts):
    assert 'NVLSM needs driver branch 570' in choice.fabric_manager(facts('hgx_b200'), 'auto', '565')['errors'][0]


def test_fabric_manager_mode_is_checked():
    with pytest.raises(ValueError):
        choice.fabric_manager({}, 'sometimes')


@pytest.mark.parametrize('value, version', [
    ('535.261.03-1~deb12u1', '535.261.03'),
    ('535.309.01-0+deb12u1', '535.309.01'),
    ('3:580.65.06-1.el9', '580.65.06'),
    ('580.95.05-0ubuntu0.24.04.2', '580.95.05'),
    ('550.163.01\n', '550.163.01'),
    ('575.57', '575.57'),
    ('', ''),
    (None, ''),
    ('6.8.0-45.45', ''),
])
def test_driver_version(value, version):
    assert choice.driver_version(value) == version


@pytest.mark.parametrize('installed, loaded, nouveau, runtime, required, load_now', [
    ('580.95.05-1', '580.95.05', False, True, False, False),
    ('580.95.05-1', '575.57.08\n', False, True, True, False),
    ('580.95.05-1', '', False, True, False, True),
    ('580.95.05-1', '', True, True, True, False),
    ('580.95.05-1', '575.57.08', True, False, False, False),
    ('', '', False, True, False, False),
])
def test_reboot_needed(installed, loaded, nouveau, runtime, required, load_now):
    result = choice.reboot_needed(installed, loaded, nouveau, runtime)
    assert (result['required'], result['load_now']) == (required, load_now)


def test_reboot_reasons_name_the_versions():
    result = choice.reboot_needed('3:580.95.05-1.el9', '575.57.08', True, True, ['a MOK enrolment is queued'])
    assert result['reasons'] == ['a MOK enrolment is queued', 'nouveau is loaded and holds the GPUs',
                                 'driver 575.57.08 is loaded but 580.95.05 is installed']


DKMS3 = """nvidia-current/535.261.03, 6.1.0-28-amd64, x86_64: installed
nvidia-current/535.261.03: added
nvidia-fs/2.20.5, 6.1.0-28-amd64, x86_64: installed
nvidia-current/535.261.03, 6.1.0-27-amd64, x86_64: built
"""
DKMS2 = """nvidia, 470.57.02, 5.4.0-80-generic, x86_64: installed (original_module exists)
virtualbox, 6.1.26, 5.4.0-80-generic, x86_64: installed
"""


def test_dkms_report_per_kernel():
    report = choice.dkms_report(DKMS3, ['6.1.0-27-amd64', '6.1.0-28-amd64', '6.1.0-29-amd64'])
    assert report['installed'] == ['6.1.0-28-amd64']
    assert report['missing'] == ['6.1.0-27-amd64', '6.1.0-29-amd64']
    assert report['modules'] == ['nvidia-current/535.261.03']
    report = choice.dkms_report(DKMS2, ['5.4.0-80-generic'])
    assert (report['installed'], report['missing']) == (['5.4.0-80-generic'], [])


def test_dkms_report_module_names_of_every_source():
    lines = '\n'.join('%s/580.95.05, 6.8.0-45-generic, x86_64: installed' % m
                      for m in ('nvidia-srv', 'nvidia-open', 'nvidia-tesla-535', 'nvidia-current-open'))
    assert len(choice.dkms_report(lines, ['6.8.0-45-generic'])['modules']) == 4
    assert choice.dkms_report('', ['6.8.0-45-generic'])['missing'] == ['6.8.0-45-generic']


def test_dkms_log_errors_keep_the_explaining_lines():
    log = '\n'.join(['make -C /lib/modules/6.1.0/build', '  CC [M]  nvidia/nv.o',
                     "nvidia/nv.c:42:1: error: unknown type name 'foo'",
                     'make[2]: *** [scripts/Makefile.build:243: nvidia/nv.o] Error 1', 'make: Leaving directory'])
    assert choice.dkms_log_errors(log) == ["nvidia/nv.c:42:1: error: unknown type name 'foo'",
                                           'make[2]: *** [scripts/Makefile.build:243: nvidia/nv.o] Error 1']
    assert choice.dkms_log_errors('a\nb\nc', limit=2) == ['b', 'c']
    assert choice.dkms_log_errors(None) == []


# Debian 12's archive cannot install its open modules (nvidia-open-kernel-dkms lags the rest of the driver).
@pytest.mark.parametrize('machine, override, flavour, error', [
    ('hgx_h100', 'auto', 'proprietary', None),
    ('ampere_altra', 'auto', 'proprietary', None),
    ('power9_sparse', 'auto', 'proprietary', None),
    ('hgx_h100', 'proprietary', 'proprietary', None),
    ('hgx_h100', 'open', 'open', 'Debian 12 packages the open kernel modules (nvidia-open-kernel-dkms) at an older release'),
    ('grace_hopper', 'auto', 'open', 'Debian 12 packages the open kernel modules'),
])
def test_open_modules_the_packages_cannot_install(facts, machine, override, flavour, error):
    result = choice.choose_flavour(facts(machine), '535', override, open_packaged=False, packaging='Debian 12')
    assert result['flavour'] == flavour
    if error:
        assert any(error in e for e in result['errors'])
    else:
        assert result['errors'] == []
    if override == 'auto' and machine == 'hgx_h100':
        assert result['reason'].endswith('but Debian 12 packages them at an older release than the rest of its driver: '
                                         'proprietary modules, which support every GPU up to Hopper')


def test_open_packaged_changes_nothing_where_they_can_be_installed(facts):
    for machine in ('hgx_h100', 'power9_sparse', 'no_gpu'):
        assert choice.choose_flavour(facts(machine), '580', open_packaged=True) == choice.choose_flavour(facts(machine), '580')
