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
		ctx, cancel := checkContext(r)
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

// checkContext returns the context of one readiness check. It ends at
// readyTimeout or at the request's deadline, whichever comes first, but not
// when the prober goes away, because a cancelled check would log "context
// canceled" as a failure of the service. Run to its deadline, the check
// still logs a database that hangs when the prober gives up first, as a
// Kubernetes probe does after 1 s by default.
func checkContext(r *http.Request) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(readyTimeout)
	if requestDeadline, ok := r.Context().Deadline(); ok && requestDeadline.Before(deadline) {
		deadline = requestDeadline
	}
	return context.WithDeadline(context.WithoutCancel(r.Context()), deadline)
}
