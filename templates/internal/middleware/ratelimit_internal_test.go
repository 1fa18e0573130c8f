package middleware

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

func TestClientLimitersEvictIdleClients(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	// A full refill takes Burst / RPS = 10 s.
	limiters := newClientLimiters(RateLimitOptions{RPS: 1, Burst: 10, Now: func() time.Time { return now }})

	for i := range 1000 {
		limiters.reserve(clientKey(netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", i/256, i%256))))
	}
	if got := limiters.size(); got != 1000 {
		t.Fatalf("size = %d, want 1000", got)
	}

	now = now.Add(sweepInterval)
	active := clientKey(netip.MustParseAddr("192.0.2.1"))
	limiters.reserve(active)

	if got := limiters.size(); got != 1 {
		t.Errorf("size after the sweep = %d, want only the active client", got)
	}
}

func TestClientLimitersKeepRecentClients(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	// A full refill takes 200 s, longer than the sweep interval.
	limiters := newClientLimiters(RateLimitOptions{RPS: 0.1, Burst: 20, Now: func() time.Time { return now }})
	limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.1")))

	now = now.Add(sweepInterval)
	limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.2")))

	if got := limiters.size(); got != 2 {
		t.Errorf("size = %d, want 2: a client whose bucket has not refilled must be kept", got)
	}
}

func TestClientLimitersMaxClients(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	limiters := newClientLimiters(RateLimitOptions{
		RPS:        1,
		Burst:      1,
		MaxClients: 2,
		Now:        func() time.Time { return now },
	})

	limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.1")))
	limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.2")))
	first := limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.3")))
	second := limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.4")))

	if got := limiters.size(); got != 2 {
		t.Errorf("size = %d, want the maximum 2", got)
	}
	if first != 0 {
		t.Errorf("first client over the maximum: delay = %s, want 0", first)
	}
	if second <= 0 {
		t.Errorf("second client over the maximum: delay = %s, want > 0 because both share one limiter", second)
	}
}

func TestClientLimitersFullTableDropsIdleClients(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	// A full refill takes Burst / RPS = 1 s, much less than sweepInterval.
	limiters := newClientLimiters(RateLimitOptions{
		RPS:        1,
		Burst:      1,
		MaxClients: 2,
		Now:        func() time.Time { return now },
	})
	limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.1")))
	limiters.reserve(clientKey(netip.MustParseAddr("192.0.2.2")))

	now = now.Add(2 * time.Second)
	newcomer := clientKey(netip.MustParseAddr("192.0.2.3"))
	first := limiters.reserve(newcomer)
	second := limiters.reserve(newcomer)

	if got := limiters.size(); got != 1 {
		t.Errorf("size = %d, want only the newcomer after the idle clients were dropped", got)
	}
	if first != 0 {
		t.Errorf("newcomer's first request: delay = %s, want 0", first)
	}
	if second <= 0 {
		t.Errorf("newcomer's second request: delay = %s, want > 0 from its own bucket", second)
	}
}
