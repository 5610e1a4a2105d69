# linuxai.node - development and test entry points. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

REPO        := $(abspath .)
PYTHON      ?= python3
VENV        := $(REPO)/.venv
BUILD       := $(REPO)/.build
COLLECTIONS := $(BUILD)/collections
CACHE_DIR   ?= /var/cache/linuxai-node
SCENARIO    ?=
# Scenarios run at once by `make molecule` (each has its own apt cache, so they never share a lock).
MOLECULE_JOBS ?= 2
export MOLECULE_JOBS
# Molecule platforms: empty = the local Debian 12/13 podman images; hosted-<name>
# picks molecule/platforms/hosted-<name>.yml (docker driver, hosted CI only).
LINUXAI_PLATFORM ?=

export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_INJECT_FACT_VARS := false
export CONTAINERS_CONF := $(REPO)/tests/containers/containers.conf
export LINUXAI_CACHE_DIR := $(CACHE_DIR)
export ANSIBLE_FORCE_COLOR ?= false
export PY_COLORS ?= 0

SUDO := $(shell [ "$$(id -u)" = 0 ] && echo "" || echo sudo)
SCENARIOS = $(if $(SCENARIO),$(SCENARIO),$(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))
MOLECULE_BASE = -c molecule/config.yml $(if $(LINUXAI_PLATFORM),-c molecule/platforms/$(LINUXAI_PLATFORM).yml)

.PHONY: help test lint sanity units molecule images demo demo-clean bench build package-test \
        setup venv collections host-packages clean matrix molecule-and-matrix ee release release-check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

test: setup lint sanity units release-check images molecule-and-matrix ## Everything CI runs
	@echo "make test: all steps passed"

setup: venv collections ## Python tools and collections

venv: $(VENV)/.stamp
$(VENV)/.stamp: requirements-test.txt
	@tests/tools/venv.sh "$(PYTHON)" "$(VENV)"
	touch $@

collections: venv ## ansible.posix, community.general, containers.podman (Galaxy, else the ansible bundle)
	@tests/tools/collections.sh "$(COLLECTIONS)"

host-packages: ## podman, runc and debootstrap from apt when missing
	@tests/tools/host-packages.sh

images: host-packages ## Build the cached systemd Debian 12/13 node images
	@tests/tools/build-image.sh bookworm localhost/linuxai-node-debian:12
	@tests/tools/build-image.sh trixie localhost/linuxai-node-debian:13

lint: setup ## yamllint, ansible-lint, actionlint, changelog, argument specs
	yamllint --strict .
	ansible-lint --offline
	antsibull-changelog lint
	python3 tests/tools/check-argument-specs.py
	actionlint -no-color .github/workflows/*.yml

sanity: setup ## ansible-test sanity on a copy laid out as ansible_collections/linuxai/node
	tests/tools/sanity.sh

# make test runs the lstopo agreement test always (hwloc installed or the run fails); make units skips
# it, naming the package, when hwloc cannot be installed.
test: export LINUXAI_REQUIRE_LSTOPO := 1

units: setup ## pytest unit tests of the plugins, and the local (container-free) Ansible integration tests
	@tests/tools/hwloc.sh $(if $(LINUXAI_REQUIRE_LSTOPO),--require)
	pytest
	ansible-playbook -i localhost, -c local tests/integration/topology_facts.yml
	ansible-playbook -i localhost, -c local tests/integration/plan.yml
	ansible-playbook -i localhost, -c local tests/integration/vendor_data.yml

molecule: setup $(if $(LINUXAI_PLATFORM),,images) ## Molecule scenarios (SCENARIO=name for one; MOLECULE_JOBS=n at a time)
	@MOLECULE_BASE="$(MOLECULE_BASE)" tests/tools/molecule-run.sh $(SCENARIOS)

# make test: the scenarios and the matrix side by side (tests/tools/molecule-and-matrix.sh)
molecule-and-matrix: setup images
	@MOLECULE_BASE="$(MOLECULE_BASE)" tests/tools/molecule-and-matrix.sh "$(MATRIX)" $(SCENARIOS)

# MATRIX=X.Y for one version; MATRIX_SANITY_ARGS narrows ansible-test sanity (e.g. --test validate-modules).
MATRIX ?=
# make test runs the ends of the range (the main toolchain's 2.19 is in between); the hosted workflow runs
# every version of tests/core-matrix, one job each.
test: MATRIX = $(MATRIX_ENDS)
MATRIX_ENDS = $(shell ls tests/core-matrix | sed -n 's/^ansible-core-\([0-9.]*\)\.txt$$/\1/p' | sort -V | sed -n '1p;$$p')
matrix: setup ## Sanity and units on every other ansible-core of the support range, Molecule on the newest
	@tests/tools/core-matrix.sh $(MATRIX)

build: setup ## Build the collection tarball into .build/
	ansible-galaxy collection build --force --output-path $(BUILD) .

COLLECTION_VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL = $(BUILD)/linuxai-node-$(COLLECTION_VERSION).tar.gz

package-test: build ## The built tarball as users get it: offline install, ansible-doc of every plugin and role entry point, playbooks by collection name
	@tests/tools/package-test.sh $(TARBALL)

ee: package-test ## Execution environment build context in .build/ee (ansible-builder create), checked; docs/releasing.md
	@tests/tools/ee.sh $(TARBALL)

VERSION ?=
release: setup ## Release VERSION=x.y.z: galaxy.yml, changelog, tarball tested, execution environment context (commits nothing)
	@tests/tools/release.sh "$(VERSION)"

release-check: setup ## Rehearse a release in a temporary copy (make test runs it)
	@tests/tools/release.sh --rehearse

demo: setup images ## Three local container nodes (HGX H100 and MI300X replays, a CPU node) provisioned in parallel by playbooks/site.yml
	@tests/tools/demo.sh up

demo-clean: ## Remove the demo nodes
	@tests/tools/demo.sh down

bench: setup images ## Benchmarks, not part of make test: site.yml no-op re-run and fan-out to 1/4/16 container nodes
	$(VENV)/bin/python benchmarks/site.py --json $(BUILD)/bench-site.json $(BENCH_ARGS)

clean: demo-clean ## Remove build output (keeps .venv, images and the package cache, where the tools' virtualenv lives)
	rm -rf $(BUILD)/sanity $(BUILD)/install $(BUILD)/*.tar.gz
