package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// readyTimeout bounds the readiness check, so that a slow database makes
// /readyz fail instead of hang.
const readyTimeout = 2 * time.Second

type statusResponse struct {
	Status string `json:"status"`
}

// healthz reports that the process serves HTTP. It checks no dependencies,
// so that an orchestrator does not restart the process for a database outage.
func healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, "application/json", statusResponse{Status: "ok"})
	})
}

// readyz returns 200 when ready returns nil and 503 otherwise. It logs a
// warning when the check starts failing and an info line when it passes
// again. Repeated failures in between are logged at debug level, because a
// load balancer probes every few seconds for as long as an outage lasts.
func readyz(logger *slog.Logger, ready ReadinessCheck) http.Handler {
	var failing atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()

		if err := ready(ctx); err != nil {
			level := slog.LevelDebug
			if !failing.Swap(true) {
				level = slog.LevelWarn
			}
			logger.LogAttrs(r.Context(), level, "readiness check failed", slog.String("error", err.Error()))
			writeError(w, r, logger, fmt.Errorf("%w: %w", errNotReady, err))
			return
		}
		if failing.Swap(false) {
			logger.InfoContext(r.Context(), "readiness check passes again")
		}
		writeJSON(w, http.StatusOK, "application/json", statusResponse{Status: "ready"})
	})
}
