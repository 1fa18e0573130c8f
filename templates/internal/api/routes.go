package api

import (
	"log/slog"
	"net/http"

	"{{ module_path }}/internal/service"
)

// addRoutes registers every route of the API.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, users *service.Users, ready ReadinessCheck, opts Options) {
	mux.Handle("POST /v1/users", createUser(logger, users, opts.MaxBodyBytes))
	mux.Handle("GET /v1/users", listUsers(logger, users, opts.PageLimitDefault, opts.PageLimitMax))
	mux.Handle("GET /v1/users/{id}", getUser(logger, users))
	mux.Handle("PUT /v1/users/{id}", updateUser(logger, users, opts.MaxBodyBytes))
	mux.Handle("DELETE /v1/users/{id}", deleteUser(logger, users))

	mux.Handle("GET /healthz", healthz())
	mux.Handle("GET /readyz", readyz(logger, ready))

	// A pattern without a method matches only when no pattern above matches
	// the method, so these return 405 for a known path. A GET pattern also
	// matches HEAD, so HEAD is listed as allowed.
	mux.Handle("/v1/users", methodNotAllowed(logger, "GET, HEAD, POST"))
	mux.Handle("/v1/users/{id}", methodNotAllowed(logger, "DELETE, GET, HEAD, PUT"))
	mux.Handle("/healthz", methodNotAllowed(logger, "GET, HEAD"))
	mux.Handle("/readyz", methodNotAllowed(logger, "GET, HEAD"))

	// Every other path.
	mux.Handle("/", notFound(logger))
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
