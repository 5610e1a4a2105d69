#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: topology_capture
short_description: Archive the sysfs and procfs files the topology probe reads
version_added: 0.1.0
description:
  - Writes a C(.tar.gz) holding C(NAME/sys/...) and C(NAME/proc/...), the layout of C(hwloc-gather-topology),
    with exactly the files, directories and links M(linuxai.node.topology_facts) reads, so that
    C(topology_facts) with O(linuxai.node.topology_facts#module:root) pointing at the archive answers as it
    does on the node (without the NVML and amdsmi details).
  - Use it for bug reports and to plan roles offline with the play variable C(linuxai_topology_root).
  - Only reads the system; the one thing it writes is the archive.
  - The playbook C(linuxai.node.capture_topology) runs it, fetches the archive to the controller and
    removes it from the node.
author:
  - linuxai.node maintainers (@linuxai)
extends_documentation_fragment:
  - linuxai.node.topology
options:
  dest:
    description:
      - Path of the archive on the managed node. Its directory must exist; an existing file is replaced.
      - By default a new file C(linuxai-topology-*.tar.gz) in the system temporary directory, readable by
        the connecting user only. Remove it when done.
    type: path
  name:
    description:
      - Top directory inside the archive.
      - Defaults to the node's short host name.
    type: str
attributes:
  check_mode:
    support: full
    description: In check mode the tree is read and counted but no archive is written.
  diff_mode:
    support: none
    description: The archive is binary; there is no difference to show.
  platform:
    support: full
    platforms: linux
    description: Reads Linux sysfs and procfs (any architecture).
notes:
  - The archive holds hardware identifiers (PCI addresses, interface names, CPU model) but no MAC or IP
    addresses and no serial numbers; review it before posting it publicly anyway.
seealso:
  - module: linuxai.node.topology_facts
'''

EXAMPLES = r'''
- name: Capture the topology tree to a temporary archive
  linuxai.node.topology_capture:
  register: capture

- name: Bring it to the controller
  ansible.builtin.fetch:
    src: "{{ capture.path }}"
    dest: "captures/{{ inventory_hostname }}.tar.gz"
    flat: true

- name: Remove it from the node
  ansible.builtin.file:
    path: "{{ capture.path }}"
    state: absent
'''

RETURN = r'''
path:
  description: Path of the archive on the managed node (in check mode, where it would be written, or null).
  returned: always
  type: str
  sample: /tmp/linuxai-topology-k2x9a1.tar.gz
name:
  description: Top directory inside the archive.
  returned: always
  type: str
  sample: gpu-node-17
files:
  description: Number of files archived.
  returned: always
  type: int
  sample: 412
links:
  description: Number of symbolic links archived.
  returned: always
  type: int
  sample: 96
size_bytes:
  description: Size of the archive (0 in check mode).
  returned: always
  type: int
  sample: 21504
summary:
  description: The topology summary line of the captured tree.
  returned: always
  type: str
  sample: 2 sockets, 112 cores, 2 NUMA nodes, 8x H100 SXM, 4 NVSwitch, 1x I350, 8x ConnectX-7
'''

import os
import platform
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.linuxai.node.plugins.module_utils._capture import collect, write_archive
from ansible_collections.linuxai.node.plugins.module_utils._topology import TopologyRootError


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type='path', default='/'),
            dest=dict(type='path'),
            name=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    root = module.params['root'] or '/'
    if root == '/' and platform.system() != 'Linux':
        module.fail_json(msg='topology_capture reads Linux sysfs; %s is not supported' % platform.system())
    name = module.params['name'] or platform.node().split('.')[0] or 'node'
    if '/' in name or name in ('.', '..'):
        module.fail_json(msg='name must be a single path component, not %r' % name)
    dest = module.params['dest']
    if dest and not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
        module.fail_json(msg='the directory of dest %s does not exist' % dest)
    try:
        summary, files, dirs, links = collect(root)
    except TopologyRootError as exc:
        module.fail_json(msg=str(exc))
    result = dict(changed=True, name=name, files=len(files), links=len(links), summary=summary, path=dest, size_bytes=0)
    if not module.check_mode:
        if not dest:
            fd, dest = tempfile.mkstemp(prefix='linuxai-topology-', suffix='.tar.gz')
            os.close(fd)
        try:
            result['size_bytes'] = write_archive(dest, name, files, dirs, links)
        except (OSError, IOError) as exc:
            if not module.params['dest'] and os.path.exists(dest):
                os.unlink(dest)
            module.fail_json(msg='cannot write %s: %s' % (dest, exc))
        result['path'] = dest
    module.exit_json(**result)


if __name__ == '__main__':
    main()
