# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Archive the part of sysfs/procfs the topology probe reads (private to linuxai.node).

The archive holds ``NAME/sys/...`` and ``NAME/proc/...`` like hwloc-gather-topology
output: the files the probe read (with the bytes it read), the directories it listed
with their subdirectories and links, and the links it followed, all at their real
paths, so probing the archive gives the same answer as probing the source.
"""

from __future__ import annotations

import io
import os
import posixpath
import tarfile
import tempfile
import time

from ansible_collections.linuxai.node.plugins.module_utils._fsroot import open_root
from ansible_collections.linuxai.node.plugins.module_utils._topology import probe_tree


def _ancestors(path: str):
    parts = path.split('/')
    for i in range(1, len(parts)):
        yield '/'.join(parts[:i])


def collect(root: str = '/'):
    """Probe ``root`` while recording; return (summary, files, dirs, links).

    Raises TopologyRootError when ``root`` cannot be used.
    """
    opened = open_root(root)
    reader = opened.reader(record=True)
    facts = probe_tree(reader, opened.live, gpu_libraries=False)
    reader.read_bytes('proc/meminfo')  # small, and hwloc's lstopo wants it
    arch = reader.read_bytes('proc/sys/kernel/arch')
    files = dict(reader.files)
    if opened.live and not arch:
        # Let a probe of the archive know the architecture exactly (the live probe asks uname).
        files['proc/sys/kernel/arch'] = (os.uname()[4] + '\n').encode()
    return facts['summary'], files, set(reader.dirs), dict(reader.links)


def write_archive(dest: str, name: str, files: dict, dirs: set, links: dict) -> int:
    """Write a .tar.gz at ``dest`` (mode 0600); return its size in bytes."""
    all_dirs = set(dirs)
    for path in list(files) + list(links) + list(dirs):
        all_dirs.update(_ancestors(path))
    all_dirs.discard('')
    for path in list(files) + list(links):
        all_dirs.discard(path)
    now = time.time()
    directory = os.path.dirname(os.path.abspath(dest))
    fd, tmp = tempfile.mkstemp(prefix='.linuxai-topology-', suffix='.tar.gz', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            with tarfile.open(fileobj=handle, mode='w:gz', format=tarfile.PAX_FORMAT) as tar:
                top = tarfile.TarInfo(name)
                top.type, top.mode, top.mtime = tarfile.DIRTYPE, 0o755, now
                tar.addfile(top)
                for path in sorted(all_dirs):
                    info = tarfile.TarInfo(posixpath.join(name, path))
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, now
                    tar.addfile(info)
                for path in sorted(links):
                    info = tarfile.TarInfo(posixpath.join(name, path))
                    info.type, info.linkname, info.mode, info.mtime = tarfile.SYMTYPE, links[path], 0o777, now
                    tar.addfile(info)
                for path in sorted(files):
                    data = files[path]
                    info = tarfile.TarInfo(posixpath.join(name, path))
                    info.size, info.mode, info.mtime = len(data), 0o644, now
                    tar.addfile(info, io.BytesIO(data))
        os.rename(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return os.path.getsize(dest)
