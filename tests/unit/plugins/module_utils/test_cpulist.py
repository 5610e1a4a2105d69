# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""cpulist/cpumask helpers (module_utils/_cpulist.py)."""

import pytest

from ansible_collections.linuxai.node.plugins.module_utils._cpulist import (
    format_cpulist, intersect_cpulists, parse_cpulist, parse_cpumask)


@pytest.mark.parametrize('text, cpus', [
    ('', []),
    ('\n', []),
    ('5', [5]),
    ('0-3', [0, 1, 2, 3]),
    ('0-3,8,10-11\n', [0, 1, 2, 3, 8, 10, 11]),
    ('8,0-1,1', [0, 1, 8]),
    ('0-31:2/8', [0, 1, 8, 9, 16, 17, 24, 25]),
    ('0-6:2/4', [0, 1, 4, 5]),
    ([3, '1', 2, 3], [1, 2, 3]),
])
def test_parse_cpulist(text, cpus):
    assert parse_cpulist(text) == cpus


@pytest.mark.parametrize('text', ['a', '1-', '-1', '3-1', '1,,2', '0-3:2', '0-7:0/4', '0-7:5/4', '1.5', None, 1.5, [-1], [True]])
def test_parse_cpulist_rejects_malformed(text):
    with pytest.raises(ValueError):
        parse_cpulist(text)


@pytest.mark.parametrize('cpus, text', [
    ([], ''),
    ([0], '0'),
    ([0, 1, 2, 3, 8], '0-3,8'),
    ([8, 3, 2, 1, 0, 3], '0-3,8'),
    ([0, 2, 4], '0,2,4'),
    (['1', '2'], '1-2'),
    (range(0, 56), '0-55'),
])
def test_format_cpulist(cpus, text):
    assert format_cpulist(cpus) == text


def test_format_rejects_negative_and_text():
    for bad in ([-1], ['x'], [None]):
        with pytest.raises(ValueError):
            format_cpulist(bad)


def test_round_trip_on_irregular_sets():
    cpus = [0, 1, 2, 5, 7, 8, 9, 63, 64, 65, 1000]
    assert parse_cpulist(format_cpulist(cpus)) == cpus


def test_intersect():
    assert intersect_cpulists('0-15', '8-31') == '8-15'
    assert intersect_cpulists('0-15', '8-31', [9, 10, 40]) == '9-10'
    assert intersect_cpulists('0-3', '4-7') == ''


@pytest.mark.parametrize('mask, cpus', [
    ('3', [0, 1]),
    ('00000000,00000001', [0]),
    ('00000001,00000000', [32]),
    ('ff,00000000,0000000f', [0, 1, 2, 3] + list(range(64, 72))),
    ('0', []),
])
def test_parse_cpumask(mask, cpus):
    assert parse_cpumask(mask) == cpus


def test_parse_cpumask_rejects_malformed():
    for bad in ('xyz', '1,,2', None):
        with pytest.raises(ValueError):
            parse_cpumask(bad)
