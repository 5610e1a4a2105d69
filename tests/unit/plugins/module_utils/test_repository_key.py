# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _repository_key as rk

# `gpg --with-colons --show-keys` of a key with a signing subkey (shape as gpg 2.2 and 2.4 print it).
TWO_RECORDS = """pub:-:4096:1:A4B469963BF863CC:1649354536:::-:::scESC::::::23::0:
fpr:::::::::EB693B3035CD5710E231E123A4B469963BF863CC:
uid:-::::1649354536::6F1A0D5E6E1B5E4A0E6C3E9C0A4C1A0E2E6B7C2D::cudatools <cudatools@nvidia.com>::::::::::0:
sub:-:4096:1:1111222233334444:1649354536::::::e::::::23:
fpr:::::::::0000111122223333444455556666777788889999:
pub:-:255:22:F8D2585B8783D481:1674492243:1926780243::-:::scSC:::::ed25519:::0:
fpr:::::::::4D64FEC119C2029067D6E791F8D2585B8783D481:
"""


def test_primary_fingerprints_skip_subkeys_and_keep_order():
    assert rk.primary_fingerprints(TWO_RECORDS) == [
        "EB693B3035CD5710E231E123A4B469963BF863CC",
        "4D64FEC119C2029067D6E791F8D2585B8783D481",
    ]


def test_primary_fingerprints_of_nothing():
    assert rk.primary_fingerprints("") == []
    assert rk.primary_fingerprints(None) == []
    assert rk.primary_fingerprints("gpg: no valid OpenPGP data found.\n") == []


@pytest.mark.parametrize("given, expected", [
    ("eb69 3b30 35cd 5710 e231  e123 a4b4 6996 3bf8 63cc", "EB693B3035CD5710E231E123A4B469963BF863CC"),
    ("0x3bf863cc", "3BF863CC"),
    (None, ""),
    ("", ""),
])
def test_normalize_fingerprint(given, expected):
    assert rk.normalize_fingerprint(given) == expected


def test_full_fingerprint_is_forty_hex_digits():
    assert rk.is_full_fingerprint("EB693B3035CD5710E231E123A4B469963BF863CC")
    assert not rk.is_full_fingerprint("3BF863CC")
    assert not rk.is_full_fingerprint("ZB693B3035CD5710E231E123A4B469963BF863CC")
    assert not rk.is_full_fingerprint("")


def test_armor_detection():
    assert rk.is_armored(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGJ...\n")
    assert not rk.is_armored(b"\x99\x02\r\x04b")
    assert not rk.is_armored(b"")


def test_refusal_names_variable_found_and_expected():
    msg = rk.refusal_message("nvidia_driver_repo_key_fingerprint", "linuxai-nvidia-cuda", "http://m/k.pub",
                             ["AAAA"], "BBBB")
    assert msg.startswith("nvidia_driver_repo_key_fingerprint: the key of repository linuxai-nvidia-cuda (http://m/k.pub)")
    assert "fingerprint AAAA, expected BBBB" in msg
    assert "not an OpenPGP key" in rk.refusal_message("v", "n", "s", [], "BBBB")


def test_format_message_names_variable():
    msg = rk.fingerprint_format_message("cuda_toolkit_repo_key_fingerprint", "linuxai-nvidia-cuda", "3BF863CC")
    assert msg.startswith("cuda_toolkit_repo_key_fingerprint: the pinned fingerprint")
    assert "'3BF863CC'" in msg
