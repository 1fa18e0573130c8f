package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"{{ module_path }}/internal/config"
)

// healthcheckTimeout bounds the whole check, below the usual 30 s timeout of
// a Docker HEALTHCHECK.
const healthcheckTimeout = 3 * time.Second

// healthcheckClient sends the check directly, never through a proxy from
// HTTP_PROXY or HTTPS_PROXY. Go skips the proxy only for loopback addresses,
// and the check may target the address in HOST, which a proxy could reach
// while the server is down, or fail to reach while it is up.
var healthcheckClient = newHealthcheckClient()

func newHealthcheckClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	return &http.Client{Transport: transport}
}

// runHealthcheck sends GET /healthz to the server that cfg describes, on the
// same machine, and returns nil when the status is 200. The runtime image has
// no shell or curl, so its HEALTHCHECK runs this subcommand.
func runHealthcheck(ctx context.Context, cfg config.Config) error {
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	target := healthcheckURL(cfg.Host, cfg.Port)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: build request: %w", err)
	}
	resp, err := healthcheckClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// The body is not needed, and a close error changes nothing.
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s returned %s, want 200 OK", target, resp.Status)
	}
	return nil
}

// healthcheckURL returns the /healthz URL of a server on this machine that
// listens on host and port. When host is empty, 0.0.0.0 or ::, net.Listen
// with network "tcp" listens on every local address, IPv4 and IPv6, so the
// server is reached through 127.0.0.1. That works even where ::1 is missing,
// as in a container with IPv6 turned off.
func healthcheckURL(host string, port int) string {
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	// url.URL escapes the % of an IPv6 zone, as in fe80::1%eth0, which a
	// URL must write as %25.
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(port)), Path: "/healthz"}
	return u.String()
}
