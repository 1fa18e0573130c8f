package middleware

import (
	"fmt"
	"math"
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

func TestClientLimitersIdleAfter(t *testing.T) {
	tests := []struct {
		name  string
		rps   float64
		burst int
		want  time.Duration
	}{
		{name: "one second per token", rps: 1, burst: 10, want: 10 * time.Second},
		{name: "ten tokens per second", rps: 10, burst: 20, want: 2 * time.Second},
		{name: "refill beyond int64 nanoseconds", rps: 1e-9, burst: 20, want: maxIdleAfter},
		{name: "huge burst", rps: 0.001, burst: math.MaxInt32, want: maxIdleAfter},
		{name: "smallest positive rate", rps: math.SmallestNonzeroFloat64, burst: 1, want: maxIdleAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limiters := newClientLimiters(RateLimitOptions{RPS: tt.rps, Burst: tt.burst})

			if limiters.idleAfter != tt.want {
				t.Errorf("idleAfter = %s, want %s", limiters.idleAfter, tt.want)
			}
		})
	}
}
