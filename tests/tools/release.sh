#!/usr/bin/env bash
# `make release VERSION=x.y.z`: a release of the collection from a clean checkout.
#   1. checks VERSION (x.y.z, above galaxy.yml's) and the changelog fragments (antsibull-changelog lint);
#   2. sets galaxy.yml's version and turns the fragments into changelogs/changelog.yaml and CHANGELOG.rst
#      (antsibull-changelog release);
#   3. builds .build/linuxai-node-VERSION.tar.gz and tests it as a user gets it (tests/tools/package-test.sh:
#      offline install, ansible-doc of every plugin and role entry point, every playbook's syntax by its
#      collection name) and writes the execution environment's build context (tests/tools/ee.sh);
#   4. prints the commands that commit, tag and publish it. Nothing is committed or published here.
# --rehearse (make release-check, part of make test) does all of it in a temporary copy of the tracked
# files with the next patch version, and leaves the checkout as it was.
# Usage: release.sh VERSION | release.sh --rehearse
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
current=$(sed -n 's/^version: *//p' galaxy.yml)

if [[ ${1:-} = --rehearse ]]; then
    IFS=. read -r major minor patch <<<"$current"
    version=$major.$minor.$(( patch + 1 ))
    work=$(mktemp -d "${TMPDIR:-/tmp}/linuxai-release.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    git ls-files -z | xargs -0 cp --parents -t "$work"
    cd "$work"
    echo "=== release rehearsal of $version (from $current) in $work"
else
    version=${1:?usage: release.sh VERSION (x.y.z)}
    if [[ -n $(git status --porcelain) ]]; then
        echo "release: the checkout has changes; commit or stash them first" >&2
        exit 1
    fi
fi

if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "release: VERSION must be x.y.z (semantic versioning, as Galaxy requires), not '$version'" >&2
    exit 1
fi
if [[ $version = "$current" || $(printf '%s\n%s\n' "$current" "$version" | sort -V | tail -n1) != "$version" ]]; then
    echo "release: VERSION $version must be above galaxy.yml's $current" >&2
    exit 1
fi

antsibull-changelog lint
fragments=$(ls changelogs/fragments/*.yml 2>/dev/null | wc -l)
sed -i "s/^version: .*/version: $version/" galaxy.yml
antsibull-changelog release --version "$version" --date "$(date -u +%Y-%m-%d)"
grep -q "^v$version$" CHANGELOG.rst
[[ $(sed -n 's/^version: *//p' galaxy.yml) = "$version" ]]
echo "changelog: $fragments fragments into CHANGELOG.rst and changelogs/changelog.yaml for $version"

mkdir -p .build
ansible-galaxy collection build --force --output-path .build .
tarball=.build/linuxai-node-$version.tar.gz
[[ -f $tarball ]]
tests/tools/package-test.sh "$tarball"
tests/tools/ee.sh "$tarball"

if [[ ${1:-} = --rehearse ]]; then
    echo "=== release rehearsal of $version passed"
else
    cat <<EOT
Release $version built and tested: $tarball
Next:
  git add galaxy.yml CHANGELOG.rst changelogs && git commit -m "Release $version"
  git tag -s $version -m "linuxai.node $version" && git push origin main $version
  ansible-galaxy collection publish $tarball --api-key "\$GALAXY_API_KEY"
  ansible-builder build -f execution-environment.yml -c .build/ee -t <registry>/linuxai-node-ee:$version
EOT
fi
