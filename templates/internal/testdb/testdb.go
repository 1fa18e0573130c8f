{% if database == "postgres" -%}
// Package testdb gives each test its own empty database.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // Registers the "pgx" database/sql driver.
)

// URL returns a DATABASE_URL for a new, empty schema in the PostgreSQL
// database named by TEST_DATABASE_URL. The URL sets search_path to that
// schema, so tests that run at the same time never see each other's tables.
// The schema is dropped when the test ends. Without TEST_DATABASE_URL, URL
// skips the test, or fails it when the CI variable is set.
func URL(tb testing.TB) string {
	tb.Helper()

	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		skipOrFail(tb, "set it to a postgres:// URL of a database where the user may create schemas to run this test")
	}
	u, err := url.Parse(base)
	if err != nil {
		// The parse error would print the URL, password included.
		tb.Fatal("TEST_DATABASE_URL is not a valid URL; use the form postgres://user:password@host:5432/database")
	}

	var suffix [8]byte
	_, _ = rand.Read(suffix[:])
	schema := "test_" + hex.EncodeToString(suffix[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open TEST_DATABASE_URL: %v", err)
	}
	// The schema name contains only letters, digits and '_', so it is safe
	// to put into the statement text.
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		_ = admin.Close()
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop test schema %s: %v", schema, err)
		}
		if err := admin.Close(); err != nil {
			tb.Errorf("close TEST_DATABASE_URL connection: %v", err)
		}
	})

	query := u.Query()
	query.Set("search_path", schema)
	u.RawQuery = query.Encode()
	return u.String()
}

// SlowQuery runs for 30 seconds unless it is cancelled.
const SlowQuery = "SELECT pg_sleep(30)"

// CorruptUserStatements returns statements that make the users row with the
// given ID fail to scan into service.User: pgx returns the timestamp
// "infinity" as a string, which does not scan into time.Time.
func CorruptUserStatements(id int64) []string {
	return []string{fmt.Sprintf("UPDATE users SET created_at = 'infinity' WHERE id = %d", id)}
}

// skipOrFail ends a test that has no TEST_DATABASE_URL. On a laptop it
// skips, so that go test works without a database. Where CI is set, as CI
// services such as GitHub Actions do, it fails, because there a skip would
// hide a missing database behind a passing run.
func skipOrFail(tb testing.TB, hint string) {
	tb.Helper()
	if runningInCI() {
		tb.Fatal("TEST_DATABASE_URL is not set, and CI is set, so the database tests cannot be skipped; " + hint)
	}
	tb.Skip("TEST_DATABASE_URL is not set; " + hint)
}

// runningInCI reports whether CI is set to anything but a false value such
// as "false" or "0". Some CI services set it to their own name.
func runningInCI() bool {
	value := os.Getenv("CI")
	if value == "" {
		return false
	}
	isTrue, err := strconv.ParseBool(value)
	return err != nil || isTrue
}
{% elif database == "mysql" -%}
// Package testdb gives each test its own empty database.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"{{ module_path }}/internal/repository"
)

// URL returns a DATABASE_URL for a new, empty database on the MySQL or
// MariaDB server of TEST_DATABASE_URL, so tests that run at the same time
// never see each other's tables. The new database is named after the one in
// TEST_DATABASE_URL, cut to 46 characters, with the suffix _t and 16 hex
// digits, and is dropped when the test ends. TEST_DATABASE_URL takes the forms that DATABASE_URL takes,
// and its user needs the CREATE and DROP privileges on databases with such
// names. Without TEST_DATABASE_URL, URL skips the test, or fails it when the
// CI variable is set.
func URL(tb testing.TB) string {
	tb.Helper()

	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		skipOrFail(tb, "set it to a mysql://user:password@host:3306/name URL whose user may create and drop "+
			"databases to run this test")
	}

	ctx := context.Background()
	admin, err := repository.Open(ctx, base, repository.PoolConfig{
		MaxOpenConns:    1,
		MaxIdleConns:    1,
		ConnMaxLifetime: time.Minute,
	})
	if err != nil {
		tb.Fatalf("connect to TEST_DATABASE_URL: %v", err)
	}

	var suffix [8]byte
	_, _ = rand.Read(suffix[:])
	var current string
	if err := admin.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&current); err != nil {
		_ = admin.Close()
		tb.Fatalf("read the database name of TEST_DATABASE_URL: %v", err)
	}
	// MySQL allows 64 characters in a database name, and the suffix takes 18.
	if base := []rune(current); len(base) > 64-18 {
		current = string(base[:64-18])
	}
	name := current + "_t" + hex.EncodeToString(suffix[:])

	// The name is quoted as an identifier, and the suffix contains only hex
	// digits, so it is safe to put into the statement text.
	quoted := "`" + strings.ReplaceAll(name, "`", "``") + "`"
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+quoted); err != nil {
		_ = admin.Close()
		tb.Fatalf("create test database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+quoted); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})

	return withDatabase(tb, base, name)
}

// withDatabase returns databaseURL with its database name replaced by name,
// in the form databaseURL has.
func withDatabase(tb testing.TB, databaseURL, name string) string {
	if strings.HasPrefix(databaseURL, "mysql://") {
		u, err := url.Parse(databaseURL)
		if err != nil {
			// The parse error would print the URL, password included.
			tb.Fatal("TEST_DATABASE_URL is not a valid URL; use the form mysql://user:password@host:3306/name")
		}
		u.Path = "/" + name
		return u.String()
	}
	cfg, err := mysql.ParseDSN(databaseURL)
	if err != nil {
		tb.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	cfg.DBName = name
	return cfg.FormatDSN()
}

// SlowQuery runs for 30 seconds unless it is cancelled.
const SlowQuery = "SELECT SLEEP(30)"

// CorruptUserStatements returns statements that make the users row with the
// given ID fail to scan into service.User: a NULL name does not scan into a
// string. The driver parses every DATETIME value, so the timestamps cannot be
// made invalid.
func CorruptUserStatements(id int64) []string {
	return []string{
		"ALTER TABLE users MODIFY name VARCHAR(100) NULL",
		fmt.Sprintf("UPDATE users SET name = NULL WHERE id = %d", id),
	}
}

// skipOrFail ends a test that has no TEST_DATABASE_URL. On a laptop it
// skips, so that go test works without a database. Where CI is set, as CI
// services such as GitHub Actions do, it fails, because there a skip would
// hide a missing database behind a passing run.
func skipOrFail(tb testing.TB, hint string) {
	tb.Helper()
	if runningInCI() {
		tb.Fatal("TEST_DATABASE_URL is not set, and CI is set, so the database tests cannot be skipped; " + hint)
	}
	tb.Skip("TEST_DATABASE_URL is not set; " + hint)
}

// runningInCI reports whether CI is set to anything but a false value such
// as "false" or "0". Some CI services set it to their own name.
func runningInCI() bool {
	value := os.Getenv("CI")
	if value == "" {
		return false
	}
	isTrue, err := strconv.ParseBool(value)
	return err != nil || isTrue
}
{% else -%}
// Package testdb gives each test its own empty database.
package testdb

import (
	"fmt"
	"path/filepath"
	"testing"
)

// URL returns a DATABASE_URL for a new SQLite file in a temporary folder that
// the test framework removes when the test ends.
func URL(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "test.db")
}

// SlowQuery counts to ten billion, which takes minutes, unless it is
// cancelled. SQLite has no sleep function.
const SlowQuery = `WITH RECURSIVE counter(n) AS (
    SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 10000000000
)
SELECT count(*) FROM counter`

// CorruptUserStatements returns statements that make the users row with the
// given ID fail to scan into service.User: the driver returns a TIMESTAMP
// column that holds unparsable text as a string, which does not scan into
// time.Time.
func CorruptUserStatements(id int64) []string {
	return []string{fmt.Sprintf("UPDATE users SET created_at = 'not a time' WHERE id = %d", id)}
}
{%- endif %}
