# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible.module_utils import basic
from ansible_collections.linuxai.node.plugins.module_utils import _kernel_cmdline as kc
from ansible_collections.linuxai.node.plugins.modules import kernel_cmdline

from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import (
    AnsibleExitJson, AnsibleFailJson, exit_json, fail_json, patch_module_args)


class FakeGrubby(object):
    """grubby --info=ALL / --update-kernel=ALL over in-memory entries, as grubby-bls does."""

    def __init__(self, kernels):
        self.kernels = [[k, a] for k, a in kernels]

    def info(self):
        lines = []
        for index, (kernel, args) in enumerate(self.kernels):
            lines += ["index=%d" % index, 'kernel="%s"' % kernel, 'args="%s"' % args,
                      'root="/dev/mapper/rl-root"', 'title="Rocky Linux (%s)"' % kernel]
        return "\n".join(lines) + "\n"

    def update(self, argv):
        remove = add = ""
        for arg in argv:
            if arg.startswith("--remove-args="):
                remove = arg.split("=", 1)[1]
            elif arg.startswith("--args="):
                add = arg.split("=", 1)[1]
        for entry in self.kernels:
            words = entry[1].split()
            drop = set(remove.split()) | set(w.split("=", 1)[0] for w in add.split())
            words = [w for w in words if w.split("=", 1)[0] not in drop] + add.split()
            entry[1] = " ".join(words)


class Host(object):
    """The system boundary: commands and binaries. Files live under tmp_path."""

    def __init__(self, tmp_path, running="BOOT_IMAGE=/vmlinuz ro quiet"):
        self.tmp_path = tmp_path
        self.dropin = tmp_path / "grub.d" / "90-linuxai-node.cfg"
        self.proc = tmp_path / "cmdline"
        self.proc.write_text(running + "\n")
        self.os_release = tmp_path / "os-release"
        self.os_release.write_text("ID=ubuntu\nID_LIKE=debian\n")
        self.bins = {"update-grub": "/usr/sbin/update-grub"}
        self.calls = []
        self.update_grub_rc = 0
        self.grubby = None

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return self.bins.get(name)

    def run_command(self, argv, **kwargs):
        self.calls.append(list(argv))
        if argv[0].endswith("update-grub"):
            return self.update_grub_rc, "", "boom" if self.update_grub_rc else ""
        if argv[0].endswith("grubby"):
            if argv[1] == "--info=ALL":
                return 0, self.grubby.info(), ""
            self.grubby.update(argv)
            return 0, "", ""
        raise AssertionError("unexpected command %r" % (argv,))

    def use_grubby(self, kernels):
        self.bins["grubby"] = "/usr/sbin/grubby"
        self.os_release.write_text('ID="rocky"\nID_LIKE="rhel centos fedora"\n')
        self.grubby = FakeGrubby(kernels)


@pytest.fixture
def host(tmp_path, mocker):
    fake = Host(tmp_path)
    mocker.patch.multiple(basic.AnsibleModule, exit_json=exit_json, fail_json=fail_json)
    mocker.patch.object(basic.AnsibleModule, "get_bin_path", side_effect=fake.get_bin_path)
    mocker.patch.object(basic.AnsibleModule, "run_command", side_effect=fake.run_command)
    fake.warn = mocker.patch.object(basic.AnsibleModule, "warn")
    mocker.patch.object(kernel_cmdline, "OS_RELEASE", str(fake.os_release))
    return fake


def run(host, check_mode=False, diff=True, fails=False, **args):
    args.setdefault("dropin_path", str(host.dropin))
    args.setdefault("proc_cmdline", str(host.proc))
    args["_ansible_check_mode"] = check_mode
    args["_ansible_diff"] = diff
    expected = AnsibleFailJson if fails else AnsibleExitJson
    with patch_module_args(args):
        with pytest.raises(expected) as exc:
            kernel_cmdline.main()
    return exc.value.args[0]


def grub_line(host):
    return [line for line in host.dropin.read_text().splitlines() if not line.startswith("#")]


IOMMU = {"iommu": "pt", "intel_iommu": "on"}


# ---------------------------------------------------------------- grub.d drop-in


def test_dropin_created_then_idempotent(host):
    result = run(host, args=IOMMU)
    assert result["changed"] is True
    assert result["backend"] == "grub_dropin"
    assert grub_line(host) == ['GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=pt intel_iommu=on"']
    assert stat.S_IMODE(os.stat(str(host.dropin)).st_mode) == 0o644
    assert host.calls == [["/usr/sbin/update-grub"]]
    assert result["bootloader_updated"] is True
    assert result["reboot_required"] is True
    assert result["running"] == ["BOOT_IMAGE=/vmlinuz", "ro", "quiet"]
    assert result["args_before"] == {str(host.dropin): []}
    assert result["args_after"] == {str(host.dropin): ["iommu=pt", "intel_iommu=on"]}
    assert result["diff"]["before"] == ""
    assert "iommu=pt intel_iommu=on" in result["diff"]["after"]

    again = run(host, args=IOMMU)
    assert again["changed"] is False
    assert again["bootloader_updated"] is False
    assert again["reboot_required"] is True  # still not rebooted
    assert host.calls == [["/usr/sbin/update-grub"]]
    assert again["diff"]["before"] == again["diff"]["after"]


def test_check_mode_writes_nothing_and_runs_nothing(host):
    result = run(host, check_mode=True, args=IOMMU)
    assert result["changed"] is True
    assert "iommu=pt intel_iommu=on" in result["diff"]["after"]
    assert result["bootloader_updated"] is False
    assert not host.dropin.exists()
    assert not host.dropin.parent.exists()
    assert host.calls == []


def test_check_mode_on_existing_dropin_leaves_it(host):
    run(host, args={"iommu": "pt"})
    content = host.dropin.read_text()
    result = run(host, check_mode=True, args={"iommu": "soft"})
    assert result["changed"] is True
    assert host.dropin.read_text() == content
    assert result["args_after"] == {str(host.dropin): ["iommu=soft"]}
    assert len(host.calls) == 1


def test_no_diff_key_without_diff_mode(host):
    assert "diff" not in run(host, diff=False, args=IOMMU)


def test_present_updates_ours_and_keeps_other_arguments(host):
    host.dropin.parent.mkdir()
    host.dropin.write_text(
        "# old header\n"
        'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=soft quiet quiet hugepages=4 iommu=soft2"\n'
    )
    result = run(host, args={"iommu": "pt", "hugepages": 4})
    assert result["changed"] is True
    assert grub_line(host) == ['GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=pt quiet hugepages=4"']
    assert result["args_before"][str(host.dropin)] == ["iommu=soft", "quiet", "hugepages=4", "iommu=soft2"]
    assert run(host, args={"iommu": "pt", "hugepages": 4})["changed"] is False


def test_separate_tasks_share_the_dropin_without_flapping(host):
    run(host, args={"iommu": "pt"})
    run(host, args={"hugepagesz": "1G", "hugepages": 16})
    assert run(host, args={"iommu": "pt"})["changed"] is False
    assert run(host, args={"hugepagesz": "1G", "hugepages": 16})["changed"] is False
    assert grub_line(host) == ['GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=pt hugepagesz=1G hugepages=16"']


def test_list_values_interleave_in_the_dropin(host):
    args = {"default_hugepagesz": "1G", "hugepagesz": ["1G", "2M"], "hugepages": [8, 1024]}
    run(host, args=args)
    assert grub_line(host) == [
        'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} default_hugepagesz=1G '
        'hugepagesz=1G hugepages=8 hugepagesz=2M hugepages=1024"']
    assert run(host, args=args)["changed"] is False


def test_quoted_value_in_the_dropin(host):
    run(host, args={"dyndbg": "module nvme +p"})
    assert grub_line(host) == ['GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} dyndbg=\\"module nvme +p\\""']
    assert run(host, args={"dyndbg": "module nvme +p"})["changed"] is False


def test_already_running_needs_no_reboot_but_is_still_written(host):
    host.proc.write_text("BOOT_IMAGE=/vmlinuz ro iommu=pt intel_iommu=on quiet\n")
    result = run(host, args=IOMMU)
    assert result["changed"] is True
    assert result["reboot_required"] is False


def test_running_with_other_value_requires_reboot(host):
    host.proc.write_text("ro iommu=pt intel_iommu=off\n")
    assert run(host, args=IOMMU)["reboot_required"] is True


def test_absent_removes_and_deletes_an_empty_dropin(host):
    run(host, args={"pci": "realloc=off", "pcie_acs_override": "downstream"})
    host.calls[:] = []
    host.proc.write_text("ro pci=realloc=off pcie_acs_override=downstream\n")
    result = run(host, state="absent", args={"pci": None, "pcie_acs_override": None})
    assert result["changed"] is True
    assert not host.dropin.exists()
    assert result["diff"]["after"] == ""
    assert host.calls == [["/usr/sbin/update-grub"]]
    assert result["reboot_required"] is True
    again = run(host, state="absent", args={"pci": None, "pcie_acs_override": None})
    assert again["changed"] is False
    assert len(host.calls) == 1


def test_absent_keeps_other_arguments(host):
    run(host, args={"iommu": "pt", "pci": "realloc=off"})
    result = run(host, state="absent", args={"pci": "ignored value"})
    assert result["changed"] is True
    assert result["reboot_required"] is False
    assert grub_line(host) == ['GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=pt"']


def test_absent_without_dropin_is_a_no_op(host):
    result = run(host, state="absent", args={"pci": None})
    assert result["changed"] is False
    assert not host.dropin.exists()
    assert host.calls == []


@pytest.mark.parametrize("value", ['a"b', "$(reboot)", "`id`", "a\nb"])
def test_invalid_value_fails_naming_the_argument(host, value):
    result = run(host, fails=True, args={"iommu": "pt", "evil_arg": value})
    assert "'evil_arg'" in result["msg"]
    assert not host.dropin.exists()
    assert host.calls == []


def test_boolean_value_fails(host):
    result = run(host, fails=True, args={"intel_iommu": True})
    assert "'intel_iommu'" in result["msg"]


def test_name_given_twice_fails(host):
    result = run(host, fails=True, args={"intel_iommu": "on", "intel-iommu": "off"})
    assert "given twice" in result["msg"]


def test_missing_update_grub_warns(host):
    del host.bins["update-grub"]
    result = run(host, args=IOMMU)
    assert result["changed"] is True
    assert result["bootloader_updated"] is False
    assert host.dropin.exists()
    assert "update-grub not found" in host.warn.call_args[0][0]


def test_update_bootloader_false_runs_nothing(host):
    result = run(host, update_bootloader=False, args=IOMMU)
    assert result["changed"] is True
    assert result["bootloader_updated"] is False
    assert host.calls == []


def test_failed_update_grub_restores_the_previous_dropin(host):
    run(host, args={"iommu": "pt"})
    content = host.dropin.read_text()
    host.update_grub_rc = 1
    result = run(host, fails=True, args={"iommu": "soft"})
    assert "update-grub failed" in result["msg"]
    assert result["stderr"] == "boom"
    assert host.dropin.read_text() == content


def test_failed_update_grub_removes_a_new_dropin(host):
    host.update_grub_rc = 1
    run(host, fails=True, args={"iommu": "pt"})
    assert not host.dropin.exists()


def test_wrong_mode_is_fixed(host):
    run(host, args={"iommu": "pt"})
    os.chmod(str(host.dropin), 0o600)
    result = run(host, args={"iommu": "pt"})
    assert result["changed"] is True
    assert stat.S_IMODE(os.stat(str(host.dropin)).st_mode) == 0o644
    assert len(host.calls) == 1


def test_unreadable_proc_cmdline_fails(host):
    result = run(host, fails=True, proc_cmdline=str(host.tmp_path / "missing"), args=IOMMU)
    assert "running command line" in result["msg"]


def test_auto_on_debian_uses_dropin_even_with_grubby(host):
    host.bins["grubby"] = "/usr/sbin/grubby"
    assert run(host, check_mode=True, args=IOMMU)["backend"] == "grub_dropin"


# ---------------------------------------------------------------- grubby

KERNELS = [
    ("/boot/vmlinuz-5.14.0-427.el9.x86_64", "ro rd.lvm.lv=rl/root iommu=pt $tuned_params"),
    ("/boot/vmlinuz-5.14.0-362.el9.x86_64", "ro rd.lvm.lv=rl/root iommu=soft iommu=soft"),
]


def test_grubby_sets_all_kernels_then_is_idempotent(host):
    host.use_grubby(KERNELS)
    result = run(host, args=IOMMU)
    assert result["backend"] == "grubby"
    assert result["changed"] is True
    assert host.calls == [
        ["/usr/sbin/grubby", "--info=ALL"],
        ["/usr/sbin/grubby", "--update-kernel=ALL", "--remove-args=iommu intel_iommu",
         "--args=iommu=pt intel_iommu=on"],
        ["/usr/sbin/grubby", "--info=ALL"],
    ]
    assert result["args_before"]["/boot/vmlinuz-5.14.0-362.el9.x86_64"] == [
        "ro", "rd.lvm.lv=rl/root", "iommu=soft", "iommu=soft"]
    assert result["args_after"] == {
        "/boot/vmlinuz-5.14.0-427.el9.x86_64": ["ro", "rd.lvm.lv=rl/root", "$tuned_params", "iommu=pt", "intel_iommu=on"],
        "/boot/vmlinuz-5.14.0-362.el9.x86_64": ["ro", "rd.lvm.lv=rl/root", "iommu=pt", "intel_iommu=on"],
    }
    assert "iommu=soft" in result["diff"]["before"]
    assert "iommu=soft" not in result["diff"]["after"]
    assert result["bootloader_updated"] is True
    assert result["reboot_required"] is True
    assert not host.warn.called
    assert not host.dropin.exists()

    host.calls[:] = []
    again = run(host, args=IOMMU)
    assert again["changed"] is False
    assert again["bootloader_updated"] is False
    assert host.calls == [["/usr/sbin/grubby", "--info=ALL"]]


def test_grubby_check_mode_only_reads(host):
    host.use_grubby(KERNELS)
    result = run(host, check_mode=True, args=IOMMU)
    assert result["changed"] is True
    assert host.calls == [["/usr/sbin/grubby", "--info=ALL"]]
    assert result["args_after"]["/boot/vmlinuz-5.14.0-362.el9.x86_64"][-2:] == ["iommu=pt", "intel_iommu=on"]
    assert host.grubby.kernels[1][1] == KERNELS[1][1]


def test_grubby_absent(host):
    host.use_grubby(KERNELS)
    host.proc.write_text("ro iommu=pt\n")
    result = run(host, state="absent", args={"iommu": None, "pci": None})
    assert result["changed"] is True
    assert host.calls[1] == ["/usr/sbin/grubby", "--update-kernel=ALL", "--remove-args=iommu"]
    assert all("iommu" not in " ".join(args) for args in result["args_after"].values())
    assert result["reboot_required"] is True
    assert run(host, state="absent", args={"iommu": None})["changed"] is False


def test_grubby_already_set_everywhere(host):
    host.use_grubby(KERNELS[:1])
    host.proc.write_text("ro iommu=pt\n")
    result = run(host, args={"iommu": "pt"})
    assert result["changed"] is False
    assert result["reboot_required"] is False


def test_grubby_refuses_values_with_spaces(host):
    host.use_grubby(KERNELS)
    result = run(host, fails=True, args={"dyndbg": "module nvme +p"})
    assert "'dyndbg'" in result["msg"]
    assert host.calls == []


def test_grubby_that_does_not_apply_warns(host, mocker):
    host.use_grubby(KERNELS)
    mocker.patch.object(host.grubby, "update")
    result = run(host, args=IOMMU)
    assert result["changed"] is True
    assert host.warn.call_count == 2


def test_backend_grubby_without_grubby_fails(host):
    result = run(host, fails=True, backend="grubby", args=IOMMU)
    assert "grubby" in result["msg"]


def test_forced_dropin_on_redhat(host):
    host.use_grubby(KERNELS)
    result = run(host, backend="grub_dropin", args=IOMMU)
    assert result["backend"] == "grub_dropin"
    assert host.dropin.exists()


def test_module_reports_quoted_running_arguments(host):
    host.proc.write_text('ro "dyndbg=module nvme +p"\n')
    result = run(host, update_bootloader=False, args={"dyndbg": "module nvme +p"})
    assert result["running"] == ["ro", 'dyndbg="module nvme +p"']
    assert result["reboot_required"] is False


def test_module_utils_and_module_agree_on_header(host):
    run(host, args=IOMMU)
    assert host.dropin.read_text().startswith(kc.DROPIN_HEADER)
