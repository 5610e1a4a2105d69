# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one adapter over pynvml (private to linuxai.node).

Shared by the topology probe's NVML details (_nvml.py) and the ``linuxai.node.nvidia_gpu``
module (_nvidia_gpu.py): NVML's return codes, importing pynvml (the nvidia-ml-py package),
a session whose ``call`` treats "not supported" as no answer, NVML's strings as str, and its
bus ids ('00000000:1A:00.0') as the facts' bdf ('0000:1a:00.0') through _pci_ids.normalize_bdf
(re-exported here). pynvml is always passed in or imported here, so tests hand in a fake.
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils._pci_ids import normalize_bdf

__all__ = ['CODES', 'Nvml', 'import_pynvml', 'normalize_bdf', 'text']

# NVML return codes (stable C ABI values), used when pynvml does not name them (NVML_ERROR_<NAME>).
CODES = {
    'INVALID_ARGUMENT': 2, 'NOT_SUPPORTED': 3, 'NO_PERMISSION': 4, 'NOT_FOUND': 6, 'DRIVER_NOT_LOADED': 9,
    'LIBRARY_NOT_FOUND': 12, 'FUNCTION_NOT_FOUND': 13, 'RESET_REQUIRED': 16, 'LIB_RM_VERSION_MISMATCH': 18,
    'IN_USE': 19,
}


def import_pynvml(module=None):
    """``module`` when given, else the pynvml module; None when pynvml is not importable."""
    if module is not None:
        return module
    try:
        import pynvml  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return pynvml


def text(value) -> str:
    """An NVML string (str, or bytes from older pynvml) as str."""
    return value.decode('utf-8', 'replace') if isinstance(value, bytes) else str(value)


class Nvml(object):
    """pynvml with its error codes; ``call`` answers ``default`` where the GPU or driver lacks a query."""

    def __init__(self, module):
        self.m = module
        self.error = getattr(module, 'NVMLError', Exception)

    def code(self, name: str) -> int:
        """The value of NVML_ERROR_<name>."""
        return getattr(self.m, 'NVML_ERROR_' + name, CODES[name])

    def is_code(self, exc, *names) -> bool:
        """Whether the NVMLError ``exc`` carries one of the codes ``names``."""
        return getattr(exc, 'value', None) in [self.code(n) for n in names]

    def call(self, name: str, *args, default=None):
        """pynvml.<name>(*args); ``default`` when pynvml lacks it or NVML answers NOT_SUPPORTED or
        FUNCTION_NOT_FOUND; any other NVMLError is raised."""
        func = getattr(self.m, name, None)
        if func is None:
            return default
        try:
            return func(*args)
        except self.error as exc:
            if self.is_code(exc, 'NOT_SUPPORTED', 'FUNCTION_NOT_FOUND'):
                return default
            raise

    def shutdown(self) -> None:
        """nvmlShutdown, whose failure changes nothing for the caller."""
        try:
            self.m.nvmlShutdown()
        except self.error:
            pass
