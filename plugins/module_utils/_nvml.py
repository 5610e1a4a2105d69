# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""NVIDIA details through NVML for the topology probe (private to linuxai.node).

Uses the ``pynvml`` module of the nvidia-ml-py package when it is importable on
the node and libnvidia-ml loads. Every query is read-only. A query NVML
reports as not supported leaves its field out; other query failures leave the
field out and add a warning; the probe never fails because of NVML.
"""

from __future__ import annotations

from ansible_collections.linuxai.node.plugins.module_utils import _pci_ids
from ansible_collections.linuxai.node.plugins.module_utils._nvml_adapter import Nvml, import_pynvml, normalize_bdf, text

_NVLINK_TYPE_SWITCH = 2
_MISSING = object()


class _Nvml(Nvml):
    """The adapter's session, whose queries warn on failure instead of raising."""

    def __init__(self, module, warn):
        super().__init__(module)
        self.warn = warn

    def query(self, what: str, bdf: str, name: str, *args):
        """Call pynvml.<name>(*args); _MISSING when unsupported or failing."""
        try:
            return self.call(name, *args, default=_MISSING)
        except self.error as exc:
            self.warn('NVML: cannot read %s of GPU %s: %s' % (what, bdf, exc))
            return _MISSING


def _init_failure(nv: _Nvml, exc) -> dict:
    if nv.is_code(exc, 'LIBRARY_NOT_FOUND'):
        return {'used': False, 'reason': 'libnvidia-ml.so not found'}
    if nv.is_code(exc, 'LIB_RM_VERSION_MISMATCH'):
        nv.warn('NVML: driver/library version mismatch (the loaded nvidia kernel module and libnvidia-ml '
                'differ; a reboot or module reload is pending); GPU details come from sysfs only')
        return {'used': False, 'reason': 'driver/library version mismatch'}
    if nv.is_code(exc, 'DRIVER_NOT_LOADED'):
        nv.warn('NVML: the NVIDIA driver is not loaded although GPUs are bound to it; GPU details come from sysfs only')
        return {'used': False, 'reason': 'driver not loaded'}
    nv.warn('NVML: initialisation failed: %s; GPU details come from sysfs only' % exc)
    return {'used': False, 'reason': 'initialisation failed: %s' % exc}


def enrich(gpus: list, nvswitch_bdfs: list, warn, module=None) -> dict:
    """Add NVML details to the NVIDIA GPUs in ``gpus`` (in place); return the library status."""
    targets = dict((g['bdf'], g) for g in gpus if g['vendor'] == 'nvidia' and g['driver'] == 'nvidia')
    if not targets:
        return {'used': False, 'reason': 'no GPU bound to the nvidia driver'}
    module = import_pynvml(module)
    if module is None:
        return {'used': False, 'reason': 'pynvml is not importable (install nvidia-ml-py on the node)'}
    nv = _Nvml(module, warn)
    try:
        module.nvmlInit()
    except nv.error as exc:
        return _init_failure(nv, exc)
    except OSError as exc:
        return {'used': False, 'reason': 'libnvidia-ml cannot be loaded: %s' % exc}
    status = {'used': True}
    try:
        _collect(nv, targets, set(nvswitch_bdfs), status)
    finally:
        nv.shutdown()
    return status


def _collect(nv: _Nvml, targets: dict, switches: set, status: dict) -> None:
    m = nv.m
    driver = nv.query('driver version', 'host', 'nvmlSystemGetDriverVersion')
    cuda = nv.query('CUDA version', 'host', 'nvmlSystemGetCudaDriverVersion')
    if driver is not _MISSING:
        status['driver_version'] = text(driver)
    if cuda is not _MISSING and isinstance(cuda, int) and cuda > 0:
        status['cuda_version'] = '%d.%d' % (cuda // 1000, (cuda % 1000) // 10)
    count = nv.query('device count', 'host', 'nvmlDeviceGetCount')
    if count is _MISSING:
        return
    links = {}
    for index in range(count):
        try:
            handle = m.nvmlDeviceGetHandleByIndex(index)
            bdf = normalize_bdf(m.nvmlDeviceGetPciInfo(handle).busId)
        except nv.error as exc:
            nv.warn('NVML: cannot open GPU %d: %s' % (index, exc))
            continue
        gpu = targets.get(bdf)
        if gpu is None:
            nv.warn('NVML reports GPU %s which sysfs does not list' % bdf)
            continue
        gpu['source'] = 'nvml'
        for key in ('driver_version', 'cuda_version'):
            if key in status:
                gpu[key] = status[key]
        _device(nv, handle, gpu)
        links[bdf] = _nvlink(nv, handle, gpu, switches)
    # GPUs that reach an NVSwitch are peers of every other GPU reaching one of the same switches.
    for bdf, (direct, via) in links.items():
        peers = set(direct)
        if via:
            peers.update(other for other, (_d, other_via) in links.items() if other != bdf and via & other_via)
        peers.discard(bdf)
        targets[bdf]['nvlink_peers'] = sorted(peers)
    status['gpus'] = len(links)


def _device(nv: _Nvml, handle, gpu: dict) -> None:
    m, bdf = nv.m, gpu['bdf']
    name = nv.query('name', bdf, 'nvmlDeviceGetName', handle)
    if name is not _MISSING:
        gpu['name'] = text(name)
    uuid = nv.query('UUID', bdf, 'nvmlDeviceGetUUID', handle)
    if uuid is not _MISSING:
        gpu['uuid'] = text(uuid)
    memory = nv.query('memory', bdf, 'nvmlDeviceGetMemoryInfo', handle)
    if memory is not _MISSING:
        gpu['memory_mb'] = int(memory.total) // (1024 * 1024)
    capability = nv.query('compute capability', bdf, 'nvmlDeviceGetCudaComputeCapability', handle)
    if capability is not _MISSING:
        cc = '%d.%d' % tuple(capability[:2])
        gpu['compute_capability'] = cc
        if gpu['architecture'] == 'unknown':
            gpu['architecture'] = _pci_ids.NVIDIA_ARCH_BY_CC.get(cc, 'unknown')
    persistence = nv.query('persistence mode', bdf, 'nvmlDeviceGetPersistenceMode', handle)
    if persistence is not _MISSING:
        gpu['persistence_mode'] = persistence == getattr(m, 'NVML_FEATURE_ENABLED', 1)
    gpu['mig'] = _mig(nv, handle, bdf)


def _mig(nv: _Nvml, handle, bdf: str) -> dict:
    m = nv.m
    func = getattr(m, 'nvmlDeviceGetMigMode', None)
    if func is None:
        return {'mode': 'unsupported', 'devices': []}
    try:
        current, pending = func(handle)[:2]
    except nv.error as exc:
        if not nv.is_code(exc, 'NOT_SUPPORTED'):
            nv.warn('NVML: cannot read MIG mode of GPU %s: %s' % (bdf, exc))
        return {'mode': 'unsupported', 'devices': []}
    enabled = getattr(m, 'NVML_DEVICE_MIG_ENABLE', 1)
    mig = {
        'mode': 'enabled' if current == enabled else 'disabled',
        'pending_mode': 'enabled' if pending == enabled else 'disabled',
        'devices': [],
    }
    if current != enabled:
        return mig
    slots = nv.query('MIG device count', bdf, 'nvmlDeviceGetMaxMigDeviceCount', handle)
    for slot in range(slots if isinstance(slots, int) else 0):
        try:
            child = m.nvmlDeviceGetMigDeviceHandleByIndex(handle, slot)
        except nv.error as exc:
            if not nv.is_code(exc, 'NOT_FOUND', 'NOT_SUPPORTED'):
                nv.warn('NVML: cannot open MIG device %d of GPU %s: %s' % (slot, bdf, exc))
            continue
        device = {'index': slot}
        name = nv.query('MIG name', bdf, 'nvmlDeviceGetName', child)
        if name is not _MISSING:
            device['name'] = text(name)
            profile = device['name'].rsplit('MIG ', 1)
            if len(profile) == 2:
                device['profile'] = profile[1].strip()
        uuid = nv.query('MIG UUID', bdf, 'nvmlDeviceGetUUID', child)
        if uuid is not _MISSING:
            device['uuid'] = text(uuid)
        memory = nv.query('MIG memory', bdf, 'nvmlDeviceGetMemoryInfo', child)
        if memory is not _MISSING:
            device['memory_mb'] = int(memory.total) // (1024 * 1024)
        for key, func_name in (('gpu_instance_id', 'nvmlDeviceGetGpuInstanceId'),
                               ('compute_instance_id', 'nvmlDeviceGetComputeInstanceId')):
            value = nv.query(key.replace('_', ' '), bdf, func_name, child)
            if value is not _MISSING:
                device[key] = value
        mig['devices'].append(device)
    return mig


def _nvlink(nv: _Nvml, handle, gpu: dict, switches: set):
    """Return (direct GPU peers, switches reached) and set gpu['nvlink'].

    gpu['nvlink']['peer_links'] counts the active NVLinks to each direct peer, as Slurm's NVML autodetection
    counts them for gres.conf Links= (gpu_nvml.c, _nvml_get_nvlink_info: +1 per active link whose remote PCI
    bus id is that GPU's); links that end at an NVSwitch count for no peer.
    """
    m, bdf = nv.m, gpu['bdf']
    max_links = getattr(m, 'NVML_NVLINK_MAX_LINKS', 18)
    enabled = getattr(m, 'NVML_FEATURE_ENABLED', 1)
    direct, via = {}, set()
    active = 0
    supported = False
    for link in range(max_links):
        try:
            state = m.nvmlDeviceGetNvLinkState(handle, link)
        except nv.error as exc:
            # Links past the GPU's count answer INVALID_ARGUMENT; GPUs without NVLink NOT_SUPPORTED.
            if not nv.is_code(exc, 'NOT_SUPPORTED', 'INVALID_ARGUMENT'):
                nv.warn('NVML: cannot read NVLink %d of GPU %s: %s' % (link, bdf, exc))
            break
        except AttributeError:
            break
        supported = True
        if state != enabled:
            continue
        active += 1
        remote = nv.query('NVLink %d remote' % link, bdf, 'nvmlDeviceGetNvLinkRemotePciInfo', handle, link)
        remote_bdf = normalize_bdf(remote.busId) if remote is not _MISSING else None
        kind = nv.query('NVLink %d remote type' % link, bdf, 'nvmlDeviceGetNvLinkRemoteDeviceType', handle, link)
        is_switch = kind == getattr(m, 'NVML_NVLINK_DEVICE_TYPE_SWITCH', _NVLINK_TYPE_SWITCH) or remote_bdf in switches
        if is_switch:
            via.add(remote_bdf if remote_bdf and not remote_bdf.endswith('00:00.0') else 'fabric')
        elif remote_bdf:
            direct[remote_bdf] = direct.get(remote_bdf, 0) + 1
    if supported:
        gpu['nvlink'] = {
            'active_links': active,
            'switches': sorted(s for s in via if s != 'fabric'),
            'peer_links': dict(sorted((peer, n) for peer, n in direct.items() if peer != bdf)),
        }
    return direct, via
