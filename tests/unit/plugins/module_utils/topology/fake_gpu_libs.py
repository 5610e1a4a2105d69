# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes of the pynvml (nvidia-ml-py) and amdsmi Python APIs, as far as the probe uses them.

They follow the real modules' shapes: pynvml raises NVMLError carrying ``value`` (an
NVML_ERROR_* code), returns bus ids like ``00000000:1A:00.0`` and names as str or bytes;
amdsmi raises AmdSmiLibraryException carrying ``err_code`` and returns dicts.
"""

import types

NOT_SUPPORTED = 3
NOT_FOUND = 6
INVALID_ARGUMENT = 2
LIBRARY_NOT_FOUND = 12
GPU_IS_LOST = 15
LIB_RM_VERSION_MISMATCH = 18
DRIVER_NOT_LOADED = 9

_MESSAGES = {NOT_SUPPORTED: 'Not Supported', NOT_FOUND: 'Not Found', INVALID_ARGUMENT: 'Invalid Argument',
             LIBRARY_NOT_FOUND: 'NVML Shared Library Not Found', GPU_IS_LOST: 'GPU is lost',
             LIB_RM_VERSION_MISMATCH: 'RM has detected an NVML/RM version mismatch.',
             DRIVER_NOT_LOADED: 'Driver Not Loaded'}


class NVMLError(Exception):
    def __init__(self, value):
        Exception.__init__(self, value)
        self.value = value

    def __str__(self):
        return _MESSAGES.get(self.value, 'NVML error %d' % self.value)


class FakeGpu(object):
    """One NVML device. ``links``: remote bus ids of active NVLinks (``(bus_id, kind)``, kind 0 GPU, 2 switch)."""

    def __init__(self, bus_id, name='NVIDIA H100 80GB HBM3', uuid=None, memory_mib=81559, cc=(9, 0),
                 persistence=1, mig=(0, 0), mig_devices=(), links=(), link_count=18, fail=None):
        self.bus_id = bus_id
        self.name = name
        self.uuid = uuid or 'GPU-%s' % bus_id.replace(':', '').replace('.', '')
        self.memory_mib = memory_mib
        self.cc = cc
        self.persistence = persistence
        self.mig = mig
        self.mig_devices = list(mig_devices)
        self.links = list(links)
        self.link_count = link_count
        self.fail = dict(fail or {})  # function name -> NVML error code


class FakeMig(object):
    def __init__(self, slot, profile, memory_mib, gi, ci):
        self.slot, self.profile, self.memory_mib, self.gi, self.ci = slot, profile, memory_mib, gi, ci
        self.fail = {}


def fake_pynvml(gpus, init_error=None, driver='550.90.07', cuda=12040, bytes_strings=False):
    """A module object standing in for ``pynvml``; ``calls`` records every function called."""
    m = types.ModuleType('pynvml')
    m.calls = []
    m.NVMLError = NVMLError
    m.NVML_ERROR_NOT_SUPPORTED = NOT_SUPPORTED
    m.NVML_ERROR_NOT_FOUND = NOT_FOUND
    m.NVML_ERROR_INVALID_ARGUMENT = INVALID_ARGUMENT
    m.NVML_ERROR_LIBRARY_NOT_FOUND = LIBRARY_NOT_FOUND
    m.NVML_ERROR_LIB_RM_VERSION_MISMATCH = LIB_RM_VERSION_MISMATCH
    m.NVML_ERROR_DRIVER_NOT_LOADED = DRIVER_NOT_LOADED
    m.NVML_FEATURE_ENABLED = 1
    m.NVML_DEVICE_MIG_ENABLE = 1
    m.NVML_NVLINK_MAX_LINKS = 18
    m.NVML_NVLINK_DEVICE_TYPE_GPU = 0
    m.NVML_NVLINK_DEVICE_TYPE_SWITCH = 2
    state = {'init': False}

    def text(value):
        return value.encode() if bytes_strings else value

    def api(func):
        def wrapper(*args):
            m.calls.append(func.__name__)
            if func.__name__ not in ('nvmlInit', 'nvmlShutdown') and not state['init']:
                raise NVMLError(1)  # uninitialised
            target = args[0] if args else None
            fail = getattr(target, 'fail', {})
            if func.__name__ in fail:
                raise NVMLError(fail[func.__name__])
            return func(*args)
        wrapper.__name__ = func.__name__
        setattr(m, func.__name__, wrapper)
        return wrapper

    @api
    def nvmlInit():
        if init_error is not None:
            raise NVMLError(init_error)
        state['init'] = True

    @api
    def nvmlShutdown():
        state['init'] = False

    @api
    def nvmlSystemGetDriverVersion():
        return text(driver)

    @api
    def nvmlSystemGetCudaDriverVersion():
        return cuda

    @api
    def nvmlDeviceGetCount():
        return len(gpus)

    @api
    def nvmlDeviceGetHandleByIndex(index):
        return gpus[index]

    @api
    def nvmlDeviceGetPciInfo(gpu):
        return types.SimpleNamespace(busId=text(gpu.bus_id), busIdLegacy=text(gpu.bus_id[4:]))

    @api
    def nvmlDeviceGetName(dev):
        if isinstance(dev, FakeMig):
            return text('NVIDIA H100 80GB HBM3 MIG %s' % dev.profile)
        return text(dev.name)

    @api
    def nvmlDeviceGetUUID(dev):
        if isinstance(dev, FakeMig):
            return text('MIG-%d-%s' % (dev.slot, dev.profile))
        return text(dev.uuid)

    @api
    def nvmlDeviceGetMemoryInfo(dev):
        return types.SimpleNamespace(total=dev.memory_mib * 1024 * 1024, free=0, used=0)

    @api
    def nvmlDeviceGetCudaComputeCapability(gpu):
        return gpu.cc

    @api
    def nvmlDeviceGetPersistenceMode(gpu):
        return gpu.persistence

    @api
    def nvmlDeviceGetMigMode(gpu):
        return list(gpu.mig)

    @api
    def nvmlDeviceGetMaxMigDeviceCount(gpu):
        return 7

    @api
    def nvmlDeviceGetMigDeviceHandleByIndex(gpu, slot):
        for mig in gpu.mig_devices:
            if mig.slot == slot:
                return mig
        raise NVMLError(NOT_FOUND)

    @api
    def nvmlDeviceGetGpuInstanceId(mig):
        return mig.gi

    @api
    def nvmlDeviceGetComputeInstanceId(mig):
        return mig.ci

    @api
    def nvmlDeviceGetNvLinkState(gpu, link):
        if link >= gpu.link_count:
            raise NVMLError(INVALID_ARGUMENT)
        return 1 if link < len(gpu.links) else 0

    @api
    def nvmlDeviceGetNvLinkRemotePciInfo(gpu, link):
        return types.SimpleNamespace(busId=text(gpu.links[link][0]))

    @api
    def nvmlDeviceGetNvLinkRemoteDeviceType(gpu, link):
        return gpu.links[link][1]

    return m


# -- amdsmi --------------------------------------------------------------------------------

AMDSMI_NOT_SUPPORTED = 2
AMDSMI_NO_PERM = 10


class AmdSmiException(Exception):
    pass


class AmdSmiLibraryException(AmdSmiException):
    def __init__(self, err_code):
        AmdSmiException.__init__(self, err_code)
        self.err_code = err_code

    def __str__(self):
        return 'Error code:\n\t%d | %s' % (self.err_code, {2: 'AMDSMI_STATUS_NOT_SUPPORTED'}.get(self.err_code, 'FAIL'))


class FakeAmdGpu(object):
    def __init__(self, bdf, market_name='AMD Instinct MI300X', gfx='gfx942', vram_bytes=192 * 1024 ** 3,
                 compute_partition='SPX', memory_partition='NPS1', fail=None):
        self.bdf = bdf
        self.market_name = market_name
        self.gfx = gfx
        self.vram_bytes = vram_bytes
        self.compute_partition = compute_partition
        self.memory_partition = memory_partition
        self.fail = dict(fail or {})


def fake_amdsmi(gpus, xgmi_pairs=None, init_error=None, link_enum='new'):
    """A module object standing in for ``amdsmi``; ``xgmi_pairs`` holds frozensets of BDFs one XGMI hop apart."""
    m = types.ModuleType('amdsmi')
    m.calls = []
    m.AmdSmiException = AmdSmiException
    m.AmdSmiLibraryException = AmdSmiLibraryException
    m.amdsmi_wrapper = types.SimpleNamespace(AMDSMI_STATUS_NOT_SUPPORTED=AMDSMI_NOT_SUPPORTED)
    m.AmdSmiInitFlags = types.SimpleNamespace(INIT_AMD_GPUS=2)
    m.AmdSmiMemoryType = types.SimpleNamespace(VRAM=0)
    if link_enum == 'new':
        m.AmdSmiLinkType = types.SimpleNamespace(AMDSMI_LINK_TYPE_INTERNAL=0, AMDSMI_LINK_TYPE_XGMI=1, AMDSMI_LINK_TYPE_PCIE=2)
        xgmi, pcie = 1, 2
    else:
        m.AmdSmiIoLinkType = types.SimpleNamespace(UNDEFINED=0, PCIEXPRESS=1, XGMI=2)
        xgmi, pcie = 2, 1
    pairs = xgmi_pairs if xgmi_pairs is not None else set()

    def api(func):
        def wrapper(*args):
            m.calls.append(func.__name__)
            target = args[0] if args else None
            fail = getattr(target, 'fail', {})
            if func.__name__ in fail:
                raise AmdSmiLibraryException(fail[func.__name__])
            return func(*args)
        wrapper.__name__ = func.__name__
        setattr(m, func.__name__, wrapper)
        return wrapper

    @api
    def amdsmi_init(flags=None):
        if init_error is not None:
            raise AmdSmiLibraryException(init_error)

    @api
    def amdsmi_shut_down():
        return None

    @api
    def amdsmi_get_processor_handles():
        return list(gpus)

    @api
    def amdsmi_get_gpu_device_bdf(gpu):
        return gpu.bdf

    @api
    def amdsmi_get_gpu_asic_info(gpu):
        return {'market_name': gpu.market_name, 'vendor_id': '0x1002', 'device_id': '0x74a1',
                'target_graphics_version': gpu.gfx, 'num_compute_units': 304}

    @api
    def amdsmi_get_gpu_device_uuid(gpu):
        return 'uuid-' + gpu.bdf

    @api
    def amdsmi_get_gpu_memory_total(gpu, kind):
        return gpu.vram_bytes

    @api
    def amdsmi_get_gpu_driver_info(gpu):
        return {'driver_name': 'amdgpu', 'driver_version': '6.10.5', 'driver_date': '2015/01/01 00:00'}

    @api
    def amdsmi_get_gpu_compute_partition(gpu):
        return gpu.compute_partition

    @api
    def amdsmi_get_gpu_memory_partition(gpu):
        return gpu.memory_partition

    @api
    def amdsmi_topo_get_link_type(a, b):
        if frozenset((a.bdf, b.bdf)) in pairs:
            return {'hops': 1, 'type': xgmi}
        return {'hops': 2, 'type': pcie}

    return m
