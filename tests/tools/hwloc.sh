#!/usr/bin/env bash
# Make lstopo-no-graphics (package "hwloc" on Debian, Ubuntu and Fedora) available to the lstopo
# agreement test, tests/unit/plugins/module_utils/topology/test_topology_lstopo.py.
#
#   tests/tools/hwloc.sh            # make units: install it when possible, else say the test is skipped
#   tests/tools/hwloc.sh --require  # make test: install it or fail
set -euo pipefail
require=false
[[ ${1:-} == --require ]] && require=true
command -v lstopo-no-graphics >/dev/null 2>&1 && exit 0

message="lstopo-no-graphics not found: install the hwloc package (apt-get install hwloc, dnf install hwloc)"
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    sudo=(false)
fi
if [[ ${sudo[0]:-} != false ]]; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "installing hwloc with apt-get (for the lstopo agreement test)"
        export DEBIAN_FRONTEND=noninteractive
        "${sudo[@]}" apt-get install -y -qq hwloc >/dev/null 2>&1 \
            || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq hwloc >/dev/null; } || true
    elif command -v dnf >/dev/null 2>&1; then
        echo "installing hwloc with dnf (for the lstopo agreement test)"
        "${sudo[@]}" dnf install -y -q hwloc >/dev/null || true
    fi
fi
command -v lstopo-no-graphics >/dev/null 2>&1 && exit 0
if $require; then
    echo "$message; make test runs the lstopo agreement test and needs it" >&2
    exit 1
fi
echo "$message; the lstopo agreement test (tests/unit/plugins/module_utils/topology/test_topology_lstopo.py) is skipped" >&2
