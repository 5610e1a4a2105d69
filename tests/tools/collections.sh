#!/usr/bin/env bash
# Make the collections the project needs available under DEST:
#   - linuxai.node itself (a link to this checkout),
#   - ansible.posix, community.general, containers.podman from Galaxy when it is
#     reachable, otherwise the copies bundled in the PyPI `ansible` package.
set -euo pipefail
dest="${1:?usage: collections.sh DEST}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$dest/ansible_collections/linuxai"
ln -sfn ../../../.. "$dest/ansible_collections/linuxai/node"

needed=(ansible.posix community.general containers.podman)
stamp="$dest/.collections-source"
if [[ -f "$stamp" ]]; then
    echo "collections: $(cat "$stamp")"
    exit 0
fi

if timeout 15 python3 -c 'import urllib.request; urllib.request.urlopen("https://galaxy.ansible.com/api/", timeout=10)' 2>/dev/null; then
    ansible-galaxy collection install -r "$repo/requirements.yml" -r "$repo/tests/requirements.yml" -p "$dest"
    echo "Galaxy" >"$stamp"
else
    for name in "${needed[@]}"; do
        ns="${name%%.*}" coll="${name#*.}"
        python3 - "$ns" "$coll" <<'PY' || { echo "collection $name is missing: Galaxy is unreachable and the PyPI 'ansible' package (requirements-test.txt) does not provide it"; exit 1; }
import importlib, sys
importlib.import_module("ansible_collections.%s.%s" % (sys.argv[1], sys.argv[2]))
PY
    done
    echo "the PyPI ansible bundle (Galaxy unreachable)" >"$stamp"
fi
echo "collections: $(cat "$stamp")"
