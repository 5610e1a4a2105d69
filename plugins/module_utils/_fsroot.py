# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read-only access to a sysfs/procfs tree, live or captured (private to linuxai.node).

``TreeReader`` reads files below a root directory with plain ``os.open`` /
``os.read`` (sysfs attributes are small and report a fake size), never
raises on missing, unreadable or malformed files, and collects warnings
instead. With ``record=True`` it remembers every file, directory listing and
symbolic link it touched, under their real (symlink-free) paths, so that
exactly that subset can be archived by ``topology_capture``.

``open_root`` turns the ``root`` option (a directory, or a .tar/.tar.gz/.tar.bz2/.tar.xz
in the layout of hwloc-gather-topology, read into memory and never extracted) into a
reader.
"""

from __future__ import annotations

import errno
import os
import posixpath

# Errors that mean "this attribute is not there / not meaningful now": silent.
_QUIET_ERRNOS = frozenset([errno.ENOENT, errno.ENOTDIR, errno.ENODEV, errno.ENXIO, errno.EINVAL, errno.EOPNOTSUPP])
_MAX_MEMBER_BYTES = 16 * 1024 * 1024
_MAX_TOTAL_BYTES = 512 * 1024 * 1024
_TAR_SUFFIXES = ('.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz2', '.tar.xz', '.txz')


class TopologyRootError(Exception):
    """The ``root`` option cannot be used (missing, not a tree, bad archive)."""


class TreeReader:
    """Read files of a sysfs/procfs tree rooted at ``root`` ('/' for the live system).

    Paths given to the methods are relative to the root and have no leading
    slash: ``'sys/devices/system/cpu/online'``.
    """

    def __init__(self, root: str = '/', record: bool = False):
        self.root = os.path.abspath(root)
        self._prefix = '' if self.root == '/' else self.root
        self.warnings = []
        self._warned = set()
        self.recording = record
        self.files = {}      # real relative path -> bytes
        self.dirs = set()    # real relative paths of directories listed or traversed
        self.links = {}      # real relative path -> link target (as stored)

    # -- warnings ---------------------------------------------------------
    def warn(self, message: str) -> None:
        """Record a warning once."""
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    # -- reads --------------------------------------------------------------
    def path(self, rel: str) -> str:
        """Absolute path of ``rel`` on this machine."""
        return self._prefix + '/' + rel

    def read_bytes(self, rel: str, limit: int = 65536, optional: bool = True):
        """Return up to ``limit`` bytes of a file, or None when it cannot be read.

        Missing files and attributes the kernel refuses to report right now
        (EINVAL for the speed of a link that is down, ENODEV, ...) return None
        silently when ``optional``; any other failure also adds a warning.
        """
        path = self._prefix + '/' + rel
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            self._read_failed(rel, exc, optional)
            return None
        try:
            # A sysfs attribute is at most one page and arrives in one read; procfs files
            # may come page by page, so read those until the end or the limit.
            data = os.read(fd, limit)
            if rel.startswith('proc/'):
                chunks = [data]
                size = len(data)
                while data and size < limit:
                    data = os.read(fd, limit - size)
                    chunks.append(data)
                    size += len(data)
                data = b''.join(chunks)
        except OSError as exc:
            self._read_failed(rel, exc, optional)
            return None
        finally:
            os.close(fd)
        if self.recording:
            real = self._real(rel)
            if real is not None:
                self.files[real] = data
        return data

    def _read_failed(self, rel: str, exc: OSError, optional: bool) -> None:
        if optional and exc.errno in _QUIET_ERRNOS:
            return
        self.warn('cannot read /%s: %s' % (rel, exc.strerror or exc))

    def read(self, rel: str, optional: bool = True, limit: int = 65536):
        """Return the stripped text of a file, or None (see read_bytes)."""
        data = self.read_bytes(rel, limit=limit, optional=optional)
        if data is None:
            return None
        return data.decode('utf-8', 'replace').strip()

    def read_int(self, rel: str, optional: bool = True, base: int = 10):
        """Return a file's integer content, or None (with a warning when malformed)."""
        text = self.read(rel, optional=optional)
        if text is None:
            return None
        try:
            return int(text, base)
        except ValueError:
            self.warn('malformed /%s: %r is not an integer' % (rel, text[:40]))
            return None

    def listdir(self, rel: str, optional: bool = True) -> list:
        """Return the sorted entry names of a directory ([] when it cannot be listed)."""
        path = self._prefix + '/' + rel
        try:
            names = os.listdir(path)
        except OSError as exc:
            self._read_failed(rel, exc, optional)
            return []
        names.sort()
        if self.recording:
            self._record_listing(rel, names)
        return names

    def readlink(self, rel: str):
        """Return the target of a symbolic link, or None when ``rel`` is not one."""
        try:
            target = os.readlink(self._prefix + '/' + rel)
        except OSError:
            return None
        if self.recording:
            parent = self._real(posixpath.dirname(rel))
            if parent is not None:
                self.links[posixpath.join(parent, posixpath.basename(rel))] = target
        return target

    def resolve(self, rel: str) -> str:
        """Follow a symbolic link that points inside the tree, lexically.

        sysfs links are relative and their parents are real directories, so
        ``normpath(dirname(link) + target)`` is the link's real path; this costs
        one readlink instead of the several lstat calls of os.path.realpath.
        Returns ``rel`` itself when it is not a link.
        """
        target = self.readlink(rel)
        if target is None:
            return rel
        if target.startswith('/'):
            # Captured trees must not point outside themselves; strip our prefix if present.
            if self._prefix and target.startswith(self._prefix + '/'):
                return target[len(self._prefix) + 1:]
            return target.lstrip('/')
        return posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))

    def exists(self, rel: str) -> bool:
        """True when ``rel`` exists (a link counts even when dangling)."""
        return os.path.lexists(self._prefix + '/' + rel)

    # -- recording ------------------------------------------------------------
    def _real(self, rel: str):
        """Return the symlink-free path of ``rel`` relative to the root, or None outside it."""
        real = os.path.realpath(self._prefix + '/' + rel)
        if self._prefix:
            if real == self._prefix:
                return ''
            if not real.startswith(self._prefix + '/'):
                return None
            return real[len(self._prefix) + 1:]
        return real.lstrip('/')

    def _record_listing(self, rel: str, names: list) -> None:
        real = self._real(rel)
        if real is None:
            return
        self.dirs.add(real)
        base = self._prefix + '/' + rel
        for name in names:
            full = base + '/' + name
            if os.path.islink(full):
                try:
                    self.links[posixpath.join(real, name)] = os.readlink(full)
                except OSError:
                    continue
            elif os.path.isdir(full):
                self.dirs.add(posixpath.join(real, name))


def _safe_member_name(name: str):
    """Normalise an archive member name; None when it would escape the tree."""
    while name.startswith('./'):
        name = name[2:]
    if not name or name.startswith('/'):
        return None
    norm = posixpath.normpath(name)
    if norm == '.' or norm.startswith('../') or norm == '..':
        return None
    return norm


class ArchiveReader(TreeReader):
    """A TreeReader over a tar archive held in memory: nothing is extracted to disk.

    Paths resolve through the archive's own symbolic links, clamped to the
    archive's top, so no member can make the probe read outside it.
    """

    _MAX_HOPS = 40

    def __init__(self, index: dict, record: bool = False):
        TreeReader.__init__(self, '/', record=record)
        self._files = index['files']
        self._links = index['links']
        self._children = index['children']

    def path(self, rel: str) -> str:
        return 'archive:/' + rel

    def _lookup(self, rel: str, follow_last: bool = True):
        """Resolve ``rel`` through the archive's links; None when a link leads nowhere usable."""
        pending = rel.split('/')
        pending.reverse()
        current = []
        hops = 0
        while pending:
            part = pending.pop()
            if part in ('', '.'):
                continue
            if part == '..':
                if current:
                    current.pop()
                continue
            candidate = '/'.join(current + [part])
            target = self._links.get(candidate)
            if target is not None and (pending or follow_last):
                hops += 1
                if hops > self._MAX_HOPS or target.startswith('/'):
                    return None
                pending.extend(reversed(target.split('/')))
                continue
            current.append(part)
        return '/'.join(current)

    def read_bytes(self, rel: str, limit: int = 65536, optional: bool = True):
        real = self._lookup(rel)
        data = self._files.get(real) if real is not None else None
        if data is None:
            if real is not None and real in self._children:
                self._read_failed(rel, OSError(errno.EISDIR, os.strerror(errno.EISDIR)), optional)
            return None
        data = data[:limit]
        if self.recording:
            self.files[real] = data
        return data

    def listdir(self, rel: str, optional: bool = True) -> list:
        real = self._lookup(rel)
        names = self._children.get(real) if real is not None else None
        if names is None:
            return []
        names = sorted(names)
        if self.recording:
            self.dirs.add(real)
            for name in names:
                child = posixpath.join(real, name) if real else name
                if child in self._links:
                    self.links[child] = self._links[child]
                elif child in self._children:
                    self.dirs.add(child)
        return names

    def readlink(self, rel: str):
        parent = self._lookup(posixpath.dirname(rel))
        if parent is None:
            return None
        name = posixpath.join(parent, posixpath.basename(rel)) if parent else posixpath.basename(rel)
        target = self._links.get(name)
        if target is not None and self.recording:
            self.links[name] = target
        return target

    def exists(self, rel: str) -> bool:
        real = self._lookup(rel, follow_last=False)
        return real is not None and (real in self._files or real in self._links or real in self._children)

    def _real(self, rel: str):
        return self._lookup(rel)


def _index_archive(archive: str, warnings: list) -> dict:
    """Read a capture archive into {files: {path: bytes}, links: {path: target}, children: {dir: set}}."""
    import tarfile  # pylint: disable=import-outside-toplevel
    import zlib  # pylint: disable=import-outside-toplevel
    try:
        tar = tarfile.open(archive, 'r:*')
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise TopologyRootError('root %s is not a readable tar archive: %s' % (archive, exc)) from None
    files, links, children = {}, {}, {'': set()}
    total = 0
    skipped = 0

    def add_path(path):
        parts = path.split('/')
        for i in range(len(parts)):
            parent = '/'.join(parts[:i])
            children.setdefault(parent, set()).add(parts[i])

    try:
        for member in tar:
            name = _safe_member_name(member.name)
            if name is None:
                skipped += 1
            elif member.isdir():
                add_path(name)
                children.setdefault(name, set())
            elif member.isfile():
                if member.size > _MAX_MEMBER_BYTES or total + member.size > _MAX_TOTAL_BYTES:
                    skipped += 1
                    continue
                source = tar.extractfile(member)
                files[name] = source.read() if source is not None else b''
                total += member.size
                add_path(name)
            elif member.issym() and not member.linkname.startswith('/'):
                links[name] = member.linkname
                add_path(name)
            else:
                skipped += 1
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise TopologyRootError('root %s: cannot read the archive: %s' % (archive, exc)) from None
    finally:
        tar.close()
    if skipped:
        warnings.append('root %s: skipped %d archive member(s) that are not plain files, directories or '
                        'relative links inside the tree' % (archive, skipped))
    return {'files': files, 'links': links, 'children': children}


def _tree_base(directory: str):
    """Return the directory holding ``sys/`` (itself or its only subdirectory), or None."""
    if os.path.isdir(os.path.join(directory, 'sys')):
        return directory
    try:
        entries = [entry for entry in os.listdir(directory) if os.path.isdir(os.path.join(directory, entry))]
    except OSError:
        return None
    candidates = [entry for entry in entries if os.path.isdir(os.path.join(directory, entry, 'sys'))]
    if len(candidates) == 1:
        return os.path.join(directory, candidates[0])
    return None


def _archive_base(index: dict):
    """Return the prefix ('' or 'NAME/') under which the archive holds ``sys/``, or None."""
    children = index['children']
    if 'sys' in children:
        return ''
    candidates = [name for name in children[''] if name + '/sys' in children]
    if len(candidates) == 1:
        return candidates[0] + '/'
    return None


def _rebase(index: dict, prefix: str) -> dict:
    if not prefix:
        return index
    cut = len(prefix)
    top = prefix[:-1]
    return {
        'files': dict((k[cut:], v) for k, v in index['files'].items() if k.startswith(prefix)),
        'links': dict((k[cut:], v) for k, v in index['links'].items() if k.startswith(prefix)),
        'children': dict((k[cut:] if k != top else '', v) for k, v in index['children'].items()
                         if k == top or k.startswith(prefix)),
    }


class OpenedRoot:
    """A tree ready to read: a directory (or '/'), or an archive indexed in memory."""

    def __init__(self, requested: str, base=None, live: bool = False, index=None, warnings=None):
        self.requested = requested
        self.base = base
        self.live = live
        self.index = index
        self.warnings = warnings or []

    def reader(self, record: bool = False) -> TreeReader:
        """A reader of this tree, carrying the warnings met while opening it."""
        if self.index is not None:
            reader = ArchiveReader(self.index, record=record)
        else:
            reader = TreeReader(self.base, record=record)
        reader.warnings.extend(self.warnings)
        return reader


def open_root(root) -> OpenedRoot:
    """Resolve the ``root`` option. Raises TopologyRootError with a clear message."""
    if root in (None, '', '/'):
        return OpenedRoot('/', '/', live=True)
    if not os.path.lexists(root):
        raise TopologyRootError('root %s does not exist' % root)
    if os.path.isdir(root):
        base = _tree_base(root)
        if base is None:
            raise TopologyRootError('root %s holds no sys/ directory (expected a tree captured by '
                                    'linuxai.node.topology_capture or hwloc-gather-topology)' % root)
        return OpenedRoot(root, base, live=os.path.realpath(base) == '/')
    if not os.path.isfile(root):
        raise TopologyRootError('root %s is neither a directory nor a file' % root)
    # Only archives need tarfile; a live probe does not pay for importing it.
    import tarfile  # pylint: disable=import-outside-toplevel
    if not root.endswith(_TAR_SUFFIXES) and not tarfile.is_tarfile(root):
        raise TopologyRootError('root %s is not a directory or a tar archive (%s)' % (root, ', '.join(_TAR_SUFFIXES)))
    warnings = []
    index = _index_archive(root, warnings)
    prefix = _archive_base(index)
    if prefix is None:
        raise TopologyRootError('root %s: the archive holds no sys/ directory at its top or one level down' % root)
    return OpenedRoot(root, live=False, index=_rebase(index, prefix), warnings=warnings)
