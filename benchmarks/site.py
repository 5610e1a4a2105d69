# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/site.yml on podman container nodes: provisioning, then no-op re-runs per transport.

Not part of `make test` (`make bench` runs it). Starts max(--nodes) systemd Debian 12 containers
(linuxai-bench-NN, network host, each with its own apt cache hard-linked from the shared one), sets up
an sshd in each when the ssh transport is measured, provisions them all once with site.yml over podman,
then measures side by side for each transport (benchmarks/transports.py: podman, ssh, mitogen):

- no-op re-runs of site.yml on the first 1, 4, 16 nodes, forks = nodes (changed must be 0), and the
  other lever sets of --levers on the largest node count;
- the same no-op re-run on the three `make demo` nodes when they are running (--demo starts them);
- per-task overhead: a playbook of 1 and of --tasks trivial tasks on one node.

Each row has the wall time, tasks per node from the PLAY RECAP (ok + skipped), changed, and the
controller's CPU time per node-task (the ansible-playbook process tree, from RUSAGE_CHILDREN). Prints
Markdown for docs/benchmarks.md and writes --json. Run it alone on the machine:

    flock /tmp/linuxai-molecule.lock .venv/bin/python benchmarks/site.py [--nodes 1,4,16]
        [--transports podman,ssh,mitogen] [--levers ...] [--tasks 20] [--demo] [--json out.json] [--keep]
"""

import argparse
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transports  # noqa: E402  (benchmarks/transports.py, beside this file)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
IMAGE = 'localhost/linuxai-node-debian:12'
CACHE = os.path.join(os.environ.get('LINUXAI_CACHE_DIR', '/var/cache/linuxai-node'), 'apt', 'bookworm')
DEMO_NODES = ('linuxai-demo-hgx', 'linuxai-demo-mi300x', 'linuxai-demo-cpu')

# Lever sets: name -> settings of an ansible-playbook run. FORKS: --forks = nodes; CACHE: jsonfile fact
# cache; STRATEGY: linear or free (mitogen runs its mitogen_ flavour of it). Pipelining is not a lever
# set: it belongs to a transport (ssh has it; the podman connection cannot pipeline).
LEVERS = {
    'forks = nodes': {'FORKS': True},
    'forks + fact cache (jsonfile)': {'FORKS': True, 'CACHE': True},
    'forks + strategy free': {'FORKS': True, 'STRATEGY': 'free'},
    'forks + cache + free': {'FORKS': True, 'CACHE': True, 'STRATEGY': 'free'},
}
# The lever set every node count is timed with; the others are timed on the largest count only.
BASELINE = 'forks = nodes'
RECAP = re.compile(r'^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$', re.M)


# --- nodes ------------------------------------------------------------------------------------------

def sh(argv, **kwargs):
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kwargs).stdout


def node_cache(name):
    """A node's own apt cache, seeded with hard links to the shared one: apt locks the archives directory,
    so nodes installing in parallel cannot share it."""
    path = '%s-%s' % (CACHE, name)
    os.makedirs(os.path.join(path, 'partial'), exist_ok=True)
    if os.path.isdir(CACHE):
        for deb in os.listdir(CACHE):
            if deb.endswith('.deb') and not os.path.exists(os.path.join(path, deb)):
                os.link(os.path.join(CACHE, deb), os.path.join(path, deb))
    return path


def is_running(name):
    return subprocess.run(['podman', 'inspect', '-f', '{{.State.Running}}', name], text=True,
                          capture_output=True, check=False).stdout.strip() == 'true'


def wait_booted(names):
    for name in names:
        for dummy in range(60):
            state = subprocess.run(['podman', 'exec', name, 'systemctl', 'is-system-running'], text=True,
                                   capture_output=True, check=False).stdout.strip()
            if state in ('running', 'degraded'):
                break
            time.sleep(1)


def start_nodes(count):
    """Start (or reuse) linuxai-bench-01 .. NN and wait for their systemd to finish booting."""
    names = ['linuxai-bench-%02d' % i for i in range(1, count + 1)]
    for name in names:
        cache = node_cache(name)
        if not is_running(name):
            subprocess.run(['podman', 'rm', '-f', name], capture_output=True, check=False)
            # Privileged, as in the container_runtime scenario: Docker and containerd need it to start.
            sh(['podman', 'run', '-d', '--privileged', '--name', name, '--hostname', name, '--systemd=always', '--network', 'host',
                '-v', '%s:/var/cache/apt/archives:rw' % cache, IMAGE, '/sbin/init'])
    wait_booted(names)
    return names


def remove_nodes(names):
    for name in names:
        subprocess.run(['podman', 'rm', '-f', name], capture_output=True, check=False)


def demo_nodes(start):
    """The `make demo` nodes if all three are running; with start, run tests/tools/demo.sh when not."""
    if not all(is_running(name) for name in DEMO_NODES) and start:
        print('starting and provisioning the demo nodes (tests/tools/demo.sh) ...', file=sys.stderr)
        subprocess.run(['bash', os.path.join(REPO, 'tests', 'tools', 'demo.sh'), 'up'], cwd=REPO,
                       stdout=sys.stderr, check=True)
    return list(DEMO_NODES) if all(is_running(name) for name in DEMO_NODES) else []


# --- playbooks and inventories ----------------------------------------------------------------------

def write_json(path, data):
    with open(path, 'w') as handle:
        json.dump(data, handle, indent=1)
    return path


def trivial_playbook(path, count):
    """A playbook of `count` tasks that each run /bin/true on the node and change nothing."""
    tasks = [{'name': 'trivial %d' % i, 'ansible.builtin.command': '/bin/true', 'changed_when': False}
             for i in range(1, count + 1)]
    return write_json(path, [{'name': '%d trivial tasks' % count, 'hosts': 'all', 'gather_facts': False,
                              'tasks': tasks}])


class Bench(object):
    """One benchmark session: its work directory, transports' settings and the runs' results."""

    def __init__(self, workdir, transport_names, ports, keys, mitogen_dir):
        self.workdir = workdir
        self.transports = transport_names
        self.ports = ports          # node name -> sshd port (ssh transport)
        self.keys = keys            # transports.SshKeys, or None without the ssh transport
        self.mitogen_dir = mitogen_dir
        self.results = []

    def inventory(self, names, transport, group='cpu_nodes'):
        """Inventory of bench nodes (all in cpu_nodes) with the transport's host variables."""
        hosts = dict((name, self.host_vars(name, transport)) for name in names)
        path = os.path.join(self.workdir, 'inventory-%s-%d.json' % (transport, len(names)))
        # The nodes share this machine's network namespace: 16 dockerds setting up their bridge race each other
        # for the host's iptables NAT chains ("No chain/target/match by that name") and some fail to start.
        # Real nodes each have their own; the bench nodes run no containers, so Docker leaves iptables alone.
        group_vars = {'container_runtime_docker_daemon_options': {'iptables': False}}
        return ['-i', write_json(path, {'all': {'children': {group: {'hosts': hosts, 'vars': group_vars}}}})]

    def demo_inventory(self, names, transport):
        """inventories/demo (its groups and group_vars) plus a source that sets each node's transport:
        host variables of a later source override the demo inventory's group variables."""
        hosts = dict((name, self.host_vars(name, transport)) for name in names)
        path = write_json(os.path.join(self.workdir, 'demo-%s.json' % transport), {'all': {'hosts': hosts}})
        return ['-i', os.path.join(REPO, 'inventories', 'demo'), '-i', path]

    def host_vars(self, name, transport):
        return transports.host_vars(transport, self.ports.get(name), self.keys)

    def env(self, transport, lever):
        """ansible-playbook's environment for a transport under a lever set (on top of the caller's)."""
        env = dict(os.environ, ANSIBLE_FORCE_COLOR='false', ANSIBLE_NOCOLOR='1')
        env.pop('ANSIBLE_STRATEGY_PLUGINS', None)
        env.update(transports.environment(transport, lever.get('STRATEGY', 'linear'), self.mitogen_dir))
        if lever.get('CACHE'):
            env.update(ANSIBLE_CACHE_PLUGIN='jsonfile', ANSIBLE_CACHE_PLUGIN_TIMEOUT='86400',
                       ANSIBLE_CACHE_PLUGIN_CONNECTION=os.path.join(self.workdir, 'facts-' + transport))
        return env

    def run(self, label, section, transport, inventory_args, playbook, forks, lever=None, lever_name=None,
            extra_args=(), profile=True):
        """Run one ansible-playbook, record and return its result (see measure())."""
        lever = lever or LEVERS[BASELINE]
        env = self.env(transport, lever)
        if profile:
            env.update(ANSIBLE_CALLBACKS_ENABLED='ansible.posix.profile_tasks',
                       PROFILE_TASKS_TASK_OUTPUT_LIMIT='all', PROFILE_TASKS_SORT_ORDER='descending')
        argv = ['ansible-playbook'] + inventory_args + ['--forks', str(forks)] + list(extra_args) + [playbook]
        log = os.path.join(self.workdir, '%s.log' % re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-'))
        result = dict(label=label, section=section, transport=transport, lever=lever_name or BASELINE,
                      forks=forks, **measure(argv, env, log))
        self.results.append(result)
        print(json.dumps(dict((k, v) for k, v in result.items() if k not in ('top_tasks', 'hosts', 'role_s'))), file=sys.stderr)
        if result['rc'] != 0:
            print(tail(log), file=sys.stderr)
        return result


def tail(path, size=4000):
    with open(path) as handle:
        return handle.read()[-size:]


# --- measuring one run ------------------------------------------------------------------------------

def children_cpu():
    """CPU seconds (user + system) of this process's terminated, waited-for children and their own
    waited-for descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parse_recap(stdout):
    """PLAY RECAP counts per host: {host: {'ok': n, 'changed': n, 'skipped': n, ...}}."""
    hosts = {}
    for host, counts in RECAP.findall(stdout):
        hosts[host] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts))
    return hosts


def measure(argv, env, log):
    """Run argv in the repository, log its output; wall time, controller CPU, and the recap's counts.

    The controller's CPU is the RUSAGE_CHILDREN delta around the run: ansible-playbook, its forks and
    what they wait for (podman and ssh clients, mitogen's connection processes). Not counted: processes
    that detach (ssh's ControlPersist master, podman's conmon) and everything inside the nodes."""
    cpu_before = children_cpu()
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=REPO, env=env, text=True, capture_output=True, check=False)
    wall = time.monotonic() - start
    cpu = children_cpu() - cpu_before
    with open(log, 'w') as handle:
        handle.write(' '.join(argv) + '\n' + proc.stdout + proc.stderr)
    hosts = parse_recap(proc.stdout)
    # Node-tasks leave out localhost, should a play run on it.
    nodes = [h for name, h in hosts.items() if name != 'localhost']
    per_node = [h.get('ok', 0) + h.get('skipped', 0) for h in nodes]
    node_tasks = sum(per_node)
    profile = re.findall(r'^(.+?) -+ (\d+\.\d+)s$', proc.stdout, re.M)
    return {
        'rc': proc.returncode, 'nodes': len(nodes), 'wall_s': round(wall, 1), 'cpu_s': round(cpu, 1),
        # The 1-minute load average when the run ended: this machine may be running other work.
        'load_1m': round(os.getloadavg()[0], 1),
        'tasks_per_node': round(sum(per_node) / len(per_node), 1) if per_node else 0,
        'tasks_per_node_range': [min(per_node), max(per_node)] if per_node else [0, 0],
        'changed': sum(h.get('changed', 0) for h in hosts.values()),
        'failed': sum(h.get('failed', 0) + h.get('unreachable', 0) for h in hosts.values()),
        'node_tasks': node_tasks,
        'cpu_ms_per_node_task': round(1000.0 * cpu / node_tasks, 1) if node_tasks else None,
        'top_tasks': [(name.strip(), float(secs)) for name, secs in profile[:12]],
        'role_s': role_times(profile),
        'hosts': hosts,
    }


def role_times(profile):
    """profile_tasks' task times summed per role ('linuxai.node.validate : Read ...' -> validate)."""
    totals = {}
    for name, secs in profile:
        role = name.split(' : ')[0].strip().split('.')[-1] if ' : ' in name else '(tasks of the playbooks)'
        totals[role] = totals.get(role, 0.0) + float(secs)
    return dict((role, round(secs, 1)) for role, secs in totals.items())


# --- the benchmark's sections -----------------------------------------------------------------------

def provision(bench, names):
    """Provision every bench node once with site.yml (a no-op when they already are): under mitogen when it
    is among the transports, the fastest, else over podman."""
    transport = 'mitogen' if 'mitogen' in bench.transports else 'podman'
    print('provisioning %d nodes (%s) ...' % (len(names), transport), file=sys.stderr)
    return bench.run('provision %d nodes' % len(names), 'provision', transport, bench.inventory(names, transport),
                     'playbooks/site.yml', len(names))


def noop_runs(bench, names, sizes, lever_names):
    """No-op site.yml re-runs: every size with the baseline, the other lever sets on the largest size."""
    for lever_name in lever_names:
        for size in (sizes if lever_name == BASELINE else sizes[-1:]):
            for transport in bench.transports:
                bench.run('no-op %s %d %s' % (transport, size, lever_name), 'noop', transport,
                          bench.inventory(names[:size], transport), 'playbooks/site.yml', size,
                          LEVERS[lever_name], lever_name)


def demo_runs(bench, names):
    """No-op site.yml re-runs on the demo nodes, with the demo's own options (tests/tools/demo.sh)."""
    extra = [] if os.environ.get('LINUXAI_DEMO_FULL') == '1' else ['--skip-tags', 'cuda_toolkit']
    for transport in bench.transports:
        bench.run('demo %s' % transport, 'demo', transport, bench.demo_inventory(names, transport),
                  'playbooks/site.yml', len(names), extra_args=extra)


def per_task_runs(bench, name, count):
    """Per-task overhead on one node: playbooks of 1 and of `count` trivial tasks per transport."""
    playbooks = dict((n, trivial_playbook(os.path.join(bench.workdir, 'trivial-%d.json' % n), n)) for n in (1, count))
    rows = []
    for transport in bench.transports:
        runs = dict((n, bench.run('tasks %s %d' % (transport, n), 'per_task', transport,
                                  bench.inventory([name], transport), playbooks[n], 1, profile=False))
                    for n in (1, count))
        rows.append(per_task_row(transport, count, runs[1], runs[count]))
    return rows


def per_task_row(transport, count, one, many):
    """Seconds per task two ways: wall / count, and the marginal cost of a task (start-up removed)."""
    return {
        'transport': transport, 'tasks': count, 'wall_1_s': one['wall_s'], 'wall_n_s': many['wall_s'],
        's_per_task': round(many['wall_s'] / count, 3),
        'marginal_s_per_task': round((many['wall_s'] - one['wall_s']) / (count - 1), 3) if count > 1 else None,
        'cpu_ms_per_task': round(1000.0 * many['cpu_s'] / count, 1),
        'ok': many['node_tasks'], 'changed': many['changed'], 'rc': max(one['rc'], many['rc']),
        'load_1m': many['load_1m'],
    }


# --- report -----------------------------------------------------------------------------------------

def versions():
    """ansible-core, podman and mitogen versions, for the report's heading."""
    core = sh(['ansible-playbook', '--version']).splitlines()[0]
    core = re.sub(r'.*\[core ([^\]]+)\].*', r'\1', core)
    podman = sh(['podman', '--version']).split()[-1]
    try:
        mitogen = transports.mitogen_info()[1]
    except (subprocess.CalledProcessError, ValueError):
        mitogen = 'not installed'
    return {'ansible_core': core, 'podman': podman, 'mitogen': mitogen}


def machine_lines(info):
    cores = os.cpu_count()
    return [
        '### Results (%s, this machine: %d CPU cores, ansible-core %s, podman %s, mitogen %s)'
        % (info['date'], cores, info['ansible_core'], info['podman'], info['mitogen']),
        '',
        '**The controller shares the machine\'s %d CPU cores with the nodes.** ansible-playbook, its forks and '
        'the podman/ssh client processes run on the same cores as every node\'s systemd and modules (the nodes '
        'are containers on this host), so a fan-out to many nodes is bound by these %d cores, the '
        'controller\'s share included: a 16-node no-op measures this machine\'s CPU, not the transport alone. '
        'Load average when the benchmark started: %s.' % (cores, cores, info['load_start']),
    ]


def noop_table(rows):
    lines = ['| transport | run | nodes | forks | wall s | tasks/node (ok+skipped) | changed | failed '
             '| controller CPU s | CPU ms per node-task | load (1 min) at the end |',
             '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        low, high = r['tasks_per_node_range']
        tasks = '%g' % r['tasks_per_node'] if low == high else '%g (%d-%d)' % (r['tasks_per_node'], low, high)
        changed = '%d' % r['changed'] if r['section'] == 'provision' or not r['changed'] else '**%d: not a no-op**' % r['changed']
        run = r['lever'] if r['section'] != 'provision' else 'provision'
        lines.append('| %s | %s | %d | %d | %.1f | %s | %s | %d | %.1f | %s | %.1f |%s'
                     % (r['transport'], run, r['nodes'], r['forks'], r['wall_s'], tasks, changed, r['failed'],
                        r['cpu_s'], r['cpu_ms_per_node_task'], r['load_1m'], '' if r['rc'] == 0 else ' rc %d' % r['rc']))
    return lines


def per_task_table(rows, count):
    lines = ['| transport | wall s, 1 task | wall s, %d tasks | s per task (wall / %d) | marginal s per task '
             '| controller CPU ms per task | ok / changed | load (1 min) at the end |' % (count, count),
             '|---|---:|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        lines.append('| %s | %.1f | %.1f | %.3f | %s | %.1f | %d / %d | %.1f |%s'
                     % (r['transport'], r['wall_1_s'], r['wall_n_s'], r['s_per_task'],
                        '%.3f' % r['marginal_s_per_task'] if r['marginal_s_per_task'] is not None else '-',
                        r['cpu_ms_per_task'], r['ok'], r['changed'], r['load_1m'],
                        '' if r['rc'] == 0 else ' rc %d' % r['rc']))
    return lines


def speedup_lines(results, names):
    """Wall-time ratio of each other transport against podman, per no-op row (same nodes, same levers)."""
    rows = [r for r in results if r['section'] in ('noop', 'demo')]
    podman = dict(((r['section'], r['nodes'], r['lever']), r['wall_s']) for r in rows if r['transport'] == 'podman')
    others = [n for n in names if n != 'podman']
    if not podman or not others:
        return []
    lines = ['| run | nodes | %s |' % ' | '.join('%s vs podman' % n for n in others),
             '|---|---:|%s' % ('---:|' * len(others))]
    for key in sorted(podman, key=lambda k: (k[0] != 'noop', k[2] != BASELINE, k[1])):
        cells = []
        for name in others:
            match = [r for r in rows if r['transport'] == name and (r['section'], r['nodes'], r['lever']) == key]
            cells.append('%.1fx faster' % (podman[key] / match[0]['wall_s']) if match and match[0]['wall_s'] else '-')
        lines.append('| %s | %d | %s |' % ('demo nodes' if key[0] == 'demo' else key[2], key[1], ' | '.join(cells)))
    return lines


def role_table(rows):
    """Seconds per role (profile_tasks sums) of the same no-op run over each transport."""
    roles = []
    for r in rows:
        roles += [role for role in sorted(r['role_s'], key=lambda k: -r['role_s'][k]) if role not in roles]
    lines = ['| role | %s |' % ' | '.join(r['transport'] for r in rows), '|---|%s' % ('---:|' * len(rows))]
    for role in roles + ['all tasks']:
        cells = ['%.1f' % (sum(r['role_s'].values()) if role == 'all tasks' else r['role_s'].get(role, 0.0))
                 for r in rows]
        lines.append('| %s | %s |' % (role, ' | '.join(cells)))
    return lines


def pinned_strategies():
    """Playbooks whose plays pin a strategy: those plays run it whatever ANSIBLE_STRATEGY says, so under
    the mitogen transport they run Ansible's own strategy over the plain podman connection."""
    pins = []
    for name in sorted(os.listdir(os.path.join(REPO, 'playbooks'))):
        if name.endswith('.yml'):
            with open(os.path.join(REPO, 'playbooks', name)) as handle:
                pins += ['playbooks/%s (`strategy: %s`)' % (name, s) for s in re.findall(r'^\s+strategy:\s*(\S+)', handle.read(), re.M)]
    return pins


def markdown(info, results, per_task, names, demo_note, count):
    """The report, ready for docs/benchmarks.md."""
    lines = machine_lines(info) + ['', 'Transports:', '']
    lines += ['- `%s`: %s' % (n, transports.DESCRIPTIONS[n]) for n in names]
    lines += ['', '#### No-op re-run of playbooks/site.yml on bench nodes (linuxai-bench-NN, cpu_nodes)', '']
    lines += noop_table([r for r in results if r['section'] in ('provision', 'noop')])
    lines += ['', '#### No-op re-run on the `make demo` nodes (hgx, mi300x, cpu; inventories/demo)', '']
    demo = [r for r in results if r['section'] == 'demo']
    lines += noop_table(demo) if demo else [demo_note]
    if per_task:
        lines += ['', '#### Per-task overhead (`ansible.builtin.command: /bin/true`, changed_when false, '
                  'gather_facts false, 1 node)', '']
        lines += per_task_table(per_task, count)
    speed = speedup_lines(results, names)
    if speed:
        lines += ['', '#### Wall time against podman', ''] + speed
    lines += ['', 'Columns: *tasks/node* is ok + skipped from the PLAY RECAP (ok includes changed), averaged '
              'over the nodes (range when they differ); *controller CPU* is the user + system time of the '
              'ansible-playbook process tree (RUSAGE_CHILDREN: its forks and the podman/ssh clients and mitogen '
              'processes they wait for; not ssh\'s detached ControlPersist master, podman\'s conmon, nor anything '
              'inside the nodes), *per node-task* divides it by the sum of ok + skipped over the nodes. '
              '*Marginal s per task* is (wall of %d tasks - wall of 1 task) / %d: the start-up and the connection '
              'set-up taken out.' % (count, count - 1)]
    pins = pinned_strategies()
    if 'mitogen' in names and pins:
        lines += ['', 'Under the mitogen transport, plays that pin a strategy run it without mitogen, over the '
                  'podman connection: %s.' % ', '.join(pins)]
    first = [r for r in results if r['section'] == 'noop' and r['lever'] == BASELINE]
    same = [r for r in first if first and r['nodes'] == first[0]['nodes'] and r['role_s']]
    if same:
        lines += ['', 'Seconds per role, no-op run on %d node(s) (profile_tasks, summed):' % same[0]['nodes'], '']
        lines += role_table(same)
    if first and first[0]['top_tasks']:
        lines += ['', 'Slowest tasks, no-op run on %d node(s) over %s (profile_tasks):' % (first[0]['nodes'], first[0]['transport']), '']
        lines += ['- %.2f s  %s' % (secs, name) for name, secs in first[0]['top_tasks']]
    return '\n'.join(lines)


# --- main -------------------------------------------------------------------------------------------

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', default='1,4,16', help='comma-separated node counts of the no-op runs')
    parser.add_argument('--transports', default=','.join(transports.TRANSPORTS),
                        help='comma-separated, of: %s' % ', '.join(transports.TRANSPORTS))
    parser.add_argument('--levers', default=BASELINE,
                        help='comma-separated lever set names, of: %s (default: %%(default)s); the others '
                             'than "%s" run on the largest node count only' % ('; '.join(LEVERS), BASELINE))
    parser.add_argument('--tasks', type=int, default=20, help='trivial tasks of the per-task run (0: skip it)')
    parser.add_argument('--demo', action='store_true', help='start the `make demo` nodes when not running')
    parser.add_argument('--json', default=None, help='write the results here')
    parser.add_argument('--keep', action='store_true', help='keep the bench containers')
    args = parser.parse_args()
    args.sizes = sorted(int(n) for n in args.nodes.split(','))
    args.transport_names = transports.parse(args.transports)
    args.lever_names = [n.strip() for n in args.levers.split(',') if n.strip()]
    unknown = [n for n in args.lever_names if n not in LEVERS]
    if unknown:
        parser.error('unknown lever set(s): %s' % ', '.join(unknown))
    return args


def setup_ssh(workdir, nodes, demo):
    """Client key, known_hosts and an sshd in every bench and demo node; returns (keys, {node: port})."""
    keys = transports.SshKeys(os.path.join(workdir, 'ssh'))
    ports = dict((name, transports.SSH_PORT_BASE + i) for i, name in enumerate(nodes, 1))
    ports.update((name, transports.DEMO_SSH_PORT_BASE + i) for i, name in enumerate(demo, 1))
    print('setting up sshd in %d nodes ...' % len(ports), file=sys.stderr)
    transports.setup_sshd_all(ports, keys)
    return keys, ports


def bench_all(args, workdir, names, demo):
    """All sections; returns (bench, per-task rows), or (bench, None) when provisioning failed."""
    os.makedirs(os.path.join(workdir, 'ssh'))
    keys, ports = setup_ssh(workdir, names, demo) if 'ssh' in args.transport_names else (None, {})
    mitogen_dir = transports.mitogen_info()[0] if 'mitogen' in args.transport_names else None
    bench = Bench(workdir, args.transport_names, ports, keys, mitogen_dir)
    if provision(bench, names)['rc'] != 0:
        return bench, None
    noop_runs(bench, names, args.sizes, args.lever_names)
    if demo:
        demo_runs(bench, demo)
    return bench, (per_task_runs(bench, names[0], args.tasks) if args.tasks > 0 else [])


def main():
    args = parse_args()
    info = dict(versions(), date=datetime.date.today().isoformat(),
                load_start=', '.join('%.1f' % x for x in os.getloadavg()), cpu_cores=os.cpu_count())
    demo = demo_nodes(args.demo)
    demo_note = ('Not measured: the demo nodes (%s) are not running; start them with `make demo`, or pass --demo.'
                 % ', '.join(DEMO_NODES))
    names = start_nodes(max(args.sizes))
    try:
        with tempfile.TemporaryDirectory() as workdir:
            bench, per_task = bench_all(args, workdir, names, demo)
    finally:
        for name in demo if 'ssh' in args.transport_names else []:
            transports.teardown_sshd(name)
        if not args.keep:
            remove_nodes(names)
    if per_task is None:
        return 1
    print(markdown(info, bench.results, per_task, args.transport_names, demo_note, args.tasks))
    if args.json:
        write_json(args.json, {'machine': info, 'transports': args.transport_names, 'runs': bench.results,
                               'per_task': per_task})
    return 0


if __name__ == '__main__':
    sys.exit(main())
