package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"{{ module_path }}/internal/config"
)

// healthcheckTimeout bounds the whole check, below the usual 30 s timeout of
// a Docker HEALTHCHECK.
const healthcheckTimeout = 3 * time.Second

// runHealthcheck sends GET /healthz to the server that cfg describes, on the
// same machine, and returns nil when the status is 200. The runtime image has
// no shell or curl, so its HEALTHCHECK runs this subcommand.
func runHealthcheck(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) != 0 {
		return usageError("usage: server healthcheck (takes no arguments)")
	}

	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(healthcheckHost(cfg.Host), strconv.Itoa(cfg.Port)) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: build request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// The body is not needed, and a close error changes nothing.
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s returned %s, want 200 OK", url, resp.Status)
	}
	return nil
}

// healthcheckHost returns the address to reach a server that listens on
// host: loopback when it listens on every interface, otherwise host itself.
func healthcheckHost(host string) string {
	switch host {
	case "", "0.0.0.0":
		return "127.0.0.1"
	case "::":
		return "::1"
	default:
		return host
	}
}
