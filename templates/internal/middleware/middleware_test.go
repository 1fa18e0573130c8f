package middleware_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"{{ module_path }}/internal/middleware"
)

func TestRequestID(t *testing.T) {
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)

	tests := []struct {
		name     string
		incoming string
		// keep is true when the incoming ID must be reused unchanged.
		keep bool
	}{
		{name: "no header", incoming: ""},
		{name: "uuid kept", incoming: "0b7a4c52-8c1e-4b59-9f55-2f9a0b1c3d4e", keep: true},
		{name: "trace id kept", incoming: "00-abc.def_1:2", keep: true},
		{name: "128 characters kept", incoming: strings.Repeat("a", 128), keep: true},
		{name: "129 characters replaced", incoming: strings.Repeat("a", 129)},
		{name: "space replaced", incoming: "abc def"},
		{name: "quote replaced", incoming: `abc"def`},
		{name: "non-ASCII replaced", incoming: "abcé"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fromContext string
			handler := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fromContext = middleware.RequestIDFrom(r.Context())
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.incoming != "" {
				req.Header.Set(middleware.RequestIDHeader, tt.incoming)
			}
			rec := httptest.NewRecorder()

			handler.ServeHTTP(rec, req)

			echoed := rec.Header().Get(middleware.RequestIDHeader)
			if echoed != fromContext {
				t.Errorf("response header %q differs from context value %q", echoed, fromContext)
			}
			if tt.keep {
				if echoed != tt.incoming {
					t.Errorf("request ID = %q, want the incoming %q", echoed, tt.incoming)
				}
				return
			}
			if !generated.MatchString(echoed) {
				t.Errorf("request ID = %q, want 32 generated hex digits", echoed)
			}
		})
	}
}

func TestRequestIDUnique(t *testing.T) {
	handler := middleware.RequestID(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	seen := make(map[string]bool)

	for range 100 {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		id := rec.Header().Get(middleware.RequestIDHeader)
		if seen[id] {
			t.Fatalf("request ID %q generated twice", id)
		}
		seen[id] = true
	}
}

func TestRequestIDFromEmptyContext(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)

	if got := middleware.RequestIDFrom(req.Context()); got != "" {
		t.Errorf("RequestIDFrom = %q, want empty", got)
	}
}

func decodeLogLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, entry)
	}
	return lines
}

func TestAccessLog(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus float64
		wantBytes  float64
	}{
		{
			name: "explicit status",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte("hello"))
			},
			wantStatus: 201,
			wantBytes:  5,
		},
		{
			name: "implicit 200",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte("abc"))
				_, _ = w.Write([]byte("de"))
			},
			wantStatus: 200,
			wantBytes:  5,
		},
		{
			name:       "no body",
			handler:    func(w http.ResponseWriter, r *http.Request) {},
			wantStatus: 200,
			wantBytes:  0,
		},
		{
			name: "informational status first",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusAccepted)
			},
			wantStatus: 202,
			wantBytes:  0,
		},
		{
			name: "flush without status",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if err := http.NewResponseController(w).Flush(); err != nil {
					t.Errorf("Flush: %v", err)
				}
			},
			wantStatus: 200,
			wantBytes:  0,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(middleware.LogHandler(slog.NewJSONHandler(&buf, nil)))
			mux := http.NewServeMux()
			mux.Handle("POST /items/{id}", tt.handler)
			handler := middleware.RequestID(middleware.AccessLog(logger)(mux))
			req := httptest.NewRequest(http.MethodPost, "/items/7?secret=x", strings.NewReader("body text"))
			req.Header.Set(middleware.RequestIDHeader, "req-1")

			handler.ServeHTTP(httptest.NewRecorder(), req)

			lines := decodeLogLines(t, &buf)
			if len(lines) != 1 {
				t.Fatalf("got %d log lines, want 1: %s", len(lines), buf.String())
			}
			entry := lines[0]
			checks := map[string]any{
				"msg":        "http request",
				"method":     "POST",
				"route":      "POST /items/{id}",
				"path":       "/items/7",
				"status":     tt.wantStatus,
				"bytes":      tt.wantBytes,
				"request_id": "req-1",
			}
			for key, want := range checks {
				if entry[key] != want {
					t.Errorf("log %s = %v, want %v", key, entry[key], want)
				}
			}
			if _, ok := entry["duration"]; !ok {
				t.Error("log line has no duration")
			}
			if strings.Contains(buf.String(), "body text") || strings.Contains(buf.String(), "secret") {
				t.Errorf("log line contains the body or query: %s", buf.String())
			}
		})
	}
}

func TestAccessLogHeadSendsNoBody(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"items":[]}`))
	})
	srv := httptest.NewServer(middleware.AccessLog(logger)(mux))
	t.Cleanup(srv.Close)

	req, err := http.NewRequestWithContext(context.Background(), http.MethodHead, srv.URL+"/items", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	// Close waits for the handler, and so for the log line.
	srv.Close()

	entry := accessLine(t, &buf)
	if entry["method"] != "HEAD" {
		t.Errorf("log method = %v, want HEAD", entry["method"])
	}
	if entry["status"] != float64(http.StatusOK) {
		t.Errorf("log status = %v, want 200", entry["status"])
	}
	if entry["bytes"] != float64(0) {
		t.Errorf("log bytes = %v, want 0", entry["bytes"])
	}
}

// accessLine returns the access log line in buf, and fails the test when
// there is none.
func accessLine(t *testing.T, buf *bytes.Buffer) map[string]any {
	t.Helper()
	for _, line := range decodeLogLines(t, buf) {
		if line["msg"] == "http request" {
			return line
		}
	}
	t.Fatalf("no access log line: %s", buf.String())
	return nil
}

// chain wraps handler in the middleware that share one response writer, in
// the order of the api package.
func chain(logger *slog.Logger, handler http.Handler) http.Handler {
	return middleware.AccessLog(logger)(middleware.Timeout(time.Second)(middleware.Recover(logger)(handler)))
}

func TestChainStreams(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	handler := chain(logger, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		flusher, ok := w.(http.Flusher)
		if !ok {
			t.Fatal("the ResponseWriter does not implement http.Flusher")
		}
		_, _ = w.Write([]byte("part 1,"))
		flusher.Flush()
		_, _ = w.Write([]byte("part 2"))
	}))
	rec := httptest.NewRecorder()

	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/stream", nil))

	if !rec.Flushed {
		t.Error("the response was not flushed")
	}
	if got := rec.Body.String(); got != "part 1,part 2" {
		t.Errorf("body = %q, want both parts", got)
	}
	lines := decodeLogLines(t, &buf)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1: %s", len(lines), buf.String())
	}
	if lines[0]["status"] != 200.0 {
		t.Errorf("log status = %v, want 200", lines[0]["status"])
	}
	if lines[0]["bytes"] != 13.0 {
		t.Errorf("log bytes = %v, want 13", lines[0]["bytes"])
	}
}

func TestChainLogsPanicAs500(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	handler := chain(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("broken handler")
	}))
	rec := httptest.NewRecorder()

	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	access := accessLine(t, &buf)
	if access["status"] != 500.0 {
		t.Errorf("log status = %v, want 500", access["status"])
	}
}

func TestChainLogsRouteOfAbortedResponse(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("part 1"))
		w.(http.Flusher).Flush()
		panic("broken stream")
	})
	handler := chain(logger, mux)

	func() {
		// Recover aborts a started response with http.ErrAbortHandler,
		// which net/http would catch.
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/stream", nil))
	}()

	access := accessLine(t, &buf)
	if access["route"] != "GET /stream" {
		t.Errorf("log route = %v, want GET /stream", access["route"])
	}
}

func TestRecoverPanic(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(middleware.LogHandler(slog.NewJSONHandler(&buf, nil)))
	handler := middleware.RequestID(middleware.Recover(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set(middleware.RequestIDHeader, "req-2")
	rec := httptest.NewRecorder()

	handler.ServeHTTP(rec, req)

	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var problem map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &problem); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body.String(), err)
	}
	if problem["status"] != float64(500) {
		t.Errorf("problem status = %v, want 500", problem["status"])
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("response body reveals the panic value: %s", rec.Body.String())
	}

	lines := decodeLogLines(t, &buf)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1: %s", len(lines), buf.String())
	}
	if lines[0]["panic"] != "boom" {
		t.Errorf("log panic = %v, want boom", lines[0]["panic"])
	}
	if lines[0]["request_id"] != "req-2" {
		t.Errorf("log request_id = %v, want req-2", lines[0]["request_id"])
	}
	if stack, _ := lines[0]["stack"].(string); !strings.Contains(stack, "middleware_test.go") {
		t.Errorf("log stack does not name the panicking file: %q", stack)
	}
}

func TestRecoverAfterResponseStarted(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	handler := middleware.Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		panic("late")
	}))
	rec := httptest.NewRecorder()

	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler so that net/http breaks the connection", v)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want nothing appended", rec.Body.String())
		}
		if len(decodeLogLines(t, &buf)) != 1 {
			t.Errorf("want one log line, got: %s", buf.String())
		}
	}()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	t.Error("ServeHTTP returned, want a panic")
}

func TestRecoverRepanicsAbortHandler(t *testing.T) {
	handler := middleware.Recover(slog.New(slog.DiscardHandler))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))

	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	t.Error("ServeHTTP returned, want a panic")
}
