# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a captured-topology tarball of one of the test machines.

    python3 tests/tools/topology-fixture.py hgx_h100 /tmp/hgx.tar.gz

The machines are those of tests/unit/plugins/module_utils/topology/topology_machines.py; the tarball holds
sys/ and proc/ as hwloc-gather-topology lays them out, for topology_facts' root option
and the roles' linuxai_topology_root.
"""
import os
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit", "plugins", "module_utils", "topology"))

import topology_builder  # noqa: E402  pylint: disable=wrong-import-position
import topology_machines  # noqa: E402  pylint: disable=wrong-import-position


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in topology_machines.MACHINES:
        sys.exit("usage: topology-fixture.py {%s} OUT.tar.gz" % ",".join(sorted(topology_machines.MACHINES)))
    machine = topology_machines.MACHINES[sys.argv[1]]()
    with tempfile.TemporaryDirectory() as tree:
        topology_builder.write(machine, tree)
        with tarfile.open(sys.argv[2], "w:gz") as archive:
            for top in ("sys", "proc"):
                archive.add(os.path.join(tree, top), arcname=top)


if __name__ == "__main__":
    main()
