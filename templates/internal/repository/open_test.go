{% if database == "mysql" -%}
package repository

import (
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

func TestDataSourceName(t *testing.T) {
	tests := []struct {
		name       string
		url        string
		wantUser   string
		wantPasswd string
		wantAddr   string
		wantDB     string
		wantParams map[string]string
	}{
		{ // #nosec G101 -- made-up credentials that test the URL parser
			name:     "url",
			url:      "mysql://app:secret@db.internal:3307/billing",
			wantUser: "app", wantPasswd: "secret", wantAddr: "db.internal:3307", wantDB: "billing",
		},
		{ // #nosec G101 -- made-up credentials that test the URL parser
			name:     "url with default port and escaped password",
			url:      "mysql://app:p%40ss%2Fw%3Ard@localhost/billing?time_zone=%27%2B00%3A00%27",
			wantUser: "app", wantPasswd: "p@ss/w:rd", wantAddr: "localhost:3306", wantDB: "billing",
			wantParams: map[string]string{"time_zone": "'+00:00'"},
		},
		{
			name:     "driver form",
			url:      "app:secret@tcp(127.0.0.1:3306)/billing?parseTime=false&loc=Local",
			wantUser: "app", wantPasswd: "secret", wantAddr: "127.0.0.1:3306", wantDB: "billing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn, err := dataSourceName(tt.url)
			if err != nil {
				t.Fatalf("dataSourceName: %v", err)
			}
			cfg, err := mysql.ParseDSN(dsn)
			if err != nil {
				t.Fatalf("the driver rejects %q: %v", dsn, err)
			}

			if cfg.User != tt.wantUser || cfg.Passwd != tt.wantPasswd {
				t.Errorf("credentials = %q, %q, want %q, %q", cfg.User, cfg.Passwd, tt.wantUser, tt.wantPasswd)
			}
			if cfg.Net != "tcp" || cfg.Addr != tt.wantAddr {
				t.Errorf("address = %s(%s), want tcp(%s)", cfg.Net, cfg.Addr, tt.wantAddr)
			}
			if cfg.DBName != tt.wantDB {
				t.Errorf("DBName = %q, want %q", cfg.DBName, tt.wantDB)
			}
			if !cfg.ParseTime {
				t.Error("ParseTime = false, want true")
			}
			if cfg.Loc != time.UTC {
				t.Errorf("Loc = %s, want UTC", cfg.Loc)
			}
			for key, want := range tt.wantParams {
				if got := cfg.Params[key]; got != want {
					t.Errorf("Params[%q] = %q, want %q", key, got, want)
				}
			}
		})
	}
}

func TestDataSourceNameRejectsInvalidURL(t *testing.T) {
	tests := []string{
		"mysql://app:secret@localhost:3306/",
		"mysql://app:secret@local host/billing",
		"app:secret@tcp(localhost:3306)",
	}
	for _, url := range tests {
		_, err := dataSourceName(url)
		if err == nil {
			t.Errorf("dataSourceName(%q) returned no error", url)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("dataSourceName(%q) error %q reveals the password", url, err)
		}
	}
}
{% else -%}
package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"{{ module_path }}/internal/service"
)

func TestDataSourceNameRejectsInMemory(t *testing.T) {
	for _, url := range []string{":memory:", "file::memory:?cache=shared", "file:db?mode=memory", ""} {
		_, err := dataSourceName(url)
		if err == nil || !strings.Contains(err.Error(), "in-memory SQLite database") {
			t.Errorf("dataSourceName(%q) error = %v, want one about in-memory databases", url, err)
		}
	}
}

func TestDataSourceNameAddsPragmas(t *testing.T) {
	path := t.TempDir() + "/data/app.db"

	dsn, err := dataSourceName(path)

	if err != nil {
		t.Fatalf("dataSourceName: %v", err)
	}
	if want := path + "?" + connectionPragmas; dsn != want {
		t.Errorf("dataSourceName = %q, want %q", dsn, want)
	}
	if _, err := dataSourceName(path); err != nil {
		t.Errorf("dataSourceName with the folder in place: %v", err)
	}
}

func TestDataSourceNameCreatesOnlyTheFileFolder(t *testing.T) {
	root := t.TempDir()

	_, err := dataSourceName(root + "/missing/data/app.db")

	if err == nil || !strings.Contains(err.Error(), "the folder above it must exist") {
		t.Errorf("dataSourceName error = %v, want one saying the folder above must exist", err)
	}
	if _, err := os.Stat(root + "/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dataSourceName created %s/missing: %v", root, err)
	}
}

// A write that waits longer than busy_timeout for another connection's lock
// fails with SQLITE_BUSY, which must reach the API as an outage (503) that a
// client may retry, not as an internal error.
func TestBusyDatabaseIsUnavailable(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/busy.db"
	holder, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = holder.Close() })
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatalf("conn: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	t.Cleanup(func() { _, _ = conn.ExecContext(ctx, "ROLLBACK") })

	waiter, err := sql.Open(driverName, path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = waiter.Close() })
	_, err = waiter.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")

	if err == nil {
		t.Fatal("a write while another connection holds the lock succeeded, want SQLITE_BUSY")
	}
	if got := translate(err); !errors.Is(got, service.ErrUnavailable) {
		t.Errorf("translate(%v) = %v, want service.ErrUnavailable", err, got)
	}
}

// With busy_timeout at 0, a write that finds another connection's write lock
// fails at once with SQLITE_BUSY. The store queues its writes in the
// process, so concurrent creates on several connections never meet it.
func TestConcurrentWritesAreQueued(t *testing.T) {
	ctx := context.Background()
	dsn, err := dataSourceName(t.TempDir() + "/queued.db")
	if err != nil {
		t.Fatalf("dataSourceName: %v", err)
	}
	noWait := strings.Replace(dsn, "busy_timeout(5000)", "busy_timeout(0)", 1)
	if noWait == dsn {
		t.Fatalf("no busy_timeout(5000) to replace in %q", dsn)
	}
	db, err := sql.Open(driverName, noWait)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(8)
	migrator, err := NewMigrator(db)
	if err != nil {
		t.Fatalf("NewMigrator: %v", err)
	}
	if _, err := migrator.Up(ctx); err != nil {
		t.Fatalf("apply migrations: %v", err)
	}
	store := NewUsers(db)

	const writers = 50
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	now := time.Now().UTC()
	for i := range writers {
		wg.Go(func() {
			email := fmt.Sprintf("queued%d@example.com", i)
			_, err := store.Create(ctx, service.User{Name: "Queued", Email: email, CreatedAt: now, UpdatedAt: now})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)

	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Log(err)
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d concurrent creates failed, want none", failed, writers)
	}
}
{%- endif %}
