// Package middleware_test measures what each middleware of a generated
// project costs per request, alone and as the whole chain. bench/middleware.sh
// copies this file into internal/middleware of a freshly generated project and
// replaces the module path in the import below.
package middleware_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/billing/internal/middleware"
)

// userJSON is the body of GET /v1/users/{id} for a seeded user.
var userJSON = []byte(`{"id":1,"name":"A","email":"a@example.com",` +
	`"created_at":"2026-12-05T01:58:24.840348Z","updated_at":"2026-12-05T01:58:24.840348Z"}`)

// discardWriter is a ResponseWriter that keeps the headers and drops the
// body, so that the benchmarks measure the middleware and not a recorder.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

func benchmarkChain(b *testing.B, chain ...func(http.Handler) http.Handler) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/users/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(userJSON)
	})
	var handler http.Handler = mux
	for i := len(chain) - 1; i >= 0; i-- {
		handler = chain[i](handler)
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/users/1", nil)

	b.ReportAllocs()
	for b.Loop() {
		handler.ServeHTTP(&discardWriter{header: make(http.Header, 4)}, req)
	}
}

func BenchmarkMiddleware(b *testing.B) {
	logger := slog.New(middleware.LogHandler(slog.NewJSONHandler(io.Discard, nil)))
	cors := middleware.CORS(middleware.CORSOptions{AllowedMethods: []string{http.MethodGet}})
	rateLimit := middleware.RateLimit(middleware.RateLimitOptions{RPS: 1e9, Burst: 1e9})
	steps := []struct {
		name  string
		chain []func(http.Handler) http.Handler
	}{
		{"none", nil},
		{"RequestID", []func(http.Handler) http.Handler{middleware.RequestID}},
		{"SecurityHeaders", []func(http.Handler) http.Handler{middleware.SecurityHeaders}},
		{"AccessLog", []func(http.Handler) http.Handler{middleware.AccessLog(logger)}},
		{"CORS", []func(http.Handler) http.Handler{cors}},
		{"RateLimit", []func(http.Handler) http.Handler{rateLimit}},
		{"BodyLimit", []func(http.Handler) http.Handler{middleware.BodyLimit(1 << 20)}},
		{"Timeout", []func(http.Handler) http.Handler{middleware.Timeout(10 * time.Second)}},
		{"Recover", []func(http.Handler) http.Handler{middleware.Recover(logger)}},
		// The same order as withMiddleware in internal/api/routes.go.
		{"all", []func(http.Handler) http.Handler{
			middleware.RequestID, middleware.SecurityHeaders, middleware.AccessLog(logger), cors, rateLimit,
			middleware.BodyLimit(1 << 20), middleware.Timeout(10 * time.Second), middleware.Recover(logger),
		}},
	}
	for _, step := range steps {
		b.Run(step.name, func(b *testing.B) { benchmarkChain(b, step.chain...) })
	}
}
