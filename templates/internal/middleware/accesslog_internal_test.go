package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestAccessLevel(t *testing.T) {
	tests := []struct {
		path   string
		status int
		want   slog.Level
	}{
		{path: "/healthz", status: http.StatusOK, want: slog.LevelDebug},
		{path: "/readyz", status: http.StatusOK, want: slog.LevelDebug},
		{path: "/readyz", status: http.StatusServiceUnavailable, want: slog.LevelInfo},
		{path: "/v1/users", status: http.StatusOK, want: slog.LevelInfo},
		{path: "/healthz/extra", status: http.StatusNotFound, want: slog.LevelInfo},
	}

	for _, tt := range tests {
		if got := accessLevel(tt.path, tt.status); got != tt.want {
			t.Errorf("accessLevel(%q, %d) = %v, want %v", tt.path, tt.status, got, tt.want)
		}
	}
}

func TestLoggedStatus(t *testing.T) {
	clientGone, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		written int
		ctx     context.Context
		want    int
	}{
		{name: "written status", written: http.StatusCreated, ctx: context.Background(), want: http.StatusCreated},
		{name: "written status, client gone", written: http.StatusCreated, ctx: clientGone, want: http.StatusCreated},
		{name: "nothing written", ctx: context.Background(), want: http.StatusOK},
		{name: "nothing written, client gone", ctx: clientGone, want: StatusClientClosedRequest},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tw := &trackingWriter{ResponseWriter: httptest.NewRecorder(), status: tt.written}
			req := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(tt.ctx)

			if got := loggedStatus(tw, req); got != tt.want {
				t.Errorf("loggedStatus = %d, want %d", got, tt.want)
			}
		})
	}
}
