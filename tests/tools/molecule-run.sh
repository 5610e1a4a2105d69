#!/usr/bin/env bash
# Run Molecule scenarios, MOLECULE_JOBS at a time (default 1), each with its own apt archive cache
# under $LINUXAI_CACHE_DIR/<scenario>/apt/<release> so parallel scenarios never wait on one apt lock.
# Longest scenarios start first (the order of molecule-order.txt). A scenario's output goes to
# .build/molecule/<scenario>.log; with one job it is also shown live. Prints each scenario's time.
# Debs already in the shared $LINUXAI_CACHE_DIR/apt/<release> seed each scenario's cache.
# Usage: molecule-run.sh SCENARIO... (MOLECULE_BASE holds the -c options)
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${MOLECULE_JOBS:-1}
base_cache=${LINUXAI_CACHE_DIR:?}
logs=.build/molecule
mkdir -p "$logs"

order=tests/tools/molecule-order.txt
scenarios=()
for s in $(grep -v '^#' "$order"); do
  [[ " $* " == *" $s "* ]] && scenarios+=("$s")
done
for s in "$@"; do
  [[ " ${scenarios[*]-} " == *" $s "* ]] || scenarios+=("$s")
done

[ "${#scenarios[@]}" -gt 1 ] || jobs=1

run_one() {
  local s=$1 start rc rel
  start=$(date +%s)
  for rel in bookworm trixie; do
    mkdir -p "$base_cache/$s/apt/$rel/partial"
    # Seed from the shared cache of earlier runs (hard links, nothing copied).
    if compgen -G "$base_cache/apt/$rel/*.deb" > /dev/null; then
      cp -aln "$base_cache/apt/$rel/"*.deb "$base_cache/$s/apt/$rel/" 2>/dev/null || true
    fi
  done
  echo "=== molecule scenario $s started"
  set +e
  if [ "$jobs" = 1 ]; then
    LINUXAI_CACHE_DIR=$base_cache/$s molecule $MOLECULE_BASE test -s "$s" 2>&1 | tee "$logs/$s.log"
    rc=${PIPESTATUS[0]}
  else
    LINUXAI_CACHE_DIR=$base_cache/$s molecule $MOLECULE_BASE test -s "$s" > "$logs/$s.log" 2>&1
    rc=$?
  fi
  set -e
  if [ "$rc" = 0 ]; then
    echo "=== molecule scenario $s passed in $(( $(date +%s) - start )) s"
  else
    [ "$jobs" = 1 ] || tail -n 80 "$logs/$s.log"
    echo "=== molecule scenario $s FAILED after $(( $(date +%s) - start )) s (log: $logs/$s.log)"
  fi
  return "$rc"
}
export -f run_one
export jobs base_cache logs MOLECULE_BASE

start=$(date +%s)
printf '%s\n' "${scenarios[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {}
echo "=== molecule: ${#scenarios[@]} scenarios passed in $(( $(date +%s) - start )) s with $jobs job(s)"
