# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CUDA toolkit decision filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins.module_utils import _cuda


def _wrap(func, name):
    def run(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (ValueError, TypeError, AttributeError) as exc:
            raise AnsibleFilterError('%s: %s' % (name, exc))
    run.__name__ = name
    run.__doc__ = func.__doc__
    return run


def cuda_driver_compat(toolkit, driver, forward_compat=False):
    """How a CUDA toolkit runs on an NVIDIA driver (version or branch)."""
    return _cuda.compatibility(toolkit, driver, forward_compat)


def cuda_nccl_conf(topology, overrides=None, relaxed_ordering='auto'):
    """The /etc/nccl.conf text for a topology, with overrides merged over the derived keys."""
    return _cuda.nccl_conf(_cuda.nccl_settings(topology, overrides, relaxed_ordering))


class FilterModule(object):
    def filters(self):
        funcs = (cuda_driver_compat, cuda_nccl_conf)
        return dict((func.__name__, _wrap(func, func.__name__)) for func in funcs)
