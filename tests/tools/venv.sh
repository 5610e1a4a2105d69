#!/usr/bin/env bash
# Make .venv: the pinned tools of requirements-test.txt. The virtualenv itself lives in the cache
# ($LINUXAI_CACHE_DIR/venv/<hash of requirements-test.txt>-py<version>) and .venv links to it, so a fresh
# clone (what CI runs) reuses it instead of installing the ~500 MB of tools again. A .venv that is a
# directory of its own (an older checkout) is kept and brought up to date in place.
# REQUIREMENTS (default requirements-test.txt) is another pinned list: `make matrix` makes its small
# per-ansible-core virtualenvs so (tests/core-matrix/*.txt).
# Usage: venv.sh PYTHON VENV [REQUIREMENTS]
set -euo pipefail
python="${1:?usage: venv.sh PYTHON VENV [REQUIREMENTS]}"
venv="${2:?usage: venv.sh PYTHON VENV [REQUIREMENTS]}"
req="${3:-$(dirname "$0")/../../requirements-test.txt}"

command -v "$python" >/dev/null || { echo "missing $python: install Python 3.11+ (apt-get install python3 python3-venv)"; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required; $python is $("$python" --version)"; exit 1; }
"$python" -m venv --help >/dev/null 2>&1 || { echo "missing the venv module: apt-get install python3-venv"; exit 1; }

install() {
    "$python" -m venv "$1"
    "$1/bin/pip" install -q --upgrade pip
    "$1/bin/pip" install -q -r "$req"
}

if [[ -d "$venv" && ! -L "$venv" ]]; then
    install "$venv"
    exit 0
fi

pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
cached="${LINUXAI_CACHE_DIR:?}/venv/$(sha256sum "$req" | cut -c1-16)-py$pyver"
mkdir -p "$(dirname "$cached")"
exec 9>"$cached.lock"
flock 9
if [[ ! -f "$cached/.complete" ]]; then
    echo "creating the virtualenv $cached ($(basename "$req"))"
    rm -rf "$cached"
    install "$cached"
    touch "$cached/.complete"
else
    echo "reusing the virtualenv $cached ($(basename "$req"))"
fi
ln -sfn "$cached" "$venv"
