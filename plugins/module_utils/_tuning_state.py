# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare wanted kernel tuning with what the running kernel has (read-only).

Private to linuxai.node. Every reader takes ``root`` so tests use fake trees.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import json
import os
import re

_BRACKETED = re.compile(r"\[([^\]]+)\]")


def _read(root, rel):
    try:
        with open(os.path.join(root, rel.lstrip("/"))) as handle:
            return handle.read().strip()
    except (IOError, OSError):
        return None


def sysctl_path(name):
    """proc path of a sysctl key; dots separate levels, slashes may appear in names."""
    return "proc/sys/" + name.replace(".", "/")


def _normalise(value):
    return " ".join(str(value).split())


def sysctl_state(root, wanted):
    """Return (settings, missing) for {key: value}; keys the kernel lacks go to missing."""
    settings, missing = [], []
    for key in sorted(wanted):
        running = _read(root, sysctl_path(key))
        if running is None:
            missing.append(key)
            continue
        desired = _normalise(wanted[key])
        settings.append({"name": "sysctl " + key, "desired": desired, "running": _normalise(running),
                         "in_force": _normalise(running) == desired})
    return settings, missing


def thp_state(root, enabled=None, defrag=None):
    settings = []
    for name, desired in (("enabled", enabled), ("defrag", defrag)):
        if desired is None:
            continue
        raw = _read(root, "sys/kernel/mm/transparent_hugepage/" + name)
        match = _BRACKETED.search(raw or "")
        running = match.group(1) if match else None
        settings.append({"name": "transparent_hugepage " + name, "desired": desired, "running": running,
                         "in_force": running == desired})
    return settings


def hugepage_state(root, size_kb, nodes):
    """nodes: {"<id>": pages}; reads each node's pool of that size."""
    settings = []
    for node_id in sorted(nodes, key=int):
        rel = "sys/devices/system/node/node%s/hugepages/hugepages-%dkB/nr_hugepages" % (node_id, int(size_kb))
        raw = _read(root, rel)
        running = int(raw) if raw is not None and raw.isdigit() else None
        desired = int(nodes[node_id])
        settings.append({"name": "hugepages %dkB node%s" % (int(size_kb), node_id), "desired": desired,
                         "running": running, "in_force": running == desired})
    return settings


def governor_state(root, governor):
    """One entry summarising every CPU's cpufreq governor; running is None without cpufreq."""
    base = os.path.join(root, "sys/devices/system/cpu")
    try:
        names = sorted(n for n in os.listdir(base) if re.match(r"^cpu\d+$", n))
    except OSError:
        names = []
    seen = set()
    for name in names:
        value = _read(root, "sys/devices/system/cpu/%s/cpufreq/scaling_governor" % name)
        if value is not None:
            seen.add(value)
    running = ",".join(sorted(seen)) if seen else None
    return [{"name": "cpufreq governor", "desired": governor, "running": running,
             "in_force": running == governor}]


def cmdline_state(root, args):
    """args: {name: value or None}; compares with /proc/cmdline."""
    running = (_read(root, "proc/cmdline") or "").split()
    settings = []
    for name in args:
        wanted = name if args[name] is None else "%s=%s" % (name, args[name])
        settings.append({"name": "kernel argument " + name, "desired": wanted,
                         "running": " ".join(t for t in running if t == name or t.startswith(name + "=")) or None,
                         "in_force": wanted in running})
    return settings


def tuning_state(root, sysctl=None, thp_enabled=None, thp_defrag=None, hugepages=None, governor=None, kernel_args=None):
    settings, missing = sysctl_state(root, sysctl or {})
    settings += thp_state(root, thp_enabled, thp_defrag)
    for pool in hugepages or []:
        settings += hugepage_state(root, pool["size_kb"], pool["nodes"])
    if governor:
        settings += governor_state(root, governor)
    if kernel_args:
        settings += cmdline_state(root, kernel_args)
    drift = [s for s in settings if not s["in_force"]]
    report = ["%s: running %s, want %s" % (s["name"], "-" if s["running"] is None else s["running"], s["desired"])
              for s in drift]
    return {"settings": settings, "drift": drift, "drift_report": report, "missing_sysctls": missing,
            "in_force": not drift}


# tuned 2.23.0 moved its profile directories (redhat-performance/tuned 90ea23b "Add an option to configure
# profile directories", 6d3aa94 "Migrate profiles to /etc/tuned/profiles/ and /usr/lib/tuned/profiles/"): up to
# 2.22.x tuned/consts.py has LOAD_DIRECTORIES = ["/usr/lib/tuned", "/etc/tuned"]; from 2.23.0 on it has
# CFG_DEF_PROFILE_DIRS = ["/usr/lib/tuned/profiles", "/etc/tuned/profiles"], which profile_dirs in tuned-main.conf
# replaces. A build may keep the old directories in the new code (the upstream tuned.spec does for RHEL < 10 from
# 2.24.1 on), so the version alone does not tell: the installed tuned's constants do. A profile anywhere else is
# not found, and the daemon only logs "Requested profile ... doesn't exist" (tuned#851).
TUNED_ADM = "usr/sbin/tuned-adm"
TUNED_MAIN_CONF = "etc/tuned/tuned-main.conf"
# The user profile directories of both layouts, where an older tuned or an older release of this role left one.
TUNED_USER_DIRS = ("/etc/tuned", "/etc/tuned/profiles")
# Every tuned.conf this collection wrote carries this summary (templates/tuned.conf.j2 of kernel_tuning).
_OUR_SUMMARY = re.compile(r"^\s*summary\s*=\s*linuxai\.node\b", re.MULTILINE)

# Run by tuned's own interpreter; older releases (2.15) have no TUNED_VERSION_STR.
TUNED_QUERY = (
    "import json, tuned.consts as c, tuned.version as v\n"
    "print(json.dumps({'version': '%d.%d.%d' % (v.TUNED_VERSION_MAJOR, v.TUNED_VERSION_MINOR, v.TUNED_VERSION_PATCH),"
    " 'load_directories': getattr(c, 'LOAD_DIRECTORIES', None),"
    " 'default_profile_dirs': getattr(c, 'CFG_DEF_PROFILE_DIRS', None)}))\n"
)


def tuned_interpreter(root):
    """argv of the Python that runs tuned-adm (its #! line), or None without tuned-adm."""
    first = _read(root, TUNED_ADM)
    if first is None or not first.startswith("#!"):
        return None
    words = first.splitlines()[0][2:].split()
    if not words:
        return None
    argv = [os.path.join(root, words[0].lstrip("/"))]
    if os.path.basename(words[0]) == "env" and len(words) > 1:
        argv.append(words[1])
    return argv


def tuned_query_argv(root):
    """The command printing the installed tuned's version and profile directory constants as JSON."""
    interpreter = tuned_interpreter(root)
    # -I: isolated from the environment, the user's site directory and the current directory.
    return None if interpreter is None else interpreter + ["-I", "-c", TUNED_QUERY]


def parse_tuned_query(stdout):
    data = json.loads(stdout)  # json's errors are ValueErrors
    if not isinstance(data, dict) or not data.get("version"):
        raise ValueError("no tuned version in %r" % stdout)
    return data


def configured_profile_dirs(text):
    """profile_dirs of tuned-main.conf as tuned 2.23.0+ reads it (GlobalConfig.get_list), None where unset."""
    parser = configparser.ConfigParser(delimiters=("=",), inline_comment_prefixes=("#",), strict=False,
                                       interpolation=None)
    parser.optionxform = str
    try:
        parser.read_string("[main]\n" + (text or ""))
    except configparser.Error as error:
        raise ValueError("/%s: %s" % (TUNED_MAIN_CONF, error))
    if not parser.has_option("main", "profile_dirs"):
        return None
    value = parser.get("main", "profile_dirs")
    return [d.strip() for d in re.split(r",|;", value)] if value.strip() else []


def tuned_profile_dirs(root, query):
    """The directories tuned searches, in its order (a later one wins a name), from the query's constants."""
    if query.get("load_directories") is not None:
        return list(query["load_directories"])
    configured = configured_profile_dirs(_read(root, TUNED_MAIN_CONF))
    return configured if configured is not None else list(query.get("default_profile_dirs") or [])


def written_by_collection(root, profile_dir):
    return bool(_OUR_SUMMARY.search(_read(root, profile_dir + "/tuned.conf") or ""))


def tuned_profile_placement(root, dirs, name, parent_ready=None):
    """Where profile `name` goes (the last directory tuned searches), and this collection's copies elsewhere.

    Each copy is {path, action}: "move" for the first when the place is free and its parent directory exists
    (parent_ready, by default looked up), so what else the directory holds goes along; "remove" for the others.
    """
    path = dirs[-1].rstrip("/") + "/" + name
    free = not os.path.lexists(os.path.join(root, path.lstrip("/")))
    if parent_ready is None:
        parent_ready = os.path.isdir(os.path.join(root, os.path.dirname(path).lstrip("/")))
    stale = []
    for base in list(TUNED_USER_DIRS) + list(dirs):
        candidate = base.rstrip("/") + "/" + name
        if candidate == path or candidate in [s["path"] for s in stale]:
            continue
        if written_by_collection(root, candidate):
            action = "move" if free and parent_ready and not stale else "remove"
            stale.append({"path": candidate, "action": action})
    return {"path": path, "stale": stale}
