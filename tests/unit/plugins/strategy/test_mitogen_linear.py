# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mitogen_linear strategy: which ansible-core / mitogen pairings it runs, and what it says otherwise."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.strategy.linear import StrategyModule as LinearStrategyModule
from ansible_collections.linuxai.node.plugins.strategy import mitogen_linear

PLUGIN = mitogen_linear.__file__
LINEAR_FIX = "drop `strategy` from ansible.cfg"


def load_plugin_without_mitogen(monkeypatch):
    """A fresh copy of the plugin module, loaded as if mitogen were not installed."""
    for name in ('ansible_mitogen', 'ansible_mitogen.strategy', 'mitogen'):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: `import name` raises ImportError
    spec = importlib.util.spec_from_file_location('mitogen_linear_without_mitogen', PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('ansible_core', ['2.16.0', '2.16.14', '2.17.5', '2.18.0rc1', '2.19.0.dev0', '2.19.14'])
def test_supported_pairings_pass(ansible_core):
    assert mitogen_linear.pairing_problem(ansible_core, '0.3.54') is None


@pytest.mark.parametrize('ansible_core', ['2.15.13', '2.20.0', '2.20.0b1', '3.0.0', 'devel'])
def test_an_unsupported_ansible_core_is_refused(ansible_core):
    message = mitogen_linear.pairing_problem(ansible_core, '0.3.54')
    assert 'ansible-core %s with mitogen 0.3.54' % ansible_core in message
    assert 'Supported: mitogen 0.3.54 with ansible-core 2.16 to 2.19 (tested with 2.19.14)' in message
    assert "pip install 'ansible-core>=2.16,<2.20'" in message
    assert 'pip install mitogen' not in message  # mitogen is already the right one
    assert LINEAR_FIX in message


@pytest.mark.parametrize('mitogen', ['0.3.53', '0.3.55', '0.3', '0.2.10', '1.0.0', 'unknown'])
def test_another_mitogen_release_is_refused(mitogen):
    message = mitogen_linear.pairing_problem('2.19.14', mitogen)
    assert 'ansible-core 2.19.14 with mitogen %s' % mitogen in message
    assert 'Fix: pip install mitogen==0.3.54, or drop' in message
    assert 'ansible-core>=' not in message
    assert LINEAR_FIX in message


def test_both_wrong_names_both_fixes():
    message = mitogen_linear.pairing_problem('2.20.1', '0.3.9')
    assert "Fix: pip install mitogen==0.3.54 and pip install 'ansible-core>=2.16,<2.20', or drop" in message


def test_missing_mitogen_message():
    message = mitogen_linear.pairing_problem('2.19.14', None, "No module named 'ansible_mitogen'")
    assert message.startswith("linuxai.node.mitogen_linear needs mitogen, which cannot be imported "
                              "(No module named 'ansible_mitogen')")
    assert 'installed ansible-core 2.19.14, mitogen not installed' in message
    assert 'Supported: mitogen 0.3.54 with ansible-core 2.16 to 2.19' in message
    assert 'pip install mitogen==0.3.54' in message
    assert LINEAR_FIX in message


@pytest.mark.parametrize('version, release', [('2.19.14', (2, 19, 14)), ('2.18.0rc1', (2, 18, 0)),
                                              ('0.3.54', (0, 3, 54)), (' 0.3.54\n', (0, 3, 54)), ('devel', ())])
def test_release_reads_the_leading_numbers(version, release):
    assert mitogen_linear._release(version) == release


def test_without_mitogen_the_plugin_loads_and_refuses_to_run(monkeypatch):
    module = load_plugin_without_mitogen(monkeypatch)
    assert 'mitogen_linear' in module.DOCUMENTATION  # ansible-doc and ansible-test load it
    assert issubclass(module.StrategyModule, LinearStrategyModule)
    with pytest.raises(AnsibleError) as error:
        module.StrategyModule(tqm=None)
    message = str(error.value)
    assert 'needs mitogen, which cannot be imported' in message
    assert 'installed ansible-core %s, mitogen not installed' % mitogen_linear.ANSIBLE_CORE_VERSION in message
    assert 'pip install mitogen==0.3.54' in message
    assert LINEAR_FIX in message


def test_with_the_supported_mitogen_it_is_mitogens_linear_strategy():
    mitogen = pytest.importorskip('ansible_mitogen.strategy')
    if mitogen_linear._PROBLEM:
        pytest.skip(mitogen_linear._PROBLEM)
    mro = mitogen_linear.StrategyModule.__mro__
    # The same bases as mitogen's own ansible_mitogen/plugins/strategy/mitogen_linear.py, in its order.
    assert mro[1] is mitogen.StrategyMixin
    assert mro.index(mitogen.StrategyMixin) < mro.index(LinearStrategyModule)
    assert mitogen_linear.StrategyModule.run is mitogen.StrategyMixin.run
