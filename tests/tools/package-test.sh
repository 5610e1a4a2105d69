#!/usr/bin/env bash
# `make package-test`: the built tarball as a user gets it. Installs it offline into .build/install (nothing
# from the checkout on the collection path), then
#   - ansible-doc renders every plugin of every type and every role entry point;
#   - every playbook of the collection passes --syntax-check by its collection name (linuxai.node.site),
#     as a user or an execution environment runs it, with no checkout around it.
# Usage: package-test.sh TARBALL
set -euo pipefail
cd "$(dirname "$0")/../.."
tarball=$1
install=.build/install
rm -rf "$install" && mkdir -p "$install"
export ANSIBLE_COLLECTIONS_PATH=$PWD/$install
ansible-galaxy collection install --offline --no-deps --force -p "$install" "$tarball"
# The run-time dependencies (ansible.posix, community.general) the playbooks name, from the copies the
# `ansible` package bundles, behind the installed copy; never .build/collections, which links the checkout.
bundle=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
export ANSIBLE_COLLECTIONS_PATH=$ANSIBLE_COLLECTIONS_PATH:$bundle
installed=$install/ansible_collections/linuxai/node
# The installed copy, not the checkout's link in .build/collections, must be the one found.
ansible-galaxy collection list linuxai.node --format json | python3 -c '
import json, os, sys
found = [path for path, colls in json.load(sys.stdin).items() if "linuxai.node" in colls]
assert [os.path.realpath(path) for path in found] == [os.path.realpath(sys.argv[1])], found
' "$install/ansible_collections"

ansible-doc -l linuxai.node | tee .build/ansible-doc.txt
grep -q '^linuxai.node.environment_facts' .build/ansible-doc.txt
count=0
for type in module filter strategy test lookup callback inventory; do
    mapfile -t plugins < <(ansible-doc -t "$type" -l linuxai.node --json | python3 -c 'import json, sys; print("\n".join(sorted(json.load(sys.stdin))))' | sed '/^$/d')
    [[ ${#plugins[@]} -gt 0 ]] || continue
    ansible-doc -t "$type" "${plugins[@]}" > /dev/null
    echo "ansible-doc -t $type: ${#plugins[@]} rendered"
    count=$(( count + ${#plugins[@]} ))
done
mapfile -t roles < <(ansible-doc -t role -l linuxai.node --json | python3 -c 'import json, sys; print("\n".join(sorted(json.load(sys.stdin))))')
# One call renders every entry point of every role named; --json gives the count.
ansible-doc -t role "${roles[@]}" > /dev/null
entry_points=$(ansible-doc -t role "${roles[@]}" --json | python3 -c '
import json, sys
print(sum(len(role["entry_points"]) for role in json.load(sys.stdin).values()))')
echo "ansible-doc -t role: ${#roles[@]} roles, $entry_points entry points rendered"
[[ $count -gt 0 && ${#roles[@]} -gt 0 && $entry_points -ge ${#roles[@]} ]]

mapfile -t playbooks < <(ls "$installed"/playbooks/*.yml | xargs -n1 basename | sed 's/\.yml$//; s/^/linuxai.node./')
(cd "$(mktemp -d)" && ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, --syntax-check "${playbooks[@]}" 2>&1 |
    grep -v 'Could not match supplied host pattern')
echo "ansible-playbook --syntax-check: ${#playbooks[@]} playbooks by their collection names: ${playbooks[*]}"
