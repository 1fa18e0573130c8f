package middleware

import (
	"log/slog"
	"net/http"
	"time"
)

// AccessLog logs one line per request with the method, the matched route
// pattern, the path, the status, the response size in bytes and the
// duration. A logger built on LogHandler adds the request ID. AccessLog logs
// no headers, bodies or query strings, because they can contain secrets.
//
// The route comes from r.Pattern, which http.ServeMux sets on the request it
// receives. Middleware between AccessLog and the mux must therefore pass the
// same *http.Request on, or copy Pattern back from the copy that
// r.WithContext returns, as Timeout does.
func AccessLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}

			next.ServeHTTP(rec, r)

			logger.LogAttrs(r.Context(), accessLevel(r.URL.Path, rec.statusCode()), "http request",
				slog.String("method", r.Method),
				slog.String("route", r.Pattern),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.statusCode()),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
			)
		})
	}
}

// statusRecorder records the status code and body size that a handler
// writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(status int) {
	// 1xx responses are informational, so the final status comes later.
	if r.status == 0 && status >= 200 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer, for
// example to flush.
func (r *statusRecorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}

// statusCode returns the written status, or 200 when the handler wrote
// nothing, because net/http then sends 200.
func (r *statusRecorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// accessLevel returns the level of an access log line: debug for successful
// health probes, which a load balancer sends every few seconds, and info for
// everything else.
func accessLevel(path string, status int) slog.Level {
	if (path == "/healthz" || path == "/readyz") && status < http.StatusBadRequest {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
