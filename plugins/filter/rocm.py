# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ROCm decision filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils import _rocm
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def rocm_tuning_preset(topology):
    """The kernel_tuning settings AMD recommends for the node's Instinct parts."""
    return _rocm.tuning_preset(topology)


def rocm_repositories(facts, rocm_version, amdgpu_version, base_url='https://repo.radeon.com', key_url=None,
                      key_fingerprint=None, suite=None, driver=True, graphics=True):
    """AMD's amdgpu, rocm and graphics repositories for a node, as linuxai.node.common repository.yml inputs."""
    return _rocm.repositories(facts, rocm_version, amdgpu_version, base_url=base_url, key_url=key_url,
                              key_fingerprint=key_fingerprint, suite=suite, driver=driver, graphics=graphics)


class FilterModule(object):
    def filters(self):
        return filter_map(rocm_tuning_preset, rocm_repositories)
