#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: environment_facts
short_description: Detect where a node runs - container, booted systemd, Secure Boot, ostree, installed kernels
version_added: 0.1.0
description:
  - Sets C(ansible_facts.linuxai_environment), which every role of the collection reads to
    decide whether runtime steps (sysctl apply, module loading, huge pages, reboot) may run.
  - Reads files only; never changes the node.
author:
  - linuxai.node maintainers (@linuxai)
options:
  root:
    description:
      - Directory to read C(/proc), C(/run) and C(/sys) from, for tests and captured trees.
    type: path
    default: /
attributes:
  check_mode:
    support: full
    description: The module never changes anything.
  diff_mode:
    support: none
    description: Nothing to show a difference for.
  facts:
    support: full
    description: Sets C(linuxai_environment).
  platform:
    support: full
    platforms: posix
    description: Targets Linux.
notes:
  - Inside a container C(/sys/firmware) is usually masked, so O(root)'s Secure Boot state reads C(unknown).
"""

EXAMPLES = r"""
- name: Detect the node environment
  linuxai.node.environment_facts:

- name: Skip runtime steps inside containers
  ansible.posix.sysctl:
    name: vm.swappiness
    value: "10"
  when: ansible_facts['linuxai_environment']['runtime_changes_allowed']
"""

RETURN = r"""
ansible_facts:
  description: Facts to add to C(ansible_facts).
  returned: always
  type: dict
  contains:
    linuxai_environment:
      description: Where the node runs.
      returned: always
      type: dict
      contains:
        container:
          description: Container engine the node runs in, or V(none) on a real machine or VM.
          type: str
          returned: always
          choices: [none, podman, docker, lxc, systemd-nspawn, containerd, other]
          sample: podman
        in_container:
          description: Whether O(root) is inside any container.
          type: bool
          returned: always
          sample: true
        booted:
          description: Whether systemd is PID 1.
          type: bool
          returned: always
          sample: true
        secure_boot:
          description: UEFI Secure Boot state from the EFI variables.
          type: str
          returned: always
          choices: [enabled, disabled, unknown]
          sample: disabled
        ostree:
          description: Whether the system is an ostree/image-mode deployment.
          type: bool
          returned: always
          sample: false
        kernels:
          description:
            - Releases of the installed kernels, sorted (C(/lib/modules/RELEASE/kernel) exists; it belongs to the
              kernel package). Empty in a container, which has no kernel of its own.
            - The driver roles install headers and build DKMS modules for each of them.
          type: list
          elements: str
          returned: always
          sample: [6.1.0-37-amd64]
        cgroup_v2:
          description:
            - Whether the node runs the unified cgroup v2 hierarchy (C(/sys/fs/cgroup/cgroup.controllers) exists),
              which the container engines' resource limits and rootless containers expect.
          type: bool
          returned: always
          sample: true
        apt_lists_updated:
          description:
            - When apt's package lists were last updated, in seconds since the epoch (the mtime of
              C(/var/lib/apt/periodic/update-success-stamp), else of C(/var/lib/apt/lists), which
              M(ansible.builtin.apt)'s O(ansible.builtin.apt#module:cache_valid_time) compares); V(0) without apt.
            - The shared preflight refreshes the lists only when they are older than a day.
          type: int
          returned: always
          sample: 1764662400
        dpkg_interrupted:
          description:
            - Whether an interrupted dpkg run left journal files in C(/var/lib/dpkg/updates), so that apt refuses to
              install anything until C(dpkg --configure -a) finishes it (the shared preflight runs it).
          type: bool
          returned: always
          sample: false
        runtime_changes_allowed:
          description: True on a booted system outside a container; roles apply runtime changes only then.
          type: bool
          returned: always
          sample: false
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils._environment import detect_environment


def main():
    module = AnsibleModule(
        argument_spec=dict(root=dict(type="path", default="/")),
        supports_check_mode=True,
    )
    root = module.params["root"]
    if not os.path.isdir(root):
        module.fail_json(msg="root %s is not a directory" % root)
    module.exit_json(changed=False, ansible_facts={"linuxai_environment": detect_environment(root)})


if __name__ == "__main__":
    main()
