# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error wrapper of the filter plugins."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.linuxai.node.plugins import filter as filter_plugins
from ansible_collections.linuxai.node.plugins.plugin_utils import _filter


def _raise(exc):
    def shaped_filter(value):
        """Doc kept."""
        raise exc
    return shaped_filter


@pytest.mark.parametrize('exc, reason', [
    (ValueError('bad value'), 'bad value'),
    (TypeError('bad type'), 'bad type'),
    (AttributeError('no attribute'), 'no attribute'),
    (KeyError('gpus'), "'gpus'"),
])
def test_wrap_turns_the_filter_errors_into_filter_errors_naming_the_filter(exc, reason):
    with pytest.raises(AnsibleFilterError) as caught:
        _filter.wrap(_raise(exc))(1)
    assert caught.value.message == 'shaped_filter: %s' % reason
    assert caught.value.__cause__ is exc


def test_wrap_leaves_other_errors_and_results_alone():
    with pytest.raises(RuntimeError):
        _filter.wrap(_raise(RuntimeError('bug')))(1)
    wrapped = _filter.wrap(lambda value, extra=1: value + extra, 'plus')
    assert wrapped(1, extra=2) == 3
    assert wrapped.__name__ == 'plus'


def test_filter_map_names_each_filter_by_its_function():
    filters = _filter.filter_map(_raise(ValueError('x')))
    assert list(filters) == ['shaped_filter']
    assert filters['shaped_filter'].__doc__ == 'Doc kept.'


def test_every_filter_plugin_wraps_its_filters():
    """Each filter of every plugin raises AnsibleFilterError: none bypasses the wrapper."""
    names = [info.name for info in pkgutil.iter_modules(filter_plugins.__path__)]
    assert len(names) >= 8
    for name in names:
        module = importlib.import_module('%s.%s' % (filter_plugins.__name__, name))
        for filter_name, func in module.FilterModule().filters().items():
            assert func.__code__ is _filter.wrap(len).__code__, '%s.%s is not wrapped' % (name, filter_name)
