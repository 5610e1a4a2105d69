# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import subprocess

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _kernel_cmdline as kc


def tokens(text):
    return kc.split_cmdline(text)


def formatted(token_list):
    return " ".join(kc.format_tokens(token_list))


# ---------------------------------------------------------------- parsing and quoting


def test_split_flags_values_and_quotes():
    assert tokens('ro quiet iommu=pt acpi_osi= foo="a b" "bar=c d"  $tuned_params') == [
        ("ro", None), ("quiet", None), ("iommu", "pt"), ("acpi_osi", ""),
        ("foo", "a b"), ("bar", "c d"), ("$tuned_params", None),
    ]


def test_split_keeps_equals_in_value():
    assert tokens("pci=realloc=off") == [("pci", "realloc=off")]


@pytest.mark.parametrize("value, rendered", [
    ("pt", "x=pt"),
    ("", "x="),
    ("a b", 'x="a b"'),
    ("a;b", 'x="a;b"'),
    ("0:8,1:8", "x=0:8,1:8"),
    (None, "x"),
])
def test_format_token_quotes_when_needed(value, rendered):
    assert kc.format_token("x", value) == rendered


@pytest.mark.parametrize("value", ['a"b', "a$b", "a`b`", "a\\b", "a'b", "a\nb", "a\tb"])
def test_unsafe_values_fail_naming_the_argument(value):
    with pytest.raises(kc.CmdlineError, match="'nvme_core.opt'"):
        kc.normalize_args({"nvme_core.opt": value})


@pytest.mark.parametrize("name", ["", "a b", "a=b", "$x", 'a"'])
def test_invalid_names_fail(name):
    with pytest.raises(kc.CmdlineError, match="Invalid kernel argument name"):
        kc.normalize_args({name: "x"})


def test_booleans_are_refused_with_a_hint():
    with pytest.raises(kc.CmdlineError, match=r"'intel_iommu'.*quote"):
        kc.normalize_args({"intel_iommu": True})


def test_values_of_other_types_fail():
    with pytest.raises(kc.CmdlineError, match="'x' has a value of type dict"):
        kc.normalize_args({"x": {"a": 1}})
    with pytest.raises(kc.CmdlineError, match="empty list"):
        kc.normalize_args({"x": []})
    with pytest.raises(kc.CmdlineError, match="scalars"):
        kc.normalize_args({"x": [[1]]})


def test_numbers_and_flags():
    groups = kc.normalize_args({"hugepages": 16, "quiet": None, "ratio": 0.5})
    assert [g.tokens for g in groups] == [[("hugepages", "16")], [("quiet", None)], [("ratio", "0.5")]]


def test_same_name_twice_with_dash_and_underscore_fails():
    with pytest.raises(kc.CmdlineError, match="given twice"):
        kc.normalize_args({"intel_iommu": "on", "intel-iommu": "on"})
    with pytest.raises(kc.CmdlineError, match="given twice"):
        kc.normalize_names({"a-b": None, "a_b": None})


def test_adjacent_lists_are_interleaved():
    groups = kc.normalize_args({
        "default_hugepagesz": "1G", "hugepagesz": ["1G", "2M"], "hugepages": [4, 512], "iommu": "pt",
    })
    assert [g.names for g in groups] == [["default_hugepagesz"], ["hugepagesz", "hugepages"], ["iommu"]]
    assert formatted(groups[1].tokens) == "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512"


def test_lists_of_different_length_interleave_as_far_as_they_go():
    groups = kc.normalize_args({"a": [1, 2, 3], "b": [9]})
    assert formatted(groups[0].tokens) == "a=1 b=9 a=2 a=3"


def test_normalize_rejects_non_dict():
    with pytest.raises(kc.CmdlineError):
        kc.normalize_args(["iommu=pt"])
    with pytest.raises(kc.CmdlineError):
        kc.normalize_names("iommu")


# ---------------------------------------------------------------- edits


def test_present_appends_missing_and_replaces_in_place():
    groups = kc.normalize_args({"iommu": "pt", "intel_iommu": "on"})
    result = kc.apply_present(tokens("iommu=off quiet iommu=soft"), groups)
    assert formatted(result) == "iommu=pt quiet intel_iommu=on"


def test_present_leaves_satisfied_arguments_where_they_are():
    before = tokens("hugepages=8 iommu=pt quiet")
    groups = kc.normalize_args({"iommu": "pt", "hugepages": 8})
    assert kc.apply_present(before, groups) == before


def test_present_matches_names_with_dashes_and_underscores():
    before = tokens("intel-iommu=on")
    assert kc.apply_present(before, kc.normalize_args({"intel_iommu": "on"})) == before


def test_present_list_group_rewritten_as_a_whole():
    before = tokens("hugepagesz=1G hugepages=4 iommu=pt")
    groups = kc.normalize_args({"hugepagesz": ["1G", "2M"], "hugepages": [4, 512]})
    assert formatted(kc.apply_present(before, groups)) == (
        "iommu=pt hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512")


def test_present_list_group_with_wrong_pairing_is_fixed():
    before = tokens("hugepagesz=1G hugepagesz=2M hugepages=4 hugepages=512")
    groups = kc.normalize_args({"hugepagesz": ["1G", "2M"], "hugepages": [4, 512]})
    assert formatted(kc.apply_present(before, groups)) == (
        "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512")


def test_present_not_in_place_appends_like_grubby():
    groups = kc.normalize_args({"iommu": "pt"})
    assert formatted(kc.apply_present(tokens("iommu=off quiet"), groups, in_place=False)) == "quiet iommu=pt"


def test_absent_removes_every_occurrence_whatever_the_value():
    result = kc.apply_absent(tokens("pci=realloc=off quiet pci=noaer pcie-acs-override=x"),
                             ["pci", "pcie_acs_override"])
    assert formatted(result) == "quiet"


def test_dedupe_adjacent_only():
    assert formatted(kc.dedupe_adjacent(tokens("iommu=pt iommu=pt quiet iommu=pt"))) == "iommu=pt quiet iommu=pt"
    pairs = "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=4"
    assert formatted(kc.dedupe_adjacent(tokens(pairs))) == pairs


# ---------------------------------------------------------------- reboot_required


@pytest.mark.parametrize("running, expected", [
    ("ro iommu=pt intel_iommu=on", False),
    ("ro iommu=pt", True),                        # missing
    ("ro iommu=soft intel_iommu=on", True),       # other value
    ("iommu=pt iommu=soft intel_iommu=on", True),  # the last occurrence wins
    ("iommu=soft iommu=pt intel_iommu=on", False),
    ('"iommu=pt" intel-iommu=on', False),
])
def test_reboot_required_present(running, expected):
    groups = kc.normalize_args({"iommu": "pt", "intel_iommu": "on"})
    assert kc.reboot_required(tokens(running), "present", groups=groups) is expected


def test_reboot_required_present_list_group_uses_last_occurrences():
    groups = kc.normalize_args({"hugepagesz": ["1G"], "hugepages": [16]})
    assert not kc.reboot_required(tokens("hugepagesz=1G hugepages=16"), "present", groups=groups)
    assert not kc.reboot_required(tokens("hugepagesz=1G hugepages=16 x hugepagesz=1G hugepages=16"),
                                  "present", groups=groups)
    assert kc.reboot_required(tokens("hugepagesz=2M hugepages=16"), "present", groups=groups)
    assert kc.reboot_required(tokens("hugepages=16"), "present", groups=groups)


def test_reboot_required_absent():
    assert kc.reboot_required(tokens("ro pci=realloc=off"), "absent", names=["pci"])
    assert not kc.reboot_required(tokens("ro quiet"), "absent", names=["pci"])


# ---------------------------------------------------------------- drop-in


def test_render_and_parse_round_trip():
    toks = tokens('iommu=pt foo="a b;c" acpi_osi= quiet')
    text = kc.render_dropin(toks)
    assert text.startswith("# Managed by Ansible")
    assert text.endswith('GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} iommu=pt foo=\\"a b;c\\" acpi_osi= quiet"\n')
    assert kc.parse_dropin(text) == toks


def test_render_nothing_is_empty():
    assert kc.render_dropin([]) == ""


def test_rendered_line_appends_when_sourced_by_a_shell(tmp_path):
    dropin = tmp_path / "90-test.cfg"
    dropin.write_text(kc.render_dropin(tokens('iommu=pt foo="a b;c" x=1')))
    out = subprocess.run(
        ["sh", "-c", 'GRUB_CMDLINE_LINUX="ro quiet"; . "$1"; printf %s "$GRUB_CMDLINE_LINUX"', "sh", str(dropin)],
        check=True, stdout=subprocess.PIPE, universal_newlines=True,
    ).stdout
    assert out == 'ro quiet iommu=pt foo="a b;c" x=1'
    assert tokens(out)[2:] == [("iommu", "pt"), ("foo", "a b;c"), ("x", "1")]


def test_parse_dropin_merges_lines_dedupes_and_ignores_the_rest():
    text = (
        "# hand edited\n"
        'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX iommu=pt iommu=pt"\n'
        "GRUB_TIMEOUT=5\n"
        '  GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} quiet"  \n'
        'GRUB_CMDLINE_LINUX="replaces everything"\n'
    )
    assert formatted(kc.parse_dropin(text)) == "iommu=pt quiet"


def test_parse_dropin_of_nothing():
    assert kc.parse_dropin(None) == []
    assert kc.parse_dropin("") == []


# ---------------------------------------------------------------- grubby

GRUBBY_BLS = """index=0
kernel="/boot/vmlinuz-5.14.0-427.el9.x86_64"
args="ro crashkernel=1G-4G:192M,4G-64G:256M rd.lvm.lv=rl/root iommu=pt $tuned_params"
root="/dev/mapper/rl-root"
initrd="/boot/initramfs-5.14.0-427.el9.x86_64.img $tuned_initrd"
title="Rocky Linux (5.14.0-427.el9.x86_64) 9.4 (Blue Onyx)"
id="abc-5.14.0-427.el9.x86_64"
index=1
kernel="/boot/vmlinuz-5.14.0-362.el9.x86_64"
args="ro crashkernel=1G-4G:192M,4G-64G:256M rd.lvm.lv=rl/root iommu=soft $tuned_params"
root="/dev/mapper/rl-root"
initrd="/boot/initramfs-5.14.0-362.el9.x86_64.img $tuned_initrd"
title="Rocky Linux (5.14.0-362.el9.x86_64) 9.3 (Blue Onyx)"
id="abc-5.14.0-362.el9.x86_64"
index=2
kernel="/boot/vmlinuz-0-rescue-abc"
args="ro crashkernel=1G-4G:192M,4G-64G:256M rd.lvm.lv=rl/root"
root="/dev/mapper/rl-root"
initrd="/boot/initramfs-0-rescue-abc.img"
title="Rocky Linux (0-rescue-abc) 9.4 (Blue Onyx)"
id="abc-0-rescue"
"""

GRUBBY_LEGACY = """index=0
kernel=/boot/vmlinuz-3.10.0-1160.el7.x86_64
args="ro crashkernel=auto rhgb quiet LANG=en_US.UTF-8"
root=/dev/mapper/centos-root
initrd=/boot/initramfs-3.10.0-1160.el7.x86_64.img
title=CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)
index=1
non linux entry
"""

GRUBBY_KERNELOPTS = """index=0
kernel="/boot/vmlinuz-4.18.0-513.el8.x86_64"
args="$kernelopts $tuned_params"
root="/dev/mapper/rhel-root"
initrd="/boot/initramfs-4.18.0-513.el8.x86_64.img $tuned_initrd"
title="Red Hat Enterprise Linux (4.18.0-513.el8.x86_64) 8.9 (Ootpa)"
id="def-4.18.0-513.el8.x86_64"
"""


def test_parse_grubby_bls_multiple_kernels():
    entries = kc.parse_grubby_info(GRUBBY_BLS)
    assert [e["index"] for e in entries] == [0, 1, 2]
    assert entries[1]["kernel"] == "/boot/vmlinuz-5.14.0-362.el9.x86_64"
    assert ("iommu", "soft") in entries[1]["tokens"]
    assert entries[0]["tokens"][-1] == ("$tuned_params", None)


def test_parse_grubby_legacy_skips_non_linux_entries():
    entries = kc.parse_grubby_info(GRUBBY_LEGACY)
    assert len(entries) == 1
    assert entries[0]["kernel"] == "/boot/vmlinuz-3.10.0-1160.el7.x86_64"
    assert ("LANG", "en_US.UTF-8") in entries[0]["tokens"]


def test_parse_grubby_bad_index_fails():
    with pytest.raises(kc.CmdlineError, match="index=x"):
        kc.parse_grubby_info('index=x\nkernel="/boot/k"\n')


def test_grubby_plan_arg_differing_per_kernel():
    entries = kc.parse_grubby_info(GRUBBY_BLS)
    groups = kc.normalize_args({"iommu": "pt", "intel_iommu": "on"})
    remove, add, predicted = kc.grubby_plan(entries, "present", groups=groups)
    assert remove == ["iommu", "intel_iommu"]
    assert add == [("iommu", "pt"), ("intel_iommu", "on")]
    for tokens_after in predicted:
        assert formatted(tokens_after).endswith("iommu=pt intel_iommu=on")
        assert ("iommu", "soft") not in tokens_after
    assert ("$tuned_params", None) in predicted[0]


def test_grubby_plan_only_touches_groups_that_differ():
    entries = kc.parse_grubby_info(GRUBBY_BLS)
    groups = kc.normalize_args({"rd.lvm.lv": "rl/root", "intel_iommu": "on"})
    remove, add, _predicted = kc.grubby_plan(entries, "present", groups=groups)
    assert remove == ["intel_iommu"]
    assert add == [("intel_iommu", "on")]


def test_grubby_plan_nothing_to_do():
    entries = kc.parse_grubby_info(GRUBBY_LEGACY)
    groups = kc.normalize_args({"crashkernel": "auto", "quiet": None})
    assert kc.grubby_plan(entries, "present", groups=groups)[:2] == ([], [])
    assert kc.grubby_plan(entries, "absent", names=["pci"])[:2] == ([], [])


def test_grubby_plan_absent_only_names_present_somewhere():
    entries = kc.parse_grubby_info(GRUBBY_BLS)
    remove, add, predicted = kc.grubby_plan(entries, "absent", names=["iommu", "pci"])
    assert (remove, add) == (["iommu"], [])
    assert all(not kc.names_present(t, ["iommu"]) for t in predicted)


def test_grubby_plan_kernelopts_hides_arguments():
    entries = kc.parse_grubby_info(GRUBBY_KERNELOPTS)
    groups = kc.normalize_args({"iommu": "pt"})
    remove, add, predicted = kc.grubby_plan(entries, "present", groups=groups)
    assert add == [("iommu", "pt")]
    assert formatted(predicted[0]) == "$kernelopts $tuned_params iommu=pt"


def test_grubby_command():
    argv = kc.grubby_command("/usr/sbin/grubby", ["iommu", "pci"], [("iommu", "pt"), ("x", "a;b")])
    assert argv == ["/usr/sbin/grubby", "--update-kernel=ALL", "--remove-args=iommu pci",
                    '--args=iommu=pt x="a;b"']
    assert kc.grubby_command("g", ["pci"], []) == ["g", "--update-kernel=ALL", "--remove-args=pci"]


def test_grubby_refuses_whitespace_values():
    with pytest.raises(kc.CmdlineError, match="'foo'.*grubby"):
        kc.check_grubby_values(kc.normalize_args({"foo": "a b"}))
    kc.check_grubby_values(kc.normalize_args({"foo": "a;b"}))


@pytest.mark.parametrize("text, expected", [
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', True),
    ("ID=rhel\n", True),
    ("ID=fedora\n", True),
    ("ID=ubuntu\nID_LIKE=debian\n", False),
    ("ID=debian\n", False),
    (None, False),
])
def test_is_redhat_family(text, expected):
    assert kc.is_redhat_family(text) is expected
