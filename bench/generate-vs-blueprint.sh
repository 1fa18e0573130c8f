#!/usr/bin/env bash
# Compares `scaffold new --no-git` with `go-blueprint create` (v0.10.11, standard library, SQLite, `--git skip`)
# in one run with bench/gentime, which alternates the tools and prints medians and ratios.
#
# Usage: bench/generate-vs-blueprint.sh [RUNS] [TEST_RUNS]   (defaults: 20 generations, 3 generate-and-test runs)
#
# go-blueprint is built from its module source at that version: `go mod download` fetches it by exact version,
# and `go build` runs in its folder in the module cache. `go install MODULE@VERSION` is not used, because it also
# asks the proxy for the module's version list to check for deprecation, and a proxy that rejects that request
# rejects the install. Its `create` runs `go get -u` and `go mod tidy`, which ask the module proxy for the latest versions, so this
# benchmark needs access to GOPROXY and its go-blueprint times include those requests. Its SQLite driver uses
# cgo, so `go test` on its project needs gcc.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
test_runs=${2:-3}
blueprint_version=v0.10.11

work=$(mktemp -d /tmp/scaffold-generate-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
mkdir "$work/bin"
if ! source_dir=$(GOTOOLCHAIN=local go mod download -json "github.com/melkeydev/go-blueprint@$blueprint_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || [ -z "$source_dir" ]; then
    echo "error: go mod download github.com/melkeydev/go-blueprint@$blueprint_version failed (output above);" \
        "check GOPROXY and network access" >&2
    exit 1
fi
(cd "$source_dir" && GOTOOLCHAIN=local go build -o "$work/bin/go-blueprint" .)
(cd bench/gentime && GOTOOLCHAIN=local go build -o "$work/gentime" .)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); $(go version); load average $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir "$work/projects"
"$work/gentime" -scaffold "${CARGO_TARGET_DIR:-$PWD/target}/release/scaffold" -blueprint "$work/bin/go-blueprint" \
    -work "$work/projects" -runs "$runs" -test-runs "$test_runs"
