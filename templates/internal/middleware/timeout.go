package middleware

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Timeout gives next a request context with a deadline d from now and calls
// next in the same goroutine. Handlers, the service and database/sql stop
// when the context is done, and the api package maps
// context.DeadlineExceeded to a 503 problem response. When next returns
// after the deadline without having written a response, Timeout writes the
// 503 problem itself.
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
// context. Timeout copies it back to r when next returns, so that AccessLog
// can log it.
func Timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			inner := r.WithContext(ctx)
			tw := &timeoutWriter{ResponseWriter: w}

			next.ServeHTTP(tw, inner)
			r.Pattern = inner.Pattern

			// When the client has gone away, ctx.Err() is context.Canceled
			// and no response is written, because the client no longer reads it.
			if !tw.wrote && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				writeProblem(w, http.StatusServiceUnavailable,
					fmt.Sprintf("The server did not finish the request within %s. Retry later.", d))
			}
		})
	}
}

// timeoutWriter records whether the handler has started the response, so
// that Timeout writes its 503 only into an unstarted one.
type timeoutWriter struct {
	http.ResponseWriter
	wrote bool
}

func (tw *timeoutWriter) WriteHeader(status int) {
	// 1xx responses are informational and leave the final status open.
	if status >= 200 {
		tw.wrote = true
	}
	tw.ResponseWriter.WriteHeader(status)
}

func (tw *timeoutWriter) Write(b []byte) (int, error) {
	tw.wrote = true
	return tw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer for the
// methods that timeoutWriter does not define, such as SetWriteDeadline.
func (tw *timeoutWriter) Unwrap() http.ResponseWriter {
	return tw.ResponseWriter
}

// FlushError flushes the underlying writer. A flush sends the headers, so it
// starts the response. http.ResponseController.Flush calls this method.
func (tw *timeoutWriter) FlushError() error {
	tw.wrote = true
	return http.NewResponseController(tw.ResponseWriter).Flush()
}

// Flush implements http.Flusher for handlers that assert it. It drops the
// error, as the http.Flusher interface requires.
func (tw *timeoutWriter) Flush() {
	_ = tw.FlushError()
}

// Hijack takes over the connection, after which Timeout must not write.
// http.ResponseController.Hijack calls this method.
func (tw *timeoutWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(tw.ResponseWriter).Hijack()
	if err == nil {
		tw.wrote = true
	}
	return conn, rw, err
}
