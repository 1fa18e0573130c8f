{% if database == "postgres" -%}
package repository

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // Registers the "pgx" database/sql driver.
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// This file holds everything specific to PostgreSQL.

const (
	driverName   = "pgx"
	gooseDialect = goose.DialectPostgres
)

// uniqueViolation is the PostgreSQL SQLSTATE code unique_violation.
const uniqueViolation = "23505"

// dataSourceName returns DATABASE_URL unchanged, because pgx accepts both the
// postgres:// URL and the key=value form.
func dataSourceName(databaseURL string) (string, error) {
	return databaseURL, nil
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == uniqueViolation
}

// isDriverUnavailable reports whether err is a PostgreSQL error that means the
// server refused or dropped the connection: SQLSTATE class 08 (connection
// exception), 53300 (too many connections), 57P01 to 57P03 (the server is
// shutting down, crashed or still starting). pgx returns
// pgconn.ErrConnClosed for a pooled connection whose socket has gone, for
// example when it first cleans up the statements cached on it.
func isDriverUnavailable(err error) bool {
	if errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "53300", "57P01", "57P02", "57P03":
		return true
	}
	return strings.HasPrefix(pgErr.Code, "08")
}

// migratorOptions makes goose hold a PostgreSQL advisory lock while it
// migrates, so that instances starting at the same time apply each migration
// once. A waiting instance retries every second for up to 5 minutes.
func migratorOptions() ([]goose.ProviderOption, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}
{% elif database == "mysql" -%}
package repository

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// This file holds everything specific to MySQL and MariaDB except the SQL
// text, which is in queries.go.

const (
	driverName   = "mysql"
	gooseDialect = goose.DialectMySQL
)

// MySQL server error numbers, the same on MariaDB.
const (
	errDupEntry           = 1062 // ER_DUP_ENTRY: a unique index already has the value.
	errTooManyConns       = 1040 // ER_CON_COUNT_ERROR
	errServerShutdown     = 1053 // ER_SERVER_SHUTDOWN
	errConnectionKilled   = 1927 // ER_CONNECTION_KILLED, MariaDB only.
	errInteractionTimeout = 4031 // ER_CLIENT_INTERACTION_TIMEOUT, MySQL 8.0.24 and later.
)

// dataSourceName turns DATABASE_URL into a go-sql-driver/mysql data source
// name. DATABASE_URL is either a URL, mysql://user:password@host:3306/name,
// or the driver's own form, user:password@tcp(host:3306)/name. Query
// parameters are passed to the driver in both forms.
//
// It overrides two driver settings that the repository relies on:
// parseTime=true returns DATETIME columns as time.Time, and loc=UTC writes and
// reads time.Time values in UTC, because DATETIME stores no time zone.
func dataSourceName(databaseURL string) (string, error) {
	cfg, err := parseConfig(databaseURL)
	if err != nil {
		return "", err
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	return cfg.FormatDSN(), nil
}

func parseConfig(databaseURL string) (*mysql.Config, error) {
	if !strings.HasPrefix(databaseURL, "mysql://") {
		cfg, err := mysql.ParseDSN(databaseURL)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL is neither a mysql:// URL nor a valid "+
				"user:password@tcp(host:3306)/name data source name: %w", err)
		}
		return cfg, nil
	}

	u, err := url.Parse(databaseURL)
	if err != nil {
		// The parse error would print the URL, password included.
		return nil, errors.New("DATABASE_URL is not a valid URL; use the form mysql://user:password@host:3306/name")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("DATABASE_URL names the database %q; use the form mysql://user:password@host:3306/name", name)
	}
	// The driver parses the address and the query parameters. The user name
	// and password are set afterwards, because the driver's form cannot
	// escape every character a password may contain.
	cfg, err := mysql.ParseDSN("tcp(" + u.Host + ")/" + name + "?" + u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	return cfg, nil
}

func isUniqueViolation(err error) bool {
	var mysqlErr *mysql.MySQLError
	return errors.As(err, &mysqlErr) && mysqlErr.Number == errDupEntry
}

// isDriverUnavailable reports whether err means that the server refused or
// dropped the connection. The driver returns mysql.ErrInvalidConn when a
// connection breaks during a statement that database/sql cannot retry.
func isDriverUnavailable(err error) bool {
	if errors.Is(err, mysql.ErrInvalidConn) {
		return true
	}
	var mysqlErr *mysql.MySQLError
	if !errors.As(err, &mysqlErr) {
		return false
	}
	switch mysqlErr.Number {
	case errTooManyConns, errServerShutdown, errConnectionKilled, errInteractionTimeout:
		return true
	}
	return false
}

// migratorOptions makes goose hold a lock row in the goose_lock table while
// it migrates, so that instances starting at the same time apply each
// migration once. MySQL has no advisory lock that goose supports, so the lock
// is a lease: goose renews it every 5 s, and another instance may take it 30 s
// after the holder stopped renewing. A waiting instance retries every 5 s for
// up to 5 minutes.
func migratorOptions() ([]goose.ProviderOption, error) {
	locker, err := lock.NewMySQLTableLocker()
	if err != nil {
		return nil, err
	}
	return []goose.ProviderOption{goose.WithLocker(locker)}, nil
}
{% else -%}
package repository

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file holds everything specific to SQLite.

const (
	driverName   = "sqlite"
	gooseDialect = goose.DialectSQLite3
)

// connectionPragmas apply to every new connection. WAL lets readers run
// while one connection writes. busy_timeout makes a writer wait up to 5 s for
// the lock instead of failing with SQLITE_BUSY. SQLite leaves foreign keys
// off unless each connection turns them on. _time_format=sqlite writes
// time.Time values as "2006-01-02 15:04:05.999999999-07:00", which the driver
// parses back from TIMESTAMP columns.
const connectionPragmas = "_pragma=busy_timeout(5000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_time_format=sqlite"

// dataSourceName turns DATABASE_URL, a file path such as data/{{ app_name }}.db
// or a "file:" URI, into a modernc.org/sqlite data source name. It creates the
// folder of the file if it is missing, but not the folders above it, so that a
// mistyped path fails instead of creating a tree somewhere else.
func dataSourceName(databaseURL string) (string, error) {
	path, query, _ := strings.Cut(databaseURL, "?")
	path = strings.TrimPrefix(path, "file:")

	// Each pooled connection would get its own empty in-memory database, so
	// tables that one connection migrated would be missing on the others.
	if path == ":memory:" || path == "" || strings.Contains(query, "mode=memory") {
		return "", fmt.Errorf("DATABASE_URL %q names an in-memory SQLite database, which the connection pool "+
			"cannot share; use a file path such as data/{{ app_name }}.db", databaseURL)
	}
	dir := filepath.Dir(path)
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("create the database folder (the folder above it must exist): %w", err)
	}

	separator := "?"
	if strings.Contains(databaseURL, "?") {
		separator = "&"
	}
	return databaseURL + separator + connectionPragmas, nil
}

func isUniqueViolation(err error) bool {
	var sqliteErr *sqlite.Error
	return errors.As(err, &sqliteErr) && sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// isDriverUnavailable reports whether err is SQLITE_BUSY or SQLITE_LOCKED,
// which SQLite returns when another connection held the lock for longer than
// busy_timeout. SQLite has no connection to lose, so these are the errors
// after which the request may succeed when retried.
func isDriverUnavailable(err error) bool {
	var sqliteErr *sqlite.Error
	if !errors.As(err, &sqliteErr) {
		return false
	}
	// The low byte of an extended result code is its primary code.
	switch sqliteErr.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}

func migratorOptions() ([]goose.ProviderOption, error) {
	return nil, nil
}
{%- endif %}
