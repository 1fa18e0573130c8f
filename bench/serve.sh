#!/usr/bin/env bash
# The serve benchmark: builds the generated server for SQLite and PostgreSQL and the hand-written baseline in
# bench/baseline, then runs bench/loadgen against each pair on 127.0.0.1 and prints its tables.
#
# Usage: bench/serve.sh [DURATION] [ROUNDS] [CONNECTIONS] [SEED] [CLIENT]
#   defaults: 10s per measured run, 3 rounds, 50 connections, 10000 seeded users, the Go client.
#   CLIENT wrk sends the load with wrk (Debian's wrk package) instead of loadgen's own Go client.
#   bench/serve.sh 2s 1 runs in about a minute and only checks that everything works.
#
# PostgreSQL runs as a throwaway cluster: initdb in a temporary folder, a free port on 127.0.0.1, default
# settings. It is stopped and deleted on exit, and the machine's own PostgreSQL server is never used. Needs Debian's
# postgresql package, Go and cargo. Run as root, it runs the PostgreSQL programs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10s}
rounds=${2:-3}
connections=${3:-50}
seed=${4:-10000}
client=${5:-go}

repo=$PWD
work=$(mktemp -d /tmp/scaffold-serve-bench.XXXXXX)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres=()
if [[ $(id -u) == 0 ]]; then
    chown postgres: "$work"
    as_postgres=(runuser -u postgres --)
fi

cleanup() {
    if [[ -d $work/pgdata ]]; then
        "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "building scaffold, the generated servers, the baseline and loadgen in $work" >&2
cargo build --release --quiet
scaffold=${CARGO_TARGET_DIR:-$repo/target}/release/scaffold
export GOTOOLCHAIN=local CGO_ENABLED=0
for db in sqlite postgres; do
    "$scaffold" new "$work/$db/billing" --db "$db" --no-git -q
    (cd "$work/$db/billing" && go build -trimpath -o "$work/server-$db" ./cmd/server)
done
(cd bench/baseline && go build -trimpath -o "$work/baseline" .)
(cd bench/loadgen && go build -trimpath -o "$work/loadgen" .)

loadgen=("$work/loadgen" -seed "$seed" -duration "$duration" -rounds "$rounds" -connections "$connections" -client "$client")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); $(go version); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The servers inherit this environment, so a setting exported here changes what is measured.
echo "server settings from the environment: ACCESS_LOG=${ACCESS_LOG-(default)} LOG_LEVEL=${LOG_LEVEL-(default)}"

mkdir -p "$work/logs-sqlite"
"${loadgen[@]}" -label SQLite -log-dir "$work/logs-sqlite" \
    -server "$work/server-sqlite" -server-db "$work/generated.db" \
    -baseline "$work/baseline" -baseline-db "$work/baseline.db"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/pgdata" -A trust -U postgres -E UTF8 >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/postgres.log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $work" start >/dev/null
for database in generated baseline; do
    "${as_postgres[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
done

mkdir -p "$work/logs-postgres"
pg_version=$("$pg_bin/postgres" --version | awk '{ print $3 }')
"${loadgen[@]}" -label "PostgreSQL $pg_version" -log-dir "$work/logs-postgres" \
    -server "$work/server-postgres" -server-db "postgres://postgres@127.0.0.1:$port/generated?sslmode=disable" \
    -baseline "$work/baseline" -baseline-db "postgres://postgres@127.0.0.1:$port/baseline?sslmode=disable"
