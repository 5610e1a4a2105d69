# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Kernel command line filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils import _kernel_cmdline
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def kernel_args_errors(args):
    """What the kernel_cmdline module would refuse in these arguments, before anything runs: [] or [message]."""
    try:
        _kernel_cmdline.normalize_args(args)
    except _kernel_cmdline.CmdlineError as error:
        return [str(error)]
    return []


class FilterModule(object):
    def filters(self):
        return filter_map(kernel_args_errors)
