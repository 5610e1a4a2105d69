# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""repository_key against the real gpg, with keys generated for the test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import stat
import subprocess

import pytest

from ansible.module_utils import basic
from ansible_collections.linuxai.node.plugins.module_utils import _repository_key as rk
from ansible_collections.linuxai.node.plugins.modules import repository_key

from ansible_collections.linuxai.node.tests.unit.plugins.modules.module_harness import (
    AnsibleExitJson, AnsibleFailJson, exit_json, fail_json, patch_module_args)

GPG = shutil.which("gpg")
pytestmark = pytest.mark.skipif(GPG is None, reason="gpg is part of the test machine (Debian's gpg)")


def _new_key(home, uid):
    subprocess.check_call([GPG, "--batch", "--homedir", str(home), "--passphrase", "", "--quick-gen-key",
                           uid, "ed25519", "sign", "never"], stderr=subprocess.DEVNULL)
    armored = subprocess.check_output([GPG, "--batch", "--homedir", str(home), "--armor", "--export", uid])
    colons = subprocess.check_output([GPG, "--batch", "--homedir", str(home), "--with-colons", "--list-keys", uid])
    return armored, rk.primary_fingerprints(colons.decode())[0]


def _gpg_out(home, *args, **kwargs):
    return subprocess.check_output([GPG, "--batch", "--homedir", str(home)] + list(args), **kwargs)


def _with_subkey_of(home, uid, subkey_uid):
    """A new primary key that carries the key material of subkey_uid's primary as a subkey (gpg's
    "existing key" in addkey): the armored key and the fingerprint that subkey has there."""
    _new_key(home, uid)
    colons = _gpg_out(home, "--with-colons", "--with-keygrip", "--list-keys", subkey_uid).decode()
    grip = [line.split(":")[9] for line in colons.splitlines() if line.startswith("grp:")][0]
    primary = rk.primary_fingerprints(_gpg_out(home, "--with-colons", "--list-keys", uid).decode())[0]
    _gpg_out(home, "--expert", "--command-fd", "0", "--pinentry-mode", "loopback", "--passphrase", "",
             "--edit-key", primary, input=("addkey\n13\n%s\nS\nQ\n0\nsave\n" % grip).encode(),
             stderr=subprocess.DEVNULL)
    colons = _gpg_out(home, "--with-colons", "--list-keys", uid).decode().splitlines()
    subkey = [colons[i + 1].split(":")[9] for i, line in enumerate(colons) if line.startswith("sub:")][0]
    return _gpg_out(home, "--armor", "--export", uid), subkey


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    home = tmp_path_factory.mktemp("gnupg")
    os.chmod(str(home), 0o700)
    good = _new_key(home, "linuxai good <good@linuxai.test>")
    other = _new_key(home, "linuxai other <other@linuxai.test>")
    carrier = _with_subkey_of(home, "linuxai carrier <carrier@linuxai.test>", "linuxai good <good@linuxai.test>")
    binary = _gpg_out(home, "--export", "linuxai good <good@linuxai.test>")
    return {"good": good, "other": other, "carrier": carrier, "good_binary": binary}


class Response(object):
    def __init__(self, body):
        self.body = body

    def read(self):
        return self.body


@pytest.fixture
def served(mocker):
    """What the key URL serves: set served['body'] (None: the server answers 404)."""
    state = {"body": None, "urls": [], "unreachable_first": 0, "sleeps": []}

    def fake_fetch_url(module, url, **kwargs):
        state["urls"].append(url)
        if len(state["urls"]) <= state["unreachable_first"]:
            return None, {"status": -1, "msg": "Request failed: <urlopen error [Errno 111] Connection refused>"}
        if state["body"] is None:
            return None, {"status": 404, "msg": "Not Found"}
        return Response(state["body"]), {"status": 200}

    mocker.patch.object(repository_key, "fetch_url", side_effect=fake_fetch_url)
    mocker.patch.object(repository_key.time, "sleep", side_effect=state["sleeps"].append)
    mocker.patch.multiple(basic.AnsibleModule, exit_json=exit_json, fail_json=fail_json)
    return state


def run(check_mode=False, diff=True, fails=False, **args):
    args["_ansible_check_mode"] = check_mode
    args["_ansible_diff"] = diff
    with patch_module_args(args):
        with pytest.raises(AnsibleFailJson if fails else AnsibleExitJson) as exc:
            repository_key.main()
    return exc.value.args[0]


def test_pinned_key_installed_dearmored_then_left_alone(tmp_path, keys, served):
    armored, fpr = keys["good"]
    served["body"] = armored
    dest = tmp_path / "keyrings" / "vendor.gpg"
    result = run(name="vendor", url="https://mirror.test/key.asc", fingerprint=fpr.lower(), dest=str(dest))
    assert result["changed"] is True
    assert result["checked"] is True
    assert result["fingerprints"] == [fpr]
    assert result["dest"] == str(dest)
    assert result["diff"]["after"] == fpr + "\n"
    data = dest.read_bytes()
    assert not rk.is_armored(data)  # apt's Signed-By wants the binary keyring
    assert stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o644
    shown = subprocess.check_output([GPG, "--batch", "--with-colons", "--show-keys", str(dest)],
                                    env=dict(os.environ, GNUPGHOME=str(tmp_path)))
    assert rk.primary_fingerprints(shown.decode()) == [fpr]

    again = run(name="vendor", url="https://mirror.test/key.asc", fingerprint=fpr, dest=str(dest))
    assert again["changed"] is False
    assert served["urls"] == ["https://mirror.test/key.asc"] * 2  # fetched and checked on every run


def test_another_key_is_refused_before_anything_is_written(tmp_path, keys, served):
    armored, fpr = keys["other"]
    served["body"] = armored
    dest = tmp_path / "vendor.gpg"
    result = run(fails=True, name="linuxai-nvidia-cuda", url="https://mirror.test/wrong.pub",
                 fingerprint=keys["good"][1], dest=str(dest), variable="cuda_toolkit_repo_key_fingerprint")
    assert result["msg"].startswith("cuda_toolkit_repo_key_fingerprint: the key of repository linuxai-nvidia-cuda")
    assert "expected %s" % keys["good"][1] in result["msg"]
    assert fpr in result["msg"]
    assert not dest.exists()


def test_a_mirror_that_starts_serving_another_key_is_refused_though_the_keyring_is_pinned(tmp_path, keys, served):
    dest = tmp_path / "vendor.gpg"
    served["body"] = keys["good"][0]
    run(name="vendor", url="https://mirror.test/key.asc", fingerprint=keys["good"][1], dest=str(dest))
    before = dest.read_bytes()
    served["body"] = keys["other"][0]
    result = run(fails=True, name="vendor", url="https://mirror.test/key.asc", fingerprint=keys["good"][1],
                 dest=str(dest))
    assert "expected %s" % keys["good"][1] in result["msg"]
    assert dest.read_bytes() == before


def test_not_a_key_is_refused(tmp_path, keys, served):
    served["body"] = b"<html>captive portal</html>"
    result = run(fails=True, name="vendor", url="http://mirror.test/key.asc", fingerprint=keys["good"][1],
                 dest=str(tmp_path / "k.gpg"))
    assert "none (not an OpenPGP key)" in result["msg"]


def test_download_failure_names_the_repository(tmp_path, keys, served):
    result = run(fails=True, name="vendor", url="https://mirror.test/missing.asc", fingerprint=keys["good"][1],
                 dest=str(tmp_path / "k.gpg"))
    assert "could not download the key of repository vendor from https://mirror.test/missing.asc" in result["msg"]
    # A 404 is the server's answer: no retry.
    assert served["urls"] == ["https://mirror.test/missing.asc"] and served["sleeps"] == []
    assert "(HTTP 404, after 1 attempt): Not Found" in result["msg"]


def test_an_unreachable_key_server_is_retried_then_named_without_blaming_the_key(tmp_path, keys, served):
    served["unreachable_first"] = 10
    dest = tmp_path / "k.gpg"
    result = run(fails=True, name="vendor", url="https://mirror.test/key.asc", fingerprint=keys["good"][1],
                 dest=str(dest), retries=3, retry_delay=2)
    assert served["urls"] == ["https://mirror.test/key.asc"] * 4
    assert served["sleeps"] == [2, 4, 8]
    assert result["msg"].startswith(
        "could not download the key of repository vendor from https://mirror.test/key.asc (no connection, after 4 attempts):"
        " Request failed: <urlopen error [Errno 111] Connection refused>. The key was not checked")
    assert "fingerprint" not in result["msg"].split("not the fingerprint")[0]
    assert not dest.exists()


def test_a_key_server_that_answers_on_a_retry_is_used(tmp_path, keys, served):
    armored, fpr = keys["good"]
    served["body"] = armored
    served["unreachable_first"] = 2
    result = run(name="vendor", url="https://mirror.test/key.asc", fingerprint=fpr, dest=str(tmp_path / "k.gpg"))
    assert result["changed"] and result["fingerprints"] == [fpr]
    assert len(served["urls"]) == 3 and served["sleeps"] == [2, 4]


def test_check_mode_checks_and_writes_nothing(tmp_path, keys, served):
    served["body"] = keys["good"][0]
    dest = tmp_path / "k.gpg"
    result = run(check_mode=True, name="vendor", url="https://mirror.test/key.asc", fingerprint=keys["good"][1],
                 dest=str(dest))
    assert result["changed"] is True and result["checked"] is True
    assert not dest.exists()
    served["body"] = keys["other"][0]
    run(check_mode=True, fails=True, name="vendor", url="https://mirror.test/key.asc",
        fingerprint=keys["good"][1], dest=str(dest))


def test_check_mode_without_gpg_warns_instead_of_failing(tmp_path, keys, served, mocker):
    mocker.patch.object(basic.AnsibleModule, "get_bin_path", return_value=None)
    warn = mocker.patch.object(basic.AnsibleModule, "warn")
    result = run(check_mode=True, name="vendor", content=keys["good"][0].decode(), fingerprint=keys["good"][1],
                 dest=str(tmp_path / "k.gpg"))
    assert result["changed"] is True and result["checked"] is False
    assert "checked on the real run" in warn.call_args[0][0]
    failed = run(fails=True, name="vendor", content=keys["good"][0].decode(), fingerprint=keys["good"][1],
                 dest=str(tmp_path / "k.gpg"))
    assert "gpg is needed" in failed["msg"]


def test_content_and_replacing_a_wrong_keyring(tmp_path, keys, served):
    dest = tmp_path / "k.gpg"
    dest.write_bytes(b"stale")
    os.chmod(str(dest), 0o600)
    result = run(name="vendor", content=keys["good"][0].decode(), fingerprint=keys["good"][1], dest=str(dest))
    assert result["changed"] is True
    assert stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o644
    assert served["urls"] == []


def test_existing_keyring_is_checked_not_installed(tmp_path, keys, served):
    keyring = tmp_path / "vendor-archive-keyring.gpg"
    keyring.write_bytes(keys["good"][0])
    ok = run(name="vendor", keyring=str(keyring), fingerprint=keys["good"][1])
    assert ok == dict(ok, changed=False, checked=True, dest=str(keyring))
    refused = run(fails=True, name="vendor", keyring=str(keyring), fingerprint=keys["other"][1], variable="v")
    assert refused["msg"].startswith("v: the key of repository vendor (%s)" % keyring)
    unchecked = run(name="vendor", keyring=str(keyring))
    assert unchecked["checked"] is False and unchecked["changed"] is False


@pytest.mark.parametrize("fingerprint", ["", "3BF863CC", "not hex at all, forty characters long!!!"])
def test_malformed_pin_is_refused_naming_the_variable(tmp_path, served, fingerprint):
    result = run(fails=True, name="vendor", url="https://mirror.test/key.asc", fingerprint=fingerprint,
                 dest=str(tmp_path / "k.gpg"), variable="container_runtime_nvidia_repo_key_fingerprint")
    assert result["msg"].startswith("container_runtime_nvidia_repo_key_fingerprint: the pinned fingerprint")
    assert served["urls"] == []


def test_a_key_file_with_the_pinned_key_and_another_is_refused(tmp_path, keys, served):
    served["body"] = keys["good"][0] + b"\n" + keys["other"][0]
    dest = tmp_path / "RPM-GPG-KEY-vendor"
    result = run(fails=True, name="vendor", url="https://mirror.test/key.asc", fingerprint=keys["good"][1],
                 dest=str(dest), armor=True, variable="rocm_repo_key_fingerprint")
    assert result["fingerprints"] == [keys["good"][1], keys["other"][1]]
    assert result["msg"].startswith("rocm_repo_key_fingerprint: the key of repository vendor")
    assert not dest.exists()


def test_a_pin_that_is_a_subkey_of_another_primary_is_refused(tmp_path, keys, served):
    armored, subkey = keys["carrier"]
    assert subkey not in rk.primary_fingerprints(
        _gpg_out(tmp_path, "--with-colons", "--show-keys", input=armored, env=dict(os.environ, GNUPGHOME=str(tmp_path)))
        .decode())
    served["body"] = armored
    dest = tmp_path / "RPM-GPG-KEY-vendor"
    result = run(fails=True, name="vendor", url="https://mirror.test/key.asc", fingerprint=subkey,
                 dest=str(dest), armor=True)
    assert "expected %s" % subkey in result["msg"]
    assert not dest.exists()


def test_armor_keeps_an_armored_key_as_served_and_armors_a_binary_one(tmp_path, keys, served):
    armored, fpr = keys["good"]
    served["body"] = armored
    dest = tmp_path / "pki" / "RPM-GPG-KEY-vendor"
    result = run(name="vendor", url="https://mirror.test/key.asc", fingerprint=fpr, dest=str(dest), armor=True)
    assert result["changed"] is True and dest.read_bytes() == armored
    assert run(name="vendor", url="https://mirror.test/key.asc", fingerprint=fpr, dest=str(dest),
               armor=True)["changed"] is False

    served["body"] = keys["good_binary"]
    from_binary = tmp_path / "RPM-GPG-KEY-binary"
    run(name="vendor", url="https://mirror.test/key.gpg", fingerprint=fpr, dest=str(from_binary), armor=True)
    data = from_binary.read_bytes()
    assert rk.is_armored(data)
    shown = _gpg_out(tmp_path, "--with-colons", "--show-keys", str(from_binary), env=dict(os.environ, GNUPGHOME=str(tmp_path)))
    assert rk.primary_fingerprints(shown.decode()) == [fpr]
