{% if database == "postgres" -%}
package repository

import (
	"errors"

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
{% else -%}
package repository

import (
	"errors"
	"fmt"
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
// folder of the file if it is missing.
func dataSourceName(databaseURL string) (string, error) {
	path, query, _ := strings.Cut(databaseURL, "?")
	path = strings.TrimPrefix(path, "file:")

	inMemory := path == ":memory:" || path == "" || strings.Contains(query, "mode=memory")
	if !inMemory {
		dir := filepath.Dir(path)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", fmt.Errorf("create database folder %s: %w", dir, err)
		}
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

func migratorOptions() ([]goose.ProviderOption, error) {
	return nil, nil
}
{%- endif %}
