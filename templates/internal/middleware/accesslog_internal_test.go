package middleware

import (
	"log/slog"
	"net/http"
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
