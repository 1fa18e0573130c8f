# Shell functions that install and start the servers and tools the tests need. Sourced by .ci/run; developers can
# source it too, then call the functions by hand.

# The PostgreSQL role and database the tests use; the tests read the URL from SCAFFOLD_TEST_POSTGRES_URL.
PG_TEST_ROLE=scaffold
PG_TEST_PASSWORD=scaffold
PG_TEST_DB=scaffold_test

# The MariaDB user and database the tests use; the tests read the URL from SCAFFOLD_TEST_MYSQL_URL. The user may
# create and drop every database whose name starts with scaffold_, because each test creates its own.
MYSQL_TEST_USER=scaffold
MYSQL_TEST_PASSWORD=scaffold
MYSQL_TEST_DB=scaffold_test

install_debian_packages() {
    local missing=()
    command -v git >/dev/null || missing+=(git)
    command -v gcc >/dev/null || missing+=(gcc)
    command -v psql >/dev/null || missing+=(postgresql-client)
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
    # Debian ships MariaDB, not MySQL; the generated MySQL projects are tested against it.
    command -v mariadbd >/dev/null || missing+=(mariadb-server)
    command -v mariadb >/dev/null || missing+=(mariadb-client)
    if ((${#missing[@]} > 0)); then
        echo "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The linters that the tests run on every generated project, at the versions this repository's CI tested. The
# generated Makefile pins the same versions.
GO_TOOLS=(
    honnef.co/go/tools/cmd/staticcheck@v0.8.2
    github.com/securego/gosec/v2/cmd/gosec@v2.30.0
    github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
)

# Installs each of GO_TOOLS into $(go env GOPATH)/bin unless the binary there was built from the pinned version,
# which `go version -m` reads from the binary, and puts that folder on PATH.
install_go_tools() {
    local bin tool package version binary
    bin="$(go env GOPATH | cut -d: -f1)/bin"
    for tool in "${GO_TOOLS[@]}"; do
        package=${tool%@*}
        version=${tool#*@}
        binary="$bin/${package##*/}"
        if ! go version -m "$binary" 2>/dev/null | awk -v v="$version" '$1 == "mod" && $3 == v { found = 1 } END { exit !found }'; then
            echo "installing $tool"
            go install "$tool"
        fi
    done
    export PATH="$bin:$PATH"
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

# Starts Debian's MariaDB server on 127.0.0.1:3306 unless it is running, creates the test user and database, and
# exports SCAFFOLD_TEST_MYSQL_URL.
start_mariadb() {
    if ! mariadb-admin ping >/dev/null 2>&1; then
        /etc/init.d/mariadb start
    fi
    for _ in $(seq 1 30); do
        mariadb-admin ping >/dev/null 2>&1 && break
        sleep 1
    done
    mariadb-admin ping

    # Root connects through the Unix socket with unix_socket authentication, as Debian sets it up.
    mariadb -u root <<SQL
CREATE USER IF NOT EXISTS '$MYSQL_TEST_USER'@'127.0.0.1' IDENTIFIED BY '$MYSQL_TEST_PASSWORD';
CREATE USER IF NOT EXISTS '$MYSQL_TEST_USER'@'localhost' IDENTIFIED BY '$MYSQL_TEST_PASSWORD';
GRANT ALL PRIVILEGES ON \`scaffold\_%\`.* TO '$MYSQL_TEST_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`scaffold\_%\`.* TO '$MYSQL_TEST_USER'@'localhost';
CREATE DATABASE IF NOT EXISTS $MYSQL_TEST_DB;
SQL
    export SCAFFOLD_TEST_MYSQL_URL="mysql://$MYSQL_TEST_USER:$MYSQL_TEST_PASSWORD@127.0.0.1:3306/$MYSQL_TEST_DB"
    echo "mariadb: $SCAFFOLD_TEST_MYSQL_URL"
}
