# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/site.yml on podman container nodes: provisioning, no-op re-runs, fan-out and speed levers.

Not part of `make test` (`make bench` runs it). Starts up to max(--nodes) systemd Debian 12 containers
(linuxai-bench-NN, network host, the shared apt cache), provisions them all once with site.yml, then
times no-op re-runs on the first 1, 4, 16 nodes with forks = nodes and on all of them under each other
lever set, checking changed=0, and keeps profile_tasks' per-task times. Prints Markdown for docs/benchmarks.md and writes --json.

    flock /tmp/linuxai-molecule.lock .venv/bin/python benchmarks/site.py [--nodes 1,4,16] [--json out.json] [--keep]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
IMAGE = 'localhost/linuxai-node-debian:12'
CACHE = os.path.join(os.environ.get('LINUXAI_CACHE_DIR', '/var/cache/linuxai-node'), 'apt', 'bookworm')

# Lever sets: name -> environment for ansible-playbook (on top of the Makefile's environment). Pipelining
# is not among them: the podman connection of these container nodes cannot pipeline (has_pipelining is
# False in containers.podman), so it would measure nothing here; over SSH it is the first lever to turn on.
LEVERS = {
    'forks = nodes': {'FORKS': True},
    'forks + fact cache (jsonfile)': {'FORKS': True, 'CACHE': True},
    'forks + strategy free': {'FORKS': True, 'ANSIBLE_STRATEGY': 'free'},
    'forks + cache + free': {'FORKS': True, 'CACHE': True, 'ANSIBLE_STRATEGY': 'free'},
}
# The lever set every node count is timed with; the others are timed on the largest count only.
BASELINE = 'forks = nodes'


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


def start_nodes(count):
    names = ['linuxai-bench-%02d' % i for i in range(1, count + 1)]
    for name in names:
        cache = node_cache(name)
        running = subprocess.run(['podman', 'inspect', '-f', '{{.State.Running}}', name], text=True,
                                 capture_output=True, check=False).stdout.strip()
        if running != 'true':
            subprocess.run(['podman', 'rm', '-f', name], capture_output=True, check=False)
            # Privileged, as in the container_runtime scenario: Docker and containerd need it to start.
            sh(['podman', 'run', '-d', '--privileged', '--name', name, '--hostname', name, '--systemd=always', '--network', 'host',
                '-v', '%s:/var/cache/apt/archives:rw' % cache, IMAGE, '/sbin/init'])
    for name in names:
        for dummy in range(60):
            state = subprocess.run(['podman', 'exec', name, 'systemctl', 'is-system-running'], text=True,
                                   capture_output=True, check=False).stdout.strip()
            if state in ('running', 'degraded'):
                break
            time.sleep(1)
    return names


def inventory(names, path):
    with open(path, 'w') as handle:
        json.dump({'all': {'children': {'cpu_nodes': {'hosts': dict((n, {}) for n in names)}},
                           'vars': {'ansible_connection': 'containers.podman.podman',
                                    'ansible_python_interpreter': '/usr/bin/python3'}}}, handle)


def run_site(names, lever, workdir, label):
    inv = os.path.join(workdir, 'inventory-%d.json' % len(names))
    inventory(names, inv)
    env = dict(os.environ, ANSIBLE_CALLBACKS_ENABLED='ansible.posix.profile_tasks', ANSIBLE_FORCE_COLOR='false',
               PROFILE_TASKS_TASK_OUTPUT_LIMIT='all', PROFILE_TASKS_SORT_ORDER='descending')
    forks = 5
    for key, value in lever.items():
        if key == 'FORKS':
            forks = max(5, len(names))
        elif key == 'CACHE':
            env.update(ANSIBLE_CACHE_PLUGIN='jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION=os.path.join(workdir, 'facts'),
                       ANSIBLE_CACHE_PLUGIN_TIMEOUT='86400')
        else:
            env[key] = value
    start = time.monotonic()
    proc = subprocess.run(['ansible-playbook', '-i', inv, '--forks', str(forks), 'playbooks/site.yml'], cwd=REPO,
                          env=env, text=True, capture_output=True, check=False)
    wall = time.monotonic() - start
    with open(os.path.join(workdir, '%s.log' % re.sub(r'[^a-z0-9]+', '-', label.lower())), 'w') as handle:
        handle.write(proc.stdout + proc.stderr)
    recap = re.findall(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', proc.stdout, re.M)
    changed = sum(int(r[2]) for r in recap)
    failed = sum(int(r[3]) + int(r[4]) for r in recap)
    tasks = re.findall(r'^(.+?) -+ (\d+\.\d+)s$', proc.stdout, re.M)
    # The 1-minute load average when the run ended: this machine may be running other work.
    return {'label': label, 'nodes': len(names), 'forks': forks, 'wall_s': round(wall, 1), 'rc': proc.returncode,
            'load_1m': round(os.getloadavg()[0], 1),
            'changed': changed, 'failed': failed, 'tasks': len(re.findall(r'^TASK \[', proc.stdout, re.M)),
            'top_tasks': [(name.strip(), float(secs)) for name, secs in tasks[:12]]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--nodes', default='1,4,16')
    parser.add_argument('--levers', default=','.join(LEVERS), help='comma-separated lever set names')
    parser.add_argument('--json', default=None)
    parser.add_argument('--keep', action='store_true', help='keep the containers')
    args = parser.parse_args()
    sizes = [int(n) for n in args.nodes.split(',')]
    names = start_nodes(max(sizes))
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        print('provisioning %d nodes ...' % len(names), file=sys.stderr)
        first = run_site(names, {'FORKS': True}, workdir, 'provision %d nodes' % len(names))
        results.append(first)
        print(json.dumps(first), file=sys.stderr)
        if first['rc'] != 0:
            print(open(os.path.join(workdir, 'provision-%d-nodes.log' % len(names))).read()[-4000:], file=sys.stderr)
            return 1
        for lever_name in args.levers.split(','):
            for size in (sizes if lever_name == BASELINE else sizes[-1:]):
                label = 'no-op %d %s' % (size, lever_name)
                result = run_site(names[:size], LEVERS[lever_name], workdir, label)
                result['lever'] = lever_name
                results.append(result)
                print(json.dumps(result), file=sys.stderr)
    if not args.keep:
        for name in names:
            subprocess.run(['podman', 'rm', '-f', name], capture_output=True, check=False)
    print('| run | nodes | forks | wall s | changed | failed | tasks | load (1 min) at the end |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for r in results:
        print('| %s | %d | %d | %.1f | %d | %d | %d | %.1f |'
              % (r['label'], r['nodes'], r['forks'], r['wall_s'], r['changed'], r['failed'], r['tasks'], r['load_1m']))
    noop1 = [r for r in results if r['label'] == 'no-op %d %s' % (sizes[0], BASELINE)]
    if noop1:
        print('\nSlowest tasks, no-op run on %d node(s) (profile_tasks):\n' % sizes[0])
        for name, secs in noop1[0]['top_tasks']:
            print('- %.2f s  %s' % (secs, name))
    if args.json:
        with open(args.json, 'w') as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
