# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a check-mode run of the roles would change on each node, grouped by layer.

The ``linuxai.node.audit`` callback records one entry per task (or loop item) that check mode reports as
changed, per handler notified, per failed task and per unreachable node. ``audit_report`` turns those
records into the per-node and fleet report that ``playbooks/audit.yml`` prints and writes as JSON.
"""

from __future__ import annotations

import re

# The layers a change is filed under, in the order the report lists them.
CATEGORIES = (
    'driver packages and holds',
    'driver configuration',
    'repositories',
    'kernel arguments',
    'sysctls',
    'limits',
    'huge pages, THP, governor and IRQ (boot-time tuning)',
    'container runtime configuration',
    'Slurm',
    'Kubernetes',
    'CUDA and ROCm toolkits',
    'services',
    'users and groups',
    'other',
)

# A changed file is filed by its path first: the path says what it is whichever role wrote it.
_PATH_CATEGORIES = (
    (r'^/etc/(apt/(sources\.list|keyrings|preferences|trusted)|yum\.repos\.d/|pki/rpm-gpg/|dnf/)', 'repositories'),
    (r'^/etc/default/grub|^/boot/|^/etc/kernel/cmdline', 'kernel arguments'),
    (r'^/etc/sysctl', 'sysctls'),
    (r'^/etc/security/limits|^/etc/systemd/system\.conf\.d/|^/etc/systemd/user\.conf\.d/', 'limits'),
    (r'^/etc/(docker|containerd|nvidia-container-runtime|nvidia-container-toolkit|cdi|containers)/|^/var/run/cdi/'
     r'|^/run/cdi/', 'container runtime configuration'),
    (r'^/etc/(slurm|munge)/|^/var/lib/slurm', 'Slurm'),
    (r'^/etc/(kubernetes|default/kubelet)|^/var/lib/kubelet', 'Kubernetes'),
    (r'^/etc/modprobe\.d/|^/etc/modules-load\.d/|^/etc/dkms/|^/var/lib/shim-signed/', 'driver configuration'),
    (r'linuxai-node-tuning|^/etc/tuned/|^/etc/default/irqbalance|^/etc/irqbalance', 'huge pages, THP, governor and IRQ (boot-time tuning)'),
    (r'^/etc/ld\.so\.conf\.d/|^/etc/profile\.d/|^/usr/local/cuda|^/opt/rocm', 'CUDA and ROCm toolkits'),
)

_PACKAGE_ACTIONS = frozenset(('apt', 'dnf', 'yum', 'package', 'dpkg_selections', 'dnf_versionlock', 'apt_repository',
                              'yum_repository', 'rpm_key', 'apt_key'))
_SERVICE_ACTIONS = frozenset(('systemd', 'systemd_service', 'service', 'sysvinit'))
_USER_ACTIONS = frozenset(('user', 'group'))

# Without a path, what a role's packages or settings are.
_ROLE_CATEGORIES = {
    'nvidia_driver': 'driver packages and holds',
    'rocm': 'driver packages and holds',
    'common': 'driver packages and holds',
    'cuda_toolkit': 'CUDA and ROCm toolkits',
    'container_runtime': 'container runtime configuration',
    'slurm_node': 'Slurm',
    'kubernetes_node': 'Kubernetes',
    'kernel_tuning': 'huge pages, THP, governor and IRQ (boot-time tuning)',
}


def short_action(action):
    """'ansible.builtin.apt' -> 'apt', 'community.general.dnf_versionlock' -> 'dnf_versionlock'."""
    return (action or '').rsplit('.', 1)[-1]


def short_role(role):
    return (role or '').rsplit('.', 1)[-1]


def classify(record):
    """The category of one recorded change: by the file's path, else by the module, else by the role."""
    path = record.get('path') or ''
    for pattern, category in _PATH_CATEGORIES:
        if path and re.search(pattern, path):
            return category
    action = short_action(record.get('action'))
    role = short_role(record.get('role'))
    if action in ('apt_repository', 'yum_repository', 'rpm_key', 'apt_key') or 'repositor' in (record.get('file') or ''):
        return 'repositories'
    if action in _PACKAGE_ACTIONS:
        return _ROLE_CATEGORIES.get(role, 'driver packages and holds') if role in ('nvidia_driver', 'rocm', 'common') \
            else _ROLE_CATEGORIES.get(role, 'other')
    if action in _USER_ACTIONS:
        return 'users and groups'
    if action in _SERVICE_ACTIONS:
        return _ROLE_CATEGORIES.get(role, 'services') if role in ('slurm_node', 'kubernetes_node', 'container_runtime') \
            else 'services'
    return _ROLE_CATEGORIES.get(role, 'other')


def _temporary(path):
    """A controller-side temporary file (the rendered source of a template), not a file on the node."""
    return '/.ansible/tmp/' in path or '/ansible-local-' in path or '/ansible-tmp-' in path


def change_path(result):
    """The file a module result is about (dest, path, the diff's header, the loop item's dest or path), or ''."""
    for key in ('dest', 'path'):
        value = result.get(key)
        if isinstance(value, str) and value.startswith('/'):
            return value
    headers = []
    diffs = result.get('diff')
    for diff in diffs if isinstance(diffs, list) else [diffs]:
        if isinstance(diff, dict):
            # copy and template name the destination in before_header, their temporary source in after_header;
            # lineinfile adds " (content)".
            headers.extend(diff.get(key) for key in ('before_header', 'after_header'))
    item = result.get('item')
    items = [item.get(key) for key in ('dest', 'path')] if isinstance(item, dict) else []
    for value in headers + items:
        if isinstance(value, str) and value.startswith('/') and not _temporary(value):
            return re.sub(r' \((content|file attributes)\)$', '', value)
    return ''


def diff_lines(result, limit=40):
    """A result's diff as unified-looking lines (before/after text), at most `limit` lines."""
    lines = []
    diffs = result.get('diff')
    for diff in diffs if isinstance(diffs, list) else [diffs]:
        if not isinstance(diff, dict):
            continue
        if 'prepared' in diff and isinstance(diff['prepared'], str):
            lines.extend(diff['prepared'].splitlines())
            continue
        before, after = diff.get('before'), diff.get('after')
        if isinstance(before, str) and isinstance(after, str):
            old, new = before.splitlines(), after.splitlines()
            lines.extend('-' + line for line in old if line not in new)
            lines.extend('+' + line for line in new if line not in old)
        elif before != after and (before is not None or after is not None):
            lines.append('%s -> %s' % (_short(before), _short(after)))
    return lines[:limit] + (['... (%d more lines)' % (len(lines) - limit)] if len(lines) > limit else [])


def _short(value):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + '...'


def _node(records, host):
    mine = [r for r in records if r.get('host') == host]
    changes = [dict(r, category=classify(r)) for r in mine if r.get('kind') == 'change']
    grouped = {}
    for change in changes:
        grouped.setdefault(change['category'], []).append(
            {k: change.get(k) for k in ('layer', 'role', 'task', 'item', 'path', 'diff') if change.get(k) not in (None, '', [])})
    failed = [{'task': r.get('task'), 'role': r.get('role'), 'msg': r.get('msg', '')} for r in mine if r.get('kind') == 'failed']
    unreachable = [r.get('msg', '') for r in mine if r.get('kind') == 'unreachable']
    handlers = sorted({r.get('task') for r in mine if r.get('kind') == 'handler'})
    found = [{'what': r.get('what'), 'detail': r.get('detail', ''), 'role': r.get('role')} for r in mine if r.get('kind') == 'found']
    if unreachable:
        status = 'unreachable'
    elif failed:
        status = 'failed'
    elif changes:
        status = 'would change'
    else:
        status = 'nothing to change'
    return {
        'status': status,
        'changes': {c: grouped[c] for c in CATEGORIES if c in grouped},
        'change_count': len(changes),
        'handlers': handlers,
        'found': found,
        'failed': failed,
        'unreachable': unreachable,
    }


def audit_report(records, hosts):
    """The audit of every host: per node, the changes by category, the handlers notified, what was found
    and left alone, failures; and the fleet's totals."""
    names = list(hosts) + sorted({r['host'] for r in records if r.get('host') and r['host'] not in hosts})
    nodes = {host: _node(records, host) for host in names}
    statuses = [n['status'] for n in nodes.values()]
    categories = {}
    for node in nodes.values():
        for category, changes in node['changes'].items():
            categories[category] = categories.get(category, 0) + 1
    return {
        'nodes': nodes,
        'fleet': {
            'nodes': len(nodes),
            'would_change': statuses.count('would change'),
            'nothing_to_change': statuses.count('nothing to change'),
            'failed': statuses.count('failed'),
            'unreachable': statuses.count('unreachable'),
            'categories': {c: categories[c] for c in CATEGORIES if c in categories},
        },
    }


def audit_table(report, diff=True):
    """The report as readable lines: a block per node, then the fleet line."""
    lines = []
    for host, node in report['nodes'].items():
        lines.append('%s: %s' % (host, node['status'].upper() if node['status'] != 'nothing to change' else node['status']))
        for category, changes in node['changes'].items():
            lines.append('  %s (%d)' % (category, len(changes)))
            for change in changes:
                what = change.get('path') or change.get('item') or ''
                role = short_role(change.get('role'))
                lines.append('    %s%s%s' % (change.get('task', ''), (': ' + str(what)) if what else '', ('  [%s]' % role) if role else ''))
                if diff:
                    lines.extend('        ' + line for line in change.get('diff', []))
        if node['handlers']:
            lines.append('  handlers notified: %s' % ', '.join(node['handlers']))
        for found in node['found']:
            lines.append('  found, not managed: %s%s' % (found['what'], (' - ' + found['detail']) if found['detail'] else ''))
        for failure in node['failed']:
            lines.append('  FAILED at %s: %s' % (failure['task'], failure['msg']))
        for message in node['unreachable']:
            lines.append('  UNREACHABLE: %s' % message)
    fleet = report['fleet']
    lines.append('fleet: %d nodes, %d would change, %d nothing to change, %d failed, %d unreachable' % (
        fleet['nodes'], fleet['would_change'], fleet['nothing_to_change'], fleet['failed'], fleet['unreachable']))
    for category, count in fleet['categories'].items():
        lines.append('  %s: %d node%s' % (category, count, '' if count == 1 else 's'))
    return lines
