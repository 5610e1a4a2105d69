# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Distribution data filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def distribution_vars_files(facts, vars_dir):
    """A role's distribution data files in layers, least to most specific, as linux-system-roles load them.

    The family (Debian.yml, RedHat.yml), the distribution (Ubuntu.yml, Rocky.yml), then the release
    (Debian_13.yml, Ubuntu_24.yml), each where the role has it, so a later file overrides only the
    variables it sets; default.yml where the role has none of them.
    """
    names = []
    for name in (facts['os_family'], facts['distribution'],
                 '%s_%s' % (facts['distribution'], facts['distribution_major_version'])):
        if name not in names:
            names.append(name)
    layers = [os.path.join(vars_dir, name + '.yml') for name in names]
    found = [path for path in layers if os.path.isfile(path)]
    default = os.path.join(vars_dir, 'default.yml')
    return found or ([default] if os.path.isfile(default) else [])


class FilterModule(object):
    def filters(self):
        return filter_map(distribution_vars_files)
