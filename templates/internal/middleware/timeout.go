package middleware

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Timeout gives next a request context that is cancelled after d. When next
// has not returned by then, Timeout sends a 503 problem response at once and
// discards whatever next writes afterwards, so a handler that ignores its
// context cannot hold the connection. next keeps running in its goroutine
// until it returns.
//
// next runs in a new goroutine and writes into a buffer that Timeout copies
// to the connection when next returns, so next cannot stream, flush or
// hijack. A panic in next is raised again in the calling goroutine, so wrap
// next in Recover to log it with the stack of the goroutine that panicked.
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
			buffered := &timeoutWriter{header: w.Header().Clone()}

			done := make(chan struct{})
			panicked := make(chan any, 1)
			go func() {
				defer func() {
					if v := recover(); v != nil {
						panicked <- v
					}
				}()
				next.ServeHTTP(buffered, inner)
				close(done)
			}()

			select {
			case v := <-panicked:
				panic(v)
			case <-done:
				r.Pattern = inner.Pattern
				buffered.copyTo(w)
			case <-ctx.Done():
				buffered.abandon()
				// NOTE: the route pattern stays empty in the access log of a
				// timed-out request, because reading it from the running
				// handler's request would be a data race.
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					writeProblem(w, http.StatusServiceUnavailable,
						fmt.Sprintf("The server did not finish the request within %s. Retry later.", d))
				}
				// Otherwise the client has gone away and reads no response.
			}
		})
	}
}

// timeoutWriter buffers the response of the handler that Timeout runs.
type timeoutWriter struct {
	mu        sync.Mutex
	header    http.Header
	status    int
	body      bytes.Buffer
	abandoned bool
}

func (tw *timeoutWriter) Header() http.Header {
	return tw.header
}

func (tw *timeoutWriter) WriteHeader(status int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	// Informational 1xx responses cannot be buffered, so only a final
	// status is kept, and only the first one, as net/http does.
	if tw.abandoned || status < 200 || tw.status != 0 {
		return
	}
	tw.status = status
}

func (tw *timeoutWriter) Write(b []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.abandoned {
		return 0, http.ErrHandlerTimeout
	}
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	return tw.body.Write(b)
}

// abandon makes every later write fail with http.ErrHandlerTimeout.
func (tw *timeoutWriter) abandon() {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.abandoned = true
}

// copyTo sends the buffered response to w. It replaces the headers of w with
// the handler's, which started as a copy of them.
func (tw *timeoutWriter) copyTo(w http.ResponseWriter) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	dst := w.Header()
	clear(dst)
	for key, values := range tw.header {
		dst[key] = values
	}
	status := tw.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if tw.body.Len() > 0 {
		// A write error means that the client has gone away, so it is
		// dropped.
		_, _ = w.Write(tw.body.Bytes())
	}
}
