# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CUDA toolkit decision filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils import _cuda
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def cuda_driver_compat(toolkit, driver, forward_compat=False):
    """How a CUDA toolkit runs on an NVIDIA driver (version or branch)."""
    return _cuda.compatibility(toolkit, driver, forward_compat)


def cuda_nccl_conf(topology, overrides=None, relaxed_ordering='auto'):
    """The /etc/nccl.conf text for a topology, with overrides merged over the derived keys."""
    return _cuda.nccl_conf(_cuda.nccl_settings(topology, overrides, relaxed_ordering))


def nvidia_cuda_repository(facts, base_url, key_url=None, key_fingerprint=None, variable='key_fingerprint'):
    """NVIDIA's CUDA repository for the system of these facts, as linuxai.node.common's repository helper takes it."""
    return _cuda.nvidia_repository(facts, base_url, key_url, key_fingerprint, variable)


class FilterModule(object):
    def filters(self):
        return filter_map(cuda_driver_compat, cuda_nccl_conf, nvidia_cuda_repository)
