#!/usr/bin/env bash
# `make demo`: start a disposable systemd Debian 12 node in podman and provision
# it with playbooks/site.yml. `make demo-clean` removes it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
nodes=(linuxai-demo-node1)
image="localhost/linuxai-node-debian:12"
cache="${LINUXAI_CACHE_DIR:-/var/cache/linuxai-node}/apt/bookworm"

down() {
    for node in "${nodes[@]}"; do
        podman rm -f "$node" >/dev/null 2>&1 && echo "removed $node" || true
    done
}

up() {
    mkdir -p "$cache/partial"
    for node in "${nodes[@]}"; do
        if [[ "$(podman inspect -f '{{.State.Running}}' "$node" 2>/dev/null)" != "true" ]]; then
            podman rm -f "$node" >/dev/null 2>&1 || true
            podman run -d --name "$node" --hostname "$node" --systemd=always --network host \
                -v "$cache:/var/cache/apt/archives:rw" "$image" /sbin/init >/dev/null
            echo "started $node ($image)"
        fi
        for _ in $(seq 1 30); do
            state="$(podman exec "$node" systemctl is-system-running 2>/dev/null || true)"
            [[ "$state" == running || "$state" == degraded ]] && break
            sleep 1
        done
    done
    cd "$repo"
    ansible-playbook -i inventories/demo playbooks/site.yml
    cat <<MSG

Demo node(s) provisioned: ${nodes[*]}
  inspect:  podman exec -it ${nodes[0]} bash
  re-run:   ansible-playbook -i inventories/demo playbooks/site.yml
  remove:   make demo-clean
MSG
}

"${1:-up}"
