# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module tests share module_harness.py, beside them."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
