package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"{{ module_path }}/internal/api"
	"{{ module_path }}/internal/middleware"
	"{{ module_path }}/internal/service"
)

// FuzzCreateUser sends arbitrary bodies to POST /v1/users. Whatever the body,
// the server must respond with a documented client status or 201, never 500,
// and with a JSON body of the matching media type. It accepts only bodies of
// valid UTF-8 whose keys are exactly "name" and "email", each at most once.
func FuzzCreateUser(f *testing.F) {
	seeds := []string{
		`{"name":"Ada","email":"ada@example.com"}`,
		`{"name":" Ada ","email":"ADA@Example.com"}`,
		`{"name":"","email":""}`,
		`{"name":5}`,
		`{"nmae":"Ada"}`,
		`{"Name":"Ada","EMAIL":"ada@example.com"}`,
		`{"name":"Ada","email":"ada@example.com","name":"Eve"}`,
		"{\"name\":\"Ad\xffa\",\"email\":\"ada@example.com\"}",
		`{"name":"Ada","email":"ada@example.com","extra":{"name":1}}`,
		`[]`,
		`{"name":"A","email":"a@example.com"} {}`,
		`{"name":"\u0000","email":"a@b"}`,
		`{"name":"` + strings.Repeat("é", 101) + `","email":"x@example.com"}`,
		``,
		`{`,
		`null`,
	}
	for _, seed := range seeds {
		f.Add(seed)
	}
	users := service.NewUsers(newMemoryStore(), func() time.Time { return testNow })
	handler := api.NewServer(slog.New(slog.DiscardHandler), users, nil, api.Options{
		MaxBodyBytes:     1 << 10,
		RequestTimeout:   5 * time.Second,
		PageLimitDefault: 2,
		PageLimitMax:     3,
		AccessLog:        true,
	})
	wantStatuses := []int{
		http.StatusCreated,
		http.StatusBadRequest,
		http.StatusConflict,
		http.StatusRequestEntityTooLarge,
		http.StatusUnprocessableEntity,
	}

	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/users", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()

		handler.ServeHTTP(rec, req)

		if !slices.Contains(wantStatuses, rec.Code) {
			t.Fatalf("status = %d for body %q; response %s", rec.Code, body, rec.Body.String())
		}
		wantType := "application/problem+json"
		if rec.Code == http.StatusCreated {
			wantType = "application/json"
		}
		if ct := rec.Header().Get("Content-Type"); ct != wantType {
			t.Errorf("Content-Type = %q, want %q", ct, wantType)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("response body is not JSON: %q", rec.Body.String())
		}
		if rec.Code == http.StatusCreated && !hasExactlyUserKeys(body) {
			t.Errorf("status = 201 for body %q, want 400 for a body with invalid UTF-8 or other keys", body)
		}
	})
}

// hasExactlyUserKeys reports whether body is valid UTF-8 and a JSON object
// whose keys are "name" and "email", each once and in that exact case.
func hasExactlyUserKeys(body string) bool {
	if !utf8.ValidString(body) {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(body))
	if token, err := dec.Token(); err != nil || token != json.Delim('{') {
		return false
	}
	var keys []string
	for dec.More() {
		token, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := token.(string)
		keys = append(keys, key)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return false
		}
	}
	slices.Sort(keys)
	return slices.Equal(keys, []string{"email", "name"})
}

// The benchmarks measure the hot handlers through the whole middleware chain
// over the in-memory store, so they show the cost of the HTTP layer alone.
// The access log is on, as with ACCESS_LOG=true, and its lines are formatted
// and then discarded. The rate limit is on with a limit that no benchmark
// reaches.

func benchmarkServer(b *testing.B, seed int) http.Handler {
	b.Helper()
	store := newMemoryStore()
	users := service.NewUsers(store, nil)
	for i := range seed {
		_, err := users.Create(b.Context(), service.UserInput{Name: "User", Email: "user" + strconv.Itoa(i) + "@example.com"})
		if err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	logger := slog.New(middleware.LogHandler(slog.NewJSONHandler(io.Discard, nil)))
	return api.NewServer(logger, users, nil, api.Options{
		MaxBodyBytes:     1 << 20,
		RequestTimeout:   10 * time.Second,
		PageLimitDefault: 20,
		PageLimitMax:     100,
		AccessLog:        true,
		RateLimitRPS:     1e9,
		RateLimitBurst:   1e9,
	})
}

func runBenchmark(b *testing.B, handler http.Handler, newRequest func(i int) *http.Request, wantStatus int) {
	b.Helper()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, newRequest(i))
		if rec.Code != wantStatus {
			b.Fatalf("status = %d, want %d: %s", rec.Code, wantStatus, rec.Body.String())
		}
		_, _ = io.Copy(io.Discard, rec.Body)
	}
}

func BenchmarkCreateUser(b *testing.B) {
	handler := benchmarkServer(b, 0)
	runBenchmark(b, handler, func(i int) *http.Request {
		body := `{"name":"Ada Lovelace","email":"ada` + strconv.Itoa(i) + `@example.com"}`
		req := httptest.NewRequest(http.MethodPost, "/v1/users", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return req
	}, http.StatusCreated)
}

func BenchmarkGetUser(b *testing.B) {
	handler := benchmarkServer(b, 1)
	runBenchmark(b, handler, func(int) *http.Request {
		return httptest.NewRequest(http.MethodGet, "/v1/users/1", nil)
	}, http.StatusOK)
}

func BenchmarkListUsers(b *testing.B) {
	handler := benchmarkServer(b, 100)
	runBenchmark(b, handler, func(int) *http.Request {
		return httptest.NewRequest(http.MethodGet, "/v1/users?limit=20", nil)
	}, http.StatusOK)
}
