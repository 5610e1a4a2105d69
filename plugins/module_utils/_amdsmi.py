# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AMD GPU details through amdsmi for the topology probe (private to linuxai.node).

Uses the ``amdsmi`` Python package shipped with ROCm when it imports (it loads
libamd_smi at import time). Every query is read-only. A query amdsmi reports
as not supported leaves its field out; other failures leave the field out and
add a warning; the probe never fails because of amdsmi.
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils import _pci_ids

_STATUS_NOT_SUPPORTED = 2  # AMDSMI_STATUS_NOT_SUPPORTED
_MISSING = object()


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    return str(value)


class _Smi:
    def __init__(self, module, warn):
        self.m = module
        self.warn = warn
        self.error = getattr(module, 'AmdSmiException', Exception)
        wrapper = getattr(module, 'amdsmi_wrapper', None)
        self.not_supported = getattr(wrapper, 'AMDSMI_STATUS_NOT_SUPPORTED', _STATUS_NOT_SUPPORTED)

    def code(self, exc):
        code = getattr(exc, 'err_code', None)
        if code is None and hasattr(exc, 'get_error_code'):
            code = exc.get_error_code()
        return code

    def query(self, what: str, bdf: str, name: str, *args):
        func = getattr(self.m, name, None)
        if func is None:
            return _MISSING
        try:
            return func(*args)
        except self.error as exc:
            if self.code(exc) != self.not_supported:
                self.warn('amdsmi: cannot read %s of GPU %s: %s' % (what, bdf, exc))
            return _MISSING

    def xgmi_type(self):
        """The XGMI value of the enum amdsmi_topo_get_link_type's 'type' is in.

        Up to ROCm 6.4 that is AmdSmiIoLinkType (amdsmi_io_link_type_t, XGMI 2); 7.0 dropped it and reports
        AmdSmiLinkType (amdsmi_link_type_t, XGMI 2). 6.3 and 6.4 have both, and their AmdSmiLinkType's XGMI is 1,
        so AmdSmiIoLinkType is asked first.
        """
        for enum_name, member in (('AmdSmiIoLinkType', 'XGMI'), ('AmdSmiLinkType', 'AMDSMI_LINK_TYPE_XGMI')):
            enum = getattr(self.m, enum_name, None)
            if enum is not None and hasattr(enum, member):
                return int(getattr(enum, member))
        return None


def _load(module):
    if module is not None:
        return module, None
    try:
        import amdsmi  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None, 'amdsmi is not importable (install the ROCm amdsmi Python package on the node)'
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # amdsmi loads libamd_smi.so while importing and raises various errors when it is absent.
        return None, 'amdsmi cannot be loaded: %s' % exc
    return amdsmi, None


def enrich(gpus: list, warn, module=None) -> dict:
    """Add amdsmi details to the AMD GPUs in ``gpus`` (in place); return the library status."""
    targets = dict((g['bdf'], g) for g in gpus if g['vendor'] == 'amd' and g['driver'] == 'amdgpu')
    if not targets:
        return {'used': False, 'reason': 'no GPU bound to the amdgpu driver'}
    module, reason = _load(module)
    if module is None:
        return {'used': False, 'reason': reason}
    smi = _Smi(module, warn)
    flags = getattr(getattr(module, 'AmdSmiInitFlags', None), 'INIT_AMD_GPUS', None)
    try:
        if flags is None:
            module.amdsmi_init()
        else:
            module.amdsmi_init(flags)
    except smi.error as exc:
        warn('amdsmi: initialisation failed: %s; GPU details come from sysfs only' % exc)
        return {'used': False, 'reason': 'initialisation failed: %s' % exc}
    status = {'used': True}
    try:
        _collect(smi, targets, status)
    finally:
        try:
            module.amdsmi_shut_down()
        except smi.error:
            pass
    return status


def _collect(smi: _Smi, targets: dict, status: dict) -> None:
    m = smi.m
    try:
        handles = m.amdsmi_get_processor_handles()
    except smi.error as exc:
        smi.warn('amdsmi: cannot list GPUs: %s' % exc)
        return
    found = []
    for handle in handles:
        bdf = smi.query('PCI address', 'handle', 'amdsmi_get_gpu_device_bdf', handle)
        if bdf is _MISSING:
            continue
        bdf = _pci_ids.normalize_bdf(bdf)
        gpu = targets.get(bdf)
        if gpu is None:
            smi.warn('amdsmi reports GPU %s which sysfs does not list' % bdf)
            continue
        gpu['source'] = 'amdsmi'
        _device(smi, handle, gpu)
        found.append((bdf, handle))
    driver = [targets[bdf].get('driver_version') for bdf, _h in found if targets[bdf].get('driver_version')]
    if driver:
        status['driver_version'] = driver[0]
    xgmi = smi.xgmi_type()
    peers = dict((bdf, set()) for bdf, _h in found)
    if xgmi is not None:
        for i, (bdf_a, handle_a) in enumerate(found):
            for bdf_b, handle_b in found[i + 1:]:
                link = smi.query('link to %s' % bdf_b, bdf_a, 'amdsmi_topo_get_link_type', handle_a, handle_b)
                if link is _MISSING or not isinstance(link, dict):
                    continue
                try:
                    is_xgmi = int(link.get('type')) == xgmi and int(link.get('hops', 1)) == 1
                except (TypeError, ValueError):
                    continue
                if is_xgmi:
                    peers[bdf_a].add(bdf_b)
                    peers[bdf_b].add(bdf_a)
    for bdf, _h in found:
        targets[bdf]['xgmi_peers'] = sorted(peers[bdf])
    status['gpus'] = len(found)


def _device(smi: _Smi, handle, gpu: dict) -> None:
    m, bdf = smi.m, gpu['bdf']
    asic = smi.query('ASIC info', bdf, 'amdsmi_get_gpu_asic_info', handle)
    if isinstance(asic, dict):
        name = _text(asic.get('market_name') or '').strip()
        if name and name.upper() != 'N/A':
            gpu['name'] = name
        gfx = _text(asic.get('target_graphics_version') or '').strip()
        if gfx and gfx.upper() != 'N/A':
            gpu['gfx_target'] = gfx
            if gpu['architecture'] == 'unknown':
                gpu['architecture'] = _pci_ids.AMD_ARCH_BY_GFX.get(gfx, 'unknown')
    uuid = smi.query('UUID', bdf, 'amdsmi_get_gpu_device_uuid', handle)
    if uuid is not _MISSING:
        gpu['uuid'] = _text(uuid)
    vram_type = getattr(getattr(m, 'AmdSmiMemoryType', None), 'VRAM', None)
    total = _MISSING
    if vram_type is not None:
        total = smi.query('memory', bdf, 'amdsmi_get_gpu_memory_total', handle, vram_type)
    if isinstance(total, int) and total > 0:
        gpu['memory_mb'] = total // (1024 * 1024)
    else:
        vram = smi.query('VRAM info', bdf, 'amdsmi_get_gpu_vram_info', handle)
        if isinstance(vram, dict) and isinstance(vram.get('vram_size'), int):
            gpu['memory_mb'] = vram['vram_size']
    driver = smi.query('driver', bdf, 'amdsmi_get_gpu_driver_info', handle)
    if isinstance(driver, dict) and driver.get('driver_version'):
        gpu['driver_version'] = _text(driver['driver_version'])
    for key, func in (('compute_partition', 'amdsmi_get_gpu_compute_partition'),
                      ('memory_partition', 'amdsmi_get_gpu_memory_partition')):
        value = smi.query(key.replace('_', ' '), bdf, func, handle)
        if value is not _MISSING and _text(value).strip():
            gpu[key] = _text(value).strip()
