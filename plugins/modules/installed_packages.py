#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: installed_packages
short_description: Read the installed packages in one dpkg-query or rpm call, as package_facts lays them out
version_added: 0.1.0
description:
  - Sets C(ansible_facts.packages) in the layout of M(ansible.builtin.package_facts) (a name maps to a list
    of installed instances, each with at least C(name), C(version), C(arch) and C(source)), so that tasks
    reading that fact work unchanged.
  - On Debian and Ubuntu it reads dpkg's database with one C(dpkg-query) call instead of opening python-apt's
    cache of every package the configured repositories list, which M(ansible.builtin.package_facts) does and
    which takes seconds on a node with a few repositories. On RHEL and Rocky it runs one C(rpm --query --all).
  - Also returns the held packages, as C(apt-mark showhold) lists them on dpkg and, with O(versionlock),
    as dnf's versionlock plugin lists them on rpm.
  - Reads only; never changes the node.
author:
  - linuxai.node maintainers (@linuxai)
options:
  manager:
    description:
      - The package database to read. V(auto) takes the one of the distribution's family (C(ID) and C(ID_LIKE) of
        C(/etc/os-release)) where its tool exists, else dpkg where C(dpkg-query) exists, else rpm.
    type: str
    choices: [auto, dpkg, rpm]
    default: auto
  versionlock:
    description:
      - On rpm, also read the packages dnf's versionlock plugin holds, with one C(dnf -q versionlock list)
        (dnf loads its plugins, so this costs a second or two; off by default).
      - Where dnf or its versionlock plugin is missing, RV(held_read) is V(false).
      - No effect on dpkg, whose holds are always read.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: The module never changes anything.
  diff_mode:
    support: none
    description: Nothing to show a difference for.
  facts:
    support: full
    description: Sets C(packages).
  platform:
    support: full
    platforms: posix
    description: Targets Linux with dpkg or rpm.
seealso:
  - module: ansible.builtin.package_facts
"""

EXAMPLES = r"""
- name: Read the installed packages
  linuxai.node.installed_packages:

- name: Show the installed driver version
  ansible.builtin.debug:
    msg: "{{ ansible_facts['packages']['nvidia-driver-cuda'][0]['version'] }}"
  when: "'nvidia-driver-cuda' in ansible_facts['packages']"

- name: Read the installed packages and the holds, dnf's versionlock included on RHEL and Rocky
  linuxai.node.installed_packages:
    versionlock: true
  register: installed

- name: Show the held packages
  ansible.builtin.debug:
    msg: "{{ installed.held if installed.held_read else 'holds not readable (no versionlock plugin)' }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts to add to C(ansible_facts).
  returned: always
  type: dict
  contains:
    packages:
      description:
        - Installed packages by name, each a list of its installed instances (one per architecture).
        - dpkg entries have C(name), C(version) (with its epoch, as dpkg prints it), C(arch) and C(source=apt);
          rpm entries also C(epoch) and C(release), and C(source=rpm), as M(ansible.builtin.package_facts) gives.
      returned: always
      type: dict
      sample: {"nvidia-driver-cuda": [{"name": "nvidia-driver-cuda", "version": "580.95.05-1", "arch": "amd64", "source": "apt"}]}
held:
  description:
    - Held packages, sorted. On dpkg those whose selection is C(hold); on rpm those dnf's versionlock holds
      (with O(versionlock)), as their package names.
    - Empty where RV(held_read) is V(false).
  returned: always
  type: list
  elements: str
  sample: [nvidia-driver-cuda, nvidia-kernel-open-dkms]
held_read:
  description: Whether RV(held) was read; V(false) on rpm without O(versionlock) or where C(dnf -q versionlock list) failed.
  returned: always
  type: bool
  sample: true
manager:
  description: The package database read.
  returned: always
  type: str
  sample: dpkg
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils._packages import (
    dpkg_command,
    parse_dpkg,
    parse_rpm,
    parse_versionlock,
    os_release_manager,
    rpm_command,
    versionlock_command,
)

OS_RELEASE = "/etc/os-release"


def _family_manager():
    try:
        with open(OS_RELEASE) as handle:
            return os_release_manager(handle.read())
    except (IOError, OSError):
        return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            manager=dict(type="str", choices=["auto", "dpkg", "rpm"], default="auto"),
            versionlock=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    manager = module.params["manager"]
    dpkg_query = module.get_bin_path("dpkg-query") if manager in ("auto", "dpkg") else None
    if manager == "auto":
        family = _family_manager()
        manager = "rpm" if family == "rpm" and module.get_bin_path("rpm") else "dpkg" if dpkg_query else "rpm"
    if manager == "dpkg":
        if not dpkg_query:
            module.fail_json(msg="manager: dpkg-query not found on this node")
        rc, out, err = module.run_command(dpkg_command(dpkg_query), environ_update={"LC_ALL": "C"})
        if rc != 0:
            module.fail_json(msg="dpkg-query failed: %s" % (err or out).strip(), rc=rc)
        packages, held = parse_dpkg(out)
        held_read = True
    else:
        rpm = module.get_bin_path("rpm")
        if not rpm:
            module.fail_json(msg="manager: neither dpkg-query nor rpm found on this node")
        rc, out, err = module.run_command(rpm_command(rpm), environ_update={"LC_ALL": "C"})
        if rc != 0:
            module.fail_json(msg="rpm failed: %s" % (err or out).strip(), rc=rc)
        packages, held, held_read = parse_rpm(out), [], False
        dnf = module.get_bin_path("dnf") if module.params["versionlock"] else None
        if dnf:
            rc, out, err = module.run_command(versionlock_command(dnf), environ_update={"LC_ALL": "C"})
            if rc == 0:
                held, held_read = parse_versionlock(out), True
    module.exit_json(changed=False, manager=manager, held=held, held_read=held_read,
                     ansible_facts={"packages": packages})


if __name__ == "__main__":
    main()
