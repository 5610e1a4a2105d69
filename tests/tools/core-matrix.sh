#!/usr/bin/env bash
# `make matrix`: the collection against every ansible-core of its support range (meta/runtime.yml)
# besides the main toolchain's (requirements-test.txt, which make sanity, units and molecule test).
# For each tests/core-matrix/ansible-core-X.Y.txt (its `# controller-python:` line names the Python):
#   - a small virtualenv of those pins, cached like .venv (tests/tools/venv.sh), linked at
#     .build/core-matrix/X.Y;
#   - sanity: `ansible-test sanity` (tests/tools/sanity.sh; MATRIX_SANITY_ARGS narrows it);
#   - units: pytest over tests/unit and the local integration plays, as `make units` runs them;
# on the oldest and the newest core:
#   - target: ansible-test's compile and import tests of the modules and module_utils on the lowest
#     target Python the collection supports (tests/config.yml: python_requires);
# on the newest core:
#   - molecule: one full Molecule scenario (MATRIX_SCENARIO, default topology_facts).
# A failing step does not stop the others; the table at the end lists every step, and the exit status
# is non-zero when any failed. MATRIX_STEPS (default: all) names the steps to run, e.g. "sanity units
# target" (the virtualenv is always made, from the cache when it is there).
# Usage: core-matrix.sh [X.Y ...]   (default: every version in tests/core-matrix)
set -euo pipefail
cd "$(dirname "$0")/../.."
matrix=tests/core-matrix
build=.build/core-matrix
scenario=${MATRIX_SCENARIO:-topology_facts}
read -r -a sanity_args <<<"${MATRIX_SANITY_ARGS:-}"
steps=" ${MATRIX_STEPS:-sanity units target molecule} "
# The lowest target Python: the lower bound of tests/config.yml's modules.python_requires.
target_python=$(sed -n "s/^ *python_requires: *'>=\([0-9.]*\)'.*/\1/p" tests/config.yml)
mkdir -p "$build"

if [[ $# -gt 0 ]]; then
    versions=("$@")
else
    mapfile -t versions < <(ls "$matrix" | sed -n 's/^ansible-core-\([0-9.]*\)\.txt$/\1/p' | sort -V)
fi
all=$(ls "$matrix" | sed -n 's/^ansible-core-\([0-9.]*\)\.txt$/\1/p' | sort -V)
oldest=$(head -n1 <<<"$all")
newest=$(tail -n1 <<<"$all")

# An interpreter X.Y: on PATH (setup-python, distribution packages), else from pyenv.
find_python() {
    local candidate
    for candidate in "$(command -v "python$1" || true)" \
        $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$1".*/bin/"python$1" 2>/dev/null | sort -rV); do
        # A pyenv shim exists for every installed version but runs only the selected ones.
        if [[ -n $candidate ]] && "$candidate" -c '' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "missing Python $1: install it (apt-get install python$1-venv, pyenv install $1, or setup-python)" >&2
    return 1
}

results=()
failed=0
step() {  # step VERSION NAME COMMAND...: run and record one step
    local version=$1 name=$2 start rc
    shift 2
    echo "=== matrix: ansible-core $version $name"
    start=$(date +%s)
    set +e
    "$@"
    rc=$?
    set -e
    results+=("$(printf '%-8s %-9s %-6s %5d s' "$version" "$name" "$([[ $rc = 0 ]] && echo pass || echo FAIL)" $(( $(date +%s) - start )))")
    [[ $rc = 0 ]] || failed=1
}

units() {
    pytest -q -p no:cacheprovider || return
    # The plays need ansible.posix and community.general: this version's own `ansible` bundle where its
    # virtualenv has one, else the main toolchain's (.venv, make collections).
    local collections=$ANSIBLE_COLLECTIONS_PATH
    python3 -c 'import ansible_collections.ansible.posix' 2>/dev/null ||
        collections+=":$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    ANSIBLE_COLLECTIONS_PATH=$collections units_plays
}

units_plays() {
    ansible-playbook -i localhost, -c local tests/integration/topology_facts.yml || return
    ansible-playbook -i localhost, -c local tests/integration/plan.yml || return
    ansible-playbook -i localhost, -c local tests/integration/vendor_data.yml
}

molecule_scenario() {
    make --no-print-directory images
    MOLECULE_BASE="-c molecule/config.yml" tests/tools/molecule-run.sh "$scenario"
}

start_all=$(date +%s)
for version in "${versions[@]}"; do
    req="$matrix/ansible-core-$version.txt"
    [[ -f $req ]] || { echo "no $req"; exit 1; }
    pyver=$(sed -n 's/^# controller-python: *//p' "$req")
    venv="$build/$version"
    python=$(find_python "$pyver")
    step "$version" venv tests/tools/venv.sh "$python" "$venv" "$req"
    [[ -x $venv/bin/ansible-test ]] || continue
    # The version's tools first on PATH: sanity.sh, pytest and Molecule then run with this ansible-core.
    saved_path=$PATH
    export PATH="$PWD/$venv/bin:$PATH"
    ansible --version | sed -n 1p
    [[ $steps != *" sanity "* ]] ||
        step "$version" sanity env SANITY_PYTHON="$pyver" tests/tools/sanity.sh "${sanity_args[@]}"
    [[ $steps != *" units "* ]] || step "$version" units units
    if [[ $steps = *" target "* && ( $version = "$oldest" || $version = "$newest" ) ]]; then
        # ansible-test looks for pythonX.Y on PATH: a directory holding only that one, ahead of shims.
        mkdir -p "$build/target-bin"
        ln -sfn "$(find_python "$target_python")" "$build/target-bin/python$target_python"
        step "$version" "target-py$target_python" env PATH="$PWD/$venv/bin:$PWD/$build/target-bin:$PATH" \
            SANITY_PYTHON="$target_python" tests/tools/sanity.sh --test compile --test import
    fi
    if [[ $steps = *" molecule "* && $version = "$newest" ]]; then
        step "$version" molecule molecule_scenario
    fi
    PATH=$saved_path
done

echo "=== matrix: ansible-core, step, result, time ($(( $(date +%s) - start_all )) s in all)"
printf '%s\n' "${results[@]}"
exit "$failed"
