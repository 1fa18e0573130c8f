#!/usr/bin/env bash
# Measures what each middleware of the default generated project costs per request, alone and as the whole
# chain, with `go test -bench` over a handler that writes a fixed JSON body. The numbers leave out the network,
# the database and the response headers' effect on the client; docs/benchmarks.md compares them with the cost
# under load. Usage: bench/middleware.sh [COUNT]  (default 5 runs of each benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-5}
cargo build --release --quiet
binary=${CARGO_TARGET_DIR:-$PWD/target}/release/scaffold
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$binary" new "$work/billing" --no-git --quiet
module=$(cd "$work/billing" && go list -m)
sed "s|\"example.com/billing/internal/middleware\"|\"$module/internal/middleware\"|" \
    bench/middleware/chain_test.go > "$work/billing/internal/middleware/chain_bench_test.go"
cd "$work/billing"
go test -run '^$' -bench BenchmarkMiddleware -count "$count" ./internal/middleware/
