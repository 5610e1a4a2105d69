#!/usr/bin/env bash
# Install the host tools the container test bed needs, when they are missing.
set -euo pipefail
missing=()
for tool in podman runc debootstrap; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "missing ${missing[*]}: run as root or with passwordless sudo, or install them: apt-get install podman runc debootstrap" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing ${missing[*]}: install podman, runc and debootstrap with your package manager" >&2
    exit 1
fi
echo "installing ${missing[*]} with apt-get"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq podman runc debootstrap >/dev/null
