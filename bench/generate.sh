#!/usr/bin/env bash
# Times `scaffold new --no-git` for the default (SQLite) project with hyperfine and prints the median and the
# number of files. Usage: bench/generate.sh [RUNS]  (default 200). Installs hyperfine from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-200}
if ! command -v hyperfine >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi

cargo build --release --quiet
binary=${CARGO_TARGET_DIR:-$PWD/target}/release/scaffold
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hyperfine --shell=none --warmup 20 --runs "$runs" \
    --prepare "rm -rf $work/billing" \
    --export-json "$work/result.json" \
    "$binary new $work/billing --no-git"

files=$(find "$work/billing" -type f | wc -l)
bytes=$(du -sb "$work/billing" | cut -f1)
python3 - "$work/result.json" "$files" "$bytes" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
print(f"median {result['median'] * 1000:.2f} ms, mean {result['mean'] * 1000:.2f} ms, "
      f"min {result['min'] * 1000:.2f} ms, max {result['max'] * 1000:.2f} ms over {len(result['times'])} runs; "
      f"{sys.argv[2]} files, {sys.argv[3]} bytes on disk")
PY
