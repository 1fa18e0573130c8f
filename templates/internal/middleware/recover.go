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
			tw := track(w)
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
				if tw.started() {
					panic(http.ErrAbortHandler)
				}
				writeProblem(tw, http.StatusInternalServerError, InternalErrorDetail)
			}()

			next.ServeHTTP(tw, r)
		})
	}
}

// InternalErrorDetail is the problem detail of every 500 response. The
// response never contains the cause, which is logged with the request ID.
const InternalErrorDetail = "The server failed to process the request. " +
	"Quote the X-Request-ID response header when you report it."
