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
			tw := track(w)
			// Deferred, so that a response aborted with a panic of
			// http.ErrAbortHandler, as Recover does after a late panic, is
			// logged too.
			defer func() {
				logAccess(logger.Handler(), r, loggedStatus(tw, r), sentBytes(tw, r), start)
			}()

			next.ServeHTTP(tw, r)
		})
	}
}

// logAccess writes the access log line through handler. It builds the
// record itself instead of calling a slog.Logger method, because those look
// up the caller's source position for every line with runtime.Callers, about
// 1 µs per request in scaffold's serve benchmark. The position of an access
// log line would always be this function, so the record carries none.
func logAccess(handler slog.Handler, r *http.Request, status int, bytes int64, start time.Time) {
	ctx := r.Context()
	level := accessLevel(r.URL.Path, status)
	if !handler.Enabled(ctx, level) {
		return
	}
	now := time.Now()
	record := slog.NewRecord(now, level, "http request", 0)
	record.AddAttrs(
		slog.String("method", r.Method),
		slog.String("route", r.Pattern),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Int64("bytes", bytes),
		slog.Duration("duration", now.Sub(start)),
	)
	// slog.Logger ignores a handler's error too: a request must not fail
	// because its log line could not be written.
	_ = handler.Handle(ctx, record)
}

// StatusClientClosedRequest is the status that the access log records for a
// request whose client went away before any response was written, as nginx
// logs it. It is never sent.
const StatusClientClosedRequest = 499

// loggedStatus returns the status written to tw. When the handler wrote
// nothing it returns StatusClientClosedRequest if the client of req has gone
// away, and otherwise 200, because net/http then sends 200.
func loggedStatus(tw *trackingWriter, req *http.Request) int {
	switch {
	case tw.status != 0:
		return tw.status
	case req.Context().Err() != nil:
		return StatusClientClosedRequest
	default:
		return http.StatusOK
	}
}

// sentBytes returns the size of the response body written to tw. net/http
// drops the body of a response to HEAD, although Write reports it as
// written, so the size is zero for HEAD.
func sentBytes(tw *trackingWriter, req *http.Request) int64 {
	if req.Method == http.MethodHead {
		return 0
	}
	return tw.bytes
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
