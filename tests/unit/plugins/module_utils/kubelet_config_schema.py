# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KubeletConfiguration (kubelet.config.k8s.io/v1beta1) fields the kubernetes_node role may write.

Each field: its JSON name, its type and the first Kubernetes minor whose KubeletConfiguration has it, read from
config/v1beta1/types.go of k8s.io/kubelet (github.com/kubernetes/kubelet, the published copy of
staging/src/k8s.io/kubelet in kubernetes/kubernetes) at the tags kubernetes-1.12.0 to kubernetes-1.36.0:
every field below is in every tag from its first one to kubernetes-1.36.0, with the same Go type throughout.
kubernetes-1.12.0 is the first tag with config/v1beta1, so "1.12" means "1.12 or earlier".

  cgroupDriver string, cpuManagerPolicy string, systemReserved / kubeReserved map[string]string,
  featureGates map[string]bool                                          kubernetes-1.12.0
  topologyManagerPolicy string, allowedUnsafeSysctls []string           kubernetes-1.16.0
  reservedSystemCPUs string                                             kubernetes-1.17.0
  topologyManagerScope string                                           kubernetes-1.20.0
  memoryManagerPolicy string, reservedMemory []MemoryReservation
  (numaNode int32, limits v1.ResourceList)                              kubernetes-1.21.0
  cpuManagerPolicyOptions map[string]string                             kubernetes-1.22.0
  topologyManagerPolicyOptions map[string]string                        kubernetes-1.26.0
  containerRuntimeEndpoint string                                       kubernetes-1.27.0

The policy options are keys of those maps that the kubelet checks at start (an unknown or not yet enabled one
stops it); the version is the first whose default feature gates accept the option:

  full-pcpus-only            KEP-2625 beta in 1.23, CPUManagerPolicyBetaOptions on by default from 1.23
  prefer-closest-numa-nodes  KEP-3545 beta in 1.28, TopologyManagerPolicyBetaOptions on by default from 1.28
  max-allowable-numa-nodes   KEP-4622 beta in 1.31 (on by default), GA in 1.35; an integer of 8 or more
"""

from __future__ import annotations

STR = 'string'
INT32 = 'int32'
QUANTITY = 'quantity'
MEMORY_RESERVATION = {'numaNode': INT32, 'limits': ('map', STR, QUANTITY)}

# field -> (type, first minor)
FIELDS = {
    'apiVersion': (STR, (1, 12)),
    'kind': (STR, (1, 12)),
    'cgroupDriver': (STR, (1, 12)),
    'cpuManagerPolicy': (STR, (1, 12)),
    'cpuManagerPolicyOptions': (('map', STR, STR), (1, 22)),
    'memoryManagerPolicy': (STR, (1, 21)),
    'reservedMemory': (('list', MEMORY_RESERVATION), (1, 21)),
    'topologyManagerPolicy': (STR, (1, 16)),
    'topologyManagerScope': (STR, (1, 20)),
    'topologyManagerPolicyOptions': (('map', STR, STR), (1, 26)),
    'reservedSystemCPUs': (STR, (1, 17)),
    'systemReserved': (('map', STR, STR), (1, 12)),
    'kubeReserved': (('map', STR, STR), (1, 12)),
    'featureGates': (('map', STR, 'bool'), (1, 12)),
    'containerRuntimeEndpoint': (STR, (1, 27)),
    'allowedUnsafeSysctls': (('list', STR), (1, 16)),
}

# map field -> option -> first minor
POLICY_OPTIONS = {
    'cpuManagerPolicyOptions': {'full-pcpus-only': (1, 23)},
    'topologyManagerPolicyOptions': {'prefer-closest-numa-nodes': (1, 28), 'max-allowable-numa-nodes': (1, 31)},
}

# The minors the role supports: 1.28 (the first with --config-dir) to the newest tag read above.
VERSIONS = [(1, minor) for minor in range(28, 37)]


def _type_errors(value, kind, where):
    if kind == STR:
        return [] if isinstance(value, str) else ['%s: a string, not %r' % (where, value)]
    if kind == 'bool':
        return [] if isinstance(value, bool) else ['%s: a boolean, not %r' % (where, value)]
    if kind == INT32:
        ok = isinstance(value, int) and not isinstance(value, bool) and -2 ** 31 <= value < 2 ** 31
        return [] if ok else ['%s: an int32, not %r' % (where, value)]
    if kind == QUANTITY:
        ok = isinstance(value, (str, int)) and not isinstance(value, bool)
        return [] if ok else ['%s: a quantity, not %r' % (where, value)]
    if isinstance(kind, dict):
        if not isinstance(value, dict):
            return ['%s: an object, not %r' % (where, value)]
        errors = ['%s.%s: unknown field' % (where, key) for key in value if key not in kind]
        for key, sub in kind.items():
            errors += _type_errors(value[key], sub, '%s.%s' % (where, key)) if key in value else []
        return errors
    if kind[0] == 'list':
        if not isinstance(value, list):
            return ['%s: a list, not %r' % (where, value)]
        return [e for i, item in enumerate(value) for e in _type_errors(item, kind[1], '%s[%d]' % (where, i))]
    if not isinstance(value, dict):
        return ['%s: a map, not %r' % (where, value)]
    return [e for key, item in value.items()
            for e in _type_errors(key, kind[1], '%s key' % where) + _type_errors(item, kind[2], '%s[%s]' % (where, key))]


def errors(config, version):
    """Why kubelet ``version`` ((1, minor)) would not take ``config`` (a loaded drop-in); [] when it would."""
    if not isinstance(config, dict):
        return ['the drop-in is not a mapping: %r' % (config,)]
    found = []
    if config.get('apiVersion') != 'kubelet.config.k8s.io/v1beta1' or config.get('kind') != 'KubeletConfiguration':
        found.append('apiVersion/kind: not a kubelet.config.k8s.io/v1beta1 KubeletConfiguration')
    for field, value in config.items():
        if field not in FIELDS:
            found.append('%s: unknown field' % field)
            continue
        kind, since = FIELDS[field]
        if version < since:
            found.append('%s: not in KubeletConfiguration before %d.%d' % ((field,) + since))
        found += _type_errors(value, kind, field)
        for option, value in (value.items() if field in POLICY_OPTIONS and isinstance(value, dict) else ()):
            if option not in POLICY_OPTIONS[field]:
                found.append('%s.%s: unknown option' % (field, option))
            elif version < POLICY_OPTIONS[field][option]:
                found.append('%s.%s: not accepted before %d.%d' % ((field, option) + POLICY_OPTIONS[field][option]))
    limit = (config.get('topologyManagerPolicyOptions') or {}).get('max-allowable-numa-nodes')
    if isinstance(limit, str) and not (limit.isdigit() and int(limit) >= 8):
        found.append('topologyManagerPolicyOptions.max-allowable-numa-nodes: an integer of 8 or more, not %r' % limit)
    return found
