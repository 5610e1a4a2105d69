# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write (or --check) inventories/example-cluster/group_vars/<group>.yml from the roles' defaults.

Each file holds, for every role a group runs, that role's defaults/main.yml with every line commented
out: every knob at its default, next to its explanation, pointing at the role. Uncomment to change.
Run after changing a role's defaults; `make lint` runs --check (via pytest) so they never drift.

    python3 tests/tools/example-inventory.py [--check]
"""

import argparse
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(REPO, 'inventories', 'example-cluster', 'group_vars')

# Inventory group -> (what the group is, roles whose knobs go there).
GROUPS = {
    'all': ('every node (site.yml runs facts, kernel_tuning, container_runtime and validate on each)',
            ['facts', 'kernel_tuning', 'container_runtime', 'validate']),
    'nvidia_nodes': ('nodes with NVIDIA GPUs', ['nvidia_driver', 'cuda_toolkit']),
    'amd_nodes': ('nodes with AMD GPUs', ['rocm']),
    'slurm_nodes': ('Slurm compute nodes (playbooks/slurm.yml)', ['slurm_node']),
    'kubernetes_nodes': ('Kubernetes worker nodes (playbooks/kubernetes.yml)', ['kubernetes_node']),
}


def render(group):
    what, roles = GROUPS[group]
    lines = ['---', '# group_vars for %s.' % what,
             '# Every value below is commented out at its role default: uncomment a line to change it.']
    for role in roles:
        path = os.path.join(REPO, 'roles', role, 'defaults', 'main.yml')
        lines.append('')
        lines.append('# ' + '=' * 94)
        if not os.path.exists(path):
            lines.append('# linuxai.node.%s: not in this checkout yet.' % role)
            continue
        lines.append('# linuxai.node.%s - defaults from roles/%s/defaults/main.yml, explained in docs/roles/%s.md'
                     % (role, role, role))
        lines.append('# ' + '=' * 94)
        with open(path) as handle:
            for line in handle.read().splitlines():
                if line.strip() == '---':
                    continue
                lines.append(('# ' + line) if line.strip() else '#')
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='fail when a file differs from what would be written')
    args = parser.parse_args()
    stale = []
    for group in GROUPS:
        path = os.path.join(OUT, group + '.yml')
        text = render(group)
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        if args.check:
            stale.append(os.path.relpath(path, REPO))
        else:
            os.makedirs(OUT, exist_ok=True)
            with open(path, 'w') as handle:
                handle.write(text)
            print('wrote %s' % os.path.relpath(path, REPO))
    if stale:
        print('out of date with the role defaults: %s; run python3 tests/tools/example-inventory.py' % ', '.join(stale))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
