# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kernel_args_errors: the kernel_cmdline module's refusals, known before any task runs."""

from __future__ import annotations

import pytest

from ansible_collections.linuxai.node.plugins.filter import kernel_cmdline

ERRORS = kernel_cmdline.FilterModule().filters()['kernel_args_errors']


@pytest.mark.parametrize('args', [
    {},
    {'iommu': 'pt', 'intel_iommu': 'on'},
    {'quiet': None, 'processor.max_cstate': 1},
    {'hugepagesz': ['1G', '2M'], 'hugepages': [4, 512]},
])
def test_good_arguments_pass(args):
    assert ERRORS(args) == []


@pytest.mark.parametrize('args, words', [
    ('iommu=pt', 'must be a dictionary'),
    ({'bad name': 'x'}, "Invalid kernel argument name 'bad name'"),
    ({'iommu': True}, 'boolean value True'),
    ({'init': '/bin/sh"; reboot'}, "containing '\"'"),
    ({'console': 'ttyS0\n'}, 'control character'),
    ({'intel-iommu': 'on', 'intel_iommu': 'off'}, 'given twice'),
    ({'hugepages': []}, 'empty list'),
    ({'pci': {'realloc': 'off'}}, 'type dict'),
])
def test_bad_arguments_give_the_modules_message(args, words):
    errors = ERRORS(args)
    assert len(errors) == 1
    assert words in errors[0]
