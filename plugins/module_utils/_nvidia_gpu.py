# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read and set NVIDIA GPU settings through NVML (private to linuxai.node).

Used by the ``linuxai.node.nvidia_gpu`` module. ``pynvml`` (the nvidia-ml-py
package) is passed in or imported by _nvml_adapter.py, so tests hand in a fake.
Every request is validated for every selected GPU before anything is set; in
check mode nothing is set at all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxai.node.plugins.module_utils import _nvml_adapter
from ansible_collections.linuxai.node.plugins.module_utils._nvml_adapter import normalize_bdf, text as _text

COMPUTE_MODES = {'default': 0, 'exclusive_thread': 1, 'prohibited': 2, 'exclusive_process': 3}
_COMPUTE_NAMES = dict((v, k) for k, v in COMPUTE_MODES.items())
SETTINGS = ('persistence_mode', 'mig_mode', 'compute_mode', 'power_limit', 'application_clocks')


class NvmlError(Exception):
    """NVML cannot be used or refused a request; the message says why and what to do."""


class RequestError(Exception):
    """A requested value does not fit a GPU; raised before any change."""


def load_pynvml(module=None):
    module = _nvml_adapter.import_pynvml(module)
    if module is None:
        raise NvmlError('pynvml is not importable by %s on the node: install the nvidia-ml-py package '
                        '(pip install nvidia-ml-py, or the distribution package python3-pynvml)' % _python())
    return module


def _python():
    import sys  # pylint: disable=import-outside-toplevel
    return sys.executable or 'python'


class Nvml(_nvml_adapter.Nvml):
    """A session with NVML: ``with Nvml(pynvml) as nv:`` initialises and shuts it down."""

    def __enter__(self):
        try:
            self.m.nvmlInit()
        except self.error as exc:
            raise NvmlError(self.init_message(exc))
        except OSError as exc:
            raise NvmlError('libnvidia-ml cannot be loaded (%s): is the NVIDIA driver installed?' % exc)
        return self

    def __exit__(self, *exc_info):
        self.shutdown()
        return False

    def init_message(self, exc):
        if self.is_code(exc, 'LIBRARY_NOT_FOUND'):
            return ('NVML is unusable: libnvidia-ml.so.1 is not installed. Install the NVIDIA driver first '
                    '(role linuxai.node.nvidia_driver).')
        if self.is_code(exc, 'DRIVER_NOT_LOADED'):
            return ('NVML is unusable: the nvidia kernel module is not loaded (no GPU bound, or a reboot is '
                    'pending: see nvidia_driver_reboot_required).')
        if self.is_code(exc, 'LIB_RM_VERSION_MISMATCH'):
            return ('NVML is unusable: the loaded nvidia kernel module and libnvidia-ml are different versions. '
                    'Reboot (or reload the modules) to run the installed driver.')
        if self.is_code(exc, 'NO_PERMISSION'):
            return 'NVML is unusable: permission denied opening the NVIDIA devices; run as root (become: true).'
        return 'NVML is unusable: nvmlInit failed: %s' % exc

    def set(self, what, bdf, name, *args):
        try:
            return getattr(self.m, name)(*args)
        except self.error as exc:
            if self.is_code(exc, 'NO_PERMISSION'):
                raise NvmlError('GPU %s: setting %s needs root: run the task with become: true.' % (bdf, what))
            if self.is_code(exc, 'IN_USE'):
                raise NvmlError('GPU %s: cannot set %s while processes use the GPU: %s' % (bdf, what, exc))
            if self.is_code(exc, 'NOT_SUPPORTED'):
                raise NvmlError('GPU %s does not support setting %s.' % (bdf, what))
            raise NvmlError('GPU %s: setting %s failed: %s' % (bdf, what, exc))


def read(nv, handle, index):
    """The settings of one GPU; a setting the GPU does not support is None."""
    m = nv.m
    state = {'index': index, 'bdf': normalize_bdf(m.nvmlDeviceGetPciInfo(handle).busId)}
    uuid = nv.call('nvmlDeviceGetUUID', handle)
    name = nv.call('nvmlDeviceGetName', handle)
    state['uuid'] = _text(uuid) if uuid is not None else None
    state['name'] = _text(name) if name is not None else None
    persistence = nv.call('nvmlDeviceGetPersistenceMode', handle)
    state['persistence_mode'] = None if persistence is None else persistence == getattr(m, 'NVML_FEATURE_ENABLED', 1)
    compute = nv.call('nvmlDeviceGetComputeMode', handle)
    state['compute_mode'] = None if compute is None else _COMPUTE_NAMES.get(compute, str(compute))
    state.update(_read_power(nv, handle))
    state.update(_read_clocks(nv, handle))
    mig = nv.call('nvmlDeviceGetMigMode', handle)
    enable = getattr(m, 'NVML_DEVICE_MIG_ENABLE', 1)
    state['mig_mode'] = None if mig is None else {
        'current': 'enabled' if mig[0] == enable else 'disabled',
        'pending': 'enabled' if mig[1] == enable else 'disabled'}
    return state


def _watts(milliwatts):
    return None if milliwatts is None else int(round(milliwatts / 1000.0))


def _read_power(nv, handle):
    limits = nv.call('nvmlDeviceGetPowerManagementLimitConstraints', handle)
    return {
        'power_limit': _watts(nv.call('nvmlDeviceGetPowerManagementLimit', handle)),
        'power_limit_default': _watts(nv.call('nvmlDeviceGetPowerManagementDefaultLimit', handle)),
        'power_limit_min': _watts(limits[0]) if limits else None,
        'power_limit_max': _watts(limits[1]) if limits else None,
    }


def _read_clocks(nv, handle):
    m = nv.m
    graphics, memory = getattr(m, 'NVML_CLOCK_GRAPHICS', 0), getattr(m, 'NVML_CLOCK_MEM', 2)
    current = (nv.call('nvmlDeviceGetApplicationsClock', handle, memory),
               nv.call('nvmlDeviceGetApplicationsClock', handle, graphics))
    default = (nv.call('nvmlDeviceGetDefaultApplicationsClock', handle, memory),
               nv.call('nvmlDeviceGetDefaultApplicationsClock', handle, graphics))
    return {
        'application_clocks': None if None in current else {'memory': current[0], 'graphics': current[1]},
        'application_clocks_default': None if None in default else {'memory': default[0], 'graphics': default[1]},
    }


def _select(states, selectors):
    if not selectors or 'all' in selectors:
        return states
    chosen = []
    for selector in selectors:
        text = str(selector).strip()
        if text.isdigit():
            match = [s for s in states if s['index'] == int(text)]
        elif text.upper().startswith(('GPU-', 'MIG-')):
            match = [s for s in states if (s['uuid'] or '').lower() == text.lower()]
        else:
            match = [s for s in states if s['bdf'] == normalize_bdf(text)]
        if not match:
            raise RequestError('gpus: no GPU %r on this node (GPUs: %s)'
                               % (selector, ', '.join('%d %s' % (s['index'], s['bdf']) for s in states) or 'none'))
        chosen.extend(s for s in match if s not in chosen)
    return chosen


def _want_clocks(state, value, supported):
    if value == 'default':
        if state['application_clocks_default'] is None:
            raise RequestError('application_clocks: GPU %s has no default application clocks' % state['bdf'])
        return dict(state['application_clocks_default'])
    if not isinstance(value, dict) or sorted(value) != ['graphics', 'memory']:
        raise RequestError("application_clocks: give {memory: MHz, graphics: MHz} or 'default', not %r" % (value,))
    wanted = {'memory': int(value['memory']), 'graphics': int(value['graphics'])}
    memory_clocks, graphics_for = supported
    if memory_clocks is not None and wanted['memory'] not in memory_clocks:
        raise RequestError('application_clocks.memory: GPU %s supports %s MHz, not %d'
                           % (state['bdf'], ', '.join(str(c) for c in sorted(memory_clocks)), wanted['memory']))
    graphics_clocks = graphics_for(wanted['memory'])
    if graphics_clocks is not None and wanted['graphics'] not in graphics_clocks:
        raise RequestError('application_clocks.graphics: GPU %s supports %d-%d MHz with memory at %d MHz, not %d'
                           % (state['bdf'], min(graphics_clocks or [0]), max(graphics_clocks or [0]),
                              wanted['memory'], wanted['graphics']))
    return wanted


def _want_power(state, value):
    if str(value) == 'default':
        wanted = state['power_limit_default']
    else:
        try:
            wanted = int(value)
        except (TypeError, ValueError):
            raise RequestError("power_limit: give watts or 'default', not %r" % (value,))
        low, high = state['power_limit_min'], state['power_limit_max']
        if low is not None and high is not None and not low <= wanted <= high:
            raise RequestError('power_limit: GPU %s accepts %d to %d W, not %d' % (state['bdf'], low, high, wanted))
    return wanted


def plan(nv, handle, state, request):
    """{setting: (before, after)} for the settings of ``request`` that differ on this GPU."""
    changes = {}
    for setting in SETTINGS:
        value = request.get(setting)
        if value is None:
            continue
        if setting == 'power_limit':
            current, wanted = state['power_limit'], _want_power(state, value)
        elif setting == 'application_clocks':
            supported = (nv.call('nvmlDeviceGetSupportedMemoryClocks', handle),
                         lambda mem: nv.call('nvmlDeviceGetSupportedGraphicsClocks', handle, mem))
            current = state['application_clocks']
            wanted = _want_clocks(state, value, supported) if current is not None else value
        elif setting == 'mig_mode':
            # Idempotent on the pending mode: the switch completes at the next GPU reset.
            current = state['mig_mode']['pending'] if state['mig_mode'] else None
            wanted = value
        else:
            current, wanted = state[setting], value
        if current is None:
            raise RequestError('%s: GPU %s (%s) does not support it' % (setting, state['bdf'], state['name']))
        if current != wanted:
            changes[setting] = (current, wanted)
    return changes


def apply(nv, handle, state, changes):
    m, bdf = nv.m, state['bdf']
    for setting in SETTINGS:
        if setting not in changes:
            continue
        wanted = changes[setting][1]
        if setting == 'persistence_mode':
            nv.set(setting, bdf, 'nvmlDeviceSetPersistenceMode', handle,
                   getattr(m, 'NVML_FEATURE_ENABLED', 1) if wanted else getattr(m, 'NVML_FEATURE_DISABLED', 0))
        elif setting == 'mig_mode':
            nv.set(setting, bdf, 'nvmlDeviceSetMigMode', handle,
                   getattr(m, 'NVML_DEVICE_MIG_ENABLE', 1) if wanted == 'enabled' else getattr(m, 'NVML_DEVICE_MIG_DISABLE', 0))
        elif setting == 'compute_mode':
            nv.set(setting, bdf, 'nvmlDeviceSetComputeMode', handle, COMPUTE_MODES[wanted])
        elif setting == 'power_limit':
            nv.set(setting, bdf, 'nvmlDeviceSetPowerManagementLimit', handle, wanted * 1000)
        elif wanted == state['application_clocks_default']:
            nv.set(setting, bdf, 'nvmlDeviceResetApplicationsClocks', handle)
        else:
            nv.set(setting, bdf, 'nvmlDeviceSetApplicationsClocks', handle, wanted['memory'], wanted['graphics'])


def _after(state, changes):
    after = dict(state)
    for setting, (_before, wanted) in changes.items():
        if setting == 'mig_mode':
            after['mig_mode'] = {'current': state['mig_mode']['current'], 'pending': wanted}
        else:
            after[setting] = wanted
    return after


def run(request, selectors, check_mode, module=None):
    """Read every GPU, validate the request on the selected ones, then set what differs.

    Returns ``changed``, ``gpus`` (the selected GPUs' settings, as they are after the run or,
    in check mode, would be), ``diff`` and ``mig_reset_pending`` (GPUs whose MIG mode
    changes at their next reset).
    """
    with Nvml(load_pynvml(module)) as nv:
        try:
            count = nv.m.nvmlDeviceGetCount()
            handles = [nv.m.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
        except nv.error as exc:
            raise NvmlError('NVML cannot list the GPUs: %s' % exc)
        states = [read(nv, handle, index) for index, handle in enumerate(handles)]
        selected = _select(states, selectors)
        plans = [(handles[s['index']], s, plan(nv, handles[s['index']], s, request)) for s in selected]
        if not check_mode:
            for handle, state, changes in plans:
                apply(nv, handle, state, changes)
        results, before, after = [], {}, {}
        for handle, state, changes in plans:
            if changes and not check_mode:
                new = read(nv, handle, state['index'])
            else:
                new = _after(state, changes)
            results.append(new)
            if changes:
                before[state['bdf']] = dict((k, v[0]) for k, v in changes.items())
                after[state['bdf']] = dict((k, v[1]) for k, v in changes.items())
    pending = [s['bdf'] for s in results if s['mig_mode'] and s['mig_mode']['current'] != s['mig_mode']['pending']]
    return {'changed': bool(before), 'gpus': results, 'diff': {'before': before, 'after': after},
            'mig_reset_pending': pending}
