# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package decision filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils import _packages
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def kernel_headers(packages, kernels, os_family, major_version=None):
    """The headers packages DKMS needs for the installed kernels and the kernel flavours to come."""
    return _packages.kernel_headers(packages, kernels, os_family, major_version)


class FilterModule(object):
    def filters(self):
        return filter_map(kernel_headers)
