#!/usr/bin/env bash
# The execution environment's build context, checked: `ansible-builder create` on execution-environment.yml
# with the collection TARBALL, into .build/ee (the image itself is built in hosted CI, which has a registry).
# Checks that
#   - the context installs this tarball and the ansible-core, ansible-runner and mitogen that
#     requirements-test.txt tests (the pins of execution-environment.yml follow it);
#   - ansible-builder finds the collection's own controller-side dependencies (meta/execution-environment.yml)
#     in the installed tarball: `ansible-builder introspect` lists each entry of meta/ee-requirements.txt and
#     meta/ee-bindep.txt.
# Usage: ee.sh TARBALL   (after package-test.sh TARBALL, which installs it into .build/install)
set -euo pipefail
cd "$(dirname "$0")/../.."
tarball=$1
context=.build/ee
rm -rf "$context" .build/ee-collection && mkdir -p .build/ee-collection
cp "$tarball" .build/ee-collection/linuxai-node.tar.gz
ansible-builder create -f execution-environment.yml -c "$context" > /dev/null

fail() { echo "ee: $*" >&2; exit 1; }
containerfile=$context/Containerfile
[[ -f $containerfile ]] || fail "ansible-builder wrote no $containerfile"
cmp -s "$tarball" "$context/_build/collections/linuxai-node.tar.gz" || fail "the context does not hold $tarball"
grep -q 'collections/linuxai-node.tar.gz' "$context/_build/requirements.yml" || fail "requirements.yml does not install the tarball"
for pin in ansible-core mitogen; do
    tested=$(grep -E "^$pin==" requirements-test.txt) || fail "no $pin pin in requirements-test.txt"
    grep -rqF -- "$tested" "$containerfile" "$context/_build/requirements.txt" ||
        fail "execution-environment.yml does not pin $tested, the version requirements-test.txt tests"
done

introspected=$(ansible-builder introspect --sanitize .build/install)
for file in meta/ee-requirements.txt meta/ee-bindep.txt; do
    while read -r entry; do
        grep -qF -- "$entry  # from collection linuxai.node" <<<"$introspected" ||
            fail "ansible-builder introspect does not list '$entry' ($file) for linuxai.node"
    done < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$file")
done
echo "ee: $containerfile written (base $(sed -n 's/^ARG EE_BASE_IMAGE="\(.*\)"/\1/p' "$containerfile"),"\
" $(sed -n 's/^ARG ANSIBLE_INSTALL_REFS="\(.*\)"/\1/p' "$containerfile")); the collection's dependencies introspected"
