package middleware_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"{{ module_path }}/internal/middleware"
)

func TestSecurityHeaders(t *testing.T) {
	rec := serve(middleware.SecurityHeaders(okHandler), httptest.NewRequest(http.MethodGet, "/", nil))

	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	}
	for header, value := range want {
		if got := rec.Header().Get(header); got != value {
			t.Errorf("%s = %q, want %q", header, got, value)
		}
	}
}

func TestSecurityHeadersKeepHandlerChanges(t *testing.T) {
	tests := []struct {
		name   string
		change func(http.Header)
		header string
		want   []string
	}{
		{
			name:   "Set replaces a value",
			change: func(h http.Header) { h.Set("Cache-Control", "max-age=60") },
			header: "Cache-Control",
			want:   []string{"max-age=60"},
		},
		{
			name:   "Add appends a value",
			change: func(h http.Header) { h.Add("Content-Security-Policy", "sandbox") },
			header: "Content-Security-Policy",
			want:   []string{"default-src 'none'; frame-ancestors 'none'", "sandbox"},
		},
		{
			name:   "Add leaves the next header alone",
			change: func(h http.Header) { h.Add("X-Content-Type-Options", "nosniff") },
			header: "Content-Security-Policy",
			want:   []string{"default-src 'none'; frame-ancestors 'none'"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler := middleware.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				tt.change(w.Header())
			}))

			rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil))

			if got := rec.Header().Values(tt.header); !slices.Equal(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.header, got, tt.want)
			}
		})
	}

	// The next response starts from the original values again.
	rec := serve(middleware.SecurityHeaders(okHandler), httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control of the next response = %q, want no-store", got)
	}
}

func TestBodyLimit(t *testing.T) {
	readAll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		if err != nil && !errors.As(err, &tooLarge) {
			t.Errorf("read error = %v, want *http.MaxBytesError", err)
		}
		if tooLarge != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	handler := middleware.BodyLimit(10)(readAll)

	tests := []struct {
		name          string
		body          string
		unknownLength bool
		wantStatus    int
	}{
		{name: "at the limit", body: "0123456789", wantStatus: 200},
		{name: "declared too large", body: "0123456789a", wantStatus: 413},
		{name: "unknown length too large", body: "0123456789a", unknownLength: true, wantStatus: 413},
		{name: "unknown length small", body: "0123", unknownLength: true, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.unknownLength {
				req.ContentLength = -1
			}

			rec := serve(handler, req)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
		})
	}
}

func TestBodyLimitProblem(t *testing.T) {
	called := false
	handler := middleware.BodyLimit(10)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		called = true
	}))

	rec := serve(handler, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 11))))

	if called {
		t.Error("the handler ran for a body declared too large")
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	if !strings.Contains(rec.Body.String(), "10 bytes") {
		t.Errorf("body = %s, want it to name the limit", rec.Body.String())
	}
	if c := rec.Header().Get("Connection"); c != "close" {
		t.Errorf("Connection = %q, want close, so that the server does not read the rest of the body", c)
	}
}

func TestLogHandlerAddsRequestID(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(middleware.LogHandler(slog.NewJSONHandler(&buf, nil))).With(slog.String("component", "test"))
	handler := middleware.RequestID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "first line")
		logger.WarnContext(r.Context(), "second line")
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set(middleware.RequestIDHeader, "req-logs")

	serve(handler, req)
	logger.Info("outside any request")

	lines := decodeLogLines(t, &buf)
	if len(lines) != 3 {
		t.Fatalf("got %d log lines, want 3: %s", len(lines), buf.String())
	}
	for i, line := range lines[:2] {
		if line["request_id"] != "req-logs" {
			t.Errorf("line %d request_id = %v, want req-logs", i+1, line["request_id"])
		}
		if line["component"] != "test" {
			t.Errorf("line %d component = %v, want the attribute added with With", i+1, line["component"])
		}
	}
	if _, ok := lines[2]["request_id"]; ok {
		t.Errorf("line outside a request has request_id %v", lines[2]["request_id"])
	}
}

func TestLogHandlerRespectsLevel(t *testing.T) {
	var buf bytes.Buffer
	handler := middleware.LogHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	logger := slog.New(handler).WithGroup("g")

	logger.Info("dropped")
	logger.Warn("kept")

	if got := strings.Count(buf.String(), "\n"); got != 1 {
		t.Errorf("got %d lines, want 1: %s", got, buf.String())
	}
	if !strings.Contains(buf.String(), fmt.Sprintf("%q", "kept")) {
		t.Errorf("logs = %s, want the warning", buf.String())
	}
}
