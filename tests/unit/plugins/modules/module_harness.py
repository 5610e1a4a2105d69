# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running a module's main() in a test: its arguments, and exit_json/fail_json raised as exceptions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.testing import patch_module_args  # noqa: F401  pylint: disable=unused-import


class AnsibleExitJson(Exception):
    pass


class AnsibleFailJson(Exception):
    pass


def exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    raise AnsibleExitJson(kwargs)


def fail_json(self, **kwargs):
    kwargs["failed"] = True
    raise AnsibleFailJson(kwargs)
