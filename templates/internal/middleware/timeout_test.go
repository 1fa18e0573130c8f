package middleware_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"{{ module_path }}/internal/middleware"
)

func TestTimeoutContextAwareHandler(t *testing.T) {
	handlerErr := make(chan error, 1)
	handler := middleware.Timeout(20 * time.Millisecond)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		// Behaves like a handler whose query returns once its context ends.
		<-r.Context().Done()
		handlerErr <- r.Context().Err()
	}))

	start := time.Now()
	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/slow", nil))

	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("response took %s, want about 20ms", elapsed)
	}
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After = %q, want 5", got)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	if !strings.Contains(rec.Body.String(), "did not finish the request within 20ms") {
		t.Errorf("body = %q, want the problem detail with the timeout", rec.Body.String())
	}
	if err := <-handlerErr; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("handler context error = %v, want context.DeadlineExceeded", err)
	}
}

func TestTimeoutDeadlineOnContext(t *testing.T) {
	var deadline time.Time
	var hasDeadline bool
	handler := middleware.Timeout(time.Minute)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		deadline, hasDeadline = r.Context().Deadline()
	}))

	start := time.Now()
	serve(handler, httptest.NewRequest(http.MethodGet, "/", nil))
	end := time.Now()

	if !hasDeadline {
		t.Fatal("handler context has no deadline")
	}
	if deadline.Before(start.Add(time.Minute)) || deadline.After(end.Add(time.Minute)) {
		t.Errorf("deadline is %s after the request started, want 1m", deadline.Sub(start))
	}
}

func TestTimeoutKeepsLateResponse(t *testing.T) {
	handler := middleware.Timeout(10 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		// A handler that reports the timeout itself, as the api package
		// does, keeps its own response.
		w.WriteHeader(http.StatusGatewayTimeout)
		_, _ = io.WriteString(w, "handler's own response")
	}))

	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil))

	if rec.Code != http.StatusGatewayTimeout {
		t.Errorf("status = %d, want the handler's 504", rec.Code)
	}
	if rec.Body.String() != "handler's own response" {
		t.Errorf("body = %q, want the handler's body alone", rec.Body.String())
	}
}

func TestTimeoutWaitsForIgnoringHandler(t *testing.T) {
	const d = 10 * time.Millisecond
	handler := middleware.Timeout(d)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		// Ignores its context, like a handler stuck in a computation.
		time.Sleep(5 * d)
	}))

	start := time.Now()
	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/stuck", nil))

	if elapsed := time.Since(start); elapsed < 5*d {
		t.Errorf("ServeHTTP returned after %s, want it to wait for the handler's %s", elapsed, 5*d)
	}
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503 once the handler returns", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After = %q, want 5", got)
	}
}

func TestTimeoutPassesResponse(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /items/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "/items/7")
		w.Header().Del("X-Outer")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "created")
	})
	var pattern string
	outer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Outer", "set before the handler")
			w.Header().Set("X-Kept", "yes")
			next.ServeHTTP(w, r)
			pattern = r.Pattern
		})
	}
	handler := outer(middleware.Timeout(time.Second)(mux))

	rec := serve(handler, httptest.NewRequest(http.MethodPost, "/items/7", nil))

	if rec.Code != http.StatusCreated {
		t.Errorf("status = %d, want 201", rec.Code)
	}
	if rec.Body.String() != "created" {
		t.Errorf("body = %q, want created", rec.Body.String())
	}
	if got := rec.Header().Get("Location"); got != "/items/7" {
		t.Errorf("Location = %q, want /items/7", got)
	}
	if got := rec.Header().Get("X-Kept"); got != "yes" {
		t.Errorf("X-Kept = %q, want the header set before the handler", got)
	}
	if got := rec.Header().Get("X-Outer"); got != "" {
		t.Errorf("X-Outer = %q, want it deleted by the handler", got)
	}
	if pattern != "POST /items/{id}" {
		t.Errorf("outer r.Pattern = %q, want the mux pattern", pattern)
	}
}

func TestTimeoutImplicitOK(t *testing.T) {
	handler := middleware.Timeout(time.Second)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))

	if rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil)); rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200", rec.Code)
	}
}

func TestTimeoutFlushStartsResponse(t *testing.T) {
	handler := middleware.Timeout(10 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		<-r.Context().Done()
	}))

	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil))

	if !rec.Flushed {
		t.Error("the response was not flushed")
	}
	if rec.Code != http.StatusOK {
		t.Errorf("status = %d, want the 200 sent by the flush", rec.Code)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("body = %q, want no 503 problem after the flush", rec.Body.String())
	}
}

func TestTimeoutFlusherAssertion(t *testing.T) {
	handler := middleware.Timeout(time.Second)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		flusher, ok := w.(http.Flusher)
		if !ok {
			t.Fatal("the ResponseWriter does not implement http.Flusher")
		}
		flusher.Flush()
	}))

	if rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil)); !rec.Flushed {
		t.Error("the response was not flushed")
	}
}

func TestTimeoutHijackUnsupported(t *testing.T) {
	var hijackErr error
	handler := middleware.Timeout(time.Second)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _, hijackErr = http.NewResponseController(w).Hijack()
	}))

	serve(handler, httptest.NewRequest(http.MethodGet, "/", nil))

	// httptest.ResponseRecorder cannot be hijacked, so the error must come
	// through unchanged.
	if !errors.Is(hijackErr, http.ErrNotSupported) {
		t.Errorf("Hijack error = %v, want http.ErrNotSupported", hijackErr)
	}
}

func TestTimeoutHijack(t *testing.T) {
	handler := middleware.Timeout(10 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer func() { _ = conn.Close() }()
		<-r.Context().Done()
		_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		_ = rw.Flush()
	}))
	served := make(chan struct{})
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(served)
		handler.ServeHTTP(w, r)
	}))
	// net/http logs a write to a hijacked connection here.
	var serverLog bytes.Buffer
	server.Config.ErrorLog = log.New(&serverLog, "", 0)
	server.Start()
	defer server.Close()

	resp, err := http.Get(server.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}

	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want the 200 written on the hijacked connection", resp.StatusCode)
	}
	if string(body) != "hijacked" {
		t.Errorf("body = %q, want hijacked", body)
	}
	<-served
	if serverLog.Len() != 0 {
		t.Errorf("server log = %q, want no write after the hijack", serverLog.String())
	}
}

func TestTimeoutPassesPanic(t *testing.T) {
	handler := middleware.Timeout(time.Second)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))

	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	serve(handler, httptest.NewRequest(http.MethodGet, "/", nil))
	t.Error("ServeHTTP returned, want a panic")
}

func TestTimeoutClientGone(t *testing.T) {
	handler := middleware.Timeout(time.Minute)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))

	if rec.Body.Len() != 0 {
		t.Errorf("body = %q, want nothing written for a client that has gone", rec.Body.String())
	}
}
