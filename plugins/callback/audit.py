# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: audit
type: aggregate
short_description: Record what a check-mode run would change on each node, for playbooks/audit.yml
version_added: 0.1.0
description:
  - Records every task and loop item that check mode reports as changed (with the file it is about and its diff
    when C(--diff) is given), every handler notified, every failed task and every unreachable node, and what
    the roles found on a node and leave alone (the C(ROLE_audit_found) facts they set, lists of C(what) and C(detail)).
  - At the end of the run prints the report (a block per node, then the fleet) and, when the extra variable
    C(audit_output) names a file, writes the report there as JSON (mode 0600).
  - Writes the hosts it saw and the records as JSON (C(hosts), C(records)) to the file named by I(records) after each
    play, so that the last play of C(playbooks/audit.yml) reads them; plays with the variable
    C(__linuxai_audit_own_play) are not recorded.
  - Sets C(LINUXAI_AUDIT_RECORDS) in the controller's environment to that file, which is how C(audit.yml)
    checks that this callback is enabled.
  - Enable it with C(ANSIBLE_CALLBACKS_ENABLED=linuxai.node.audit), or C(callbacks_enabled) under C([defaults])
    in C(ansible.cfg).
author:
  - linuxai.node maintainers (@linuxai)
requirements:
  - Enabled in the controller's configuration (see the description).
options:
  records:
    description:
      - The JSON file the records are written to. By default a new file in the controller's temporary directory,
        removed at the end of the run.
    type: path
    env:
      - name: LINUXAI_AUDIT_RECORDS
    ini:
      - section: callback_linuxai_audit
        key: records
seealso:
  - name: The audit playbook
    description: C(ansible-playbook linuxai.node.audit --check --diff), docs/cluster.md of the collection.
    link: https://github.com/linuxai/node/blob/main/docs/cluster.md
"""

import json
import os
import tempfile

from ansible import context
from ansible.playbook.handler import Handler
from ansible.plugins.callback import CallbackBase

from ansible_collections.linuxai.node.plugins.module_utils import _audit

_OWN_PLAY = '__linuxai_audit_own_play'
# A role reports what it found and leaves alone in a fact ROLE_audit_found: [{what, detail}].
_FOUND_SUFFIX = '_audit_found'


def _parts(result):
    """(host name, task, result dict) of a callback result of ansible-core 2.16 to 2.21."""
    host = getattr(result, 'host', None) or getattr(result, '_host')
    task = getattr(result, 'task', None) or getattr(result, '_task')
    data = getattr(result, 'result', None)
    if data is None:
        data = getattr(result, '_result', {})
    return host.get_name(), task, data


def _role(task):
    role = getattr(task, '_role', None)
    return role.get_name() if role is not None else ''


def _name(task):
    """The task's own name, without the 'role : ' prefix get_name() adds."""
    return task.name or task.get_name()


def _task_file(task):
    path = task.get_path() or ''
    return os.path.basename(path.rsplit(':', 1)[0])


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'linuxai.node.audit'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._records = []
        self._hosts = []
        self._layer = ''
        self._recording = True
        self._path = None
        self._temporary = False
        self._output = None
        self._diff = False

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super(CallbackModule, self).set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        self._path = self.get_option('records')
        if not self._path:
            handle, self._path = tempfile.mkstemp(prefix='linuxai-audit-', suffix='.json')
            os.close(handle)
            self._temporary = True
        os.environ['LINUXAI_AUDIT_RECORDS'] = self._path
        self._flush()

    def _flush(self):
        with open(self._path, 'w') as handle:
            json.dump({'hosts': self._hosts, 'records': self._records}, handle, indent=1, sort_keys=True, default=str)

    def _seen(self, host):
        if self._recording and host not in self._hosts:
            self._hosts.append(host)

    def _write(self, report):
        path = os.path.abspath(os.path.expanduser(self._output))
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, 'w') as out:
            json.dump(report, out, indent=2, sort_keys=True, default=str)
            out.write('\n')
        os.chmod(path, 0o600)
        self._display.display('audit report written to %s' % path)

    def _record(self, kind, host, task, **fields):
        if not self._recording:
            return
        entry = {'kind': kind, 'host': host, 'layer': self._layer, 'role': _role(task), 'task': _name(task),
                 'file': _task_file(task)}
        entry.update((key, value) for key, value in fields.items() if value not in (None, '', []))
        self._records.append(entry)

    def _changes(self, host, task, data):
        facts = data.get('ansible_facts') or {}
        for name in sorted(key for key in facts if key.endswith(_FOUND_SUFFIX)):
            found = facts[name]
            for item in found if isinstance(found, list) else []:
                if isinstance(item, dict) and item.get('what'):
                    self._record('found', host, task, what=item['what'], detail=item.get('detail', ''))
        if isinstance(task, Handler):
            self._record('handler', host, task)
            return
        if not data.get('changed'):
            return
        items = [r for r in data.get('results') or [] if isinstance(r, dict) and r.get('changed')]
        for one in items or [data]:
            label = one.get('_ansible_item_label', one.get('item')) if one is not data else None
            self._record('change', host, task, action=task.action, path=_audit.change_path(one),
                         item=label if isinstance(label, (str, int, float)) else (json.dumps(label, default=str) if label else None),
                         diff=_audit.diff_lines(one))

    def v2_playbook_on_play_start(self, play):
        self._flush()
        manager = play.get_variable_manager()
        extra = getattr(manager, 'extra_vars', None) or {}
        self._output = extra.get('audit_output') or None
        self._diff = bool(context.CLIARGS.get('diff'))
        self._layer = play.get_name()
        self._recording = not (play.vars or {}).get(_OWN_PLAY, False)

    def v2_runner_on_ok(self, result):
        host, task, data = _parts(result)
        self._seen(host)
        self._changes(host, task, data)

    def v2_runner_on_skipped(self, result):
        host, task, dummy = _parts(result)
        self._seen(host)
        if isinstance(task, Handler):  # notified; a command handler is skipped in check mode
            self._record('handler', host, task)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        host, task, data = _parts(result)
        self._seen(host)
        if ignore_errors:
            return
        self._record('failed', host, task, msg=str(data.get('msg', ''))[:2000])

    def v2_runner_on_unreachable(self, result):
        host, task, data = _parts(result)
        self._seen(host)
        self._record('unreachable', host, task, msg=str(data.get('msg', ''))[:2000])

    def v2_playbook_on_stats(self, stats):
        self._flush()
        if self._hosts:
            report = _audit.audit_report(self._records, sorted(self._hosts))
            self._display.banner('LINUXAI AUDIT')
            for line in _audit.audit_table(report, diff=self._diff):
                self._display.display(line)
            if isinstance(self._output, str):
                self._write(report)
        if self._temporary:
            try:
                os.unlink(self._path)
            except OSError:
                pass
