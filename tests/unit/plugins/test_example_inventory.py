# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inventories/example-cluster/group_vars lists every role default, commented out, and never drifts."""

import os
import subprocess
import sys

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
GROUP_VARS = os.path.join(REPO, 'inventories', 'example-cluster', 'group_vars')


def test_group_vars_match_the_role_defaults():
    result = subprocess.run([sys.executable, os.path.join(REPO, 'tests', 'tools', 'example-inventory.py'), '--check'],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_value_is_commented_and_uncommenting_gives_the_defaults():
    for name in sorted(os.listdir(GROUP_VARS)):
        text = open(os.path.join(GROUP_VARS, name)).read()
        # Nothing is set: the file is an empty YAML document.
        assert yaml.safe_load(text) is None, name
        for role in ('nvidia_driver', 'kernel_tuning'):
            marker = '# linuxai.node.%s - defaults' % role
            if marker not in text:
                continue
            section = text.split(marker, 1)[1].split('\n', 2)[2].split('\n# ' + '=' * 94, 1)[0]
            uncommented = '\n'.join(line[2:] if line.startswith('# ') else '' for line in section.splitlines())
            with open(os.path.join(REPO, 'roles', role, 'defaults', 'main.yml')) as handle:
                assert yaml.safe_load(uncommented) == yaml.safe_load(handle), (name, role)
