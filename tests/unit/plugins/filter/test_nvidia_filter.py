# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The nvidia_* filters: exposed under their documented names, errors as AnsibleFilterError."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter import nvidia

FILTERS = nvidia.FilterModule().filters()
HGX = {'gpus': [{'vendor': 'nvidia', 'architecture': 'hopper', 'class': '030200', 'pci_id': '10de:2330'}] * 8,
       'nvswitches': {'count': 4, 'bdfs': []}}


def test_every_filter_has_its_documentation():
    here = os.path.dirname(nvidia.__file__)
    assert sorted(FILTERS) == sorted(n for n in FILTERS if os.path.isfile(os.path.join(here, n + '.yml')))
    assert len(FILTERS) == 7


def test_filters_accept_the_facts_as_ansible_gives_them():
    assert FILTERS['nvidia_kernel_modules']({'linuxai_topology': HGX}, '580')['flavour'] == 'open'
    assert FILTERS['nvidia_fabric_manager'](HGX, 'auto', '580')['fabric_manager']
    assert FILTERS['nvidia_reboot_needed']('580.95.05-1', '575.57.08')['required']
    assert FILTERS['nvidia_driver_version']('3:580.95.05-1.el9') == '580.95.05'
    assert FILTERS['nvidia_dkms_report']('nvidia/580.95.05, 6.8.0-45-generic, x86_64: installed', ['6.8.0-45-generic'])['missing'] == []
    assert FILTERS['nvidia_driver_package']({}) == {'name': '', 'version': ''}
    assert FILTERS['nvidia_dkms_log_errors']('ok\nfatal error: x.h: No such file') == ['fatal error: x.h: No such file']


@pytest.mark.parametrize('name, args', [
    ('nvidia_kernel_modules', (HGX, 'latest')),
    ('nvidia_kernel_modules', (HGX, '580', 'closed')),
    ('nvidia_fabric_manager', (HGX, 'maybe')),
])
def test_bad_arguments_raise_filter_errors(name, args):
    with pytest.raises(AnsibleFilterError, match=name):
        FILTERS[name](*args)


@pytest.mark.parametrize('name, version, driver', [
    ('libnvidia-compute-580-server', '580.95.05-0ubuntu0.24.04.2', '580.95.05'),
    ('libnvidia-compute', '590.44.01-1ubuntu1', '590.44.01'),
    ('libnvidia-compute-575', '575.57.08-0ubuntu1', '575.57.08'),
    ('nvidia-utils-580-server', '580.95.05-0ubuntu0.24.04.2', '580.95.05'),
    ('nvidia-driver-cuda', '3:580.95.05-1.el9', '580.95.05'),
    ('libcuda1', '550.163.01-2', '550.163.01'),
])
def test_the_driver_package_of_every_source(name, version, driver):
    packages = {name: [{'version': version}], 'libnvidia-common-580': [{'version': '580.95.05-1'}]}
    assert FILTERS['nvidia_driver_package'](packages) == {'name': name, 'version': driver}
