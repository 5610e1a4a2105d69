# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Linux cpulist and cpumask helpers (private to linuxai.node).

A cpulist is the kernel's text form of a CPU set, as found in
``/sys/devices/system/cpu/online`` or ``local_cpulist``: ``"0-31,64-95"``.
A cpumask is the hexadecimal form (``local_cpus``, ``cpumap``):
``"ffffffff,00000000,ffffffff"`` with 32-bit words, most significant first.
"""

from __future__ import annotations

__all__ = ['parse_cpulist', 'format_cpulist', 'format_sorted', 'intersect_cpulists', 'parse_cpumask']


def _parse_int(text: str, whole: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise ValueError('malformed cpulist %r: %r is not a CPU number' % (whole, text))
    return int(text)


def parse_cpulist(text) -> list:
    """Return the sorted, de-duplicated CPU numbers of a cpulist.

    Accepts what the kernel writes (``"0-3,8,10-11"``, an empty string for
    the empty set, a trailing newline) and the region/stride form the
    kernel accepts (``"0-15:2/4"`` is the first 2 CPUs of every group of 4).
    Also accepts a list of CPU numbers, returned sorted.
    Raises ValueError on anything else.
    """
    if text is None:
        raise ValueError('cpulist is None')
    if isinstance(text, (list, tuple, set, frozenset)):
        return sorted(set(_as_cpu(item) for item in text))
    if isinstance(text, int) and not isinstance(text, bool):
        return [_as_cpu(text)]
    if not isinstance(text, str):
        raise ValueError('cpulist must be a string or a list, not %s' % type(text).__name__)
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        return [int(text)]
    cpus = set()
    for part in text.split(','):
        if '-' not in part and ':' not in part and part.isdigit():
            cpus.add(int(part))
            continue
        part = part.strip()
        if not part:
            raise ValueError('malformed cpulist %r: empty element' % text)
        stride = None
        if ':' in part:
            part, stride = part.split(':', 1)
        if '-' in part:
            first, last = part.split('-', 1)
            lo, hi = _parse_int(first, text), _parse_int(last, text)
            if hi < lo:
                raise ValueError('malformed cpulist %r: range %s is reversed' % (text, part))
        else:
            lo = hi = _parse_int(part, text)
        if stride is None:
            cpus.update(range(lo, hi + 1))
            continue
        used, sep, group = stride.partition('/')
        if not sep:
            raise ValueError('malformed cpulist %r: stride %r needs USED/GROUP' % (text, stride))
        used_n, group_n = _parse_int(used, text), _parse_int(group, text)
        if group_n == 0 or used_n == 0 or used_n > group_n:
            raise ValueError('malformed cpulist %r: bad stride %r' % (text, stride))
        for start in range(lo, hi + 1, group_n):
            cpus.update(range(start, min(start + used_n, hi + 1)))
    return sorted(cpus)


def _as_cpu(item) -> int:
    if isinstance(item, bool):
        raise ValueError('%r is not a CPU number' % (item,))
    if isinstance(item, int):
        if item < 0:
            raise ValueError('%r is not a CPU number' % (item,))
        return item
    if isinstance(item, str) and item.strip().isdigit():
        return int(item.strip())
    raise ValueError('%r is not a CPU number' % (item,))


def format_cpulist(cpus) -> str:
    """Return the kernel's compact cpulist for an iterable of CPU numbers."""
    unique = set(cpus)
    if all(type(cpu) is int for cpu in unique):  # pylint: disable=unidiomatic-typecheck
        ordered = sorted(unique)
        if not ordered or ordered[0] >= 0:
            return format_sorted(ordered)
    return format_sorted(sorted(set(_as_cpu(cpu) for cpu in unique)))


def format_sorted(ordered: list) -> str:
    """format_cpulist for a sorted list of distinct non-negative ints (no validation)."""
    if not ordered:
        return ''
    parts = []
    start = prev = ordered[0]
    for cpu in ordered[1:]:
        if cpu == prev + 1:
            prev = cpu
            continue
        parts.append(str(start) if start == prev else '%d-%d' % (start, prev))
        start = prev = cpu
    parts.append(str(start) if start == prev else '%d-%d' % (start, prev))
    return ','.join(parts)


def intersect_cpulists(first, *others) -> str:
    """Return the cpulist of the CPUs present in every argument."""
    result = set(parse_cpulist(first))
    for other in others:
        result &= set(parse_cpulist(other))
    return format_cpulist(result)


def parse_cpumask(text: str) -> list:
    """Return the CPU numbers set in a kernel hex cpumask (``"ff,00000003"``)."""
    if text is None:
        raise ValueError('cpumask is None')
    words = text.strip().split(',')
    cpus = []
    offset = 0
    for word in reversed(words):
        word = word.strip()
        if not word:
            raise ValueError('malformed cpumask %r' % text)
        try:
            value = int(word, 16)
        except ValueError:
            raise ValueError('malformed cpumask %r' % text) from None
        bit = 0
        while value:
            if value & 1:
                cpus.append(offset + bit)
            value >>= 1
            bit += 1
        offset += 32
    return sorted(cpus)
