# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package repository filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def repositories_changed(repos, results):
    """The names of the repositories in repos that the common repositories helper changed in this run.

    results is the helper's __common_repo_results ({name: changed}); a repository it has not handled did not
    change."""
    return [repo['name'] for repo in repos or [] if (results or {}).get(repo['name'])]


class FilterModule(object):
    def filters(self):
        return filter_map(repositories_changed)
