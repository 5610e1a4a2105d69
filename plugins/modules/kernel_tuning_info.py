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
  - With O(tuned_profile), also asks the installed tuned (its own Python and constants) which directories it
    searches for profiles, and tells where that profile belongs and which copies this collection wrote elsewhere
    (tuned 2.23.0 moved the directories from C(/usr/lib/tuned) and C(/etc/tuned) to their C(profiles/)
    subdirectories, and tuned finds a profile only where it looks).
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
  tuned_profile:
    description:
      - Name of a tuned profile (C(linuxai-node)) to place; returns RV(tuned_profile_path) and RV(tuned_profile_stale).
    type: str
  tuned_profile_dirs_default:
    description:
      - The directories the distribution's tuned searches, used where tuned is not installed yet (check mode on
        a fresh node). Where it is installed, tuned itself tells.
    type: list
    elements: path
    default: []
  root:
    description: Directory holding C(proc/), C(sys/), C(etc/tuned/) and C(usr/sbin/tuned-adm), for tests.
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
tuned_version:
  description: Version of the installed tuned, V(null) where it is not installed.
  returned: when O(tuned_profile) is set
  type: str
  sample: 2.25.1
tuned_profile_dirs:
  description:
    - The directories tuned searches for profiles, in its order (a later one wins a name); O(tuned_profile_dirs_default)
      where tuned is not installed.
  returned: when O(tuned_profile) is set
  type: list
  elements: str
  sample: [/usr/lib/tuned/profiles, /etc/tuned/profiles]
tuned_profile_path:
  description: Directory of O(tuned_profile) in the last of RV(tuned_profile_dirs).
  returned: when O(tuned_profile) is set
  type: str
  sample: /etc/tuned/profiles/linuxai-node
tuned_profile_stale:
  description:
    - Copies of O(tuned_profile) that this collection wrote (their C(summary) starts with C(linuxai.node)) in
      another directory, each with C(path) and C(action), V(move) (to RV(tuned_profile_path), which is free)
      or V(remove).
  returned: when O(tuned_profile) is set
  type: list
  elements: dict
  sample: [{"path": "/etc/tuned/linuxai-node", "action": "move"}]
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils import _tuning_state as ts


def main():
    module = AnsibleModule(
        argument_spec=dict(
            sysctl=dict(type="dict", default={}),
            thp_enabled=dict(type="str"),
            thp_defrag=dict(type="str"),
            hugepages=dict(type="list", elements="dict", default=[]),
            governor=dict(type="str"),
            kernel_args=dict(type="dict", default={}),
            tuned_profile=dict(type="str"),
            tuned_profile_dirs_default=dict(type="list", elements="path", default=[]),
            root=dict(type="path", default="/"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    for index, pool in enumerate(p["hugepages"]):
        if not isinstance(pool.get("size_kb"), int) or not isinstance(pool.get("nodes"), dict):
            module.fail_json(msg="hugepages[%d] needs an integer size_kb and a nodes dict" % index)
    result = ts.tuning_state(p["root"], p["sysctl"], p["thp_enabled"], p["thp_defrag"], p["hugepages"],
                             p["governor"], p["kernel_args"])
    if result["missing_sysctls"]:
        module.warn("The running kernel has no sysctl %s: skipped." % ", ".join(result["missing_sysctls"]))
    result["tuned_installed"] = os.path.exists(os.path.join(p["root"], ts.TUNED_ADM))
    result["sysctl_installed"] = any(os.path.exists(os.path.join(p["root"], rel)) for rel in ("usr/sbin/sysctl", "sbin/sysctl"))
    if p["tuned_profile"]:
        result.update(tuned_placement(module, result["tuned_installed"]))
    module.exit_json(changed=False, **result)


def tuned_placement(module, installed):
    p = module.params
    version, dirs = None, p["tuned_profile_dirs_default"]
    if installed:
        argv = ts.tuned_query_argv(p["root"])
        if argv is None:
            module.fail_json(msg="/%s is not a Python script: cannot ask tuned where it reads profiles" % ts.TUNED_ADM)
        rc, out, err = module.run_command(argv)
        if rc != 0:
            module.fail_json(msg="Cannot ask the installed tuned where it reads profiles (%s): %s"
                             % (argv[0], (err or out).strip()), rc=rc)
        try:
            query = ts.parse_tuned_query(out)
            version, dirs = query["version"], ts.tuned_profile_dirs(p["root"], query)
        except ValueError as error:
            module.fail_json(msg="Cannot read the installed tuned's profile directories: %s" % error)
    if not dirs and installed:
        module.fail_json(msg="tuned %s searches no profile directory (profile_dirs in /%s is empty)"
                         % (version, ts.TUNED_MAIN_CONF))
    if not dirs:
        module.fail_json(msg="tuned is not installed and tuned_profile_dirs_default is empty")
    # Not installed yet (check mode before the install): its package brings the profile directory.
    placement = ts.tuned_profile_placement(p["root"], dirs, p["tuned_profile"],
                                           parent_ready=None if installed else True)
    return {"tuned_version": version, "tuned_profile_dirs": dirs, "tuned_profile_path": placement["path"],
            "tuned_profile_stale": placement["stale"]}


if __name__ == "__main__":
    main()
