# -*- coding: utf-8 -*-
# Copyright: linuxai.node contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which strategy the Molecule test bed gives each play (tests/strategy/linuxai_molecule.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os

import pytest

from ansible.plugins.strategy.linear import StrategyModule as LinearStrategy

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    'linuxai_molecule', os.path.join(HERE, '..', '..', 'strategy', 'linuxai_molecule.py'))
STRATEGY = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(STRATEGY)


@pytest.mark.parametrize('hosts, connection', [
    (['localhost'], 'local'),      # Molecule's create and destroy
    (['localhost'], None),         # a prepare play serving a local mirror
    (['all'], 'local'),
])
def test_controller_plays_run_linear(hosts, connection):
    assert STRATEGY.choose(hosts, connection, 'mitogen') is LinearStrategy


def test_linear_requested_for_every_play():
    assert STRATEGY.choose(['all'], None, 'linear') is LinearStrategy


def test_node_plays_run_mitogen():
    pytest.importorskip('ansible_mitogen')
    chosen = STRATEGY.choose(['all'], None, 'mitogen')
    assert issubclass(chosen, LinearStrategy)
    assert chosen is not LinearStrategy
    assert any(base.__module__.startswith('ansible_mitogen') for base in chosen.__mro__)
