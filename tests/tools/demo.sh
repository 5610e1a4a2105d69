#!/usr/bin/env bash
# `make demo`: start three disposable systemd Debian 12 nodes in podman and provision them in
# parallel with playbooks/site.yml, ending with the fleet report. Two nodes replay captured GPU
# machines (HGX H100, MI300X) through linuxai_topology_root; one is a CPU node.
# `make demo-clean` removes them.
#   LINUXAI_DEMO_FULL=1   also install the CUDA toolkit (Debian's nvidia-cuda-toolkit, ~2 GB: slow)
#   PLAYBOOK=path         run another playbook on the demo nodes (default playbooks/site.yml)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
nodes=(linuxai-demo-hgx linuxai-demo-mi300x linuxai-demo-cpu)
declare -A fixture=([linuxai-demo-hgx]=hgx_h100 [linuxai-demo-mi300x]=mi300x)
image="localhost/linuxai-node-debian:12"
cache_root="${LINUXAI_CACHE_DIR:-/var/cache/linuxai-node}/apt"
playbook="${PLAYBOOK:-playbooks/site.yml}"

down() {
    for node in "${nodes[@]}" linuxai-demo-node1; do
        podman rm -f "$node" >/dev/null 2>&1 && echo "removed $node" || true
    done
}

# apt locks /var/cache/apt/archives, so nodes installing in parallel cannot share one: each node gets
# its own cache directory, seeded with hard links to the shared bookworm cache (no copy, no download).
node_cache() {
    local node="$1" dir="$cache_root/bookworm-$1"
    mkdir -p "$dir/partial" "$cache_root/bookworm"
    find "$cache_root/bookworm" -maxdepth 1 -name '*.deb' -exec cp -ln -t "$dir/" {} + 2>/dev/null || true
    echo "$dir"
}

start() {
    local node="$1"
    if [[ "$(podman inspect -f '{{.State.Running}}' "$node" 2>/dev/null)" != "true" ]]; then
        podman rm -f "$node" >/dev/null 2>&1 || true
        # Privileged, as in the container_runtime scenario: Docker and containerd need it to start.
        podman run -d --privileged --name "$node" --hostname "$node" --systemd=always --network host \
            -v "$(node_cache "$node"):/var/cache/apt/archives:rw" "$image" /sbin/init >/dev/null
        echo "started $node ($image${fixture[$node]:+, replaying ${fixture[$node]}})"
    fi
}

wait_booted() {
    local node="$1" state
    for _ in $(seq 1 30); do
        state="$(podman exec "$node" systemctl is-system-running 2>/dev/null || true)"
        [[ "$state" == running || "$state" == degraded ]] && return 0
        sleep 1
    done
    echo "$node: systemd did not finish booting (state: ${state:-unknown})" >&2
    return 1
}

up() {
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    for node in "${nodes[@]}"; do start "$node"; done
    for node in "${nodes[@]}"; do
        wait_booted "$node"
        if [[ -n "${fixture[$node]:-}" ]]; then
            python3 "$repo/tests/tools/topology-fixture.py" "${fixture[$node]}" "$tmp/${fixture[$node]}.tar.gz" >/dev/null
            podman cp "$tmp/${fixture[$node]}.tar.gz" "$node:/root/${fixture[$node]}.tar.gz"
        fi
    done
    cd "$repo"
    local args=(-i inventories/demo --forks 10)
    if [[ "${LINUXAI_DEMO_FULL:-0}" != 1 && "$playbook" == playbooks/site.yml ]]; then
        args+=(--skip-tags cuda_toolkit)
        echo "NOTE: the demo skips the CUDA toolkit layer (--skip-tags cuda_toolkit) to stay short;"
        echo "      LINUXAI_DEMO_FULL=1 make demo installs it too (Debian's nvidia-cuda-toolkit, about 2 GB)."
    fi
    echo "NOTE: nodes are containers: drivers are installed, nothing is loaded; GPU checks report 'skipped (reason)'."
    echo "NOTE: the HGX replay sets nvidia_driver_fabricmanager: false and nvidia_driver_kernel_modules: proprietary"
    echo "      (inventories/demo/group_vars/nvidia_nodes.yml): Debian 12 packages no Fabric Manager and its open modules"
    echo "      lag its userspace; NVIDIA's repository is unreachable here. It also sets container_runtime_nvidia: false:"
    echo "      the NVIDIA container toolkit is not in Debian and its repository is unreachable here."
    ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks ansible-playbook "${args[@]}" "$playbook"
    cat <<MSG

Demo nodes provisioned in parallel: ${nodes[*]}
  inspect:  podman exec -it ${nodes[0]} bash
  re-run:   ansible-playbook -i inventories/demo playbooks/site.yml
  upgrade:  ansible-playbook -i inventories/demo playbooks/upgrade_driver.yml
  remove:   make demo-clean
MSG
}

"${1:-up}"
