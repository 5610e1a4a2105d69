#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out as
# ansible_collections/linuxai/node (ansible-test requires that layout).
# Extra arguments go to ansible-test (e.g. a list of files, or --test pylint).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/linuxai-sanity.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/linuxai/node"
python="${SANITY_PYTHON:-3.11}"

# ansible-test shares its virtualenv cache (~/.ansible/test/venv): one run at a time.
exec 9>"${TMPDIR:-/tmp}/linuxai-sanity.lock"
flock 9

# ansible-test bootstraps pip in its per-test virtualenvs with a script fetched
# from ci-files.testing.ansible.com; where that host is unreachable, use ours.
pip_version="$(python3 - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements as r
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(r.get_venv_packages)).group(1))
PY
)"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [[ ! -f "$cache" ]] && ! timeout 10 python3 -c 'import urllib.request; urllib.request.urlopen("https://ci-files.testing.ansible.com/", timeout=8)' 2>/dev/null; then
    mkdir -p "$(dirname "$cache")"
    cp "$repo/tests/tools/get_pip_offline.py" "$cache"
fi

mkdir -p "$dest"
cd "$repo"
git ls-files -co --exclude-standard -z | tar --null -T - -c | tar -x -C "$dest"
cd "$dest"
# Give the copy its own git index so ansible-test lists exactly the files copied.
git init -q . && git add -A
ansible-test sanity --venv --python "$python" --color no "$@"
