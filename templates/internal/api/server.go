// Package api serves the HTTP JSON API over the user service.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"{{ module_path }}/internal/middleware"
	"{{ module_path }}/internal/service"
)

// Options sets request limits of the API.
type Options struct {
	// MaxBodyBytes is the largest accepted request body.
	MaxBodyBytes int64
	// PageLimitDefault is the page size of GET /v1/users without ?limit=.
	PageLimitDefault int
	// PageLimitMax caps ?limit=. Larger values are lowered to it.
	PageLimitMax int
}

// ReadinessCheck returns nil when the service can serve traffic.
type ReadinessCheck func(ctx context.Context) error

// NewServer returns the HTTP handler of the whole API with its middleware.
func NewServer(logger *slog.Logger, users *service.Users, ready ReadinessCheck, opts Options) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, logger, users, ready, opts)

	// The access log wraps Recover so that it records the 500 that Recover
	// writes. Nothing between AccessLog and the mux may copy the request,
	// because AccessLog reads the route pattern that the mux sets on it.
	var handler http.Handler = mux
	handler = middleware.Recover(logger)(handler)
	handler = middleware.AccessLog(logger)(handler)
	handler = middleware.RequestID(handler)
	return handler
}
