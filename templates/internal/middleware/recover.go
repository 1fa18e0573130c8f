package middleware

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panic in next into a 500 application/problem+json response
// and logs the panic value with the stack trace. It re-panics
// http.ErrAbortHandler, which net/http uses to abort a response silently.
// When the handler had already started the response, the status can no
// longer change, so Recover logs and then panics with http.ErrAbortHandler.
// net/http then breaks the connection, and the client sees an error instead
// of a truncated body that looks complete.
func Recover(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tracker := &writeTracker{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}

				logger.ErrorContext(r.Context(), "panic in HTTP handler",
					slog.Any("panic", v),
					slog.String("stack", string(debug.Stack())),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
				)
				if tracker.wrote {
					panic(http.ErrAbortHandler)
				}
				writeProblem(w, http.StatusInternalServerError, InternalErrorDetail)
			}()

			next.ServeHTTP(tracker, r)
		})
	}
}

// InternalErrorDetail is the problem detail of every 500 response. The
// response never contains the cause, which is logged with the request ID.
const InternalErrorDetail = "The server failed to process the request. " +
	"Quote the X-Request-ID response header when you report it."

// writeTracker records whether the handler has started the response.
type writeTracker struct {
	http.ResponseWriter
	wrote bool
}

func (t *writeTracker) WriteHeader(status int) {
	// 1xx responses are informational and leave the final status open.
	if status >= 200 {
		t.wrote = true
	}
	t.ResponseWriter.WriteHeader(status)
}

func (t *writeTracker) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

func (t *writeTracker) Unwrap() http.ResponseWriter {
	return t.ResponseWriter
}
