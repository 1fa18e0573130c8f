package middleware

import (
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// RateLimitOptions sets the per-client request rate.
type RateLimitOptions struct {
	// RPS is the sustained number of requests per second for one client.
	// Zero turns rate limiting off.
	RPS float64
	// Burst is how many requests a client may send at once before RPS
	// applies.
	Burst int
	// TrustedProxies lists the proxies whose X-Forwarded-For header names
	// the client; see ClientIP.
	TrustedProxies []netip.Prefix
	// ExemptPaths are request paths that are never limited, such as the
	// health checks of a load balancer that shares an address with clients.
	ExemptPaths []string
	// MaxClients bounds the number of clients tracked at once. Clients seen
	// while the table is full share one limiter. Zero means 100000.
	MaxClients int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives a warning for the first rejected request, and then at
	// most one every 10 seconds, with the number rejected since the last
	// one. Nil logs nothing.
	Logger *slog.Logger
}

// rejectionLogInterval is the shortest time between two warnings about
// rejected requests, so that a client over its limit cannot flood the log.
const rejectionLogInterval = 10 * time.Second

const (
	defaultMaxClients = 100_000
	// sweepInterval is how often the table is searched for idle clients.
	sweepInterval = time.Minute
	// maxIdleAfter is the largest time.Duration, about 292 years, so a
	// bucket that takes longer to refill is never dropped.
	maxIdleAfter = time.Duration(math.MaxInt64)
)

// RateLimit allows each client opts.RPS requests per second with bursts of
// opts.Burst, using one token bucket per client address. IPv6 clients are
// grouped by /64 network, because one host usually controls a whole /64.
// A request over the limit gets a 429 problem response with a Retry-After
// header in whole seconds.
//
// A client's limiter is dropped once it has been idle long enough for its
// bucket to refill, because a new limiter then behaves the same way. The
// table therefore holds only recently active clients, and at most
// opts.MaxClients of them.
func RateLimit(opts RateLimitOptions) func(http.Handler) http.Handler {
	if opts.RPS <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	limiters := newClientLimiters(opts)
	rejections := &rejectionLog{logger: opts.Logger, sometimes: rate.Sometimes{Interval: rejectionLogInterval}}
	exempt := make(map[string]bool, len(opts.ExemptPaths))
	for _, path := range opts.ExemptPaths {
		exempt[path] = true
	}

	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if exempt[r.URL.Path] {
				next.ServeHTTP(w, r)
				return
			}

			key := clientKey(ClientIP(r, opts.TrustedProxies))
			delay := limiters.reserve(key)
			if delay > 0 {
				rejections.add(r, key)
				seconds := int64(math.Ceil(delay.Seconds()))
				w.Header().Set("Retry-After", strconv.FormatInt(seconds, 10))
				writeProblem(w, http.StatusTooManyRequests, "The client sent too many requests. "+
					"Retry after the number of seconds in the Retry-After header.")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// clientKey groups IPv6 addresses by their /64 network. An invalid address
// becomes the zero prefix, so every such request shares one limiter.
func clientKey(addr netip.Addr) netip.Prefix {
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	prefix, _ := addr.Prefix(bits)
	return prefix
}

type clientLimiter struct {
	limiter  *rate.Limiter
	lastSeen time.Time
}

// clientLimiters is the table of per-client token buckets.
type clientLimiters struct {
	limit      rate.Limit
	burst      int
	maxClients int
	now        func() time.Time
	// idleAfter is the time an unused bucket takes to refill completely.
	idleAfter time.Duration

	mu        sync.Mutex
	clients   map[netip.Prefix]*clientLimiter
	overflow  *rate.Limiter
	lastSweep time.Time
}

func newClientLimiters(opts RateLimitOptions) *clientLimiters {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	maxClients := opts.MaxClients
	if maxClients <= 0 {
		maxClients = defaultMaxClients
	}
	limit := rate.Limit(opts.RPS)
	return &clientLimiters{
		limit:      limit,
		burst:      opts.Burst,
		maxClients: maxClients,
		now:        now,
		idleAfter:  refillDuration(opts.Burst, opts.RPS),
		clients:    make(map[netip.Prefix]*clientLimiter),
		overflow:   rate.NewLimiter(limit, opts.Burst),
		lastSweep:  now(),
	}
}

// refillDuration returns the time an empty bucket takes to fill up, burst
// divided by rps, capped at maxIdleAfter. Without the cap a tiny rps, such
// as 1e-9 with a burst of 20, overflows time.Duration to a negative value,
// and every sweep would drop every bucket and so reset the limit.
func refillDuration(burst int, rps float64) time.Duration {
	nanoseconds := float64(burst) / rps * float64(time.Second)
	if nanoseconds >= float64(maxIdleAfter) {
		return maxIdleAfter
	}
	return time.Duration(nanoseconds)
}

// reserve takes one token from the bucket of key. It returns zero when the
// request may proceed, or else how long the client has to wait for a token.
func (l *clientLimiters) reserve(key netip.Prefix) time.Duration {
	now := l.now()

	l.mu.Lock()
	if now.Sub(l.lastSweep) >= sweepInterval {
		l.sweep(now)
	}
	limiter := l.limiterFor(key, now)
	l.mu.Unlock()

	reservation := limiter.ReserveN(now, 1)
	if !reservation.OK() {
		// Only a burst below 1 makes a single token impossible, and
		// config.Load rejects that; wait a full refill period.
		return max(l.idleAfter, time.Second)
	}
	delay := reservation.DelayFrom(now)
	if delay > 0 {
		// The request is rejected, not delayed, so it must not use up the
		// token that a later request could have.
		reservation.CancelAt(now)
	}
	return delay
}

// limiterFor returns the limiter of key, creating it when missing. The
// caller holds l.mu.
func (l *clientLimiters) limiterFor(key netip.Prefix, now time.Time) *rate.Limiter {
	if c, ok := l.clients[key]; ok {
		c.lastSeen = now
		return c.limiter
	}
	if len(l.clients) >= l.maxClients && now.Sub(l.lastSweep) >= l.idleAfter {
		// Idle buckets are dropped early when the table is full, so that a
		// burst of clients does not send every new one to the shared
		// overflow bucket until the next regular sweep. At most one sweep
		// per idleAfter keeps the cost bounded while the table stays full.
		l.sweep(now)
	}
	if len(l.clients) >= l.maxClients {
		return l.overflow
	}
	c := &clientLimiter{limiter: rate.NewLimiter(l.limit, l.burst), lastSeen: now}
	l.clients[key] = c
	return c.limiter
}

// sweep drops the limiters that have been idle for longer than idleAfter.
// The caller holds l.mu.
func (l *clientLimiters) sweep(now time.Time) {
	for key, c := range l.clients {
		if now.Sub(c.lastSeen) > l.idleAfter {
			delete(l.clients, key)
		}
	}
	l.lastSweep = now
}

// size returns the number of tracked clients.
func (l *clientLimiters) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// rejectionLog logs requests that the rate limit rejected. Without it, and
// with the access log off, a client that is limited, or every client behind
// a proxy missing from TRUSTED_PROXIES, would leave no trace.
type rejectionLog struct {
	logger    *slog.Logger
	sometimes rate.Sometimes
	rejected  atomic.Int64 // since the last warning
}

// add counts a rejected request from the client key and logs a warning when
// rejectionLogInterval has passed since the last one. The warning names this
// client and counts the requests rejected from all clients since the last
// warning.
func (l *rejectionLog) add(r *http.Request, key netip.Prefix) {
	if l.logger == nil {
		return
	}
	l.rejected.Add(1)
	l.sometimes.Do(func() {
		l.logger.LogAttrs(r.Context(), slog.LevelWarn, "rate limit exceeded",
			slog.String("client", key.String()),
			slog.Int64("rejected", l.rejected.Swap(0)))
	})
}
