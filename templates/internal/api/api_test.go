package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"{{ module_path }}/internal/api"
	"{{ module_path }}/internal/middleware"
	"{{ module_path }}/internal/service"
)

// memoryStore is an in-memory service.UserStore. When failWith is set, every
// method returns it, to simulate a database failure. Get also simulates a
// stuck query (waitForCancel) and a bug (panicWith).
type memoryStore struct {
	mu       sync.Mutex
	users    map[int64]service.User
	nextID   int64
	failWith error
	// waitForCancel makes Get block until its context ends.
	waitForCancel bool
	// panicWith makes Get panic with this value when it is not nil.
	panicWith any
}

func newMemoryStore() *memoryStore {
	return &memoryStore{users: make(map[int64]service.User), nextID: 1}
}

func (m *memoryStore) emailTaken(email string, exceptID int64) bool {
	for id, u := range m.users {
		if u.Email == email && id != exceptID {
			return true
		}
	}
	return false
}

func (m *memoryStore) Create(_ context.Context, u service.User) (service.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failWith != nil {
		return service.User{}, m.failWith
	}
	if m.emailTaken(u.Email, 0) {
		return service.User{}, service.ErrConflict
	}
	u.ID = m.nextID
	m.nextID++
	m.users[u.ID] = u
	return u, nil
}

func (m *memoryStore) Get(ctx context.Context, id int64) (service.User, error) {
	if m.waitForCancel {
		<-ctx.Done()
		return service.User{}, ctx.Err()
	}
	if m.panicWith != nil {
		panic(m.panicWith)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failWith != nil {
		return service.User{}, m.failWith
	}
	u, ok := m.users[id]
	if !ok {
		return service.User{}, service.ErrNotFound
	}
	return u, nil
}

func (m *memoryStore) List(_ context.Context, afterID int64, limit int) ([]service.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failWith != nil {
		return nil, m.failWith
	}
	var users []service.User
	for _, u := range m.users {
		if u.ID > afterID {
			users = append(users, u)
		}
	}
	slices.SortFunc(users, func(a, b service.User) int { return int(a.ID - b.ID) })
	if len(users) > limit {
		users = users[:limit]
	}
	return users, nil
}

func (m *memoryStore) Update(_ context.Context, u service.User) (service.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failWith != nil {
		return service.User{}, m.failWith
	}
	stored, ok := m.users[u.ID]
	if !ok {
		return service.User{}, service.ErrNotFound
	}
	if m.emailTaken(u.Email, u.ID) {
		return service.User{}, service.ErrConflict
	}
	stored.Name, stored.Email, stored.UpdatedAt = u.Name, u.Email, u.UpdatedAt
	m.users[u.ID] = stored
	return stored, nil
}

func (m *memoryStore) Delete(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failWith != nil {
		return m.failWith
	}
	if _, ok := m.users[id]; !ok {
		return service.ErrNotFound
	}
	delete(m.users, id)
	return nil
}

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type testServer struct {
	handler http.Handler
	store   *memoryStore
	logs    *bytes.Buffer
	// readyErr is what the readiness check returns.
	readyErr error
	// readyHangs makes the readiness check block until its context ends,
	// like a ping to a database that does not respond.
	readyHangs bool
}

// testOptions are the options of newTestServer: small limits so that tests
// reach them, and no rate limit.
func testOptions() api.Options {
	return api.Options{
		MaxBodyBytes:     64,
		RequestTimeout:   5 * time.Second,
		PageLimitDefault: 2,
		PageLimitMax:     3,
		AccessLog:        true,
	}
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, testOptions())
}

func newTestServerWith(t *testing.T, opts api.Options) *testServer {
	t.Helper()
	ts := &testServer{store: newMemoryStore(), logs: &bytes.Buffer{}}
	logger := slog.New(middleware.LogHandler(slog.NewJSONHandler(ts.logs, nil)))
	users := service.NewUsers(ts.store, func() time.Time { return testNow })
	// Like the database ping, the check returns its context's error once the
	// context has ended.
	ready := func(ctx context.Context) error {
		if ts.readyHangs {
			<-ctx.Done()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return ts.readyErr
	}
	ts.handler = api.NewServer(logger, users, ready, opts)
	return ts
}

func (ts *testServer) do(t *testing.T, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	return rec
}

// seed stores users with the given emails and IDs 1, 2, 3 and so on.
func (ts *testServer) seed(t *testing.T, emails ...string) {
	t.Helper()
	for _, email := range emails {
		_, err := ts.store.Create(context.Background(), service.User{
			Name:      "Seeded",
			Email:     email,
			CreatedAt: testNow,
			UpdatedAt: testNow,
		})
		if err != nil {
			t.Fatalf("seed %s: %v", email, err)
		}
	}
}

type problemBody struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) problemBody {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, rec.Body.String())
	}
	var p problemBody
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %q is not JSON: %v", rec.Body.String(), err)
	}
	if p.Type != "about:blank" {
		t.Errorf("problem type = %q, want about:blank", p.Type)
	}
	if p.Status != rec.Code {
		t.Errorf("problem status = %d, want the response status %d", p.Status, rec.Code)
	}
	if p.Title != middleware.StatusTitle(rec.Code) {
		t.Errorf("problem title = %q, want %q", p.Title, middleware.StatusTitle(rec.Code))
	}
	if p.Detail == "" {
		t.Error("problem detail is empty")
	}
	return p
}

func TestBodyMustBeJSON(t *testing.T) {
	tests := []struct {
		method      string
		contentType string
		wantStatus  int
	}{
		{method: "POST", contentType: "application/json", wantStatus: http.StatusCreated},
		{method: "POST", contentType: "application/json; charset=utf-8", wantStatus: http.StatusCreated},
		{method: "POST", contentType: "Application/JSON", wantStatus: http.StatusCreated},
		{method: "POST", contentType: "application/vnd.acme+json", wantStatus: http.StatusCreated},
		{method: "PUT", contentType: "application/json", wantStatus: http.StatusOK},
		{method: "POST", contentType: "", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "text/plain", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "application/x-www-form-urlencoded", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "multipart/form-data; boundary=x", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "application/jsonp", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "application/json; charset", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "application/json; charset=latin1", wantStatus: http.StatusUnsupportedMediaType},
		{method: "POST", contentType: "application/json; charset=UTF-8", wantStatus: http.StatusCreated},
		{method: "POST", contentType: "application/+json", wantStatus: http.StatusUnsupportedMediaType},
		{method: "PUT", contentType: "text/plain", wantStatus: http.StatusUnsupportedMediaType},
	}

	for i, tt := range tests {
		t.Run(tt.method+" "+tt.contentType, func(t *testing.T) {
			ts := newTestServer(t)
			ts.seed(t, "seeded@example.com")
			target := "/v1/users"
			if tt.method == "PUT" {
				target = "/v1/users/1"
			}
			body := fmt.Sprintf(`{"name":"Ada","email":"ada%d@example.com"}`, i)
			req := httptest.NewRequest(tt.method, target, strings.NewReader(body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()

			ts.handler.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantStatus == http.StatusUnsupportedMediaType {
				p := decodeProblem(t, rec)
				if !strings.Contains(p.Detail, "Content-Type: application/json") {
					t.Errorf("detail = %q, want it to name the expected Content-Type", p.Detail)
				}
			}
		})
	}
}

func TestCompressedBodyIsUnsupported(t *testing.T) {
	tests := []struct {
		encodings  []string
		wantStatus int
	}{
		{encodings: []string{"gzip"}, wantStatus: http.StatusUnsupportedMediaType},
		{encodings: []string{"identity, br"}, wantStatus: http.StatusUnsupportedMediaType},
		{encodings: []string{"identity", "deflate"}, wantStatus: http.StatusUnsupportedMediaType},
		{encodings: []string{"identity"}, wantStatus: http.StatusCreated},
		{encodings: []string{"IDENTITY"}, wantStatus: http.StatusCreated},
		{encodings: []string{""}, wantStatus: http.StatusCreated},
	}

	for i, tt := range tests {
		t.Run(strings.Join(tt.encodings, "+"), func(t *testing.T) {
			ts := newTestServer(t)
			body := fmt.Sprintf(`{"name":"Ada","email":"ada%d@example.com"}`, i)
			req := httptest.NewRequest(http.MethodPost, "/v1/users", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for _, encoding := range tt.encodings {
				req.Header.Add("Content-Encoding", encoding)
			}
			rec := httptest.NewRecorder()

			ts.handler.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantStatus != http.StatusUnsupportedMediaType {
				return
			}
			if got := rec.Header().Get("Accept-Encoding"); got != "identity" {
				t.Errorf("Accept-Encoding = %q, want identity", got)
			}
			if p := decodeProblem(t, rec); !strings.Contains(p.Detail, "must not be compressed") {
				t.Errorf("detail = %q, want it to say that the body must not be compressed", p.Detail)
			}
		})
	}
}

func TestErrorResponses(t *testing.T) {
	tests := []struct {
		name       string
		seed       []string
		method     string
		target     string
		body       string
		wantStatus int
		// wantDetail is a substring of the problem detail.
		wantDetail string
		wantFields []string
		wantAllow  string
	}{
		{name: "malformed json", method: "POST", target: "/v1/users", body: `{"name":`, wantStatus: 400, wantDetail: "ends in the middle"},
		{name: "invalid json", method: "POST", target: "/v1/users", body: `{"name" "x"}`, wantStatus: 400, wantDetail: "not valid JSON"},
		{name: "empty body", method: "POST", target: "/v1/users", body: "", wantStatus: 400, wantDetail: "empty"},
		{name: "unknown field", method: "POST", target: "/v1/users", body: `{"nmae":"Ada"}`, wantStatus: 400, wantDetail: `unknown field "nmae"`},
		{name: "field name in other case", method: "POST", target: "/v1/users", body: `{"Name":"Ada","EMAIL":"a@example.com"}`, wantStatus: 400, wantDetail: `unknown field "Name"`},
		{name: "unknown field after known", method: "POST", target: "/v1/users", body: `{"name":"Ada","nmae":"Ada"}`, wantStatus: 400, wantDetail: `unknown field "nmae"`},
		{name: "duplicate field", method: "POST", target: "/v1/users", body: `{"name":"x","email":"x@example.com","name":"y"}`, wantStatus: 400, wantDetail: `field "name" more than once`},
		{name: "invalid UTF-8 in value", method: "POST", target: "/v1/users", body: "{\"name\":\"Ad\xffa\",\"email\":\"a@example.com\"}", wantStatus: 400, wantDetail: `field "name" contains invalid UTF-8`},
		{name: "unpaired surrogate in value", method: "POST", target: "/v1/users", body: `{"name":"\ud800","email":"a@example.com"}`, wantStatus: 400, wantDetail: "unpaired UTF-16 surrogate"},
		{name: "invalid UTF-8 in field name", method: "POST", target: "/v1/users", body: "{\"na\xffme\":\"Ada\"}", wantStatus: 400, wantDetail: "field name that is not valid UTF-8"},
		{name: "wrong field type", method: "POST", target: "/v1/users", body: `{"name":5}`, wantStatus: 400, wantDetail: `"name" must be a JSON string`},
		{name: "array body", method: "POST", target: "/v1/users", body: `[]`, wantStatus: 400, wantDetail: "must be a JSON object"},
		{name: "null body", method: "POST", target: "/v1/users", body: `null`, wantStatus: 400, wantDetail: "not null"},
		{name: "null update body", seed: []string{"a@example.com"}, method: "PUT", target: "/v1/users/1", body: ` null `, wantStatus: 400, wantDetail: "not null"},
		{name: "trailing data", method: "POST", target: "/v1/users", body: `{"name":"A","email":"a@example.com"} {}`, wantStatus: 400, wantDetail: "single JSON value"},
		{name: "body too large", method: "POST", target: "/v1/users", body: `{"name":"` + strings.Repeat("a", 100) + `"}`, wantStatus: 413, wantDetail: "64 bytes"},
		{name: "update body too large", seed: []string{"a@example.com"}, method: "PUT", target: "/v1/users/1", body: `{"name":"` + strings.Repeat("a", 100) + `"}`, wantStatus: 413, wantDetail: "64 bytes"},
		{
			name:       "create invalid fields",
			method:     "POST",
			target:     "/v1/users",
			body:       `{"name":" ","email":"nope"}`,
			wantStatus: 422,
			wantDetail: "invalid fields",
			wantFields: []string{"name", "email"},
		},
		{
			name:       "update invalid field",
			seed:       []string{"a@example.com"},
			method:     "PUT",
			target:     "/v1/users/1",
			body:       `{"name":"Ada","email":""}`,
			wantStatus: 422,
			wantDetail: "invalid fields",
			wantFields: []string{"email"},
		},
		{name: "create duplicate email", seed: []string{"ada@example.com"}, method: "POST", target: "/v1/users", body: `{"name":"Ada","email":"ADA@example.com"}`, wantStatus: 409, wantDetail: "email address"},
		{name: "update duplicate email", seed: []string{"a@example.com", "b@example.com"}, method: "PUT", target: "/v1/users/2", body: `{"name":"B","email":"a@example.com"}`, wantStatus: 409, wantDetail: "email address"},
		{name: "get missing", method: "GET", target: "/v1/users/99", wantStatus: 404, wantDetail: "No user"},
		{name: "update missing", method: "PUT", target: "/v1/users/99", body: `{"name":"A","email":"a@example.com"}`, wantStatus: 404, wantDetail: "No user"},
		{name: "delete missing", method: "DELETE", target: "/v1/users/99", wantStatus: 404, wantDetail: "No user"},
		{name: "unknown route", method: "GET", target: "/v2/things", wantStatus: 404, wantDetail: "No route"},
		{name: "trailing slash", method: "GET", target: "/v1/users/", wantStatus: 404, wantDetail: "No route"},
		{name: "non-numeric id", method: "GET", target: "/v1/users/abc", wantStatus: 400, wantDetail: `"abc"`},
		{name: "id with leading zero", method: "GET", target: "/v1/users/01", wantStatus: 400, wantDetail: `"01"`},
		{name: "id with plus sign", method: "GET", target: "/v1/users/+1", wantStatus: 400, wantDetail: `"+1"`},
		{name: "zero id on get", method: "GET", target: "/v1/users/0", wantStatus: 400, wantDetail: `"0"`},
		{name: "zero id", method: "DELETE", target: "/v1/users/0", wantStatus: 400, wantDetail: "positive integer"},
		{name: "id overflow", method: "GET", target: "/v1/users/99999999999999999999", wantStatus: 400, wantDetail: "positive integer"},
		{name: "limit not a number", method: "GET", target: "/v1/users?limit=ten", wantStatus: 400, wantDetail: "limit"},
		{name: "limit zero", method: "GET", target: "/v1/users?limit=0", wantStatus: 400, wantDetail: "limit"},
		{name: "limit with plus sign", method: "GET", target: "/v1/users?limit=%2B3", wantStatus: 400, wantDetail: "without sign"},
		{name: "limit negative", method: "GET", target: "/v1/users?limit=-3", wantStatus: 400, wantDetail: "without sign"},
		{name: "limit with plus decoded to space", method: "GET", target: "/v1/users?limit=+3", wantStatus: 400, wantDetail: "A + in a query string stands for a space"},
		{name: "limit with leading zero", method: "GET", target: "/v1/users?limit=02", wantStatus: 400, wantDetail: "leading zeros"},
		{name: "query with invalid escape", method: "GET", target: "/v1/users?limit=%zz", wantStatus: 400, wantDetail: "The query string is invalid"},
		{name: "query with semicolon", method: "GET", target: "/v1/users?limit=1;limit=2", wantStatus: 400, wantDetail: "The query string is invalid"},
		{name: "limit twice", method: "GET", target: "/v1/users?limit=1&limit=2", wantStatus: 400, wantDetail: "limit query parameter may appear only once"},
		{name: "cursor twice", method: "GET", target: "/v1/users?cursor=a&cursor=b", wantStatus: 400, wantDetail: "cursor query parameter may appear only once"},
		{name: "invalid cursor", method: "GET", target: "/v1/users?cursor=!!", wantStatus: 400, wantDetail: "cursor"},
		{name: "collection method", method: "DELETE", target: "/v1/users", wantStatus: 405, wantDetail: "Allow header", wantAllow: "GET, HEAD, POST"},
		{name: "item method", method: "POST", target: "/v1/users/1", wantStatus: 405, wantDetail: "Allow header", wantAllow: "DELETE, GET, HEAD, PUT"},
		{name: "healthz method", method: "POST", target: "/healthz", wantStatus: 405, wantDetail: "Allow header", wantAllow: "GET, HEAD"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.seed(t, tt.seed...)

			rec := ts.do(t, tt.method, tt.target, tt.body)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			p := decodeProblem(t, rec)
			if !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.wantDetail)
			}
			var fields []string
			for _, f := range p.Errors {
				fields = append(fields, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !reflect.DeepEqual(fields, tt.wantFields) {
				t.Errorf("error fields = %v, want %v", fields, tt.wantFields)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	ts := newTestServer(t)
	ts.store.failWith = errors.New("disk on fire")
	req := httptest.NewRequest(http.MethodGet, "/v1/users/1", nil)
	req.Header.Set(middleware.RequestIDHeader, "req-500")
	rec := httptest.NewRecorder()

	ts.handler.ServeHTTP(rec, req)

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	decodeProblem(t, rec)
	if strings.Contains(rec.Body.String(), "disk on fire") {
		t.Errorf("response reveals the cause: %s", rec.Body.String())
	}

	var logged bool
	for _, line := range strings.Split(strings.TrimSpace(ts.logs.String()), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if entry["msg"] == "request failed" {
			logged = true
			if !strings.Contains(entry["error"].(string), "disk on fire") {
				t.Errorf("logged error = %v, want the cause", entry["error"])
			}
			if entry["request_id"] != "req-500" {
				t.Errorf("logged request_id = %v, want req-500", entry["request_id"])
			}
		}
	}
	if !logged {
		t.Errorf("no request failed log line in: %s", ts.logs.String())
	}
}

func TestDatabaseUnavailableIs503(t *testing.T) {
	ts := newTestServer(t)
	ts.store.failWith = fmt.Errorf("%w: dial tcp 127.0.0.1:5432: connect: connection refused", service.ErrUnavailable)

	rec := ts.do(t, http.MethodPost, "/v1/users", `{"name":"Ada","email":"ada@example.com"}`)

	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	decodeProblem(t, rec)
	if got := rec.Header().Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After = %q, want 5", got)
	}
	if strings.Contains(rec.Body.String(), "connection refused") {
		t.Errorf("response reveals the cause: %s", rec.Body.String())
	}
	if !strings.Contains(ts.logs.String(), "connection refused") {
		t.Errorf("the cause is not logged: %s", ts.logs.String())
	}
}

func TestTimeoutIsLogged(t *testing.T) {
	ts := newTestServer(t)
	ts.store.failWith = fmt.Errorf("query users: %w", context.DeadlineExceeded)

	rec := ts.do(t, http.MethodGet, "/v1/users/1", "")

	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After = %q, want 5", got)
	}
	if !strings.Contains(ts.logs.String(), `"msg":"request timed out"`) {
		t.Errorf("the timeout is not logged: %s", ts.logs.String())
	}
}

func TestBodyReadErrors(t *testing.T) {
	// The cause names socket addresses, which the response must not show.
	peer := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 47548}
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantDetail string
	}{
		{
			name:       "read deadline",
			err:        &net.OpError{Op: "read", Net: "tcp", Addr: peer, Err: os.ErrDeadlineExceeded},
			wantStatus: http.StatusRequestTimeout,
			wantDetail: "did not arrive in time",
		},
		{
			name:       "connection reset",
			err:        &net.OpError{Op: "read", Net: "tcp", Addr: peer, Err: errors.New("connection reset by peer")},
			wantStatus: http.StatusBadRequest,
			wantDetail: "could not read the request body",
		},
		{
			name:       "body cut short",
			err:        fmt.Errorf("read body from %s: %w", peer, io.ErrUnexpectedEOF),
			wantStatus: http.StatusBadRequest,
			wantDetail: "could not read the request body",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			body := io.MultiReader(strings.NewReader(`{"name":"Ada`), iotest.ErrReader(tt.err))
			req := httptest.NewRequest(http.MethodPost, "/v1/users", body)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()

			ts.handler.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			p := decodeProblem(t, rec)
			if !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.wantDetail)
			}
			if strings.Contains(rec.Body.String(), "47548") {
				t.Errorf("response reveals the socket address: %s", rec.Body.String())
			}
			if got := rec.Header().Get("Connection"); got != "close" {
				t.Errorf("Connection = %q, want close", got)
			}
			if !strings.Contains(ts.logs.String(), "127.0.0.1:47548") {
				t.Errorf("the cause is not logged: %s", ts.logs.String())
			}
		})
	}
}

// TestBodyReadTimeoutOverTCP sends half a body to a real server and then
// stalls, so that the server's read deadline ends the body.
func TestBodyReadTimeoutOverTCP(t *testing.T) {
	ts := newTestServer(t)
	srv := httptest.NewUnstartedServer(ts.handler)
	srv.Config.ReadTimeout = 200 * time.Millisecond
	srv.Start()
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	_, err = io.WriteString(conn, "POST /v1/users HTTP/1.1\r\nHost: example.com\r\n"+
		"Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"name\":")
	if err != nil {
		t.Fatalf("write request: %v", err)
	}

	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatalf("read response body: %v", err)
	}

	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("status = %d, want 408; body %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "127.0.0.1") || strings.Contains(string(body), "timeout") {
		t.Errorf("response reveals the cause: %s", body)
	}
}

type userBody struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func decodeUser(t *testing.T, rec *httptest.ResponseRecorder) userBody {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var u userBody
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil {
		t.Fatalf("decode user: %v", err)
	}
	return u
}

func TestUserLifecycle(t *testing.T) {
	ts := newTestServer(t)

	rec := ts.do(t, "POST", "/v1/users", `{"name":" Ada ","email":"Ada@Example.com"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create status = %d, want 201; body %s", rec.Code, rec.Body.String())
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/users/1" {
		t.Errorf("Location = %q, want /v1/users/1", loc)
	}
	created := decodeUser(t, rec)
	want := userBody{ID: 1, Name: "Ada", Email: "ada@example.com", CreatedAt: testNow, UpdatedAt: testNow}
	if created != want {
		t.Errorf("created = %+v, want %+v", created, want)
	}

	rec = ts.do(t, "GET", "/v1/users/1", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("get status = %d, want 200", rec.Code)
	}
	if got := decodeUser(t, rec); got != want {
		t.Errorf("get = %+v, want %+v", got, want)
	}

	rec = ts.do(t, "PUT", "/v1/users/1", `{"name":"Ada King","email":"king@example.com"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("update status = %d, want 200; body %s", rec.Code, rec.Body.String())
	}
	if got := decodeUser(t, rec); got.Name != "Ada King" || got.Email != "king@example.com" {
		t.Errorf("update = %+v, want the new name and email", got)
	}

	rec = ts.do(t, "DELETE", "/v1/users/1", "")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("delete status = %d, want 204", rec.Code)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("delete body = %q, want empty", rec.Body.String())
	}

	rec = ts.do(t, "GET", "/v1/users/1", "")
	if rec.Code != http.StatusNotFound {
		t.Errorf("get after delete status = %d, want 404", rec.Code)
	}
}

type listBody struct {
	Users      []userBody `json:"users"`
	NextCursor *string    `json:"next_cursor"`
}

func (ts *testServer) list(t *testing.T, target string) listBody {
	t.Helper()
	rec := ts.do(t, "GET", target, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s status = %d, want 200; body %s", target, rec.Code, rec.Body.String())
	}
	var body listBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("decode list: %v", err)
	}
	return body
}

func idsOf(users []userBody) []int64 {
	ids := []int64{}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestListUsers(t *testing.T) {
	tests := []struct {
		name     string
		seed     int
		target   string
		wantIDs  []int64
		wantNext bool
	}{
		{name: "empty list", seed: 0, target: "/v1/users", wantIDs: []int64{}},
		{name: "default limit", seed: 3, target: "/v1/users", wantIDs: []int64{1, 2}, wantNext: true},
		{name: "explicit limit", seed: 3, target: "/v1/users?limit=1", wantIDs: []int64{1}, wantNext: true},
		{name: "limit capped at max", seed: 5, target: "/v1/users?limit=1000", wantIDs: []int64{1, 2, 3}, wantNext: true},
		{name: "limit beyond int capped", seed: 5, target: "/v1/users?limit=99999999999999999999", wantIDs: []int64{1, 2, 3}, wantNext: true},
		{name: "exactly one page", seed: 3, target: "/v1/users?limit=3", wantIDs: []int64{1, 2, 3}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			for i := range tt.seed {
				ts.seed(t, string(rune('a'+i))+"@example.com")
			}

			body := ts.list(t, tt.target)

			if got := idsOf(body.Users); !reflect.DeepEqual(got, tt.wantIDs) {
				t.Errorf("IDs = %v, want %v", got, tt.wantIDs)
			}
			if (body.NextCursor != nil) != tt.wantNext {
				t.Errorf("next_cursor present = %t, want %t", body.NextCursor != nil, tt.wantNext)
			}
		})
	}
}

func TestListUsersFollowsCursor(t *testing.T) {
	ts := newTestServer(t)
	ts.seed(t, "a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com")

	var ids []int64
	target := "/v1/users?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("cursor never reached the end")
		}
		body := ts.list(t, target)
		ids = append(ids, idsOf(body.Users)...)
		if body.NextCursor == nil {
			break
		}
		target = "/v1/users?limit=2&cursor=" + *body.NextCursor
	}

	if want := []int64{1, 2, 3, 4, 5}; !reflect.DeepEqual(ids, want) {
		t.Errorf("IDs across pages = %v, want %v", ids, want)
	}
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t)
	ts.readyErr = errors.New("database down")

	rec := ts.do(t, "GET", "/healthz", "")

	if rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200 even when not ready", rec.Code)
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name       string
		readyErr   error
		wantStatus int
	}{
		{name: "ready", wantStatus: 200},
		{name: "not ready", readyErr: errors.New("database down"), wantStatus: 503},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.readyErr = tt.readyErr

			rec := ts.do(t, "GET", "/readyz", "")

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusServiceUnavailable {
				decodeProblem(t, rec)
				if strings.Contains(rec.Body.String(), "database down") {
					t.Errorf("response reveals the cause: %s", rec.Body.String())
				}
			}
		})
	}
}

func TestReadyzLogsChangesOnly(t *testing.T) {
	ts := newTestServer(t)
	probe := func(readyErr error) {
		t.Helper()
		ts.readyErr = readyErr
		ts.do(t, "GET", "/readyz", "")
	}
	down := errors.New("database down")

	probe(down)
	probe(down)
	probe(down)
	probe(nil)
	probe(nil)
	probe(down)

	var messages []string
	for _, entry := range logEntries(t, ts) {
		if msg, _ := entry["msg"].(string); strings.HasPrefix(msg, "readiness") {
			messages = append(messages, entry["level"].(string)+" "+msg)
		}
	}
	want := []string{
		"WARN readiness check failed",
		"INFO readiness check passes again",
		"WARN readiness check failed",
	}
	if !slices.Equal(messages, want) {
		t.Errorf("readiness log lines = %q, want %q", messages, want)
	}
}

// TestReadyzOutlivesProber checks that a readiness check runs to its end
// when the prober goes away first, so that only the state of the service is
// logged, and never the prober's "context canceled".
func TestReadyzOutlivesProber(t *testing.T) {
	down := errors.New("database down")
	tests := []struct {
		name     string
		readyErr error
		hangs    bool
		want     []string
	}{
		{name: "ready", want: nil},
		{name: "down", readyErr: down, want: []string{
			"WARN readiness check failed: database down",
			"INFO readiness check passes again",
		}},
		// REQUEST_TIMEOUT ends the hanging check, here sooner than readyTimeout.
		{name: "hangs", hangs: true, want: []string{
			"WARN readiness check failed: context deadline exceeded",
			"INFO readiness check passes again",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.RequestTimeout = 50 * time.Millisecond
			ts := newTestServerWith(t, opts)
			ts.readyErr, ts.readyHangs = tt.readyErr, tt.hangs
			proberCtx, cancel := context.WithCancel(context.Background())
			cancel()

			start := time.Now()
			ts.handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(proberCtx, "GET", "/readyz", nil))
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("the check took %s, want it to end at the 50ms REQUEST_TIMEOUT", elapsed)
			}
			ts.readyErr, ts.readyHangs = nil, false
			ts.do(t, "GET", "/readyz", "")

			var messages []string
			for _, entry := range logEntries(t, ts) {
				msg, _ := entry["msg"].(string)
				if !strings.HasPrefix(msg, "readiness") {
					continue
				}
				message := fmt.Sprintf("%s %s", entry["level"], msg)
				if err, ok := entry["error"].(string); ok {
					message += ": " + err
				}
				messages = append(messages, message)
			}
			if !slices.Equal(messages, tt.want) {
				t.Errorf("readiness log lines = %q, want %q", messages, tt.want)
			}
		})
	}
}

func TestResponsesCarryRequestID(t *testing.T) {
	ts := newTestServer(t)

	rec := ts.do(t, "GET", "/healthz", "")

	if rec.Header().Get(middleware.RequestIDHeader) == "" {
		t.Error("response has no X-Request-ID header")
	}
}
