# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: mitogen_linear
short_description: Ansible's linear strategy over mitogen, for the mitogen release this collection supports
version_added: 0.1.0
description:
  - Runs plays exactly as mitogen's own C(mitogen_linear) strategy (Ansible's C(linear) strategy, with
    mitogen's connection and action plugin wrappers), after checking that mitogen can be imported and
    that the installed ansible-core and mitogen are the pairing this collection supports.
  - Any other pairing stops the playbook before its first task, with a message naming both installed
    versions, the supported pairing and the fix.
  - Supported pairing - mitogen 0.3.54 with ansible-core 2.16 to 2.19 (tested with 2.19.14).
  - Opt-in. Ansible's own C(linear) strategy stays the default and the path the collection's tests run.
  - Enable it with C(strategy = linuxai.node.mitogen_linear) under C([defaults]) in C(ansible.cfg), with
    C(ANSIBLE_STRATEGY=linuxai.node.mitogen_linear), or with C(strategy) on a play.
author:
  - linuxai.node maintainers (@linuxai)
requirements:
  - mitogen == 0.3.54 on the controller (C(pip install mitogen==0.3.54) into the Python that runs Ansible).
notes:
  - mitogen takes over only the short connection names C(ssh), C(local), C(podman), C(docker), C(buildah),
    C(kubectl), C(lxc), C(lxd), C(machinectl), C(jail) and C(setns). A host on a fully qualified connection
    name such as C(containers.podman.podman) or C(community.docker.docker) runs through that plugin as
    under C(linear), with no speed-up; set C(ansible_connection=podman) to get mitogen's podman transport.
  - Other strategies (C(free), C(host_pinned), C(debug)) are not wrapped; a play with its own C(strategy)
    keyword uses that one.
  - docs/cluster.md in the collection has the measured costs of each transport.
seealso:
  - plugin: ansible.builtin.linear
    plugin_type: strategy
  - name: mitogen for Ansible
    description: mitogen's documentation, its connection types and limits.
    link: https://mitogen.networkgenomics.com/ansible_detailed.html
"""

import re
import sys

from ansible.errors import AnsibleError
from ansible.plugins.strategy.linear import StrategyModule as LinearStrategyModule
from ansible.release import __version__ as ANSIBLE_CORE_VERSION

# The pairing the collection supports: one mitogen release (pinned) on a range of ansible-core minors.
MITOGEN_VERSION = '0.3.54'
ANSIBLE_CORE_MIN = (2, 16)
ANSIBLE_CORE_MAX = (2, 19)
ANSIBLE_CORE_TESTED = '2.19.14'

_NAME = 'linuxai.node.mitogen_linear'


def _release(version):
    """The leading numbers of a version string as a tuple ('2.19.0rc1' -> (2, 19, 0)); () if none."""
    match = re.match(r'\d+(?:\.\d+)*', str(version).strip())
    return tuple(int(part) for part in match.group(0).split('.')) if match else ()


def pairing_problem(ansible_core, mitogen, import_error=None):
    """Why ansible-core ``ansible_core`` and mitogen ``mitogen`` cannot run this strategy, or None.

    ``mitogen`` is mitogen's version string, or None when mitogen cannot be imported (then
    ``import_error`` says why). The answer is the whole error message: both installed versions,
    the supported pairing and the fix.
    """
    supported = ('Supported: mitogen %s with ansible-core %d.%d to %d.%d (tested with %s).'
                 % ((MITOGEN_VERSION,) + ANSIBLE_CORE_MIN + ANSIBLE_CORE_MAX + (ANSIBLE_CORE_TESTED,)))
    linear = ('or drop `strategy` from ansible.cfg (and ANSIBLE_STRATEGY from the environment) '
              "to use Ansible's linear strategy.")
    if mitogen is None:
        return ('%s needs mitogen, which cannot be imported%s: installed ansible-core %s, mitogen not installed. '
                '%s Fix: pip install mitogen==%s into the Python that runs Ansible, %s'
                % (_NAME, ' (%s)' % import_error if import_error else '', ansible_core,
                   supported, MITOGEN_VERSION, linear))
    fixes = []
    if _release(mitogen) != _release(MITOGEN_VERSION):
        fixes.append('pip install mitogen==%s' % MITOGEN_VERSION)
    if not ANSIBLE_CORE_MIN <= _release(ansible_core)[:2] <= ANSIBLE_CORE_MAX:
        fixes.append("pip install 'ansible-core>=%d.%d,<%d.%d'"
                     % (ANSIBLE_CORE_MIN + (ANSIBLE_CORE_MAX[0], ANSIBLE_CORE_MAX[1] + 1)))
    if not fixes:
        return None
    return ('%s does not support the installed pairing: ansible-core %s with mitogen %s. %s Fix: %s, %s'
            % (_NAME, ansible_core, mitogen, supported, ' and '.join(fixes), linear))


def _installed_mitogen():
    """(mitogen's version string or None, the import error or None), importing only the light packages."""
    try:
        import ansible_mitogen  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        import mitogen  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        return None, str(exc)
    version = getattr(mitogen, '__version__', None)
    if isinstance(version, tuple):
        version = '.'.join(str(part) for part in version)
    return (str(version) if version else 'unknown'), None


def _mitogen_mixin():
    """(mitogen's StrategyMixin, None) for the supported pairing, else (None, the error message)."""
    mitogen, import_error = _installed_mitogen()
    problem = pairing_problem(ANSIBLE_CORE_VERSION, mitogen, import_error)
    if problem:
        return None, problem
    try:
        import ansible_mitogen.strategy  # pylint: disable=import-outside-toplevel
    except Exception as exc:  # pylint: disable=broad-except  # mitogen raises AnsibleError, ImportError...
        return None, ('%s could not load mitogen %s (%s: %s) under ansible-core %s (Python %s).'
                      % (_NAME, mitogen, type(exc).__name__, exc, ANSIBLE_CORE_VERSION, sys.executable))
    return ansible_mitogen.strategy.StrategyMixin, None


# Decided once, when Ansible loads the plugin; raised when a play starts (before its first task), so
# that ansible-doc and ansible-test can load this file without mitogen.
_LOADED = _mitogen_mixin()
_MIXIN = _LOADED[0]
_PROBLEM = _LOADED[1]

if _MIXIN is not None:
    class StrategyModule(_MIXIN, LinearStrategyModule):
        """mitogen's mitogen_linear: Ansible's linear strategy with mitogen's wrappers installed per play."""

else:
    class StrategyModule(LinearStrategyModule):
        """Stands in for mitogen_linear when mitogen cannot run here: refuses to run any play."""

        def __init__(self, tqm):  # pylint: disable=super-init-not-called
            raise AnsibleError(_PROBLEM)
