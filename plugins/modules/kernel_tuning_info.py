#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kernel_tuning_info
short_description: Compare wanted kernel tuning with the running kernel
version_added: 0.1.0
description:
  - Reads sysctls, transparent huge page modes, per-NUMA-node huge page pools, cpufreq
    governors and the kernel command line, and reports for each wanted setting its running
    value and whether it is in force (the drift report of the C(kernel_tuning) role).
  - Sysctl keys the running kernel lacks are returned in RV(missing_sysctls) with a warning.
  - Also tells whether tuned is installed (RV(tuned_installed)), which decides how the tuning is applied, and
    whether the sysctl tool is (RV(sysctl_installed)), so that a configured node skips its install.
  - Read-only; never changes the node.
author:
  - linuxai.node maintainers (@linuxai)
options:
  sysctl:
    description: Wanted sysctl values by key (C(vm.swappiness)).
    type: dict
    default: {}
  thp_enabled:
    description: Wanted C(/sys/kernel/mm/transparent_hugepage/enabled) mode.
    type: str
  thp_defrag:
    description: Wanted C(/sys/kernel/mm/transparent_hugepage/defrag) mode.
    type: str
  hugepages:
    description:
      - Wanted huge page pools, each with C(size_kb) (page size in KiB) and C(nodes) (pages per
        NUMA node id). Other keys, such as the rest of a C(linuxai.node.hugepage_plan) result, are ignored.
    type: list
    elements: dict
    default: []
  governor:
    description: Wanted cpufreq governor of every CPU.
    type: str
  kernel_args:
    description: Wanted kernel arguments (name to value, V(null) for a flag) to find in C(/proc/cmdline).
    type: dict
    default: {}
  root:
    description: Directory holding C(proc/) and C(sys/), for tests.
    type: path
    default: /
attributes:
  check_mode:
    support: full
    description: Read-only.
  diff_mode:
    support: none
    description: Nothing is changed.
  platform:
    support: full
    platforms: posix
    description: Linux.
"""

EXAMPLES = r"""
- name: Show which tuning is not in force yet
  linuxai.node.kernel_tuning_info:
    sysctl:
      vm.swappiness: 10
    thp_enabled: madvise
    hugepages:
      - size_kb: 2048
        nodes: {"0": 1024, "1": 1024}
    governor: performance
  register: drift
"""

RETURN = r"""
settings:
  description: Each wanted setting with its running value.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "sysctl vm.swappiness", "desired": "10", "running": "60", "in_force": false}]
drift:
  description: The settings of RV(settings) that are not in force.
  returned: always
  type: list
  elements: dict
drift_report:
  description: One line per setting not in force.
  returned: always
  type: list
  elements: str
  sample: ["sysctl vm.swappiness: running 60, want 10"]
missing_sysctls:
  description: Wanted sysctl keys the running kernel does not have.
  returned: always
  type: list
  elements: str
in_force:
  description: True when every wanted setting is in force.
  returned: always
  type: bool
tuned_installed:
  description: Whether tuned's C(tuned-adm) is installed (C(/usr/sbin/tuned-adm) under O(root)).
  returned: always
  type: bool
sysctl_installed:
  description: Whether the C(sysctl) tool is installed (C(/usr/sbin/sysctl) or C(/sbin/sysctl) under O(root)).
  returned: always
  type: bool
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils._tuning_state import tuning_state


def main():
    module = AnsibleModule(
        argument_spec=dict(
            sysctl=dict(type="dict", default={}),
            thp_enabled=dict(type="str"),
            thp_defrag=dict(type="str"),
            hugepages=dict(type="list", elements="dict", default=[]),
            governor=dict(type="str"),
            kernel_args=dict(type="dict", default={}),
            root=dict(type="path", default="/"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    for index, pool in enumerate(p["hugepages"]):
        if not isinstance(pool.get("size_kb"), int) or not isinstance(pool.get("nodes"), dict):
            module.fail_json(msg="hugepages[%d] needs an integer size_kb and a nodes dict" % index)
    result = tuning_state(p["root"], p["sysctl"], p["thp_enabled"], p["thp_defrag"], p["hugepages"],
                          p["governor"], p["kernel_args"])
    if result["missing_sysctls"]:
        module.warn("The running kernel has no sysctl %s: skipped." % ", ".join(result["missing_sysctls"]))
    result["tuned_installed"] = os.path.exists(os.path.join(p["root"], "usr/sbin/tuned-adm"))
    result["sysctl_installed"] = any(os.path.exists(os.path.join(p["root"], rel)) for rel in ("usr/sbin/sysctl", "sbin/sysctl"))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
