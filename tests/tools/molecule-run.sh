#!/usr/bin/env bash
# Run Molecule scenarios, MOLECULE_JOBS at a time (default 1), each with its own apt archive cache
# under $LINUXAI_CACHE_DIR/<scenario>/apt/<release> so parallel scenarios never wait on one apt lock.
# Longest scenarios start first (the order of molecule-order.txt). A scenario's output goes to
# .build/molecule/<scenario>.log; with one job it is also shown live. Prints each scenario's time.
# Debs already in the shared $LINUXAI_CACHE_DIR/apt/<release> seed each scenario's cache.
# On a hosted CI platform (MOLECULE_BASE names molecule/platforms/hosted-<name>.yml) only the scenarios that
# claim it in tests/tools/molecule-hosted.txt run; each other one is printed with its reason, and a run that
# would run no scenario fails.
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

# A hosted platform: keep the scenarios that claim it (see tests/tools/molecule-hosted.txt).
claims=tests/tools/molecule-hosted.txt
platform=$(sed -n 's|.*molecule/platforms/\(hosted-[A-Za-z0-9_.-]*\)\.yml.*|\1|p' <<<"${MOLECULE_BASE:-}")
if [ -n "$platform" ]; then
  # Every row names a scenario and a platform that exist, once, and says yes, or no and why.
  bad=$(awk 'NF && $1 !~ /^#/ {
      cmd = "test -f molecule/" $1 "/molecule.yml && test -f molecule/platforms/" $2 ".yml"
      if (($3 != "yes" || NF > 3) && !($3 == "no" && NF > 3) || seen[$1 " " $2]++ || system(cmd) != 0)
        print FILENAME ":" FNR ": " $0 }' "$claims")
  if [ -n "$bad" ]; then
    printf '=== molecule: rows of %s that are not "scenario platform yes" or "scenario platform no why":\n%s\n' \
      "$claims" "$bad" >&2
    exit 2
  fi
  claimed=()
  for s in "${scenarios[@]}"; do
    claim=$(awk -v s="$s" -v p="$platform" '$1 == s && $2 == p { print $3 }' "$claims")
    if grep -q '^platforms:' "molecule/$s/molecule.yml"; then
      if [ "$claim" = yes ]; then
        echo "=== molecule: $claims claims $platform for $s, whose molecule.yml has platforms: of its own" >&2
        exit 2
      fi
      why="its molecule.yml has platforms: of its own (the local podman images), which replace the hosted one"
    elif [ -z "$claim" ]; then
      why="not claimed (no row in $claims)"
    elif [ "$claim" = yes ]; then
      claimed+=("$s")
      continue
    else
      why=$(awk -v s="$s" -v p="$platform" '$1 == s && $2 == p { sub(/^[^ ]+ +[^ ]+ +no +/, ""); print }' "$claims")
    fi
    echo "=== molecule scenario $s not run on $platform: $why"
  done
  if [ "${#claimed[@]}" = 0 ]; then
    echo "=== molecule: none of the scenarios ${scenarios[*]} claims $platform in $claims: nothing to test" >&2
    exit 1
  fi
  skipped=$(( ${#scenarios[@]} - ${#claimed[@]} ))
  echo "=== molecule on $platform: ${claimed[*]}$([ "$skipped" = 0 ] || echo " ($skipped not run, listed above)")"
  scenarios=("${claimed[@]}")
fi

[ "${#scenarios[@]}" -gt 1 ] || jobs=1

run_one() {
  local s=$1 start rc dir rel
  start=$(date +%s)
  # One archive per release, and any other one the scenario mounts (apt/<release>-<node>: a node of its own,
  # so that two nodes never wait on one apt lock).
  for dir in bookworm trixie $(grep -o 'apt/[a-z0-9-]*:/var/cache/apt/archives' "molecule/$s/molecule.yml" 2>/dev/null \
                                 | sed 's|^apt/||; s|:.*||' | sort -u); do
    rel=${dir%%-*}
    mkdir -p "$base_cache/$s/apt/$dir/partial"
    # Seed from the shared cache of earlier runs (hard links, nothing copied).
    if compgen -G "$base_cache/apt/$rel/*.deb" > /dev/null; then
      cp -aln "$base_cache/apt/$rel/"*.deb "$base_cache/$s/apt/$dir/" 2>/dev/null || true
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
