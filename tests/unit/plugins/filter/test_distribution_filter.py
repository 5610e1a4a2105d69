# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""distribution_vars_files: the layered distribution data every role loads."""

from __future__ import annotations

import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.filter import distribution

FILES = distribution.FilterModule().filters()['distribution_vars_files']
ROLES = os.path.join(os.path.dirname(distribution.__file__), '..', '..', 'roles')


def facts(family, dist, major):
    return {'os_family': family, 'distribution': dist, 'distribution_major_version': major}


def names(paths):
    return [os.path.basename(path) for path in paths]


@pytest.fixture
def vars_dir(tmp_path):
    for name in ('Debian.yml', 'Debian_13.yml', 'Ubuntu.yml', 'default.yml'):
        (tmp_path / name).write_text('---\n')
    return str(tmp_path)


@pytest.mark.parametrize('node, expected', [
    (facts('Debian', 'Debian', '13'), ['Debian.yml', 'Debian_13.yml']),
    (facts('Debian', 'Debian', '12'), ['Debian.yml']),
    (facts('Debian', 'Ubuntu', '24'), ['Debian.yml', 'Ubuntu.yml']),
    (facts('RedHat', 'Rocky', '9'), ['default.yml']),
])
def test_layers_least_to_most_specific_else_default(vars_dir, node, expected):
    assert names(FILES(node, vars_dir)) == expected


def test_no_file_at_all_is_an_empty_list(tmp_path):
    assert FILES(facts('RedHat', 'Rocky', '9'), str(tmp_path)) == []


def test_the_roles_own_data_for_debian_13():
    paths = FILES(facts('Debian', 'Debian', '13'), os.path.join(ROLES, 'container_runtime', 'vars'))
    assert names(paths) == ['Debian.yml', 'Debian_13.yml']


def test_facts_without_the_distribution_name_the_filter():
    with pytest.raises(AnsibleFilterError, match='distribution_vars_files'):
        FILES({'os_family': 'Debian'}, '/nonexistent')
