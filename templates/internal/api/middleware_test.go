package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"{{ module_path }}/internal/middleware"
)

// These tests check the middleware through the whole server, in the order
// that routes.go sets. The middleware package tests each one alone.

func TestServerRateLimit(t *testing.T) {
	opts := testOptions()
	opts.RateLimitRPS = 0.001
	opts.RateLimitBurst = 2
	opts.CORSAllowedOrigins = []string{"https://app.example.com"}
	ts := newTestServerWith(t, opts)

	for i := range 2 {
		if rec := ts.do(t, "GET", "/v1/users", ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d within the burst: status = %d, want 200", i+1, rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/users", nil)
	req.Header.Set("Origin", "https://app.example.com")
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)

	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("request after the burst: status = %d, want 429", rec.Code)
	}
	decodeProblem(t, rec)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("429 response has no Retry-After header")
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("Access-Control-Allow-Origin = %q, want the origin, so that the page can read the 429", got)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if rec := ts.do(t, "GET", path, ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s after the limit: status = %d, want 200 because probes are exempt", path, rec.Code)
		}
	}
}

func TestServerCORSPreflight(t *testing.T) {
	opts := testOptions()
	opts.CORSAllowedOrigins = []string{"https://app.example.com"}
	ts := newTestServerWith(t, opts)

	tests := []struct {
		name        string
		origin      string
		method      string
		wantOrigin  string
		wantMethods string
	}{
		{name: "allowed", origin: "https://app.example.com", method: "PUT", wantOrigin: "https://app.example.com", wantMethods: "PUT"},
		{name: "allowed HEAD", origin: "https://app.example.com", method: "HEAD", wantOrigin: "https://app.example.com", wantMethods: "HEAD"},
		{name: "denied origin", origin: "https://evil.example", method: "GET"},
		{name: "denied method", origin: "https://app.example.com", method: "PATCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodOptions, "/v1/users/1", nil)
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", tt.method)
			rec := httptest.NewRecorder()

			ts.handler.ServeHTTP(rec, req)

			if rec.Code != http.StatusNoContent {
				t.Fatalf("status = %d, want 204", rec.Code)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantOrigin)
			}
			if got := rec.Header().Get("Access-Control-Allow-Methods"); got != tt.wantMethods {
				t.Errorf("Access-Control-Allow-Methods = %q, want %q", got, tt.wantMethods)
			}
			if rec.Header().Get(middleware.RequestIDHeader) == "" {
				t.Error("preflight response has no X-Request-ID")
			}
		})
	}
}

func TestServerSecurityHeaders(t *testing.T) {
	ts := newTestServer(t)

	for _, target := range []string{"/healthz", "/v1/users/99", "/nowhere"} {
		rec := ts.do(t, "GET", target, "")
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", target, got)
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control = %q, want no-store", target, got)
		}
	}
}

func TestServerRequestTimeout(t *testing.T) {
	opts := testOptions()
	opts.RequestTimeout = 50 * time.Millisecond
	ts := newTestServerWith(t, opts)
	ts.store.waitForCancel = true

	start := time.Now()
	rec := ts.do(t, "GET", "/v1/users/1", "")

	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	p := decodeProblem(t, rec)
	if !strings.Contains(p.Detail, "did not finish") {
		t.Errorf("detail = %q, want it to say the request did not finish", p.Detail)
	}
	if got := rec.Header().Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After = %q, want 5", got)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("response took %s, want about 50ms", elapsed)
	}
	var accessLogs int
	for _, entry := range logEntries(t, ts) {
		if entry["msg"] != "http request" {
			continue
		}
		accessLogs++
		if entry["route"] != "GET /v1/users/{id}" {
			t.Errorf("access log route = %v, want GET /v1/users/{id}", entry["route"])
		}
		if entry["status"] != float64(http.StatusServiceUnavailable) {
			t.Errorf("access log status = %v, want 503", entry["status"])
		}
	}
	if accessLogs != 1 {
		t.Errorf("got %d access log lines, want 1: %s", accessLogs, ts.logs.String())
	}
}

func TestServerAccessLogSwitch(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		t.Run(fmt.Sprintf("AccessLog=%t", enabled), func(t *testing.T) {
			opts := testOptions()
			opts.AccessLog = enabled
			ts := newTestServerWith(t, opts)

			ts.do(t, "GET", "/v1/users/1", "")
			ts.do(t, "GET", "/nowhere", "")

			var accessLogs int
			for _, entry := range logEntries(t, ts) {
				if entry["msg"] == "http request" {
					accessLogs++
				}
			}
			want := 0
			if enabled {
				want = 2
			}
			if accessLogs != want {
				t.Errorf("got %d access log lines, want %d: %s", accessLogs, want, ts.logs.String())
			}
		})
	}
}

func TestServerClientGoneWritesNothing(t *testing.T) {
	ts := newTestServer(t)
	ts.store.waitForCancel = true
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	req := httptest.NewRequest(http.MethodGet, "/v1/users/1", nil).WithContext(ctx)
	rec := httptest.NewRecorder()

	ts.handler.ServeHTTP(rec, req)

	if rec.Body.Len() != 0 {
		t.Errorf("body = %q, want nothing written for a client that went away", rec.Body.String())
	}
	var statuses []any
	for _, entry := range logEntries(t, ts) {
		if entry["msg"] == "request failed" {
			t.Errorf("logged %v, want no error for a client that went away", entry)
		}
		if entry["msg"] == "http request" {
			statuses = append(statuses, entry["status"])
		}
	}
	if len(statuses) != 1 || statuses[0] != float64(middleware.StatusClientClosedRequest) {
		t.Errorf("access log statuses = %v, want one %d", statuses, middleware.StatusClientClosedRequest)
	}
}

func TestServerPanicBecomes500(t *testing.T) {
	ts := newTestServer(t)
	ts.store.panicWith = "store bug"
	req := httptest.NewRequest(http.MethodGet, "/v1/users/1", nil)
	req.Header.Set(middleware.RequestIDHeader, "req-panic")
	rec := httptest.NewRecorder()

	ts.handler.ServeHTTP(rec, req)

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	decodeProblem(t, rec)
	if strings.Contains(rec.Body.String(), "store bug") {
		t.Errorf("response reveals the panic value: %s", rec.Body.String())
	}
	panics := 0
	for _, entry := range logEntries(t, ts) {
		if entry["msg"] != "panic in HTTP handler" {
			continue
		}
		panics++
		if entry["request_id"] != "req-panic" {
			t.Errorf("panic log request_id = %v, want req-panic", entry["request_id"])
		}
		if stack, _ := entry["stack"].(string); !strings.Contains(stack, "api_test.go") {
			t.Errorf("panic log stack does not name the panicking file: %q", stack)
		}
	}
	if panics != 1 {
		t.Errorf("got %d panic log lines, want 1: %s", panics, ts.logs.String())
	}
}

func TestServerRequestIDInEveryLogLine(t *testing.T) {
	ts := newTestServer(t)
	ts.store.failWith = errors.New("disk on fire")
	req := httptest.NewRequest(http.MethodGet, "/v1/users/1", nil)
	req.Header.Set(middleware.RequestIDHeader, "req-logs")
	rec := httptest.NewRecorder()

	ts.handler.ServeHTTP(rec, req)

	entries := logEntries(t, ts)
	if len(entries) != 2 {
		t.Fatalf("got %d log lines, want the error and the access log: %s", len(entries), ts.logs.String())
	}
	for _, entry := range entries {
		if entry["request_id"] != "req-logs" {
			t.Errorf("log line %q has request_id %v, want req-logs", entry["msg"], entry["request_id"])
		}
	}
	if got := rec.Header().Get(middleware.RequestIDHeader); got != "req-logs" {
		t.Errorf("X-Request-ID = %q, want req-logs", got)
	}
}

func logEntries(t *testing.T, ts *testServer) []map[string]any {
	t.Helper()
	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(ts.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		entries = append(entries, entry)
	}
	return entries
}
