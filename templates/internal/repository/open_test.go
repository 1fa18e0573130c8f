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
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
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
{%- endif %}
