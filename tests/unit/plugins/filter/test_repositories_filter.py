# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""repositories_changed: which of a role's repositories the shared helper changed."""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.filter import repositories

CHANGED = repositories.FilterModule().filters()['repositories_changed']


def test_names_the_changed_repositories_in_list_order():
    repos = [{'name': 'docker'}, {'name': 'nvidia-container-toolkit'}, {'name': 'cuda'}]
    results = {'cuda': True, 'docker': True, 'nvidia-container-toolkit': False, 'rocm': True}
    assert CHANGED(repos, results) == ['docker', 'cuda']


def test_a_repository_the_helper_has_not_handled_did_not_change():
    assert CHANGED([{'name': 'docker'}], {}) == []
    assert CHANGED([], {'docker': True}) == []
    assert CHANGED(None, None) == []
