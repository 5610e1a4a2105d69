# -*- coding: utf-8 -*-
# Copyright: linuxai.node contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strategy of the Molecule test bed (not shipped in the collection).

Plays on the test nodes run under mitogen's linear strategy (about 0.13 s a task instead of about 1 s
over the podman connection). Molecule's own create and destroy plays run on the controller
(``connection: local``) and wait on async tasks, which never finish under mitogen's local connection:
those, every play on localhost only (the prepare steps that serve local mirrors start async servers),
and every play when ``LINUXAI_MOLECULE_STRATEGY=linear`` (the scenarios that prove the default
strategy), run under Ansible's own linear strategy.

Each play gets one strategy object, built when the play starts, so only one results thread runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.plugins.strategy import StrategyBase
from ansible.plugins.strategy.linear import StrategyModule as LinearStrategy


def _mitogen_linear():
    # Imported on demand: plain linear plays must not need mitogen installed.
    import ansible_mitogen.strategy  # pylint: disable=import-outside-toplevel

    class MitogenLinear(ansible_mitogen.strategy.StrategyMixin, LinearStrategy):
        pass

    return MitogenLinear


CONTROLLER = frozenset(['localhost', '127.0.0.1'])


def choose(play_hosts, play_connection, requested):
    """The strategy class for a play: linear for controller plays or when linear is requested."""
    if requested == 'linear' or play_connection == 'local' or set(play_hosts or []) <= CONTROLLER:
        return LinearStrategy
    return _mitogen_linear()


class StrategyModule(StrategyBase):
    """Delegates each play to linear or mitogen_linear (see the module docstring).

    A StrategyBase by type only (Ansible's loader requires it): its __init__ is not called, since it
    would start a second results thread beside the delegate's.
    """

    def __init__(self, tqm):  # pylint: disable=super-init-not-called
        self._tqm = tqm
        self._impl = None

    def run(self, iterator, play_context):
        play = iterator._play
        cls = choose(play.hosts, play.connection, os.environ.get('LINUXAI_MOLECULE_STRATEGY', 'mitogen'))
        self._impl = cls(self._tqm)
        return self._impl.run(iterator, play_context)

    def cleanup(self):
        if self._impl is not None:
            self._impl.cleanup()
