{% if database == "postgres" -%}
// Package testdb gives each test its own empty database.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // Registers the "pgx" database/sql driver.
)

// URL returns a DATABASE_URL for a new, empty schema in the PostgreSQL
// database named by TEST_DATABASE_URL. The URL sets search_path to that
// schema, so tests that run at the same time never see each other's tables.
// The schema is dropped when the test ends. URL skips the test when
// TEST_DATABASE_URL is unset.
func URL(tb testing.TB) string {
	tb.Helper()

	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		tb.Skip("TEST_DATABASE_URL is not set; set it to a postgres:// URL of a database " +
			"where the user may create schemas to run this test")
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
{% else -%}
// Package testdb gives each test its own empty database.
package testdb

import (
	"path/filepath"
	"testing"
)

// URL returns a DATABASE_URL for a new SQLite file in a temporary folder that
// the test framework removes when the test ends.
func URL(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "test.db")
}
{%- endif %}
