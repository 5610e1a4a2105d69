# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers of the repository_key module: fingerprints, armor, refusal messages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

ARMOR_HEADER = b"-----BEGIN PGP PUBLIC KEY BLOCK-----"


def normalize_fingerprint(value):
    """Upper-case hexadecimal digits only: '3bf8 63cc' and '0x3BF863CC' read the same."""
    text = "" if value is None else str(value).upper()
    if text.startswith("0X"):
        text = text[2:]
    return re.sub(r"[^0-9A-Z]", "", text)


def is_full_fingerprint(value):
    return re.match(r"^[0-9A-F]{40}$", value or "") is not None


def primary_fingerprints(colons):
    """Fingerprints of the primary keys in `gpg --with-colons --show-keys` output, in order.

    A `fpr` record belongs to the key record just before it; only those that follow a `pub`
    record name a primary key (subkeys have `sub` records and are not what a repository pins).
    """
    found = []
    key_record = None
    for line in (colons or "").splitlines():
        fields = line.split(":")
        if fields[0] in ("pub", "sub", "sec", "ssb"):
            key_record = fields[0]
        elif fields[0] == "fpr":
            if key_record == "pub" and len(fields) > 9 and fields[9]:
                found.append(fields[9].upper())
            # One fpr per key record; uid and sig records in between change nothing.
            key_record = None
    return found


def is_armored(data):
    return ARMOR_HEADER in (data or b"")[:4096]


def refusal_message(variable, name, source, found, expected):
    return (
        "%s: the key of repository %s (%s) has the fingerprint %s, expected %s. "
        "Nothing was installed and the repository was not added."
        % (variable, name, source, ", ".join(found) if found else "none (not an OpenPGP key)", expected)
    )


def fingerprint_format_message(variable, name, given):
    return (
        "%s: the pinned fingerprint of the key of repository %s must be the full 40 hexadecimal "
        "digits, got '%s'." % (variable, name, given if given is not None else "")
    )


def download_retryable(status):
    """fetch_url's status: -1 (no connection, timeout, TLS) and 5xx may pass; a 4xx answer is the server's word."""
    try:
        status = int(status)
    except (TypeError, ValueError):
        return True
    return status < 0 or status >= 500


def download_failure_message(name, url, attempts, status, reason):
    try:
        answered = int(status) > 0
    except (TypeError, ValueError):
        answered = False
    return (
        "could not download the key of repository %s from %s (%s, after %d attempt%s): %s. The key was not "
        "checked, since it never arrived: check the URL, the proxy and the mirror (every repository URL can be "
        "set), not the fingerprint."
        % (name, url, "HTTP %s" % status if answered else "no connection", attempts, "" if attempts == 1 else "s",
           reason or status)
    )
