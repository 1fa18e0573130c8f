package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
{%- if database == "sqlite" %}
	"path/filepath"
{%- endif %}
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
{%- if database != "none" %}

	"{{ module_path }}/internal/repository"
	"{{ module_path }}/internal/testdb"
{%- endif %}
)

// freePort returns a loopback TCP port that was free a moment ago. Another
// process can take it before run listens, which would fail the test with a
// clear listen error.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatalf("close probe listener: %v", err)
	}
	return strconv.Itoa(port)
}

func getenvFrom(values map[string]string) func(string) string {
	return func(key string) string { return values[key] }
}

// waitHealthy polls /healthz until it returns 200 or run fails.
func waitHealthy(t *testing.T, baseURL string, runErr <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-runErr:
			t.Fatalf("run returned before serving: %v", err)
		default:
		}
		resp, err := http.Get(baseURL + "/healthz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not become healthy within 10s")
}

// syncBuffer is a bytes.Buffer that the server goroutines and the test can
// use at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

{% if database != "none" -%}
func TestSharedPing(t *testing.T) {
	var calls atomic.Int32
	ping := sharedPing(func(context.Context) error {
		calls.Add(1)
		time.Sleep(10 * time.Millisecond)
		return nil
	}, time.Hour)

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := ping(context.Background()); err != nil {
				t.Errorf("ping: %v", err)
			}
		})
	}
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("50 concurrent checks pinged %d times, want 1", got)
	}

	expired := sharedPing(func(context.Context) error {
		calls.Add(1)
		return nil
	}, 0)
	calls.Store(0)
	_ = expired(context.Background())
	_ = expired(context.Background())
	if got := calls.Load(); got != 2 {
		t.Errorf("checks after the interval pinged %d times, want 2", got)
	}
}

// TestSharedPingOncePerInterval checks that a call that races with the end
// of a ping gets that ping's result instead of starting another one.
func TestSharedPingOncePerInterval(t *testing.T) {
	for range 200 {
		var calls atomic.Int32
		ping := sharedPing(func(context.Context) error {
			calls.Add(1)
			return nil
		}, time.Hour)

		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { _ = ping(context.Background()) })
		}
		wg.Wait()

		if got := calls.Load(); got != 1 {
			t.Fatalf("8 concurrent checks pinged %d times, want 1", got)
		}
	}
}

// TestSharedPingOutlivesCaller checks that a caller that gives up returns at
// once without cancelling the ping that others wait on, and that the ping's
// result is then kept.
func TestSharedPingOutlivesCaller(t *testing.T) {
	errDown := errors.New("database down")
	started, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	ping := sharedPing(func(ctx context.Context) error {
		calls.Add(1)
		close(started)
		select {
		case <-release:
			return errDown
		case <-ctx.Done():
			return ctx.Err()
		}
	}, time.Hour)

	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() { firstErr <- ping(first) }()
	<-started
	secondErr := make(chan error, 1)
	go func() { secondErr <- ping(context.Background()) }()

	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller got %v, want context.Canceled", err)
	}
	close(release)
	if err := <-secondErr; !errors.Is(err, errDown) {
		t.Errorf("waiting caller got %v, want the ping's result, %v", err, errDown)
	}
	if err := ping(context.Background()); !errors.Is(err, errDown) {
		t.Errorf("ping within the interval = %v, want the kept result, %v", err, errDown)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("pinged %d times, want 1", got)
	}
}

// TestSharedPingKeepsDeadline checks that the shared ping ends at the
// deadline of the call that started it.
func TestSharedPingKeepsDeadline(t *testing.T) {
	ended := make(chan error, 1)
	ping := sharedPing(func(ctx context.Context) error {
		<-ctx.Done()
		ended <- ctx.Err()
		return ctx.Err()
	}, time.Hour)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := ping(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ping = %v, want context.DeadlineExceeded", err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the shared ping ended with %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the shared ping did not end at the caller's deadline")
	}
}

{% endif -%}
// envWithPortInUse returns the settings of a server whose port is taken, so
// that run stops at the listen error after the start-up steps before it.
func envWithPortInUse(t *testing.T) map[string]string {
	t.Helper()
	occupied, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { _ = occupied.Close() })
	env := map[string]string{
		"HOST":       "127.0.0.1",
		"PORT":       strconv.Itoa(occupied.Addr().(*net.TCPAddr).Port),
		"LOG_FORMAT": "json",
	}
{%- if database != "none" %}
	env["DATABASE_URL"] = testdb.URL(t)
{%- endif %}
	return env
}

// runLogEntry is the part of a JSON log line of run that the tests check.
type runLogEntry struct {
	Level   string `json:"level"`
	Msg     string `json:"msg"`
	Error   string `json:"error"`
	Warning string `json:"warning"`
}

// runLogEntries decodes the JSON log lines in logs, failing the test on a
// line that is not JSON.
func runLogEntries(t *testing.T, logs *bytes.Buffer) []runLogEntry {
	t.Helper()
	var entries []runLogEntry
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var entry runLogEntry
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		entries = append(entries, entry)
	}
	return entries
}

// TestRunLogsFailure checks that an error after the logger exists, here a
// port that is taken, ends run with one JSON log line that gives the reason,
// and that main will not print it a second time.
func TestRunLogsFailure(t *testing.T) {
	getenv := getenvFrom(envWithPortInUse(t))
	var logs bytes.Buffer

	err := run(context.Background(), []string{"server"}, getenv, io.Discard, &logs)

	if !errors.As(err, new(loggedError)) {
		t.Fatalf("run error = %v, want a loggedError", err)
	}
	var failures int
	for _, entry := range runLogEntries(t, &logs) {
		if entry.Level == "ERROR" && entry.Msg == "server failed" {
			failures++
			if !strings.HasPrefix(entry.Error, "listen tcp 127.0.0.1:") {
				t.Errorf("error attribute = %q, want the listen error", entry.Error)
			}
		}
	}
	if failures != 1 {
		t.Errorf("%d server failed lines, want 1; logs:\n%s", failures, logs.String())
	}
}

// TestRunLogsWarningsAtErrorLevel checks that a start-up warning survives a
// LOG_LEVEL that drops warnings. The listen error then ends the run early.
func TestRunLogsWarningsAtErrorLevel(t *testing.T) {
	env := envWithPortInUse(t)
	env["LOG_LEVEL"] = "error"
	env["ACCESS_LOG"] = "true"
	var logs bytes.Buffer

	_ = run(context.Background(), []string{"server"}, getenvFrom(env), io.Discard, &logs)

	var warnings []string
	for _, entry := range runLogEntries(t, &logs) {
		if entry.Msg == "risky setting" {
			if entry.Level != "ERROR" {
				t.Errorf("risky setting logged at %s, want ERROR", entry.Level)
			}
			warnings = append(warnings, entry.Warning)
		}
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], "ACCESS_LOG is true, but LOG_LEVEL error drops") {
		t.Errorf("warnings = %q, want the one about ACCESS_LOG; logs:\n%s", warnings, logs.String())
	}
}

func TestRunServesAndStops(t *testing.T) {
	port := freePort(t)
	getenv := getenvFrom(map[string]string{
		"HOST":             "127.0.0.1",
		"PORT":             port,
{%- if database != "none" %}
		"DATABASE_URL":     testdb.URL(t),
{%- endif %}
		"LOG_FORMAT":       "json",
		"ACCESS_LOG":       "true",
		"SHUTDOWN_TIMEOUT": "5s",
	})
	baseURL := "http://127.0.0.1:" + port
	logs := &syncBuffer{}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runErr := make(chan error, 1)
	go func() {
		runErr <- run(ctx, []string{"server"}, getenv, io.Discard, logs)
	}()
	waitHealthy(t, baseURL, runErr)

	resp, err := http.Post(baseURL+"/v1/users", "application/json",
		strings.NewReader(`{"name":"Ada","email":"ada@example.com"}`))
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create status = %d, want 201", resp.StatusCode)
	}
	location := resp.Header.Get("Location")

	resp, err = http.Get(baseURL + location)
	if err != nil {
		t.Fatalf("get user: %v", err)
	}
	var user struct {
		Email string `json:"email"`
	}
	err = json.NewDecoder(resp.Body).Decode(&user)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatalf("decode user: %v", err)
	}
	if resp.StatusCode != http.StatusOK || user.Email != "ada@example.com" {
		t.Errorf("GET %s = %d with email %q, want 200 with ada@example.com", location, resp.StatusCode, user.Email)
	}

	resp, err = http.Get(baseURL + "/readyz")
	if err != nil {
		t.Fatalf("readyz: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("readyz status = %d, want 200", resp.StatusCode)
	}

	err = run(ctx, []string{"server", "healthcheck"}, getenv, io.Discard, io.Discard)
	if err != nil {
		t.Errorf("healthcheck against the running server: %v", err)
	}

	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Errorf("run returned %v, want nil after cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of cancellation")
	}
{% if database == "none" %}
	for _, msg := range []string{`"msg":"server started"`, `"msg":"http request"`, `"msg":"server stopped"`} {
{%- else %}
	for _, msg := range []string{`"msg":"migration applied"`, `"msg":"server started"`, `"msg":"http request"`, `"msg":"server stopped"`} {
{%- endif %}
		if !strings.Contains(logs.String(), msg) {
			t.Errorf("logs lack %s:\n%s", msg, logs.String())
		}
	}
}

func TestRunPrintsHelp(t *testing.T) {
	for _, name := range []string{"-h", "-help", "--help", "help", "healthcheck -h", "migrate --help"} {
		args := strings.Fields(name)
		t.Run(name, func(t *testing.T) {
			var stdout strings.Builder
			// An invalid setting shows that help does not depend on the environment.
			getenv := getenvFrom(map[string]string{"PORT": "not-a-port"})

			err := run(context.Background(), append([]string{"server"}, args...), getenv, &stdout, io.Discard)
			if err != nil {
				t.Fatalf("run %s: %v", name, err)
			}
			if !strings.HasPrefix(stdout.String(), "Usage:") || !strings.Contains(stdout.String(), "healthcheck") {
				t.Errorf("run %s printed %q, want the usage text", name, stdout.String())
			}
		})
	}
}

func TestRunRejectsInvalidConfig(t *testing.T) {
	getenv := getenvFrom(map[string]string{"PORT": "http", "LOG_FORMAT": "xml"})

	err := run(context.Background(), []string{"server"}, getenv, io.Discard, io.Discard)

	if err == nil {
		t.Fatal("run returned nil, want a configuration error")
	}
	for _, key := range []string{"PORT", "LOG_FORMAT"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not name %s", err, key)
		}
	}
}

func TestRunHealthcheckFails(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want is a substring of the error.
		want string
	}{
		{name: "no server", args: []string{"server", "healthcheck"}, want: "connection refused"},
		{name: "extra argument", args: []string{"server", "healthcheck", "now"}, want: "usage"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := getenvFrom(map[string]string{"PORT": freePort(t)})

			err := run(context.Background(), tt.args, getenv, io.Discard, io.Discard)

			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run %q error = %v, want one containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestHealthcheckURL(t *testing.T) {
	tests := []struct {
		host string
		want string
	}{
		{host: "", want: "http://127.0.0.1:8080/healthz"},
		{host: "0.0.0.0", want: "http://127.0.0.1:8080/healthz"},
		{host: "::", want: "http://127.0.0.1:8080/healthz"},
		{host: "10.1.2.3", want: "http://10.1.2.3:8080/healthz"},
		{host: "::1", want: "http://[::1]:8080/healthz"},
		{host: "2001:db8::7", want: "http://[2001:db8::7]:8080/healthz"},
		{host: "fe80::1%eth0", want: "http://[fe80::1%25eth0]:8080/healthz"},
		{host: "localhost", want: "http://localhost:8080/healthz"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			if got := healthcheckURL(tt.host, 8080); got != tt.want {
				t.Errorf("healthcheckURL(%q, 8080) = %q, want %q", tt.host, got, tt.want)
			}
		})
	}
}

// TestHealthcheckClientUsesNoProxy checks that the healthcheck ignores
// HTTP_PROXY and HTTPS_PROXY, because a proxy could reach the address in
// HOST while this server is down.
func TestHealthcheckClientUsesNoProxy(t *testing.T) {
	transport, ok := healthcheckClient.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("healthcheck transport is %T, want *http.Transport", healthcheckClient.Transport)
	}
	if transport.Proxy != nil {
		t.Error("the healthcheck client uses a proxy; it must connect directly")
	}
}

// TestHealthcheckListenHosts runs the server on each HOST that needs
// brackets or a loopback substitute in the URL, and checks that the
// healthcheck subcommand reaches it.
func TestHealthcheckListenHosts(t *testing.T) {
	for _, host := range []string{"::", "::1"} {
		t.Run(host, func(t *testing.T) {
			if host == "::1" {
				listener, err := net.Listen("tcp", "[::1]:0")
				if err != nil {
					t.Skipf("IPv6 loopback unavailable: %v", err)
				}
				_ = listener.Close()
			}
			values := map[string]string{"HOST": host, "PORT": freePort(t)}
{%- if database != "none" %}
			values["DATABASE_URL"] = testdb.URL(t)
{%- endif %}
			getenv := getenvFrom(values)
			pollHost := host
			if host == "::" {
				pollHost = "127.0.0.1"
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runErr := make(chan error, 1)
			go func() {
				runErr <- run(ctx, []string{"server"}, getenv, io.Discard, io.Discard)
			}()
			waitHealthy(t, "http://"+net.JoinHostPort(pollHost, values["PORT"]), runErr)

			err := run(ctx, []string{"server", "healthcheck"}, getenv, io.Discard, io.Discard)
			if err != nil {
				t.Errorf("healthcheck with HOST=%s: %v", host, err)
			}

			cancel()
			if err := <-runErr; err != nil {
				t.Errorf("run returned %v, want nil after cancellation", err)
			}
		})
	}
}

{% if database == "none" -%}
func TestRunRejectsArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want is a substring of the error.
		want string
	}{
		{name: "migrate", args: []string{"server", "migrate", "up"}, want: `unknown command "migrate"`},
		{name: "healthcheck with argument", args: []string{"server", "healthcheck", "now"}, want: "usage: server healthcheck"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The invalid PORT is never reported: the arguments are checked first.
			getenv := getenvFrom(map[string]string{"PORT": "http"})

			err := run(context.Background(), tt.args, getenv, io.Discard, io.Discard)

			var usage usageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run %q error = %v, want a usage error containing %q", tt.args, err, tt.want)
			}
		})
	}
}
{%- else -%}
func TestRunRejectsArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want is a substring of the error.
		want string
	}{
		{name: "unknown command", args: []string{"server", "serve"}, want: `unknown command "serve"`},
		{name: "migrate without command", args: []string{"server", "migrate"}, want: "usage: server migrate"},
		{name: "unknown migrate command", args: []string{"server", "migrate", "sideways"}, want: `unknown migrate command "sideways"`},
		{name: "healthcheck with argument", args: []string{"server", "healthcheck", "now"}, want: "usage: server healthcheck"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The invalid PORT is never reported and the database URL never
			// opened: the arguments are checked first.
			getenv := getenvFrom(map[string]string{"PORT": "http", "DATABASE_URL": "unused"})

			err := run(context.Background(), tt.args, getenv, io.Discard, io.Discard)

			var usage usageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run %q error = %v, want a usage error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestRunMigrate(t *testing.T) {
	getenv := getenvFrom(map[string]string{"DATABASE_URL": testdb.URL(t)})
	ctx := context.Background()

	steps := []struct {
		command    string
		wantOutput string
	}{
		{command: "status", wantOutput: "pending"},
		{command: "up", wantOutput: "00001_create_users.sql"},
		{command: "up", wantOutput: "no pending migrations"},
		{command: "status", wantOutput: "applied"},
		{command: "down", wantOutput: "00001_create_users.sql"},
		{command: "down", wantOutput: "no applied migrations"},
	}
	for _, step := range steps {
		var stdout bytes.Buffer
		err := run(ctx, []string{"server", "migrate", step.command}, getenv, &stdout, io.Discard)
		if err != nil {
			t.Fatalf("migrate %s: %v", step.command, err)
		}
		if !strings.Contains(stdout.String(), step.wantOutput) {
			t.Errorf("migrate %s printed %q, want it to contain %q", step.command, stdout.String(), step.wantOutput)
		}
	}

	err := run(ctx, []string{"server", "migrate", "sideways"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "sideways") {
		t.Errorf("migrate sideways error = %v, want an unknown command error", err)
	}
}

// TestRunSignalDuringStartUp checks that a context cancelled before the
// database is open, as a signal cancels it, stops the server with nil after
// one info line, and still fails a migrate command.
func TestRunSignalDuringStartUp(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		databaseURL string
		wantErr     bool
		wantMsg     string
	}{
		{name: "server", args: []string{"server"}, wantMsg: `"level":"INFO","msg":"start-up stopped by signal"`},
		{name: "migrate up", args: []string{"server", "migrate", "up"}, wantErr: true, wantMsg: `"level":"ERROR","msg":"migrate failed"`},
{%- if database == "sqlite" %}
		// A step can fail with its own error after the signal, as SQLite's
		// busy timeout does with SQLITE_BUSY: a missing folder fails the same
		// way without the 5 s wait.
		{
			name:        "server, step fails without context.Canceled",
			args:        []string{"server"},
			databaseURL: filepath.Join(t.TempDir(), "missing", "folder", "app.db"),
			wantMsg:     `"level":"INFO","msg":"start-up stopped by signal"`,
		},
{%- endif %}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			databaseURL := tt.databaseURL
			if databaseURL == "" {
				databaseURL = testdb.URL(t)
			}
			getenv := getenvFrom(map[string]string{"DATABASE_URL": databaseURL, "LOG_FORMAT": "json"})
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var logs bytes.Buffer

			err := run(ctx, tt.args, getenv, io.Discard, &logs)

			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("run %q error = %v, want error: %t", tt.args, err, tt.wantErr)
			}
			if !strings.Contains(logs.String(), tt.wantMsg) {
				t.Errorf("logs lack %s:\n%s", tt.wantMsg, logs.String())
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("run wrote %d log lines, want 1:\n%s", n, logs.String())
			}
		})
	}
}

// TestRunWarnsAboutNewerSchema checks that a server whose database has a
// migration newer than its own, as after a rollback to an older release,
// logs both versions and starts, and that migrate status and the refused
// migrate down name the database's version.
func TestRunWarnsAboutNewerSchema(t *testing.T) {
	for _, migrateOnStart := range []string{"true", "false"} {
		t.Run("MIGRATE_ON_START="+migrateOnStart, func(t *testing.T) {
			values := map[string]string{
				"HOST":             "127.0.0.1",
				"PORT":             freePort(t),
				"DATABASE_URL":     testdb.URL(t),
				"LOG_FORMAT":       "json",
				"MIGRATE_ON_START": migrateOnStart,
			}
			getenv := getenvFrom(values)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if err := run(ctx, []string{"server", "migrate", "up"}, getenv, io.Discard, io.Discard); err != nil {
				t.Fatalf("migrate up: %v", err)
			}
			recordNewerMigration(t, values["DATABASE_URL"])

			var status bytes.Buffer
			if err := run(ctx, []string{"server", "migrate", "status"}, getenv, &status, io.Discard); err != nil {
				t.Fatalf("migrate status: %v", err)
			}
			if want := "the database is at version 99, newer than 1"; !strings.Contains(status.String(), want) {
				t.Errorf("migrate status printed %q, want it to contain %q", status.String(), want)
			}
			err := run(ctx, []string{"server", "migrate", "down"}, getenv, io.Discard, io.Discard)
			if want := "the database is at version 99, newer than 1"; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("migrate down returned %v, want an error that contains %q", err, want)
			}

			logs := &syncBuffer{}
			runErr := make(chan error, 1)
			go func() {
				runErr <- run(ctx, []string{"server"}, getenv, io.Discard, logs)
			}()
			waitHealthy(t, "http://127.0.0.1:"+values["PORT"], runErr)
			cancel()
			if err := <-runErr; err != nil {
				t.Errorf("run returned %v, want nil", err)
			}
			want := `"level":"WARN","msg":"database schema is newer than this binary","database_version":99,"latest_migration":1`
			if !strings.Contains(logs.String(), want) {
				t.Errorf("logs lack %s:\n%s", want, logs.String())
			}
		})
	}
}

// recordNewerMigration records version 99 as applied in goose's version
// table, as a newer release that applied it would have.
func recordNewerMigration(t *testing.T, databaseURL string) {
	t.Helper()
	ctx := context.Background()
	db, err := repository.Open(ctx, databaseURL, repository.PoolConfig{MaxOpenConns: 1, MaxIdleConns: 1, ConnMaxLifetime: time.Minute})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	defer func() { _ = db.Close() }()
	_, err = db.ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, TRUE)")
	if err != nil {
		t.Fatalf("record migration 99: %v", err)
	}
}

func TestRunRefusesPendingMigrations(t *testing.T) {
	// The database is empty, so its one migration is pending.
	getenv := getenvFrom(map[string]string{"DATABASE_URL": testdb.URL(t), "MIGRATE_ON_START": "false"})

	err := run(context.Background(), []string{"server"}, getenv, io.Discard, io.Discard)

	if err == nil || !strings.Contains(err.Error(), "pending migrations") {
		t.Errorf("run with pending migrations and MIGRATE_ON_START=false: error = %v, want a pending migrations error", err)
	}
}
{%- endif %}

// startServe runs serve with mux on a free port of 127.0.0.1. It returns the
// listener, the ready flag, the function that cancels serve's context, and
// the channel that receives serve's result.
func startServe(t *testing.T, mux http.Handler, stop shutdownPolicy) (net.Listener, *atomic.Bool, context.CancelFunc, <-chan error) {
	t.Helper()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var ready atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- serve(ctx, srv, listener, &ready, stop)
	}()
	return listener, &ready, cancel, serveErr
}

// testShutdown returns a shutdownPolicy that logs nowhere.
func testShutdown(delay, timeout time.Duration) shutdownPolicy {
	return shutdownPolicy{delay: delay, timeout: timeout, logger: slog.New(slog.DiscardHandler)}
}

func TestServeFinishesInFlightRequest(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "done")
	})

	listener, ready, cancel, serveErr := startServe(t, mux, testShutdown(0, 5*time.Second))
	defer cancel()

	type result struct {
		body string
		err  error
	}
	response := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + listener.Addr().String() + "/slow")
		if err != nil {
			response <- result{err: err}
			return
		}
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		response <- result{body: string(body), err: err}
	}()

	<-started
	if !ready.Load() {
		t.Error("ready is false while serving")
	}
	cancel()

	// Shutdown must wait for the handler, so serve cannot have returned yet.
	deadline := time.Now().Add(2 * time.Second)
	for ready.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if ready.Load() {
		t.Error("ready is still true after cancellation")
	}
	select {
	case err := <-serveErr:
		t.Fatalf("serve returned %v before the in-flight request finished", err)
	case <-time.After(100 * time.Millisecond):
	}

	close(release)

	got := <-response
	if got.err != nil {
		t.Fatalf("in-flight request failed: %v", got.err)
	}
	if got.body != "done" {
		t.Errorf("in-flight response body = %q, want done", got.body)
	}
	if err := <-serveErr; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
}

func TestServeShutdownDelay(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "pong")
	})
	const delay = 300 * time.Millisecond

	listener, ready, cancel, serveErr := startServe(t, mux, testShutdown(delay, 5*time.Second))
	defer cancel()
	for deadline := time.Now().Add(2 * time.Second); !ready.Load() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	cancelled := time.Now()
	cancel()
	for deadline := time.Now().Add(2 * time.Second); ready.Load() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}

	// Within the delay the server is not ready but still serves requests,
	// over a new connection too.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + listener.Addr().String() + "/ping")
	if err != nil {
		t.Fatalf("request during the shutdown delay: %v", err)
	}
	_ = resp.Body.Close()
	if ready.Load() {
		t.Error("ready is still true during the shutdown delay")
	}

	if err := <-serveErr; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	if elapsed := time.Since(cancelled); elapsed < delay {
		t.Errorf("serve returned %s after cancellation, want at least the %s delay", elapsed, delay)
	}
}

// TestServeClosesConnectionsDuringDelay checks that a client that reuses its
// keep-alive connection in the shutdown delay finds it still open and gets a
// response with Connection: close, so that it never sends a request on a
// connection that Shutdown closes.
func TestServeClosesConnectionsDuringDelay(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "pong")
	})
	listener, ready, cancel, serveErr := startServe(t, mux, testShutdown(300*time.Millisecond, 5*time.Second))
	defer cancel()
	for deadline := time.Now().Add(2 * time.Second); !ready.Load() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	url := "http://" + listener.Addr().String() + "/ping"
	get := func() (resp *http.Response, reused bool) {
		t.Helper()
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, url, nil)
		if err != nil {
			t.Fatalf("build request: %v", err)
		}
		resp, err = client.Do(req)
		if err != nil {
			t.Fatalf("GET /ping: %v", err)
		}
		// Reading to the end returns the connection to the transport's pool.
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp, reused
	}

	if resp, _ := get(); resp.Close {
		t.Fatal("response before the signal has Connection: close, want keep-alive")
	}
	cancel()
	for deadline := time.Now().Add(2 * time.Second); ready.Load() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	resp, reused := get()

	if !reused {
		t.Error("the request in the shutdown delay got a new connection, want the idle one still open")
	}
	if !resp.Close {
		t.Errorf("response in the shutdown delay has Connection %q, want close", resp.Header.Get("Connection"))
	}
	if err := <-serveErr; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
}

// During SHUTDOWN_DELAY the server keeps serving, but /readyz must return
// 503, so that a load balancer stops sending it requests.
func TestReadyzFailsDuringShutdownDelay(t *testing.T) {
	values := map[string]string{"HOST": "127.0.0.1", "PORT": freePort(t), "SHUTDOWN_DELAY": "2s"}
{%- if database != "none" %}
	values["DATABASE_URL"] = testdb.URL(t)
{%- endif %}
	baseURL := "http://127.0.0.1:" + values["PORT"]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runErr := make(chan error, 1)
	go func() {
		runErr <- run(ctx, []string{"server"}, getenvFrom(values), io.Discard, io.Discard)
	}()
	waitHealthy(t, baseURL, runErr)
	readyz := func() int {
		t.Helper()
		resp, err := http.Get(baseURL + "/readyz")
		if err != nil {
			t.Fatalf("GET /readyz: %v", err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if status := readyz(); status != http.StatusOK {
		t.Fatalf("GET /readyz before shutdown = %d, want 200", status)
	}

	cancel()
	status := readyz()
	for deadline := time.Now().Add(time.Second); status == http.StatusOK && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		status = readyz()
	}

	if status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz during the shutdown delay = %d, want 503", status)
	}
	if err := <-runErr; err != nil {
		t.Errorf("run returned %v, want nil", err)
	}
}

func TestServeShutdownTimeout(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})

	listener, _, cancel, serveErr := startServe(t, mux, testShutdown(0, 50*time.Millisecond))
	defer cancel()
	go func() {
		resp, err := http.Get("http://" + listener.Addr().String() + "/stuck")
		if err == nil {
			_ = resp.Body.Close()
		}
	}()

	<-started
	cancel()

	select {
	case err := <-serveErr:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("serve returned %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return within 5s of the 50ms shutdown timeout")
	}
}
