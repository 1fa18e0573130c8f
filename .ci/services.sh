# Shell functions that install and start the servers the tests need. Sourced by .ci/run; developers can source it
# too, then call the functions by hand.

# The PostgreSQL role and database the tests use; the tests read the URL from SCAFFOLD_TEST_POSTGRES_URL.
PG_TEST_ROLE=scaffold
PG_TEST_PASSWORD=scaffold
PG_TEST_DB=scaffold_test

install_debian_packages() {
    local missing=()
    command -v git >/dev/null || missing+=(git)
    command -v gcc >/dev/null || missing+=(gcc)
    command -v psql >/dev/null || missing+=(postgresql-client)
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
    if ((${#missing[@]} > 0)); then
        echo "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

start_postgres() {
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    if ! pg_lsclusters --no-header | grep -q "^$version "; then
        pg_createcluster "$version" main >/dev/null
    fi
    if ! pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $4 == "online"' | grep -q .; then
        pg_ctlcluster "$version" main start
    fi
    local port
    port=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v { print $3; exit }')
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p "$port" && break
        sleep 1
    done
    pg_isready -h 127.0.0.1 -p "$port"

    su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_TEST_ROLE') THEN
    CREATE ROLE $PG_TEST_ROLE LOGIN PASSWORD '$PG_TEST_PASSWORD' CREATEDB;
  END IF;
END \$\$;
SQL
    if ! su postgres -c "psql -p $port -Atqc \"SELECT 1 FROM pg_database WHERE datname = '$PG_TEST_DB'\"" | grep -q 1; then
        su postgres -c "createdb -p $port -O $PG_TEST_ROLE $PG_TEST_DB"
    fi
    export SCAFFOLD_TEST_POSTGRES_URL="postgres://$PG_TEST_ROLE:$PG_TEST_PASSWORD@127.0.0.1:$port/$PG_TEST_DB?sslmode=disable"
    echo "postgres: $SCAFFOLD_TEST_POSTGRES_URL"
}
