#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: nvidia_gpu
short_description: Read and set NVIDIA GPU persistence, compute mode, power limit, clocks and MIG mode
version_added: 0.1.0
description:
  - Reads the settings of the NVIDIA GPUs of a node through NVML and sets those given, on every GPU
    selected by O(gpus). Only the settings that differ are changed.
  - Every value is checked on every selected GPU (supported by the GPU, within its power and clock
    ranges) before anything is set.
  - Without any setting the module only reads, and returns the settings of the selected GPUs.
  - These settings do not survive a reboot (MIG mode excepted); run the module at every boot, or from
    the play that prepares a node for a job.
author:
  - linuxai.node maintainers (@linuxai)
requirements:
  - The NVIDIA driver, loaded (C(libnvidia-ml.so.1)).
  - The C(pynvml) Python module (PyPI package C(nvidia-ml-py)) for the Python that runs the module.
  - Root privileges to change a setting.
options:
  gpus:
    description:
      - The GPUs to read and set, each by index, PCI address (C(0000:1a:00.0) or C(1a:00.0)) or UUID
        (C(GPU-...)); V(all) selects every GPU.
    type: list
    elements: str
    default: [all]
  persistence_mode:
    description:
      - Keep the driver initialised while no process uses the GPU.
      - C(nvidia-persistenced) is the recommended way to keep it on; this sets the legacy flag.
    type: bool
  compute_mode:
    description:
      - V(default) lets several processes share the GPU, V(exclusive_process) allows one process,
        V(prohibited) none. V(exclusive_thread) is deprecated by NVIDIA.
    type: str
    choices: [default, exclusive_process, prohibited, exclusive_thread]
  power_limit:
    description:
      - Power limit in watts, within the GPU's range (returned as RV(gpus[].power_limit_min) and
        RV(gpus[].power_limit_max)), or V(default) for the board's default limit.
    type: raw
  application_clocks:
    description:
      - "Application clocks as C({memory: MHz, graphics: MHz}), a pair the GPU supports, or V(default)."
      - Data center GPUs support this; most GeForce boards do not.
    type: raw
  mig_mode:
    description:
      - Multi-Instance GPU mode. A change takes effect at the next GPU reset or reboot, which the module
        does not do; RV(mig_reset_pending) lists the GPUs waiting for it.
      - The module is idempotent on the pending mode.
    type: str
    choices: [enabled, disabled]
attributes:
  check_mode:
    support: full
    description: Reads and validates; sets nothing and returns the settings the GPUs would have.
  diff_mode:
    support: full
    description: Shows each changed setting per GPU (keyed by PCI address).
  platform:
    support: full
    platforms: posix
    description: Linux nodes with NVIDIA GPUs.
notes:
  - The module fails with an explanation when NVML is unusable - C(pynvml) missing, driver not installed
    or not loaded, or loaded and installed driver versions differ (a reboot is pending).
  - A setting a GPU does not support fails when requested and reads as C(null) otherwise.
seealso:
  - module: linuxai.node.topology_facts
"""

EXAMPLES = r"""
- name: Read the settings of every GPU
  linuxai.node.nvidia_gpu:
  register: gpu_settings

- name: Exclusive-process compute mode on every GPU, for a batch scheduler
  linuxai.node.nvidia_gpu:
    compute_mode: exclusive_process
  become: true

- name: Cap GPUs 0 and 1 at 500 W and pin their application clocks
  linuxai.node.nvidia_gpu:
    gpus: ["0", "0000:1b:00.0"]
    power_limit: 500
    application_clocks:
      memory: 2619
      graphics: 1980
  become: true

- name: Enable MIG on every GPU and tell whether a GPU reset is pending
  linuxai.node.nvidia_gpu:
    mig_mode: enabled
  become: true
  register: mig

- name: Put the power limits back to the board defaults
  linuxai.node.nvidia_gpu:
    power_limit: default
  become: true
"""

RETURN = r"""
gpus:
  description: Settings of the selected GPUs after the run (in check mode, as they would be).
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: NVML index.
      type: int
      sample: 0
    bdf:
      description: PCI address.
      type: str
      sample: "0000:1a:00.0"
    uuid:
      description: GPU UUID.
      type: str
      sample: GPU-6f1b8a52-7f6e-4a1e-9c3e-1d2b3c4d5e6f
    name:
      description: Product name.
      type: str
      sample: NVIDIA H100 80GB HBM3
    persistence_mode:
      description: Whether persistence mode is on; null when unsupported.
      type: bool
      sample: true
    compute_mode:
      description: Compute mode; null when unsupported.
      type: str
      sample: default
    power_limit:
      description: Power limit in watts; null when unsupported.
      type: int
      sample: 700
    power_limit_default:
      description: The board's default power limit in watts.
      type: int
      sample: 700
    power_limit_min:
      description: Lowest power limit the GPU accepts, in watts.
      type: int
      sample: 200
    power_limit_max:
      description: Highest power limit the GPU accepts, in watts.
      type: int
      sample: 700
    application_clocks:
      description: Application clocks in MHz (keys C(memory), C(graphics)); null when unsupported.
      type: dict
      sample: {"memory": 2619, "graphics": 1755}
    application_clocks_default:
      description: Default application clocks in MHz.
      type: dict
      sample: {"memory": 2619, "graphics": 1755}
    mig_mode:
      description: MIG mode now (C(current)) and after the next GPU reset (C(pending)); null when unsupported.
      type: dict
      sample: {"current": "disabled", "pending": "enabled"}
mig_reset_pending:
  description: PCI addresses of the GPUs whose MIG mode changes at their next reset.
  returned: always
  type: list
  elements: str
  sample: ["0000:1a:00.0"]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils import _nvidia_gpu


def main():
    module = AnsibleModule(
        argument_spec=dict(
            gpus=dict(type='list', elements='str', default=['all']),
            persistence_mode=dict(type='bool'),
            compute_mode=dict(type='str', choices=sorted(_nvidia_gpu.COMPUTE_MODES)),
            power_limit=dict(type='raw'),
            application_clocks=dict(type='raw'),
            mig_mode=dict(type='str', choices=['enabled', 'disabled']),
        ),
        supports_check_mode=True,
    )
    request = dict((key, module.params[key]) for key in _nvidia_gpu.SETTINGS)
    try:
        result = _nvidia_gpu.run(request, module.params['gpus'], module.check_mode)
    except (_nvidia_gpu.NvmlError, _nvidia_gpu.RequestError) as exc:
        module.fail_json(msg=str(exc))
    if not module._diff:
        result.pop('diff')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
