package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"{{ module_path }}/internal/middleware"
	"{{ module_path }}/internal/service"
)

// route is one entry of the API: a http.ServeMux pattern that starts with a
// method, and its handler.
type route struct {
	pattern string
	handler http.Handler
}

// routes lists every route of the API. api/openapi.yaml documents each of
// them, and TestOpenAPIMatchesRoutes fails when the two differ.
func routes(logger *slog.Logger, users *service.Users, ready ReadinessCheck, opts Options) []route {
	return []route{
		{pattern: "POST /v1/users", handler: createUser(logger, users)},
		{pattern: "GET /v1/users", handler: listUsers(logger, users, opts.PageLimitDefault, opts.PageLimitMax)},
		{pattern: "GET /v1/users/{id}", handler: getUser(logger, users)},
		{pattern: "PUT /v1/users/{id}", handler: updateUser(logger, users)},
		{pattern: "DELETE /v1/users/{id}", handler: deleteUser(logger, users)},

		{pattern: "GET /healthz", handler: healthz()},
		{pattern: "GET /readyz", handler: readyz(logger, ready)},
		{pattern: "GET /openapi.yaml", handler: openAPIDocument()},
	}
}

// probePaths are never rate limited, so that a load balancer or orchestrator
// that shares an address with clients cannot be locked out of them.
var probePaths = []string{"/healthz", "/readyz"}

// withMiddleware wraps the mux in the middleware that every request passes,
// outermost first.
func withMiddleware(mux http.Handler, logger *slog.Logger, opts Options, methods []string) http.Handler {
	accessLog := func(next http.Handler) http.Handler { return next }
	if opts.AccessLog {
		accessLog = middleware.AccessLog(logger)
	}
	chain := []func(http.Handler) http.Handler{
		// Every later step, log line and response has the request ID.
		middleware.RequestID,
		// The headers are set before any middleware below can respond.
		middleware.SecurityHeaders,
		// Logs the status that the client gets, including the preflight,
		// 429, 413 and 503 responses of the middleware below.
		accessLog,
		// Before the rate limit, so that a 429 response carries the CORS
		// headers a browser needs to let the page read it. CORS responds
		// to preflight requests itself, so they never reach the rate limit.
		middleware.CORS(middleware.CORSOptions{
			AllowedOrigins:   opts.CORSAllowedOrigins,
			AllowCredentials: opts.CORSAllowCredentials,
			AllowedMethods:   methods,
			AllowedHeaders:   []string{"Content-Type", middleware.RequestIDHeader},
			ExposedHeaders:   []string{middleware.RequestIDHeader, "Location", "Retry-After"},
			MaxAge:           10 * time.Minute,
		}),
		middleware.RateLimit(middleware.RateLimitOptions{
			RPS:            opts.RateLimitRPS,
			Burst:          opts.RateLimitBurst,
			TrustedProxies: opts.TrustedProxies,
			ExemptPaths:    probePaths,
			Logger:         logger,
		}),
		middleware.BodyLimit(opts.MaxBodyBytes),
		middleware.Timeout(opts.RequestTimeout),
		// Innermost, so that a handler's panic becomes a 500 response that
		// Timeout treats as written and AccessLog logs. A panic in the
		// middleware above reaches net/http, which logs it and closes the
		// connection.
		middleware.Recover(logger),
	}

	handler := mux
	for i := len(chain) - 1; i >= 0; i-- {
		handler = chain[i](handler)
	}
	return handler
}

// addFallbacks registers a 405 response with an Allow header for every path
// of table with a method it does not support, and a 404 response for every
// other path. A pattern without a method matches only when no pattern with a
// method does.
func addFallbacks(mux *http.ServeMux, logger *slog.Logger, table []route) {
	methodsByPath := make(map[string][]string)
	var paths []string
	for _, rt := range table {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if _, seen := methodsByPath[path]; !seen {
			paths = append(paths, path)
		}
		methodsByPath[path] = append(methodsByPath[path], method)
		// A GET pattern also matches HEAD.
		if method == http.MethodGet {
			methodsByPath[path] = append(methodsByPath[path], http.MethodHead)
		}
	}

	for _, path := range paths {
		methods := methodsByPath[path]
		slices.Sort(methods)
		mux.Handle(path, methodNotAllowed(logger, strings.Join(methods, ", ")))
	}
	mux.Handle("/", notFound(logger))
}

// allowedMethods returns the sorted methods that table uses, plus HEAD when
// GET is there, because http.ServeMux serves HEAD for GET patterns. The CORS
// policy lets preflight requests name these methods.
func allowedMethods(table []route) []string {
	var methods []string
	for _, rt := range table {
		method, _, _ := strings.Cut(rt.pattern, " ")
		if !slices.Contains(methods, method) {
			methods = append(methods, method)
		}
	}
	if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
		methods = append(methods, http.MethodHead)
	}
	slices.Sort(methods)
	return methods
}

func methodNotAllowed(logger *slog.Logger, allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, r, logger, errMethodNotAllowed)
	})
}

func notFound(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, logger, errRouteNotFound)
	})
}
