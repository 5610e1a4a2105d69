#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: repository_key
short_description: Install a repository signing key only when it has the pinned fingerprint
version_added: 0.1.0
description:
  - Fetches an OpenPGP key from O(url) (or takes O(content), or reads an existing O(keyring) on the
    node), lists its primary keys with C(gpg --show-keys) in a throw-away C(GNUPGHOME), and refuses
    it unless it holds exactly one primary key whose fingerprint is O(fingerprint). Nothing is
    written before that check.
  - An accepted armored key is dearmored and installed as O(dest) (mode 0644, owned by root), the
    binary keyring an apt C(Signed-By:) field names. A binary key is installed as it is. The file is
    replaced only when its content differs.
  - With O(armor) the key is installed armored instead, the form C(rpm --import) and a dnf
    repository's C(gpgkey=file://) read.
  - The key is fetched and checked on every run, so a mirror that starts serving another key is
    refused even when the installed keyring is still the pinned one.
  - With O(keyring) the key already on the node is checked and nothing is installed.
  - This is the key half of the collection's repository helper (C(linuxai.node.common), C(repository.yml)),
    which then writes the deb822 sources with C(ansible.builtin.deb822_repository) on apt, and on dnf imports
    the installed file with C(ansible.builtin.rpm_key) and names it in the C(.repo) file, so that neither rpm
    nor dnf ever reads a key that was not checked (C(rpm_key)'s own O(fingerprint) check accepts a key file
    whose pin is any one of its keys or subkeys, and skips the check once the key id is imported).
author:
  - linuxai.node maintainers (@linuxai)
options:
  name:
    description:
      - The repository's name, used in messages and for the default O(dest).
    type: str
    required: true
  url:
    description:
      - Where to download the key (HTTPS certificates are always verified).
      - Exactly one of O(url), O(content) and O(keyring) is given.
    type: str
  content:
    description:
      - The key itself, armored.
    type: str
  keyring:
    description:
      - A keyring already on the node (for example installed by a distribution package), checked
        against O(fingerprint) when one is given. Nothing is installed.
    type: path
  fingerprint:
    description:
      - The pinned fingerprint of the key's primary key, 40 hexadecimal digits; spaces and a C(0x)
        prefix are ignored, case does not matter.
      - Required with O(url) and O(content). With O(keyring) an empty value skips the check.
    type: str
    default: ""
  dest:
    description:
      - Where to install the dearmored key. Its directory is created (0755) when missing.
      - Defaults to C(/etc/apt/keyrings/<name>.gpg).
    type: path
  armor:
    description:
      - Install the key armored (a binary key is exported armored), for rpm and dnf, instead of as a binary keyring.
    type: bool
    default: false
  variable:
    description:
      - The inventory variable that pins the fingerprint, named in the messages that refuse a key.
    type: str
    default: key_fingerprint
  timeout:
    description:
      - Seconds to wait for the key server.
    type: int
    default: 30
  retries:
    description:
      - How many times to try the download again when the server cannot be reached or answers with a server error
        (5xx), waiting O(retry_delay) seconds, then twice as long, between tries. A 4xx answer is final.
    type: int
    default: 3
  retry_delay:
    description:
      - Seconds to wait before the first retry.
    type: int
    default: 2
attributes:
  check_mode:
    support: full
    description:
      - Fetches and checks the key and reports whether O(dest) would change, and writes nothing.
      - When C(gpg) is not installed yet (a fresh node in check mode, before the helper installs it)
        the key cannot be checked. The module then warns and reports the change the real run makes.
  diff_mode:
    support: full
    description: The fingerprints of O(dest) before and after.
  platform:
    support: full
    platforms: posix
    description: apt systems (binary keyrings) and, with O(armor), rpm systems.
requirements:
  - gpg on the managed node (Debian's gpg; on RHEL/Rocky gnupg2, which dnf needs anyway)
seealso:
  - name: Debian's advice on third-party repositories (signed-by keyrings)
    description: Keys in /etc/apt/keyrings, named by each sources file, instead of trusted.gpg.d.
    link: https://wiki.debian.org/DebianRepository/UseThirdParty
  - module: ansible.builtin.deb822_repository
"""

EXAMPLES = r"""
- name: Install the CUDA repository key after checking its pinned fingerprint
  linuxai.node.repository_key:
    name: linuxai-nvidia-cuda
    url: https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64/3bf863cc.pub
    fingerprint: EB693B3035CD5710E231E123A4B469963BF863CC
    variable: nvidia_driver_repo_key_fingerprint

- name: Install the EPEL key for rpm and dnf after checking its pinned fingerprint
  linuxai.node.repository_key:
    name: linuxai-epel
    url: https://dl.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-9
    fingerprint: FF8AD1344597106ECE813B918A3872BF3228467C
    dest: /etc/pki/rpm-gpg/RPM-GPG-KEY-linuxai-epel
    armor: true

- name: Check a keyring a distribution package installed, without installing anything
  linuxai.node.repository_key:
    name: vendor
    keyring: /usr/share/keyrings/vendor-archive-keyring.gpg
    fingerprint: "{{ vendor_key_fingerprint }}"
"""

RETURN = r"""
dest:
  description: The keyring to name in the repository's C(Signed-By:) field (O(keyring) when given).
  returned: always
  type: str
  sample: /etc/apt/keyrings/linuxai-nvidia-cuda.gpg
fingerprints:
  description: The primary key fingerprints found in the key (empty when it could not be checked).
  returned: always
  type: list
  elements: str
  sample: ["EB693B3035CD5710E231E123A4B469963BF863CC"]
checked:
  description: Whether the key was checked against O(fingerprint).
  returned: always
  type: bool
  sample: true
"""

import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible.module_utils.urls import fetch_url

from ansible_collections.linuxai.node.plugins.module_utils import _repository_key as rk


def _read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _fetch(module, url):
    delay = module.params["retry_delay"]
    attempts = max(0, module.params["retries"]) + 1
    for attempt in range(1, attempts + 1):
        response, info = fetch_url(module, url, timeout=module.params["timeout"])
        if response is not None and info.get("status") == 200:
            return response.read()
        if not rk.download_retryable(info.get("status")) or attempt == attempts:
            break
        time.sleep(delay)
        delay *= 2
    module.fail_json(msg=rk.download_failure_message(module.params["name"], url, attempt, info.get("status"),
                                                     info.get("msg")))


def _gpg(module, gpg, home, args, data=None):
    rc, out, err = module.run_command([gpg, "--batch", "--no-tty"] + args, data=data, binary_data=True,
                                      environ_update={"GNUPGHOME": home}, encoding=None)
    return rc, out, err


def _fingerprints(module, gpg, home, path):
    rc, out, err = _gpg(module, gpg, home, ["--with-colons", "--show-keys", path])
    if rc != 0:
        return []
    return rk.primary_fingerprints(to_native(out, errors="surrogate_or_strict"))


def _keyring_bytes(module, gpg, home, key_path, key):
    if not rk.is_armored(key):
        return key
    out_path = os.path.join(home, "key.gpg")
    rc, out, err = _gpg(module, gpg, home, ["--yes", "--dearmor", "--output", out_path, key_path])
    if rc != 0:
        module.fail_json(msg="gpg could not dearmor the key of repository %s: %s"
                         % (module.params["name"], to_native(err).strip()))
    return _read_bytes(out_path)


def _armored_bytes(module, gpg, home, key_path, key, fingerprint):
    if rk.is_armored(key):
        return key
    rc, out, err = _gpg(module, gpg, home, ["--import", key_path])
    if rc == 0:
        rc, out, err = _gpg(module, gpg, home, ["--armor", "--export", fingerprint])
    if rc != 0 or not rk.is_armored(out):
        module.fail_json(msg="gpg could not armor the key of repository %s: %s"
                         % (module.params["name"], to_native(err).strip()))
    return out


def _install(module, dest, data):
    directory = os.path.dirname(dest) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(dest), dir=directory)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    module.atomic_move(tmp, dest)


def run(module):
    params = module.params
    name = params["name"]
    variable = params["variable"]
    expected = rk.normalize_fingerprint(params["fingerprint"])
    keyring = params["keyring"]
    dest = keyring or params["dest"] or "/etc/apt/keyrings/%s.gpg" % name
    source = params["url"] or keyring or "key_content"

    if not rk.is_full_fingerprint(expected) and not (keyring and expected == ""):
        module.fail_json(msg=rk.fingerprint_format_message(variable, name, params["fingerprint"]))

    result = {"changed": False, "dest": dest, "fingerprints": [], "checked": False}
    if keyring and not expected:
        module.exit_json(**result)

    gpg = module.get_bin_path("gpg")
    if gpg is None:
        if module.check_mode:
            module.warn("gpg is not installed yet: the key of repository %s is checked on the real run" % name)
            result["changed"] = keyring is None
            module.exit_json(**result)
        module.fail_json(msg="gpg is needed to check the key of repository %s" % name)

    home = tempfile.mkdtemp(prefix="linuxai-repo-key.")
    try:
        os.chmod(home, 0o700)
        if keyring:
            key_path, key = keyring, _read_bytes(keyring)
            if key is None:
                module.fail_json(msg="%s: the keyring %s of repository %s is missing" % (variable, keyring, name))
        else:
            key = _fetch(module, params["url"]) if params["url"] else to_bytes(params["content"])
            key_path = os.path.join(home, "key")
            with open(key_path, "wb") as handle:
                handle.write(key)
        found = _fingerprints(module, gpg, home, key_path)
        result["fingerprints"] = found
        if found != [expected]:
            module.fail_json(msg=rk.refusal_message(variable, name, source, found, expected), **result)
        result["checked"] = True
        if keyring:
            module.exit_json(**result)

        if params["armor"]:
            wanted = _armored_bytes(module, gpg, home, key_path, key, expected)
        else:
            wanted = _keyring_bytes(module, gpg, home, key_path, key)
        current = _read_bytes(dest)
        if current != wanted:
            result["changed"] = True
            if module._diff:
                before = _fingerprints(module, gpg, home, dest) if current is not None else []
                result["diff"] = {"before": "\n".join(before) + ("\n" if before else ""),
                                  "after": expected + "\n",
                                  "before_header": dest, "after_header": dest}
            if not module.check_mode:
                _install(module, dest, wanted)
        if os.path.exists(dest) and not module.check_mode:
            result["changed"] = module.set_mode_if_different(dest, "0644", result["changed"])
            result["changed"] = module.set_owner_if_different(dest, "root", result["changed"])
            result["changed"] = module.set_group_if_different(dest, "root", result["changed"])
    finally:
        shutil.rmtree(home, ignore_errors=True)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            url=dict(type="str"),
            content=dict(type="str", no_log=False),
            keyring=dict(type="path"),
            fingerprint=dict(type="str", default=""),
            dest=dict(type="path"),
            armor=dict(type="bool", default=False),
            variable=dict(type="str", default="key_fingerprint"),
            timeout=dict(type="int", default=30),
            retries=dict(type="int", default=3),
            retry_delay=dict(type="int", default=2),
        ),
        required_one_of=[("url", "content", "keyring")],
        mutually_exclusive=[("url", "content", "keyring")],
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
