#!/usr/bin/env bash
# make test's last stage: the Molecule scenarios and the ansible-core matrix's sanity, units and
# target-Python steps side by side (the matrix is controller CPU; the scenarios spend most of their
# time waiting on their nodes' apt and systemd), then the matrix's own Molecule scenario, which reuses
# a scenario's name, instance names and state directory and so waits for the others.
# The matrix logs to .build/matrix.log, shown when it ends.
# Usage: molecule-and-matrix.sh "MATRIX VERSIONS" SCENARIO...   (MOLECULE_BASE as for molecule-run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
read -r -a versions <<<"$1"
shift
log=.build/matrix.log
mkdir -p .build

echo "=== matrix (ansible-core ${versions[*]}) beside Molecule, logging to $log"
MATRIX_STEPS="sanity units target" tests/tools/core-matrix.sh "${versions[@]}" > "$log" 2>&1 &
matrix_pid=$!
molecule_rc=0
tests/tools/molecule-run.sh "$@" || molecule_rc=$?
matrix_rc=0
wait "$matrix_pid" || matrix_rc=$?
if [[ $matrix_rc = 0 ]]; then
    sed -n '/^=== matrix: ansible-core, step/,$p' "$log"
else
    tail -n 120 "$log"
fi
MATRIX_STEPS=molecule tests/tools/core-matrix.sh "${versions[@]}" || matrix_rc=$?
[[ $molecule_rc = 0 && $matrix_rc = 0 ]]
