# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""NVIDIA driver decision filters; documented in the sidecar NAME.yml files next to this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils import _driver_choice as choice
from ansible_collections.linuxai.node.plugins.module_utils import _validation
from ansible_collections.linuxai.node.plugins.plugin_utils._filter import filter_map


def nvidia_kernel_modules(topology, branch, flavour='auto', open_packaged=True, packaging='the distribution'):
    """Open or proprietary kernel modules for the NVIDIA GPUs of a topology."""
    return choice.choose_flavour(topology, branch, flavour, open_packaged, packaging)


def nvidia_fabric_manager(topology, mode='auto', branch=None):
    """Whether Fabric Manager and NVLSM are needed."""
    return choice.fabric_manager(topology, mode, branch)


def nvidia_reboot_needed(installed, loaded, nouveau_loaded=False, runtime=True, extra_reasons=None):
    """Whether a reboot is needed to run the installed driver."""
    return choice.reboot_needed(installed, loaded, nouveau_loaded, runtime, extra_reasons)


def nvidia_driver_version(value):
    """The driver version in a package or module version string."""
    return choice.driver_version(value)


def nvidia_driver_package(packages):
    """The installed package that carries the driver's version, and that version."""
    name, version = _validation.package_version(packages, _validation.NVIDIA_USERSPACE)
    return {'name': name or '', 'version': version or ''}


def nvidia_dkms_report(text, kernels, module_regex=choice.DRIVER_DKMS_MODULE):
    """Kernels with and without the driver's DKMS module, from ``dkms status``."""
    return choice.dkms_report(text, kernels, module_regex)


def nvidia_dkms_log_errors(text, limit=20):
    """The lines of a DKMS build log that explain a failure."""
    return choice.dkms_log_errors(text, limit)


class FilterModule(object):
    def filters(self):
        return filter_map(nvidia_kernel_modules, nvidia_fabric_manager, nvidia_reboot_needed, nvidia_driver_version,
                          nvidia_driver_package, nvidia_dkms_report, nvidia_dkms_log_errors)
