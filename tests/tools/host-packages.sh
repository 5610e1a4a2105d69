#!/usr/bin/env bash
# Install the host tools the container test bed needs, when they are missing.
set -euo pipefail
# tool:package; rpmbuild and createrepo_c build the simulated Rocky node's repositories (local-rpm-mirror.py).
missing=()
for pair in podman:podman runc:runc debootstrap:debootstrap rpmbuild:rpm createrepo_c:createrepo-c; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "missing ${missing[*]}: run as root or with passwordless sudo, or install them: apt-get install ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing ${missing[*]}: install them with your package manager" >&2
    exit 1
fi
echo "installing ${missing[*]} with apt-get"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
