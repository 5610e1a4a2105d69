#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kernel_cmdline
short_description: Add or remove kernel command line arguments in the boot configuration
version_added: 0.1.0
description:
  - Sets or removes kernel arguments idempotently for the next boot and reports whether the
    running kernel command line (C(/proc/cmdline)) already has the wanted state.
  - On Debian and Ubuntu (O(backend=grub_dropin)) the module owns one drop-in file under
    C(/etc/default/grub.d) holding a single line
    C(GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=pt ...") that appends to, and never
    replaces, the distribution's command line, then runs C(update-grub).
    C(/etc/default/grub) and other drop-ins are never edited.
  - On RHEL, Rocky and other RedHat family hosts (O(backend=grubby)) the arguments are
    changed with C(grubby --update-kernel=ALL) for every installed kernel.
  - The module never reboots. Use RV(reboot_required) to decide on a reboot.
author:
  - linuxai.node maintainers (@linuxai)
options:
  args:
    description:
      - Kernel arguments, a dictionary of argument name to value, kept in the given order.
      - V(null) is a bare flag (C(quiet)); a string or number gives C(name=value); an empty
        string gives C(name=).
      - 'Booleans are refused, because YAML reads unquoted V(on), V(off), V(yes) and V(no) as
        booleans. Write C(intel_iommu: "on"), not C(intel_iommu: on).'
      - 'A list repeats the argument once per element, in order, for arguments the kernel
        reads more than once. Adjacent list-valued arguments are interleaved element by
        element, so C(hugepagesz: [1G, 2M]) followed by C(hugepages: [4, 512]) gives
        C(hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512). Plain values need no list:
        C({default_hugepagesz: 1G, hugepagesz: 1G, hugepages: 16}).'
      - Names compare as the kernel compares them, C(-) and C(_) alike.
      - Values are quoted (C(name="a b")) when they hold spaces or shell or GRUB
        metacharacters. Values holding C("), C('), C(\), C($), a backtick or a control
        character are refused with an error naming the argument. With O(backend=grubby),
        values holding spaces are refused too.
      - With O(state=absent) only the names matter; give V(null) values.
    type: dict
    required: true
  state:
    description:
      - V(present) sets each listed argument to exactly the given value or values. Any other
        occurrence of the same name is removed, so the value cannot be overridden by an
        older one. Arguments not listed are left alone, in the drop-in and in grubby entries.
      - V(absent) removes every occurrence of each listed name. With O(backend=grub_dropin)
        this removes them from the module's drop-in only; an argument from
        C(/etc/default/grub) stays, and RV(reboot_required) stays V(true).
    type: str
    choices: [present, absent]
    default: present
  backend:
    description:
      - V(auto) picks V(grubby) when the C(grubby) command exists and C(/etc/os-release) names a
        RedHat family distribution, V(grub_dropin) otherwise.
      - V(grub_dropin) needs a GRUB whose C(grub-mkconfig) reads C(/etc/default/grub.d/*.cfg),
        as on Debian and Ubuntu.
    type: str
    choices: [auto, grub_dropin, grubby]
    default: auto
  dropin_path:
    description:
      - The drop-in the module owns with O(backend=grub_dropin). Arguments already on its
        C(GRUB_CMDLINE_LINUX) append line are kept; any other line is dropped when the module
        rewrites the file. The file is removed when no argument is left in it. The name must
        end in C(.cfg) for C(grub-mkconfig) to read it.
    type: path
    default: /etc/default/grub.d/90-linuxai-node.cfg
  update_bootloader:
    description:
      - With O(backend=grub_dropin), run C(update-grub) after the drop-in changed. When it
        fails the previous drop-in is restored and the task fails, so a rerun tries again.
      - When C(update-grub) is missing the module warns and returns
        RV(bootloader_updated=false).
      - V(false) leaves regenerating C(grub.cfg) to the caller, for example a handler notified
        by this task.
      - Ignored with O(backend=grubby), which writes the boot entries itself.
    type: bool
    default: true
  proc_cmdline:
    description:
      - File holding the running kernel command line.
    type: path
    default: /proc/cmdline
attributes:
  check_mode:
    support: full
    description: Computes the change and the diff; writes nothing and runs no mutating command.
  diff_mode:
    support: full
    description: Shows the drop-in before and after, or each kernel's arguments with grubby.
  platform:
    support: full
    platforms: posix
    description: Targets Linux booted with GRUB (grub.d drop-in or grubby).
notes:
  - The kernel honours the last occurrence of most arguments. C(GRUB_CMDLINE_LINUX_DEFAULT)
    comes after C(GRUB_CMDLINE_LINUX) on the boot line, so a conflicting value there wins;
    RV(reboot_required) then stays V(true) after a reboot.
  - With grubby, C($tuned_params) and C($kernelopts) references in boot entries are kept as
    they are and never match an argument.
seealso:
  - name: The kernel's command-line parameters
    description: Documentation/admin-guide/kernel-parameters.rst in the Linux sources.
    link: https://docs.kernel.org/admin-guide/kernel-parameters.html
"""

EXAMPLES = r"""
- name: Enable IOMMU passthrough for GPU and NIC passthrough
  linuxai.node.kernel_cmdline:
    args:
      iommu: pt
      intel_iommu: "on"
  register: __iommu_cmdline

- name: Reserve sixteen 1 GiB huge pages at boot
  linuxai.node.kernel_cmdline:
    args:
      default_hugepagesz: 1G
      hugepagesz: 1G
      hugepages: 16

- name: Reserve huge pages of two sizes (lists are interleaved pairwise)
  linuxai.node.kernel_cmdline:
    args:
      hugepagesz: [1G, 2M]
      hugepages: [16, 4096]

- name: Remove the opt-in PCI settings again
  linuxai.node.kernel_cmdline:
    args:
      pci: null
      pcie_acs_override: null
    state: absent

- name: Write the drop-in only; a handler runs update-grub
  linuxai.node.kernel_cmdline:
    args:
      iommu: pt
    backend: grub_dropin
    update_bootloader: false
  notify: Update grub
"""

RETURN = r"""
backend:
  description: The backend used.
  returned: always
  type: str
  sample: grub_dropin
args_before:
  description:
    - The configured arguments before the task, per target, as command line tokens.
    - With V(grub_dropin) the only key is the drop-in path, holding the drop-in's arguments.
    - With V(grubby) the keys are the kernel paths, each holding that kernel's arguments.
  returned: always
  type: dict
  sample: {"/etc/default/grub.d/90-linuxai-node.cfg": ["iommu=pt"]}
args_after:
  description:
    - The configured arguments after the task (predicted in check mode), like RV(args_before).
  returned: always
  type: dict
  sample: {"/etc/default/grub.d/90-linuxai-node.cfg": ["iommu=pt", "intel_iommu=on"]}
running:
  description: The running kernel command line, as tokens.
  returned: always
  type: list
  elements: str
  sample: ["BOOT_IMAGE=/vmlinuz-6.8.0-45-generic", "root=/dev/sda1", "ro", "quiet"]
reboot_required:
  description:
    - V(true) when the running command line does not have the wanted state. With
      O(state=present), a listed argument is missing or its last occurrence has another
      value. With O(state=absent), a listed argument is present.
    - It does not depend on whether the task changed anything; a reboot owed by an earlier
      run is reported too.
  returned: always
  type: bool
  sample: true
bootloader_updated:
  description:
    - V(true) when C(update-grub) ran, or grubby changed the boot entries.
  returned: always
  type: bool
  sample: true
diff:
  description: Before and after text of the drop-in, or of each kernel's arguments.
  returned: when diff mode is on
  type: dict
  sample: {"before": "", "after": "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} iommu=pt\"\n"}
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.linuxai.node.plugins.module_utils import _kernel_cmdline as kc

OS_RELEASE = "/etc/os-release"
SBIN_DIRS = ["/usr/sbin", "/sbin"]
FILE_MODE = "0644"


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _write(module, path, text):
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    module.atomic_move(tmp, path)


def _choose_backend(module):
    backend = module.params["backend"]
    grubby = module.get_bin_path("grubby", opt_dirs=SBIN_DIRS)
    if backend == "auto":
        redhat = kc.is_redhat_family(_read(OS_RELEASE))
        backend = "grubby" if grubby and redhat else "grub_dropin"
    if backend == "grubby" and not grubby:
        module.fail_json(msg="backend=grubby but the grubby command was not found")
    return backend, grubby


def _dropin(module, state, groups, names):
    params = module.params
    path = params["dropin_path"]
    before_text = _read(path)
    before = kc.parse_dropin(before_text)
    if state == "present":
        after = kc.apply_present(before, groups)
    else:
        after = kc.apply_absent(before, names)
    after_text = kc.render_dropin(after)
    changed = after_text != (before_text or "")

    if changed and not module.check_mode:
        if after_text:
            _write(module, path, after_text)
        else:
            os.remove(path)
    mode_changed = False
    if after_text and os.path.exists(path):
        mode_changed = module.set_mode_if_different(path, FILE_MODE, False)

    updated = False
    if changed and params["update_bootloader"] and not module.check_mode:
        updated = _update_grub(module, path, before_text)

    return {
        "changed": changed or mode_changed,
        "args_before": {path: kc.format_tokens(before)},
        "args_after": {path: kc.format_tokens(after)},
        "bootloader_updated": updated,
        "diff": {"before": before_text or "", "after": after_text,
                 "before_header": path, "after_header": path},
    }


def _update_grub(module, path, before_text):
    tool = module.get_bin_path("update-grub", opt_dirs=SBIN_DIRS)
    if not tool:
        module.warn("update-grub not found: %s is written but grub.cfg was not regenerated; "
                    "the new arguments apply only after grub.cfg is rebuilt" % path)
        return False
    rc, out, err = module.run_command([tool])
    if rc != 0:
        if before_text is None:
            os.remove(path)
        else:
            _write(module, path, before_text)
        module.fail_json(msg="update-grub failed (rc=%d); %s was restored" % (rc, path),
                         rc=rc, stdout=out, stderr=err)
    return True


def _grubby_entries(module, grubby):
    rc, out, err = module.run_command([grubby, "--info=ALL"])
    if rc != 0:
        module.fail_json(msg="grubby --info=ALL failed (rc=%d)" % rc, rc=rc, stdout=out, stderr=err)
    try:
        entries = kc.parse_grubby_info(out)
    except kc.CmdlineError as exc:
        module.fail_json(msg=to_native(exc), stdout=out)
    if not entries:
        module.fail_json(msg="grubby --info=ALL listed no kernel", stdout=out)
    return entries


def _by_kernel(entries, token_lists):
    """Arguments per kernel path; a path listed twice gets its grubby index appended."""
    result = {}
    for entry, tokens in zip(entries, token_lists):
        key = entry["kernel"]
        if key in result:
            key = "%s [index %d]" % (key, entry["index"])
        result[key] = kc.format_tokens(tokens)
    return result


def _as_text(per_kernel):
    return "".join("%s: %s\n" % (kernel, " ".join(args)) for kernel, args in per_kernel.items())


def _grubby(module, grubby, state, groups, names):
    if state == "present":
        try:
            kc.check_grubby_values(groups)
        except kc.CmdlineError as exc:
            module.fail_json(msg=to_native(exc))
    entries = _grubby_entries(module, grubby)
    remove, add, predicted = kc.grubby_plan(entries, state, groups, names)
    changed = bool(remove or add)
    before = _by_kernel(entries, [e["tokens"] for e in entries])
    after = _by_kernel(entries, predicted)

    if changed and not module.check_mode:
        argv = kc.grubby_command(grubby, remove, add)
        rc, out, err = module.run_command(argv)
        if rc != 0:
            module.fail_json(msg="%s failed (rc=%d)" % (" ".join(argv), rc),
                             rc=rc, stdout=out, stderr=err)
        entries = _grubby_entries(module, grubby)
        after = _by_kernel(entries, [e["tokens"] for e in entries])
        for entry in entries:
            if state == "present":
                unset = [g for g in groups if not kc.is_set(entry["tokens"], g)]
            else:
                unset = kc.names_present(entry["tokens"], names)
            if unset:
                module.warn("grubby did not give %s the wanted arguments: %s"
                            % (entry["kernel"], entry["args"]))

    return {
        "changed": changed,
        "args_before": before,
        "args_after": after,
        "bootloader_updated": changed and not module.check_mode,
        "diff": {"before": _as_text(before), "after": _as_text(after),
                 "before_header": "grubby --info=ALL", "after_header": "grubby --info=ALL"},
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            args=dict(type="dict", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            backend=dict(type="str", default="auto", choices=["auto", "grub_dropin", "grubby"]),
            dropin_path=dict(type="path", default="/etc/default/grub.d/90-linuxai-node.cfg"),
            update_bootloader=dict(type="bool", default=True),
            proc_cmdline=dict(type="path", default="/proc/cmdline"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    state = params["state"]
    groups = names = None
    try:
        if state == "present":
            groups = kc.normalize_args(params["args"])
        else:
            names = kc.normalize_names(params["args"])
    except kc.CmdlineError as exc:
        module.fail_json(msg=to_native(exc))

    running_text = _read(params["proc_cmdline"])
    if running_text is None:
        module.fail_json(msg="Cannot read the running command line from %s" % params["proc_cmdline"])
    running = kc.split_cmdline(running_text)

    backend, grubby = _choose_backend(module)
    if backend == "grubby":
        result = _grubby(module, grubby, state, groups, names)
    else:
        result = _dropin(module, state, groups, names)
    if not module._diff:
        result.pop("diff")
    result.update(
        backend=backend,
        running=kc.format_tokens(running),
        reboot_required=kc.reboot_required(running, state, groups, names),
    )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
