# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes of the pynvml (nvidia-ml-py) and amdsmi Python APIs, as far as the probe uses them.

They follow the real modules' shapes: pynvml raises NVMLError carrying ``value`` (an
NVML_ERROR_* code), returns bus ids like ``00000000:1A:00.0`` and names as str or bytes;
amdsmi raises AmdSmiLibraryException carrying ``err_code`` and returns dicts. Their functions
take the real ones' positional parameters, under the same names, and their constants, enums and
messages have the real values: test_gpu_lib_fakes.py checks them against the installed
nvidia-ml-py and amdsmi (requirements-test.txt).
"""

import functools
import types

NOT_SUPPORTED = 3
NOT_FOUND = 6
INVALID_ARGUMENT = 2
LIBRARY_NOT_FOUND = 12
GPU_IS_LOST = 15
LIB_RM_VERSION_MISMATCH = 18
DRIVER_NOT_LOADED = 9
UNKNOWN = 999

# pynvml's NVMLError._errcode_to_string for these codes; other codes read "NVML Error with code N" without libnvidia-ml.
_MESSAGES = {NOT_SUPPORTED: 'Not Supported', NOT_FOUND: 'Not Found', INVALID_ARGUMENT: 'Invalid Argument',
             LIBRARY_NOT_FOUND: 'NVML Shared Library Not Found', GPU_IS_LOST: 'GPU is lost',
             LIB_RM_VERSION_MISMATCH: 'RM has detected an NVML/RM version mismatch.',
             DRIVER_NOT_LOADED: 'Driver Not Loaded', UNKNOWN: 'Unknown Error'}


class NVMLError(Exception):
    def __init__(self, value):
        Exception.__init__(self, value)
        self.value = value

    def __str__(self):
        return _MESSAGES.get(self.value, 'NVML Error with code %d' % self.value)


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
    m.NVML_NVLINK_MAX_LINKS = 36  # nvidia-ml-py 13.x; a GPU's links past its own count answer INVALID_ARGUMENT
    m.NVML_NVLINK_DEVICE_TYPE_GPU = 0
    m.NVML_NVLINK_DEVICE_TYPE_SWITCH = 2
    state = {'init': False}

    def text(value):
        return value.encode() if bytes_strings else value

    def api(func):
        @functools.wraps(func)  # inspect.signature(wrapper) is func's: pynvml's parameters
        def wrapper(*args):
            m.calls.append(func.__name__)
            if func.__name__ not in ('nvmlInit', 'nvmlShutdown') and not state['init']:
                raise NVMLError(1)  # uninitialised
            target = args[0] if args else None
            fail = getattr(target, 'fail', {})
            if func.__name__ in fail:
                raise NVMLError(fail[func.__name__])
            return func(*args)
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
    def nvmlDeviceGetPciInfo(handle):
        return types.SimpleNamespace(busId=text(handle.bus_id), busIdLegacy=text(handle.bus_id[4:]))

    @api
    def nvmlDeviceGetName(handle):
        if isinstance(handle, FakeMig):
            return text('NVIDIA H100 80GB HBM3 MIG %s' % handle.profile)
        return text(handle.name)

    @api
    def nvmlDeviceGetUUID(handle):
        if isinstance(handle, FakeMig):
            return text('MIG-%d-%s' % (handle.slot, handle.profile))
        return text(handle.uuid)

    @api
    def nvmlDeviceGetMemoryInfo(handle):
        return types.SimpleNamespace(total=handle.memory_mib * 1024 * 1024, free=0, used=0)

    @api
    def nvmlDeviceGetCudaComputeCapability(handle):
        return handle.cc

    @api
    def nvmlDeviceGetPersistenceMode(handle):
        return handle.persistence

    @api
    def nvmlDeviceGetMigMode(device):
        return list(device.mig)

    @api
    def nvmlDeviceGetMaxMigDeviceCount(device):
        return 7

    @api
    def nvmlDeviceGetMigDeviceHandleByIndex(device, index):
        for mig in device.mig_devices:
            if mig.slot == index:
                return mig
        raise NVMLError(NOT_FOUND)

    @api
    def nvmlDeviceGetGpuInstanceId(device):
        return device.gi

    @api
    def nvmlDeviceGetComputeInstanceId(device):
        return device.ci

    @api
    def nvmlDeviceGetNvLinkState(device, link):
        if link >= device.link_count:
            raise NVMLError(INVALID_ARGUMENT)
        return 1 if link < len(device.links) else 0

    @api
    def nvmlDeviceGetNvLinkRemotePciInfo(device, link):
        return types.SimpleNamespace(busId=text(device.links[link][0]))

    @api
    def nvmlDeviceGetNvLinkRemoteDeviceType(handle, link):
        return handle.links[link][1]

    return m


# -- amdsmi --------------------------------------------------------------------------------

AMDSMI_NOT_SUPPORTED = 2
AMDSMI_TIMEOUT = 8
AMDSMI_NO_PERM = 10
# AmdSmiLibraryException.err_info: amdsmi_exception.py's table for these codes, else its unknown-error text.
_AMDSMI_ERR_INFO = {AMDSMI_NOT_SUPPORTED: 'AMDSMI_STATUS_NOT_SUPPORTED - Feature not supported',
                    AMDSMI_TIMEOUT: 'AMDSMI_STATUS_TIMEOUT - Timeout in API call',
                    AMDSMI_NO_PERM: 'AMDSMI_STATUS_NO_PERM - Permission Denied'}

# amdsmi's link-type enums per release of its Python package, and 'topo': the enum whose values the 'type' of
# amdsmi_topo_get_link_type holds (the C enum its ctypes argtypes point to) with its XGMI and PCIe members. From
# the PyPI wheels' amdsmi_interface.py and amdsmi_wrapper.py; test_gpu_lib_fakes.py checks AMDSMI_NEWEST's
# against the installed amdsmi.
_IO_LINK_TYPE = {'UNDEFINED': 0, 'PCIEXPRESS': 1, 'XGMI': 2}
AMDSMI_LINK_LAYOUTS = {
    # 7.0.0-7.0.2: AmdSmiIoLinkType is gone; amdsmi_link_type_t, with new values, is what topo reports.
    '7.0': {'enums': {'AmdSmiLinkType': {'AMDSMI_LINK_TYPE_INTERNAL': 0, 'AMDSMI_LINK_TYPE_PCIE': 1, 'AMDSMI_LINK_TYPE_XGMI': 2,
                                         'AMDSMI_LINK_TYPE_NOT_APPLICABLE': 3, 'AMDSMI_LINK_TYPE_UNKNOWN': 4}},
            'topo': ('AmdSmiLinkType', 'AMDSMI_LINK_TYPE_XGMI', 'AMDSMI_LINK_TYPE_PCIE')},
    # 6.3.0-6.4.4: both enums, XGMI 1 in AmdSmiLinkType and 2 in AmdSmiIoLinkType; topo reports an
    # amdsmi_io_link_type_t.
    '6.3': {'enums': {'AmdSmiIoLinkType': dict(_IO_LINK_TYPE),
                      'AmdSmiLinkType': {'AMDSMI_LINK_TYPE_INTERNAL': 0, 'AMDSMI_LINK_TYPE_XGMI': 1, 'AMDSMI_LINK_TYPE_PCIE': 2,
                                         'AMDSMI_LINK_TYPE_NOT_APPLICABLE': 3, 'AMDSMI_LINK_TYPE_UNKNOWN': 4}},
            'topo': ('AmdSmiIoLinkType', 'XGMI', 'PCIEXPRESS')},
    # 5.7.0-6.2.4: AmdSmiIoLinkType only.
    '6.0': {'enums': {'AmdSmiIoLinkType': dict(_IO_LINK_TYPE)}, 'topo': ('AmdSmiIoLinkType', 'XGMI', 'PCIEXPRESS')},
}
AMDSMI_NEWEST = '7.0'


class AmdSmiException(Exception):
    pass


class AmdSmiLibraryException(AmdSmiException):
    def __init__(self, err_code):
        err_code = abs(err_code)
        AmdSmiException.__init__(self, err_code)
        self.err_code = err_code
        self.err_info = _AMDSMI_ERR_INFO.get(err_code, 'AMDSMI_STATUS_UNKNOWN_ERROR - An unknown error occurred')

    def __str__(self):
        return 'Error code:\n\t{err_code} | {err_info}'.format(err_code=self.err_code, err_info=self.err_info)

    def get_error_code(self):
        return self.err_code


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


def fake_amdsmi(gpus, xgmi_pairs=None, init_error=None, release=AMDSMI_NEWEST):
    """A module object standing in for ``amdsmi`` of ``release`` (a key of AMDSMI_LINK_LAYOUTS);
    ``xgmi_pairs`` holds frozensets of BDFs one XGMI hop apart."""
    m = types.ModuleType('amdsmi')
    m.calls = []
    m.AmdSmiException = AmdSmiException
    m.AmdSmiLibraryException = AmdSmiLibraryException
    m.amdsmi_wrapper = types.SimpleNamespace(AMDSMI_STATUS_NOT_SUPPORTED=AMDSMI_NOT_SUPPORTED)
    m.AmdSmiInitFlags = types.SimpleNamespace(INIT_AMD_GPUS=2)
    m.AmdSmiMemoryType = types.SimpleNamespace(VRAM=0)
    layout = AMDSMI_LINK_LAYOUTS[release]
    for name, members in layout['enums'].items():
        setattr(m, name, types.SimpleNamespace(**members))
    enum, xgmi_member, pcie_member = layout['topo']
    xgmi, pcie = layout['enums'][enum][xgmi_member], layout['enums'][enum][pcie_member]
    pairs = xgmi_pairs if xgmi_pairs is not None else set()

    def api(func):
        @functools.wraps(func)  # inspect.signature(wrapper) is func's: amdsmi's parameters
        def wrapper(*args):
            m.calls.append(func.__name__)
            target = args[0] if args else None
            fail = getattr(target, 'fail', {})
            if func.__name__ in fail:
                raise AmdSmiLibraryException(fail[func.__name__])
            return func(*args)
        setattr(m, func.__name__, wrapper)
        return wrapper

    @api
    def amdsmi_init(flag=None):
        if init_error is not None:
            raise AmdSmiLibraryException(init_error)

    @api
    def amdsmi_shut_down():
        return None

    @api
    def amdsmi_get_processor_handles():
        return list(gpus)

    @api
    def amdsmi_get_gpu_device_bdf(processor_handle):
        return processor_handle.bdf

    @api
    def amdsmi_get_gpu_asic_info(processor_handle):
        return {'market_name': processor_handle.market_name, 'vendor_id': '0x1002', 'device_id': '0x74a1',
                'target_graphics_version': processor_handle.gfx, 'num_compute_units': 304}

    @api
    def amdsmi_get_gpu_device_uuid(processor_handle):
        return 'uuid-' + processor_handle.bdf

    @api
    def amdsmi_get_gpu_memory_total(processor_handle, mem_type):
        return processor_handle.vram_bytes

    @api
    def amdsmi_get_gpu_vram_info(processor_handle):
        # vram_size in MB (amdsmi_vram_info_t); vram_type 4 is AMDSMI_VRAM_TYPE_HBM3.
        return {'vram_type': 4, 'vram_vendor': 'SAMSUNG', 'vram_size': processor_handle.vram_bytes // (1024 * 1024),
                'vram_bit_width': 8192, 'vram_max_bandwidth': 5300}

    @api
    def amdsmi_get_gpu_driver_info(processor_handle):
        return {'driver_name': 'amdgpu', 'driver_version': '6.10.5', 'driver_date': '2015/01/01 00:00'}

    @api
    def amdsmi_get_gpu_compute_partition(processor_handle):
        return processor_handle.compute_partition

    @api
    def amdsmi_get_gpu_memory_partition(processor_handle):
        return processor_handle.memory_partition

    @api
    def amdsmi_topo_get_link_type(processor_handle_src, processor_handle_dst):
        if frozenset((processor_handle_src.bdf, processor_handle_dst.bdf)) in pairs:
            return {'hops': 1, 'type': xgmi}
        return {'hops': 2, 'type': pcie}

    return m
