package middleware

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Timeout gives next a request context with a deadline d from now and calls
// next in the same goroutine. Handlers, the service and database/sql stop
// when the context is done, and the api package maps
// context.DeadlineExceeded to a 503 problem response. When next returns
// after the deadline without having written a response, Timeout writes the
// 503 problem itself, with Retry-After: UnavailableRetryAfter. Reading the
// request body does not stop at the deadline: the server's ReadTimeout
// (HTTP_READ_TIMEOUT) bounds it.
//
// Timeout cannot interrupt a handler that ignores its context. Such a
// handler keeps the request and its connection until it returns, and only
// then does the client get the 503. The server's WriteTimeout
// (HTTP_WRITE_TIMEOUT) does not close the connection earlier: net/http sets
// it as the connection's write deadline, so a response written after it is
// lost and the connection is closed once the handler returns (HTTP/1.1,
// net/http in Go 1.26).
//
// http.TimeoutHandler sends the 503 at the deadline even then, by running
// next in a new goroutine that writes into a buffer. That goroutine and the
// copy of every response cost 13 to 15 percent of the throughput of a
// request that reads one user, in scaffold's benchmark on 2 cores, and the
// buffer rules out streaming, flushing and hijacking, which Timeout passes
// through.
//
// The mux sets the route pattern on the request copy that carries the new
// context. Timeout copies it back to r when next returns or panics, so that
// AccessLog can log it.
func Timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			inner := r.WithContext(ctx)
			// Deferred, so that the route is also logged for a response
			// that Recover aborts with a panic after it has started.
			defer func() { r.Pattern = inner.Pattern }()
			tw := track(w)

			next.ServeHTTP(tw, inner)

			// When the client has gone away, ctx.Err() is context.Canceled
			// and no response is written, because the client no longer reads it.
			if !tw.started() && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				tw.Header().Set("Retry-After", UnavailableRetryAfter)
				writeProblem(tw, http.StatusServiceUnavailable,
					fmt.Sprintf("The server did not finish the request within %s. Retry later.", d))
			}
		})
	}
}
