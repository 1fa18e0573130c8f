package middleware_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"{{ module_path }}/internal/middleware"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusOK)
})

func requestFrom(remoteAddr, path string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = remoteAddr
	return req
}

func serve(handler http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	return rec
}

func TestRateLimitAfterBurst(t *testing.T) {
	clock := newFakeClock()
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 0.5, Burst: 3, Now: clock.Now})(okHandler)

	for i := range 3 {
		if rec := serve(handler, requestFrom("192.0.2.1:1234", "/v1/users")); rec.Code != http.StatusOK {
			t.Fatalf("request %d within the burst: status = %d, want 200", i+1, rec.Code)
		}
	}

	rec := serve(handler, requestFrom("192.0.2.1:1234", "/v1/users"))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("request after the burst: status = %d, want 429", rec.Code)
	}
	// One token takes 2 s at 0.5 requests per second.
	if got := rec.Header().Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2", got)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}

	clock.Advance(2 * time.Second)
	if rec := serve(handler, requestFrom("192.0.2.1:1234", "/v1/users")); rec.Code != http.StatusOK {
		t.Errorf("request after Retry-After: status = %d, want 200", rec.Code)
	}
}

func TestRateLimitRejectedRequestsUseNoTokens(t *testing.T) {
	clock := newFakeClock()
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 1, Burst: 1, Now: clock.Now})(okHandler)

	serve(handler, requestFrom("192.0.2.1:1", "/"))
	for range 5 {
		if rec := serve(handler, requestFrom("192.0.2.1:1", "/")); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("status = %d, want 429", rec.Code)
		}
	}

	clock.Advance(time.Second)
	if rec := serve(handler, requestFrom("192.0.2.1:1", "/")); rec.Code != http.StatusOK {
		t.Errorf("status after 1 s = %d, want 200: rejected requests must not use up tokens", rec.Code)
	}
}

func TestRateLimitPerClient(t *testing.T) {
	clock := newFakeClock()
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 1, Burst: 1, Now: clock.Now})(okHandler)

	tests := []struct {
		name       string
		remoteAddr string
		wantStatus int
	}{
		{name: "first client", remoteAddr: "192.0.2.1:1000", wantStatus: 200},
		{name: "first client other port", remoteAddr: "192.0.2.1:2000", wantStatus: 429},
		{name: "second client", remoteAddr: "192.0.2.2:1000", wantStatus: 200},
		{name: "ipv6 client", remoteAddr: "[2001:db8:1:2::1]:1000", wantStatus: 200},
		{name: "same ipv6 /64", remoteAddr: "[2001:db8:1:2::ffff]:1000", wantStatus: 429},
		{name: "other ipv6 /64", remoteAddr: "[2001:db8:1:3::1]:1000", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec := serve(handler, requestFrom(tt.remoteAddr, "/")); rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
		})
	}
}

func TestRateLimitTrustedProxy(t *testing.T) {
	clock := newFakeClock()
	handler := middleware.RateLimit(middleware.RateLimitOptions{
		RPS:            1,
		Burst:          1,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Now:            clock.Now,
	})(okHandler)

	for i, client := range []string{"198.51.100.1", "198.51.100.2"} {
		req := requestFrom("10.0.0.5:4000", "/")
		req.Header.Set("X-Forwarded-For", client)
		if rec := serve(handler, req); rec.Code != http.StatusOK {
			t.Errorf("client %d behind the proxy: status = %d, want 200", i+1, rec.Code)
		}
	}

	req := requestFrom("10.0.0.5:4000", "/")
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	if rec := serve(handler, req); rec.Code != http.StatusTooManyRequests {
		t.Errorf("first client again: status = %d, want 429", rec.Code)
	}
}

func TestRateLimitExemptPaths(t *testing.T) {
	clock := newFakeClock()
	handler := middleware.RateLimit(middleware.RateLimitOptions{
		RPS:         1,
		Burst:       1,
		ExemptPaths: []string{"/healthz"},
		Now:         clock.Now,
	})(okHandler)

	for i := range 5 {
		if rec := serve(handler, requestFrom("192.0.2.1:1", "/healthz")); rec.Code != http.StatusOK {
			t.Fatalf("exempt request %d: status = %d, want 200", i+1, rec.Code)
		}
	}
	if rec := serve(handler, requestFrom("192.0.2.1:1", "/v1/users")); rec.Code != http.StatusOK {
		t.Errorf("first limited request: status = %d, want 200", rec.Code)
	}
}

func TestRateLimitOff(t *testing.T) {
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 0, Burst: 1})(okHandler)

	for i := range 100 {
		if rec := serve(handler, requestFrom("192.0.2.1:1", "/")); rec.Code != http.StatusOK {
			t.Fatalf("request %d: status = %d, want 200", i+1, rec.Code)
		}
	}
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	clock := newFakeClock()
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 3, Burst: 1, Now: clock.Now})(okHandler)

	serve(handler, requestFrom("192.0.2.1:1", "/"))
	rec := serve(handler, requestFrom("192.0.2.1:1", "/"))

	// A token takes 333 ms, which rounds up to 1 s.
	if got, _ := strconv.Atoi(rec.Header().Get("Retry-After")); got != 1 {
		t.Errorf("Retry-After = %q, want 1", rec.Header().Get("Retry-After"))
	}
}

func TestRateLimitTinyRateSurvivesSweeps(t *testing.T) {
	clock := newFakeClock()
	// A full refill takes 20e9 s, more than time.Duration can hold, so the
	// bucket must outlive every sweep.
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 1e-9, Burst: 20, Now: clock.Now})(okHandler)
	for range 20 {
		serve(handler, requestFrom("192.0.2.1:1", "/"))
	}

	for i := range 3 {
		clock.Advance(2 * time.Minute)
		rec := serve(handler, requestFrom("192.0.2.1:1", "/"))
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("request %d after the burst: status = %d, want 429", i+1, rec.Code)
		}
		if got, err := strconv.ParseInt(rec.Header().Get("Retry-After"), 10, 64); err != nil || got < 1 {
			t.Errorf("Retry-After = %q, want a positive number of seconds", rec.Header().Get("Retry-After"))
		}
	}
}

func TestRateLimitLogsRejections(t *testing.T) {
	clock := newFakeClock()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	handler := middleware.RateLimit(middleware.RateLimitOptions{RPS: 1, Burst: 2, Now: clock.Now, Logger: logger})(okHandler)

	for range 2 {
		serve(handler, requestFrom("192.0.2.1:1234", "/v1/users"))
	}
	if buf.Len() != 0 {
		t.Fatalf("requests within the burst logged %s", buf.String())
	}
	for range 5 {
		if rec := serve(handler, requestFrom("192.0.2.1:1234", "/v1/users")); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("status = %d, want 429", rec.Code)
		}
	}

	// Only the first rejection logs, because the next warning waits 10
	// seconds of real time.
	lines := decodeLogLines(t, &buf)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1: %s", len(lines), buf.String())
	}
	line := lines[0]
	if line["level"] != "WARN" || line["msg"] != "rate limit exceeded" {
		t.Errorf("line = %v, want the rate limit warning", line)
	}
	if line["client"] != "192.0.2.1/32" {
		t.Errorf("client = %v, want 192.0.2.1/32", line["client"])
	}
	if line["rejected"] != 1.0 {
		t.Errorf("rejected = %v, want 1", line["rejected"])
	}
}

