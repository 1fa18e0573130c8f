package config

import (
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// maxLogFlushInterval bounds LOG_FLUSH_INTERVAL, so that on a quiet server
// a line such as "server started" waits at most a minute to be written.
const maxLogFlushInterval = time.Minute

// minRateLimitRPS is the lowest RATE_LIMIT_RPS, one request per 1000 s.
// The buckets live in memory and start full after every restart, so a
// slower limit would not hold across restarts.
const minRateLimitRPS = 0.001

// maxPageLimit bounds PAGE_LIMIT_MAX. Every client may ask for a page this
// large, and the server holds the whole page in memory while it encodes it.
const maxPageLimit = 1000

type problem struct {
	key     string
	message string
}

func (c Config) validate() []problem {
	var problems []problem
	add := func(key, message string) {
		problems = append(problems, problem{key: key, message: message})
	}

	if c.Host != "" && !validHost(c.Host) {
		add("HOST", fmt.Sprintf(
			"must be an IP address without brackets or a hostname, such as ::1, 0.0.0.0 or localhost, got %q", c.Host))
	}
	if c.Port < 1 || c.Port > 65535 {
		add("PORT", fmt.Sprintf("must be between 1 and 65535, got %d", c.Port))
	}
{%- if database != "none" %}
	if strings.TrimSpace(c.DatabaseURL) == "" {
		add("DATABASE_URL", "must not be blank")
	}
{%- endif %}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("LOG_LEVEL", fmt.Sprintf("must be one of debug, info, warn, error, got %q", c.LogLevel))
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		add("LOG_FORMAT", fmt.Sprintf("must be json or text, got %q", c.LogFormat))
	}

	durations := []struct {
		key   string
		value time.Duration
	}{
		{key: "SHUTDOWN_TIMEOUT", value: c.ShutdownTimeout},
		{key: "HTTP_READ_HEADER_TIMEOUT", value: c.HTTPReadHeaderTimeout},
		{key: "HTTP_READ_TIMEOUT", value: c.HTTPReadTimeout},
		{key: "HTTP_WRITE_TIMEOUT", value: c.HTTPWriteTimeout},
		{key: "HTTP_IDLE_TIMEOUT", value: c.HTTPIdleTimeout},
		{key: "REQUEST_TIMEOUT", value: c.RequestTimeout},
{%- if database != "none" %}
		{key: "DB_CONN_MAX_LIFETIME", value: c.DBConnMaxLifetime},
{%- endif %}
	}
	for _, d := range durations {
		if d.value <= 0 {
			add(d.key, fmt.Sprintf("must be a positive duration such as 10s, got %s", d.value))
		}
	}
	if c.ShutdownDelay < 0 {
		add("SHUTDOWN_DELAY", fmt.Sprintf("must not be negative, got %s", c.ShutdownDelay))
	}
	if c.LogFlushInterval < 0 || c.LogFlushInterval > maxLogFlushInterval {
		add("LOG_FLUSH_INTERVAL", fmt.Sprintf("must be between 0 and %s, got %s", maxLogFlushInterval, c.LogFlushInterval))
	}
{% if database != "none" %}
	if c.DBMaxOpenConns < 1 {
		add("DB_MAX_OPEN_CONNS", fmt.Sprintf("must be at least 1, got %d", c.DBMaxOpenConns))
	}
	if c.DBMaxIdleConns < 0 {
		add("DB_MAX_IDLE_CONNS", fmt.Sprintf("must not be negative, got %d", c.DBMaxIdleConns))
	} else if c.DBMaxOpenConns >= 1 && c.DBMaxIdleConns > c.DBMaxOpenConns {
		add("DB_MAX_IDLE_CONNS", fmt.Sprintf(
			"must not exceed DB_MAX_OPEN_CONNS (%d), got %d", c.DBMaxOpenConns, c.DBMaxIdleConns))
	}
{% endif %}
	if c.MaxBodyBytes < 1 {
		add("MAX_BODY_BYTES", fmt.Sprintf("must be at least 1, got %d", c.MaxBodyBytes))
	}
	if c.PageLimitDefault < 1 {
		add("PAGE_LIMIT_DEFAULT", fmt.Sprintf("must be at least 1, got %d", c.PageLimitDefault))
	}
	if c.PageLimitMax < 1 || c.PageLimitMax > maxPageLimit {
		add("PAGE_LIMIT_MAX", fmt.Sprintf("must be between 1 and %d, got %d", maxPageLimit, c.PageLimitMax))
	}
	if c.PageLimitDefault >= 1 && c.PageLimitMax >= 1 && c.PageLimitDefault > c.PageLimitMax {
		add("PAGE_LIMIT_DEFAULT", fmt.Sprintf(
			"must not exceed PAGE_LIMIT_MAX (%d), got %d", c.PageLimitMax, c.PageLimitDefault))
	}

	// The 503 of a request that reaches REQUEST_TIMEOUT is written after the
	// deadline. net/http fails every write after HTTP_WRITE_TIMEOUT, so the
	// request timeout must end first for the client to get that response.
	if c.RequestTimeout > 0 && c.HTTPWriteTimeout > 0 && c.RequestTimeout >= c.HTTPWriteTimeout {
		add("REQUEST_TIMEOUT", fmt.Sprintf(
			"must be less than HTTP_WRITE_TIMEOUT (%s), so that the timeout response is sent before the "+
				"server closes the connection, got %s", c.HTTPWriteTimeout, c.RequestTimeout))
	}

	// The 408 of a body that did not arrive in time is written after the read
	// deadline. The write deadline starts at the end of the headers, after
	// the read deadline's start, so a shorter read timeout lets that
	// response reach the client.
	if c.HTTPReadTimeout > 0 && c.HTTPWriteTimeout > 0 && c.HTTPReadTimeout >= c.HTTPWriteTimeout {
		add("HTTP_READ_TIMEOUT", fmt.Sprintf(
			"must be less than HTTP_WRITE_TIMEOUT (%s), so that the 408 response to a slow body is sent before "+
				"the server closes the connection, got %s", c.HTTPWriteTimeout, c.HTTPReadTimeout))
	}

	for _, p := range c.validateCORS() {
		add(p.key, p.message)
	}

	rps := c.RateLimitRPS
	if rps != 0 && (rps < minRateLimitRPS || math.IsNaN(rps) || math.IsInf(rps, 1)) {
		add("RATE_LIMIT_RPS", fmt.Sprintf(
			"must be 0 to turn the limit off, or a number of at least %v, got %v", minRateLimitRPS, c.RateLimitRPS))
	}
	if c.RateLimitBurst < 1 {
		add("RATE_LIMIT_BURST", fmt.Sprintf("must be at least 1, got %d", c.RateLimitBurst))
	}
	if _, invalid := parsePrefixes(c.TrustedProxiesList); len(invalid) > 0 {
		add("TRUSTED_PROXIES", fmt.Sprintf(
			"must list IP addresses or CIDR ranges such as 10.0.0.0/8, got %q", strings.Join(invalid, ", ")))
	}

	return problems
}

// Warnings returns settings that are valid but likely to cause trouble,
// for the server to log at start-up.
func (c Config) Warnings() []string {
	var warnings []string
	if longest := max(c.HTTPReadTimeout, c.HTTPWriteTimeout); c.ShutdownTimeout <= longest {
		warnings = append(warnings, fmt.Sprintf(
			"SHUTDOWN_TIMEOUT (%s) is not longer than HTTP_READ_TIMEOUT and HTTP_WRITE_TIMEOUT (up to %s), so a "+
				"slow client can outlast a graceful shutdown, which then closes every connection and exits with "+
				"status 1", c.ShutdownTimeout, longest))
	}
	if c.AccessLog && c.SlogLevel() > slog.LevelInfo {
		warnings = append(warnings, fmt.Sprintf(
			"ACCESS_LOG is true, but LOG_LEVEL %s drops the access log lines, which are logged at info; "+
				"set LOG_LEVEL=info to see them", c.LogLevel))
	}
	return warnings
}

func (c Config) validateCORS() []problem {
	var problems []problem
	wildcard := false
	for _, origin := range c.CORSAllowedOrigins {
		if origin == "*" {
			wildcard = true
			continue
		}
		if !validOrigin(origin) {
			problems = append(problems, problem{key: "CORS_ALLOWED_ORIGINS", message: fmt.Sprintf(
				"must list origins such as https://app.example.com (scheme, host and optional port, "+
					"no path or wildcard) or *, got %q", origin)})
		}
	}
	if wildcard && c.CORSAllowCredentials {
		problems = append(problems, problem{key: "CORS_ALLOW_CREDENTIALS", message: "must be false when " +
			"CORS_ALLOWED_ORIGINS contains *, because browsers reject credentials for every origin; list the origins instead"})
	}
	return problems
}

// validOrigin reports whether origin has the serialized form that browsers
// send in the Origin header: http or https, a host, an optional port and
// nothing else. It rejects a '*' anywhere in origin, because rs/cors reads
// https://*.example.com, and even https://*, as a pattern that matches many
// origins, which would get past the rule against * with credentials.
func validOrigin(origin string) bool {
	if strings.Contains(origin, "*") {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") &&
		u.Host != "" && u.User == nil && u.Path == "" && u.RawQuery == "" && u.Fragment == "" &&
		!strings.HasSuffix(origin, "?") && !strings.HasSuffix(origin, "#") &&
		u.String() == origin
}

// validHost reports whether host is an IP address, optionally with an IPv6
// zone such as %eth0, or a hostname of letters, digits and hyphens in labels
// of 1 to 63 characters (RFC 1123). A bracketed IPv6 address is invalid,
// because Config.Addr adds the brackets itself.
func validHost(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	if len(host) > 253 {
		return false
	}
	for label := range strings.SplitSeq(host, ".") {
		if len(label) < 1 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			switch {
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-':
			default:
				return false
			}
		}
	}
	return true
}

// parsePrefixes parses addresses and CIDR ranges. It returns the entries
// that are neither.
func parsePrefixes(list []string) (prefixes []netip.Prefix, invalid []string) {
	for _, entry := range list {
		if prefix, err := netip.ParsePrefix(entry); err == nil {
			prefixes = append(prefixes, prefix.Masked())
			continue
		}
		if addr, err := netip.ParseAddr(entry); err == nil {
			prefixes = append(prefixes, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		invalid = append(invalid, entry)
	}
	return prefixes, invalid
}
