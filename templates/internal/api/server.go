// Package api serves the HTTP JSON API over the user service.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"{{ module_path }}/internal/service"
)

// Options sets the request limits and the cross-origin policy of the API.
type Options struct {
	// MaxBodyBytes is the largest accepted request body.
	MaxBodyBytes int64
	// RequestTimeout bounds the time a handler may take; see
	// middleware.Timeout.
	RequestTimeout time.Duration
	// PageLimitDefault is the page size of GET /v1/users without ?limit=.
	PageLimitDefault int
	// PageLimitMax caps ?limit=. Larger values are lowered to it.
	PageLimitMax int
	// AccessLog logs one line per request; see middleware.AccessLog.
	AccessLog bool

	// CORSAllowedOrigins and CORSAllowCredentials set the CORS policy; see
	// middleware.CORSOptions.
	CORSAllowedOrigins   []string
	CORSAllowCredentials bool

	// RateLimitRPS and RateLimitBurst set the per-client rate limit, and
	// zero RateLimitRPS turns it off. TrustedProxies lists the proxies whose
	// X-Forwarded-For header names the client.
	RateLimitRPS   float64
	RateLimitBurst int
	TrustedProxies []netip.Prefix
}

// ReadinessCheck returns nil when the service can serve traffic.
type ReadinessCheck func(ctx context.Context) error

// NewServer returns the HTTP handler of the whole API with its middleware.
// Log with a logger built on middleware.LogHandler, so that every line of a
// request carries its request ID.
func NewServer(logger *slog.Logger, users *service.Users, ready ReadinessCheck, opts Options) http.Handler {
	table := routes(logger, users, ready, opts)
	mux := http.NewServeMux()
	for _, rt := range table {
		mux.Handle(rt.pattern, rt.handler)
	}
	addFallbacks(mux, logger, table)
	return withMiddleware(mux, logger, opts, allowedMethods(table))
}
