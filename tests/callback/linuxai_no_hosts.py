# -*- coding: utf-8 -*-
# Copyright: linuxai.node contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback of the Molecule test bed (not shipped in the collection): a play that matches no host fails the run.

Ansible skips such a play ("skipping: no hosts matched") and exits 0, so a verify play pinned to a host
the platform does not have would pass having checked nothing. Under Molecule (molecule/config.yml puts
tests/callback on ANSIBLE_CALLBACK_PLUGINS; the plugin needs no enabling) every ansible-playbook run,
the nested ones of molecule/shared/bad_inputs.yml included, stops at such a play with exit status 10,
naming the playbook, the play and its host pattern.

Why SystemExit: ansible-core catches every Exception a callback raises and turns it into a warning
(2.17, 2.18: TaskQueueManager.send_callback; 2.19 and later: the callback dispatch error handler,
warning by default), and no callback can set the run's exit status. SystemExit is no Exception: it
leaves send_callback, PlaybookExecutor.run (whose finally still cleans up the workers) and
CLI.cli_executor untouched, and Python exits with its code.

A play meant for some nodes only is written ``hosts: all`` with a first task
``ansible.builtin.meta: end_host`` for the others, so that a platform without such a node ends it
visibly on each host rather than matching nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: linuxai_no_hosts
type: aggregate
short_description: Fail the run when a play matches no host (Molecule test bed)
description:
  - Stops ansible-playbook with exit status 10 at the first play whose host pattern matches no host.
"""

from ansible.plugins.callback import CallbackBase

# None of ansible-playbook's own statuses (0, 1, 2, 4, 5, 99, 250; 3 was unreachable hosts, 8 a bit-flag).
EXIT_NO_HOSTS = 10


def describe(playbook, play):
    """The message for a play that matched no host."""
    hosts = play.hosts if play is not None else None
    if isinstance(hosts, (list, tuple)):
        hosts = ','.join(str(h) for h in hosts)
    name = play.get_name() if play is not None else '?'
    return (
        "linuxai_no_hosts: play '%s' in %s has the host pattern '%s', which matches no host of the inventory. "
        "A test run must not skip a play: give the play a pattern every platform has (hosts: all, then "
        "ansible.builtin.meta: end_host where the node is not meant), or do not claim the platform "
        "(tests/tools/molecule-hosted.txt)." % (name, playbook or '?', hosts)
    )


class CallbackModule(CallbackBase):
    """Remembers the playbook and the play, and exits non-zero when a play matches no host."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'linuxai_no_hosts'
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._playbook = None
        self._play = None

    def v2_playbook_on_start(self, playbook):
        self._playbook = getattr(playbook, '_file_name', None)

    def v2_playbook_on_play_start(self, play):
        self._play = play

    def v2_playbook_on_no_hosts_matched(self):
        self._display.error(describe(self._playbook, self._play), wrap_text=False)
        raise SystemExit(EXIT_NO_HOSTS)
