package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"{{ module_path }}/internal/middleware"
)

func corsHandler(origins []string, credentials bool) http.Handler {
	return middleware.CORS(middleware.CORSOptions{
		AllowedOrigins:   origins,
		AllowCredentials: credentials,
		AllowedMethods:   []string{"GET", "POST"},
		AllowedHeaders:   []string{"Content-Type"},
		ExposedHeaders:   []string{"X-Request-ID"},
		MaxAge:           10 * time.Minute,
	})(okHandler)
}

func preflight(origin, method, headers string) *http.Request {
	req := httptest.NewRequest(http.MethodOptions, "/v1/users", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", method)
	if headers != "" {
		req.Header.Set("Access-Control-Request-Headers", headers)
	}
	return req
}

func TestCORSPreflightAllowed(t *testing.T) {
	handler := corsHandler([]string{"https://app.example.com"}, true)

	rec := serve(handler, preflight("https://app.example.com", "POST", "content-type"))

	if rec.Code != http.StatusNoContent {
		t.Fatalf("status = %d, want 204", rec.Code)
	}
	want := map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods":     "POST",
		"Access-Control-Allow-Headers":     "content-type",
		"Access-Control-Max-Age":           "600",
	}
	for header, value := range want {
		if got := rec.Header().Get(header); got != value {
			t.Errorf("%s = %q, want %q", header, got, value)
		}
	}
	if vary := strings.Join(rec.Header().Values("Vary"), ", "); !strings.Contains(vary, "Origin") {
		t.Errorf("Vary = %q, want it to contain Origin", vary)
	}
}

func TestCORSPreflightDenied(t *testing.T) {
	tests := []struct {
		name    string
		origin  string
		method  string
		headers string
	}{
		{name: "unknown origin", origin: "https://evil.example", method: "GET"},
		{name: "method not allowed", origin: "https://app.example.com", method: "DELETE"},
		{name: "header not allowed", origin: "https://app.example.com", method: "POST", headers: "x-api-key"},
		{name: "no origin", origin: "", method: "GET"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler := corsHandler([]string{"https://app.example.com"}, false)

			rec := serve(handler, preflight(tt.origin, tt.method, tt.headers))

			// Without Access-Control-Allow-* headers the browser does not send
			// the request, whatever the status.
			if rec.Code != http.StatusNoContent {
				t.Errorf("status = %d, want 204 from the CORS middleware, not the next handler", rec.Code)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("Access-Control-Allow-Origin = %q, want none", got)
			}
			if got := rec.Header().Get("Access-Control-Allow-Methods"); got != "" {
				t.Errorf("Access-Control-Allow-Methods = %q, want none", got)
			}
		})
	}
}

func TestCORSWithoutOriginsPassesThrough(t *testing.T) {
	handler := corsHandler(nil, false)

	rec := serve(handler, preflight("https://app.example.com", "GET", ""))

	if rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200 from the next handler", rec.Code)
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("Access-Control-Allow-Origin = %q, want none", got)
	}
}

func TestCORSSimpleRequest(t *testing.T) {
	tests := []struct {
		name        string
		origins     []string
		credentials bool
		origin      string
		wantOrigin  string
		wantCreds   string
		// wantVary is empty when the middleware is not installed, because
		// no origins are allowed.
		wantVary string
	}{
		{name: "allowed origin", origins: []string{"https://app.example.com"}, origin: "https://app.example.com", wantOrigin: "https://app.example.com", wantVary: "Origin"},
		{name: "allowed with credentials", origins: []string{"https://app.example.com"}, credentials: true, origin: "https://app.example.com", wantOrigin: "https://app.example.com", wantCreds: "true", wantVary: "Origin"},
		{name: "other origin", origins: []string{"https://app.example.com"}, origin: "https://evil.example", wantVary: "Origin"},
		{name: "no list", origins: nil, origin: "https://app.example.com"},
		{name: "wildcard", origins: []string{"*"}, origin: "https://any.example", wantOrigin: "*", wantVary: "Origin"},
		{name: "wildcard never with credentials", origins: []string{"*"}, credentials: true, origin: "https://any.example", wantOrigin: "*", wantVary: "Origin"},
		{name: "pattern never with credentials", origins: []string{"https://*.example.com"}, credentials: true, origin: "https://a.example.com", wantOrigin: "https://a.example.com", wantVary: "Origin"},
		{name: "same-origin request", origins: []string{"https://app.example.com"}, origin: "", wantVary: "Origin"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler := corsHandler(tt.origins, tt.credentials)
			req := httptest.NewRequest(http.MethodGet, "/v1/users", nil)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}

			rec := serve(handler, req)

			if rec.Code != http.StatusOK {
				t.Errorf("status = %d, want 200 from the next handler", rec.Code)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantOrigin)
			}
			if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != tt.wantCreds {
				t.Errorf("Access-Control-Allow-Credentials = %q, want %q", got, tt.wantCreds)
			}
			wantExpose := ""
			if tt.wantOrigin != "" {
				wantExpose = "X-Request-ID"
			}
			// Header names are case-insensitive, and rs/cors sends them in
			// canonical form.
			if got := rec.Header().Get("Access-Control-Expose-Headers"); !strings.EqualFold(got, wantExpose) {
				t.Errorf("Access-Control-Expose-Headers = %q, want %q", got, wantExpose)
			}
			if got := rec.Header().Get("Vary"); got != tt.wantVary {
				t.Errorf("Vary = %q, want %q", got, tt.wantVary)
			}
		})
	}
}

func TestCORSPlainOptionsPassesThrough(t *testing.T) {
	handler := corsHandler([]string{"https://app.example.com"}, false)
	req := httptest.NewRequest(http.MethodOptions, "/v1/users", nil)
	req.Header.Set("Origin", "https://app.example.com")

	if rec := serve(handler, req); rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200: OPTIONS without Access-Control-Request-Method is no preflight", rec.Code)
	}
}
