# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kernel command line arguments: validate, quote, parse, compare and plan changes.

Private to linuxai.node, used by the kernel_cmdline module. Pure logic: nothing here
reads or writes files or runs commands, so every rule can be unit tested.

A command line is held as a list of tokens ``(name, value)``; ``value`` is None for a
bare flag (``quiet``) and a string otherwise (``iommu=pt``, ``acpi_osi=`` has "").
Names compare the way the kernel compares them: ``-`` and ``_`` are the same.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

DROPIN_HEADER = (
    "# Managed by Ansible (linuxai.node.kernel_cmdline); change it with that module.\n"
    "# Appends to GRUB_CMDLINE_LINUX from /etc/default/grub, never replaces it.\n"
)

_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
# Characters that no quoting makes safe through shell, grub.cfg and the kernel parser.
_FORBIDDEN = ('"', "'", "\\", "$", "`")
# Whitespace or characters that shell or GRUB script would interpret: quote the value.
_NEEDS_QUOTES = re.compile(r"[\s;&|<>(){}\[\]#*?~!]")
_DROPIN_LINE = re.compile(
    r'^\s*GRUB_CMDLINE_LINUX="\$(?:\{GRUB_CMDLINE_LINUX\}|GRUB_CMDLINE_LINUX\b)((?:[^"\\]|\\.)*)"\s*$'
)


class CmdlineError(ValueError):
    """A kernel argument that cannot be set, or output that cannot be parsed."""


def canonical(name):
    """Name as the kernel compares it (dashes and underscores are equivalent)."""
    return name.replace("-", "_")


def _key(token):
    return (canonical(token[0]), token[1])


# ---------------------------------------------------------------- tokens


def split_cmdline(text):
    """Split a kernel command line into tokens, as the kernel does.

    Double quotes group words (``name="a b"`` or ``"name=a b"``) and are dropped.
    Tokens starting with ``$`` (``$tuned_params``, ``$kernelopts`` in BLS entries) are
    kept as opaque flags: they never match an argument name.
    """
    tokens = []
    word = []
    in_quote = False
    started = False
    for char in text or "":
        if char == '"':
            in_quote = not in_quote
            started = True
        elif char.isspace() and not in_quote:
            if started:
                tokens.append(_make_token("".join(word)))
            word = []
            started = False
        else:
            word.append(char)
            started = True
    if started:
        tokens.append(_make_token("".join(word)))
    return tokens


def _make_token(word):
    if "=" in word and not word.startswith("$"):
        name, value = word.split("=", 1)
        return (name, value)
    return (word, None)


def format_token(name, value):
    """Render one token for the kernel command line, quoting the value when needed."""
    if value is None:
        return name
    if _NEEDS_QUOTES.search(value):
        return '%s="%s"' % (name, value)
    return "%s=%s" % (name, value)


def format_tokens(tokens):
    return [format_token(name, value) for name, value in tokens]


def dedupe_adjacent(tokens):
    """Drop a token that repeats the one just before it (``iommu=pt iommu=pt``)."""
    result = []
    for token in tokens:
        if result and _key(result[-1]) == _key(token):
            continue
        result.append(token)
    return result


# ---------------------------------------------------------------- user input


class Group(object):
    """Arguments set together: one scalar argument, or adjacent list-valued ones.

    ``tokens`` is the exact sequence the group puts on the command line; list values of
    adjacent arguments are interleaved (``hugepagesz=1G hugepages=4 hugepagesz=2M ...``).
    """

    def __init__(self, names, tokens):
        self.names = names
        self.keys = set(canonical(name) for name in names)
        self.tokens = tokens

    def matching(self, tokens):
        return [_key(token) for token in tokens if canonical(token[0]) in self.keys]

    def wanted(self):
        return [_key(token) for token in self.tokens]


def validate_name(name):
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise CmdlineError(
            "Invalid kernel argument name %r: use letters, digits, '_', '-' and '.'" % (name,)
        )
    return name


def validate_value(name, value):
    """Return the value as the string the kernel sees (None for a bare flag)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CmdlineError(
            "Kernel argument '%s' has the boolean value %s: quote the value for key=value "
            "(for example '%s: \"on\"'; YAML reads unquoted on/off/yes/no as booleans), "
            "or use null for a bare flag" % (name, value, name)
        )
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        raise CmdlineError(
            "Kernel argument '%s' has a value of type %s: use a string, a number, null, "
            "or a list of those" % (name, type(value).__name__)
        )
    bad = [char for char in _FORBIDDEN if char in value]
    if bad or any(ord(char) < 32 or ord(char) == 127 for char in value):
        shown = ", ".join(repr(char) for char in bad) or "a control character (newline, tab...)"
        raise CmdlineError(
            "Kernel argument '%s' has value %r containing %s, which cannot be passed safely "
            "through the grub configuration to the kernel" % (name, value, shown)
        )
    return value


def normalize_args(args):
    """Validate the module's ``args`` dict and return a list of Group, in order.

    ``None`` is a bare flag; a string or number gives ``name=value``; a list repeats the
    argument once per element. Adjacent list-valued arguments are interleaved, so
    ``{hugepagesz: [1G, 2M], hugepages: [4, 512]}`` gives
    ``hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512``.
    """
    if not isinstance(args, dict):
        raise CmdlineError("args must be a dictionary of argument name to value")
    seen = {}
    groups = []
    pending = []  # adjacent list-valued arguments: [(name, [values])]

    def flush():
        if not pending:
            return
        tokens = []
        for index in range(max(len(values) for _name, values in pending)):
            for name, values in pending:
                if index < len(values):
                    tokens.append((name, values[index]))
        groups.append(Group([name for name, _values in pending], tokens))
        del pending[:]

    for name, value in args.items():
        validate_name(name)
        key = canonical(name)
        if key in seen:
            raise CmdlineError(
                "Kernel argument '%s' is given twice (as '%s' and '%s'); the kernel treats "
                "'-' and '_' in names alike" % (key, seen[key], name)
            )
        seen[key] = name
        if isinstance(value, (list, tuple)):
            if not value:
                raise CmdlineError(
                    "Kernel argument '%s' has an empty list; use state=absent to remove it" % name
                )
            if any(isinstance(item, (list, tuple, dict)) for item in value):
                raise CmdlineError("Kernel argument '%s': list elements must be scalars" % name)
            pending.append((name, [validate_value(name, item) for item in value]))
        else:
            flush()
            groups.append(Group([name], [(name, validate_value(name, value))]))
    flush()
    return groups


def normalize_names(args):
    """Names for state=absent, in order; the values are ignored."""
    if not isinstance(args, dict):
        raise CmdlineError("args must be a dictionary of argument name to value")
    names = list(args)
    seen = {}
    for name in names:
        validate_name(name)
        key = canonical(name)
        if key in seen:
            raise CmdlineError("Kernel argument '%s' is given twice" % key)
        seen[key] = name
    return names


def check_grubby_values(groups):
    """grubby splits --args on whitespace: refuse values it would break apart."""
    for group in groups:
        for name, value in group.tokens:
            if value is not None and re.search(r"\s", value):
                raise CmdlineError(
                    "Kernel argument '%s' has value %r with whitespace, which grubby cannot "
                    "set" % (name, value)
                )


# ---------------------------------------------------------------- comparison and edits


def is_set(tokens, group):
    """The group's arguments appear in ``tokens`` exactly as wanted, and only so."""
    return group.matching(tokens) == group.wanted()


def is_effective(tokens, group):
    """The kernel honours the wanted values: the last occurrences are the wanted ones."""
    found = group.matching(tokens)
    wanted = group.wanted()
    return len(found) >= len(wanted) and found[len(found) - len(wanted):] == wanted


def names_present(tokens, names):
    keys = set(canonical(name) for name in names)
    return [token for token in tokens if canonical(token[0]) in keys]


def apply_present(tokens, groups, in_place=True):
    """Return ``tokens`` with every group set.

    A group already set is left where it is. A single-valued argument that is present is
    replaced in place (other occurrences dropped) when ``in_place``; otherwise, and for
    list groups, every occurrence of the group's names is removed and the group is
    appended, which is also what grubby does.
    """
    result = list(tokens)
    for group in groups:
        if is_set(result, group):
            continue
        first = None
        for index, token in enumerate(result):
            if canonical(token[0]) in group.keys:
                first = index
                break
        kept = [token for token in result if canonical(token[0]) not in group.keys]
        if in_place and first is not None and len(group.tokens) == 1:
            before = [t for t in result[:first] if canonical(t[0]) not in group.keys]
            result = before + list(group.tokens) + kept[len(before):]
        else:
            result = kept + list(group.tokens)
    return result


def apply_absent(tokens, names):
    keys = set(canonical(name) for name in names)
    return [token for token in tokens if canonical(token[0]) not in keys]


def reboot_required(running, state, groups=None, names=None):
    """True when the running command line does not yet have the wanted state."""
    if state == "absent":
        return bool(names_present(running, names))
    return not all(is_effective(running, group) for group in groups)


# ---------------------------------------------------------------- grub.d drop-in


def parse_dropin(text):
    """Tokens of our drop-in: every ``GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} ..."`` line."""
    tokens = []
    for line in (text or "").splitlines():
        match = _DROPIN_LINE.match(line)
        if match:
            inner = re.sub(r"\\(.)", r"\1", match.group(1))
            tokens.extend(split_cmdline(inner))
    return dedupe_adjacent(tokens)


def render_dropin(tokens):
    """Drop-in text for ``tokens``; an empty string when there is nothing to append."""
    if not tokens:
        return ""
    line = " ".join(format_tokens(tokens)).replace('"', '\\"')
    return '%sGRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} %s"\n' % (DROPIN_HEADER, line)


# ---------------------------------------------------------------- grubby


def parse_grubby_info(text):
    """Parse ``grubby --info=ALL`` into ``[{'index', 'kernel', 'args', 'tokens'}]``.

    Handles quoted (BLS grubby) and unquoted (legacy grubby) values; entries without a
    kernel (``non linux entry``) are skipped.
    """
    entries = []
    entry = None
    for line in (text or "").splitlines():
        line = line.strip()
        if "=" not in line:
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        if key == "index":
            entry = {"index": value}
            entries.append(entry)
        elif entry is not None and key in ("kernel", "args", "root", "title", "id"):
            entry[key] = value
    result = []
    for entry in entries:
        if "kernel" not in entry:
            continue
        try:
            index = int(entry["index"])
        except ValueError:
            raise CmdlineError("Unexpected grubby output: index=%s" % entry["index"])
        args = entry.get("args", "")
        result.append({
            "index": index,
            "kernel": entry["kernel"],
            "args": args,
            "tokens": split_cmdline(args),
        })
    return result


def grubby_plan(entries, state, groups=None, names=None):
    """Decide the grubby update for every kernel entry.

    Returns ``(remove_names, add_tokens, predicted)``: the names for ``--remove-args``
    (every occurrence goes, so the kernel's own order and duplicates cannot leave a stale
    value), the tokens for ``--args`` and, in entry order, each kernel's predicted tokens.
    Nothing to do gives empty lists.
    """
    remove = []
    add = []
    if state == "absent":
        present = set()
        for entry in entries:
            present.update(canonical(t[0]) for t in names_present(entry["tokens"], names))
        remove = [name for name in names if canonical(name) in present]
    else:
        for group in groups:
            if all(is_set(entry["tokens"], group) for entry in entries):
                continue
            remove.extend(group.names)
            add.extend(group.tokens)
    predicted = [apply_absent(entry["tokens"], remove) + list(add) for entry in entries]
    return remove, add, predicted


def grubby_command(grubby, remove, add):
    argv = [grubby, "--update-kernel=ALL"]
    if remove:
        argv.append("--remove-args=%s" % " ".join(remove))
    if add:
        argv.append("--args=%s" % " ".join(format_tokens(add)))
    return argv


# ---------------------------------------------------------------- backend choice


REDHAT_IDS = ("rhel", "fedora", "centos", "rocky", "almalinux", "ol", "amzn", "redhat")


def is_redhat_family(os_release_text):
    """True when /etc/os-release names a RedHat-family distribution (ID or ID_LIKE)."""
    ids = []
    for line in (os_release_text or "").splitlines():
        if "=" not in line:
            continue
        key, value = line.split("=", 1)
        if key.strip() in ("ID", "ID_LIKE"):
            ids.extend(value.strip().strip("\"'").lower().split())
    return any(item in REDHAT_IDS for item in ids)
