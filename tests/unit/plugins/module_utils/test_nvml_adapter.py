# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one NVML adapter: bus ids as the facts name GPUs, return codes, calls; its two users agree."""

from __future__ import annotations

import sys
import types

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _nvidia_gpu, _nvml, _nvml_adapter, _topology_fact
from ansible_collections.linuxai.node.plugins.module_utils._pci_ids import normalize_bdf

SYSFS = '0000:1a:00.0'
# What NVML's busId (8 hex digits of domain, upper case), its busIdLegacy, sysfs and a user may write.
FORMS = ['00000000:1A:00.0', b'00000000:1A:00.0', '00000000:1a:00.0', '0000:1A:00.0', '0000:1a:00.0',
         '1a:00.0', '1A:00.0', ' 0000:1a:00.0\n']


@pytest.mark.parametrize('given', FORMS)
def test_every_form_of_a_domain_0_address_is_the_sysfs_one(given):
    assert normalize_bdf(given) == SYSFS


@pytest.mark.parametrize('given, bdf', [
    (b'00000001:C5:00.0', '0001:c5:00.0'),
    ('0001:1A:00.0', '0001:1a:00.0'),
    # sysfs writes the domain with at least 4 digits: VMD domains start at 10000.
    ('00010000:E1:00.0', '10000:e1:00.0'),
    # Not a PCI address: only stripped and lower-cased.
    ('GPU-8C1B0A5E', 'gpu-8c1b0a5e'),
    ('x:1a:00.0', 'x:1a:00.0'),
    ('1a', '1a'),
])
def test_other_domains_and_what_is_no_address(given, bdf):
    assert normalize_bdf(given) == bdf


class NVMLError(Exception):
    def __init__(self, value):
        super().__init__('NVML error %d' % value)
        self.value = value


def one_gpu_pynvml(bus_id):
    """pynvml with one GPU whose busId is ``bus_id`` and no other query."""
    m = types.ModuleType('pynvml')
    m.NVMLError = NVMLError
    m.nvmlInit = m.nvmlShutdown = lambda: None
    m.nvmlDeviceGetCount = lambda: 1
    m.nvmlDeviceGetHandleByIndex = lambda index: 'handle%d' % index
    m.nvmlDeviceGetPciInfo = lambda handle: types.SimpleNamespace(busId=bus_id)
    return m


@pytest.mark.parametrize('bus_id', FORMS)
def test_the_facts_and_the_nvidia_gpu_module_name_a_gpu_alike(bus_id):
    warnings = []
    gpu = {'bdf': SYSFS, 'vendor': 'nvidia', 'driver': 'nvidia', 'architecture': 'hopper'}
    status = _nvml.enrich([gpu], [], warnings.append, module=one_gpu_pynvml(bus_id))
    assert (status['gpus'], gpu['source'], warnings) == (1, 'nvml', [])
    with _nvidia_gpu.Nvml(one_gpu_pynvml(bus_id)) as nv:
        assert _nvidia_gpu.read(nv, 'handle0', 0)['bdf'] == SYSFS


@pytest.mark.parametrize('selector', [f for f in FORMS if isinstance(f, str)])
def test_a_gpu_given_by_any_form_is_found_by_the_module_and_the_filters(selector):
    states = [{'index': 0, 'bdf': '0000:19:00.0', 'uuid': 'GPU-0'}, {'index': 1, 'bdf': SYSFS, 'uuid': 'GPU-1'}]
    assert _nvidia_gpu._select(states, [selector]) == [states[1]]
    topology = {'cpu': {}, 'numa': [], 'gpus': [dict(s, vendor='nvidia', numa_node=s['index']) for s in states]}
    assert _topology_fact.gpu_numa_node(topology, selector) == 1


def test_codes_come_from_pynvml_else_from_the_c_abi():
    nv = _nvml_adapter.Nvml(types.SimpleNamespace(NVML_ERROR_NOT_SUPPORTED=103))
    assert nv.code('NOT_SUPPORTED') == 103
    assert nv.code('IN_USE') == _nvml_adapter.CODES['IN_USE'] == 19
    assert nv.is_code(NVMLError(19), 'NOT_SUPPORTED', 'IN_USE')
    assert not nv.is_code(NVMLError(3), 'NOT_SUPPORTED')
    assert not nv.is_code(ValueError('no value'), 'NOT_SUPPORTED')


def test_call_answers_the_default_where_a_query_is_unsupported():
    def raising(code):
        def func(*args):
            raise NVMLError(code)
        return func
    m = types.SimpleNamespace(NVMLError=NVMLError, ok=lambda *args: args, unsupported=raising(3),
                              not_found=raising(13), lost=raising(15))
    nv = _nvml_adapter.Nvml(m)
    assert nv.call('ok', 1, 2) == (1, 2)
    assert nv.call('absent') is None
    assert nv.call('unsupported', default='none') == 'none'
    assert nv.call('not_found') is None
    with pytest.raises(NVMLError):
        nv.call('lost')


def test_import_pynvml(monkeypatch):
    given = object()
    assert _nvml_adapter.import_pynvml(given) is given
    monkeypatch.setitem(sys.modules, 'pynvml', None)
    assert _nvml_adapter.import_pynvml() is None
    assert _nvml_adapter.text(b'H100') == 'H100' and _nvml_adapter.text(550) == '550'


SWITCH = '00000000:05:00.0'


def nvlink_pynvml(links):
    """pynvml whose GPUs (bus ids in NVML order) have these NVLinks: ``links[bus]`` lists per link the remote
    ``(bus id, kind)`` (kind 0 a GPU, 2 an NVSwitch) or None for an inactive link."""
    buses = list(links)
    m = one_gpu_pynvml(None)
    m.NVML_NVLINK_MAX_LINKS = 36  # nvidia-ml-py 13.x
    m.nvmlDeviceGetCount = lambda: len(buses)
    m.nvmlDeviceGetHandleByIndex = lambda index: buses[index]
    m.nvmlDeviceGetPciInfo = lambda handle: types.SimpleNamespace(busId=handle)

    def state(handle, link):
        if link >= len(links[handle]):
            raise NVMLError(2)  # INVALID_ARGUMENT: past the GPU's links
        return 0 if links[handle][link] is None else 1
    m.nvmlDeviceGetNvLinkState = state
    m.nvmlDeviceGetNvLinkRemotePciInfo = lambda handle, link: types.SimpleNamespace(busId=links[handle][link][0])
    m.nvmlDeviceGetNvLinkRemoteDeviceType = lambda handle, link: links[handle][link][1]
    return m


def nvlink_facts(links, switches=()):
    warnings = []
    # sysfs's address of each GPU, written here rather than by normalize_bdf (under test): NVML's 8-digit domain
    # 00000000 is 0000 there, in lower case.
    gpus = [{'bdf': bus[4:].lower(), 'vendor': 'nvidia', 'driver': 'nvidia', 'architecture': 'ampere'} for bus in links]
    status = _nvml.enrich(gpus, list(switches), warnings.append, module=nvlink_pynvml(links))
    assert (status['gpus'], warnings) == (len(links), [])
    return dict((g['bdf'], g) for g in gpus)


def test_peer_links_count_the_active_nvlinks_to_each_direct_peer():
    """GPU A: 2 NVLinks to B and 4 to C, interleaved, with an inactive one; B and C: theirs back to A."""
    a, b, c = '00000000:1A:00.0', '00000000:1B:00.0', '00000000:1C:00.0'
    facts = nvlink_facts({
        a: [(b, 0), (c, 0), (c, 0), None, (b, 0), (c, 0), (c, 0)],
        b: [(a, 0), (a, 0)],
        c: [(a, 0)] * 4,
    })
    ga, gb, gc = facts['0000:1a:00.0'], facts['0000:1b:00.0'], facts['0000:1c:00.0']
    assert ga['nvlink'] == {'active_links': 6, 'switches': [], 'peer_links': {'0000:1b:00.0': 2, '0000:1c:00.0': 4}}
    assert list(ga['nvlink']['peer_links']) == ['0000:1b:00.0', '0000:1c:00.0']
    assert ga['nvlink_peers'] == ['0000:1b:00.0', '0000:1c:00.0']
    assert gb['nvlink'] == {'active_links': 2, 'switches': [], 'peer_links': {'0000:1a:00.0': 2}}
    assert gc['nvlink']['peer_links'] == {'0000:1a:00.0': 4} and gc['nvlink_peers'] == ['0000:1a:00.0']


def test_links_to_an_nvswitch_count_for_no_peer():
    """A and B: 2 NVLinks to each other and 4 to an NVSwitch; C: 4 to the switch (one NVML does not call a
    switch, but sysfs lists it). Peers through the switch are nvlink_peers without peer_links."""
    a, b, c = '00000000:1A:00.0', '00000000:1B:00.0', '00000000:1C:00.0'
    facts = nvlink_facts({
        a: [(b, 0), (SWITCH, 2), (SWITCH, 2), (b, 0), (SWITCH, 2), (SWITCH, 2)],
        b: [(a, 0)] * 2 + [(SWITCH, 2)] * 4,
        c: [(SWITCH, 2)] * 3 + [(SWITCH, 0)],
    }, switches=['0000:05:00.0'])
    ga, gc = facts['0000:1a:00.0'], facts['0000:1c:00.0']
    assert ga['nvlink'] == {'active_links': 6, 'switches': ['0000:05:00.0'], 'peer_links': {'0000:1b:00.0': 2}}
    assert ga['nvlink_peers'] == ['0000:1b:00.0', '0000:1c:00.0']
    assert gc['nvlink'] == {'active_links': 4, 'switches': ['0000:05:00.0'], 'peer_links': {}}
    assert gc['nvlink_peers'] == ['0000:1a:00.0', '0000:1b:00.0']
