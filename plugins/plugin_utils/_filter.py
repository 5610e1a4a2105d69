# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Controller-side helpers of the linuxai.node filter plugins (private to linuxai.node)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

__all__ = ['FILTER_ERRORS', 'filter_map', 'wrap']

# What a filter's logic raises on input it cannot use; each becomes an AnsibleFilterError naming the filter.
FILTER_ERRORS = (ValueError, TypeError, AttributeError, KeyError)


def wrap(func, name=None):
    """``func`` raising AnsibleFilterError('NAME: reason') instead of FILTER_ERRORS."""
    name = name or func.__name__

    def run(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FILTER_ERRORS as exc:
            raise AnsibleFilterError('%s: %s' % (name, exc)) from exc
    run.__name__ = name
    run.__doc__ = func.__doc__
    return run


def filter_map(*funcs):
    """The ``FilterModule.filters()`` answer for ``funcs``: each under its own name, wrapped."""
    return dict((func.__name__, wrap(func)) for func in funcs)
