package middleware_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"{{ module_path }}/internal/middleware"
)

func TestTimeoutCancelsHandler(t *testing.T) {
	handlerErr := make(chan error, 1)
	release := make(chan struct{})
	defer close(release)
	handler := middleware.Timeout(20 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		handlerErr <- r.Context().Err()
		<-release
		// Written after the deadline, so it must be discarded.
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "late")
	}))

	start := time.Now()
	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/slow", nil))

	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("response took %s, want about 20ms", elapsed)
	}
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	select {
	case err := <-handlerErr:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("handler context error = %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(2 * time.Second):
		t.Error("the handler's context was not cancelled")
	}
}

func TestTimeoutIgnoringHandler(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	handler := middleware.Timeout(20 * time.Millisecond)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		// Ignores its context, like a handler stuck in a computation.
		<-release
	}))

	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/stuck", nil))

	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503 without waiting for the handler", rec.Code)
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

func TestTimeoutRaisesPanic(t *testing.T) {
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
	release := make(chan struct{})
	defer close(release)
	handler := middleware.Timeout(time.Minute)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		<-release
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	rec := serve(handler, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))

	if rec.Body.Len() != 0 {
		t.Errorf("body = %q, want nothing written for a client that has gone", rec.Body.String())
	}
}
