// Package config loads the service settings from environment variables.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is the complete set of service settings. The env tag of each field
// is the variable name and envDefault is the value used when the variable is
// unset or empty. Load lowers some defaults to fit the settings they depend
// on; see deriveDefaults.
type Config struct {
	// Host is the IP address or hostname the HTTP server listens on, with
	// no brackets around an IPv6 address. Empty means every interface.
	Host string `env:"HOST"`
	Port int    `env:"PORT" envDefault:"8080"`

{% if database == "postgres" %}	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://postgres:postgres@localhost:5432/{{ database_name }}?sslmode=disable"`

{% elif database == "mysql" %}	DatabaseURL string `env:"DATABASE_URL" envDefault:"mysql://{{ database_name }}:{{ database_name }}@localhost:3306/{{ database_name }}"`

{% elif database == "sqlite" %}	DatabaseURL string `env:"DATABASE_URL" envDefault:"data/{{ app_name }}.db"`

{% endif %}	LogLevel  string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"LOG_FORMAT" envDefault:"json"`
	// AccessLog turns on one log line per request. It is off by default,
	// because formatting the line is the largest cost of the middleware
	// chain and the proxy in front usually logs every request already.
	// Server-side failures are logged either way.
	AccessLog bool `env:"ACCESS_LOG" envDefault:"false"`
	// LogFlushInterval is the longest time a log line below warn level is
	// buffered before it is written, at most a minute; see logging.Writer.
	// Zero writes every line at once.
	LogFlushInterval time.Duration `env:"LOG_FLUSH_INTERVAL" envDefault:"100ms"`

	// ShutdownDelay is how long the server keeps serving after a signal,
	// with /readyz returning 503, before it closes its listener. A load
	// balancer can then stop sending it requests first. ShutdownTimeout is
	// how long requests in flight then get to finish. Its default is longer
	// than HTTP_READ_TIMEOUT and HTTP_WRITE_TIMEOUT, which bound a request
	// whose handler stops at its deadline, so even a slow client's request
	// finishes.
	ShutdownDelay         time.Duration `env:"SHUTDOWN_DELAY" envDefault:"0s"`
	ShutdownTimeout       time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s"`
	HTTPReadHeaderTimeout time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"5s"`
	HTTPReadTimeout       time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"10s"`
	HTTPWriteTimeout      time.Duration `env:"HTTP_WRITE_TIMEOUT" envDefault:"15s"`
	HTTPIdleTimeout       time.Duration `env:"HTTP_IDLE_TIMEOUT" envDefault:"60s"`
{% if database != "none" %}
	// MigrateOnStart makes the server apply pending migrations before it
	// serves. Set it to false where a separate step runs "server migrate up";
	// the server then refuses to start while migrations are pending.
	MigrateOnStart bool `env:"MIGRATE_ON_START" envDefault:"true"`

	DBMaxOpenConns    int           `env:"DB_MAX_OPEN_CONNS" envDefault:"10"`
	DBMaxIdleConns    int           `env:"DB_MAX_IDLE_CONNS" envDefault:"10"`
	DBConnMaxLifetime time.Duration `env:"DB_CONN_MAX_LIFETIME" envDefault:"30m"`
{% endif %}
	MaxBodyBytes     int64         `env:"MAX_BODY_BYTES" envDefault:"1048576"`
	RequestTimeout   time.Duration `env:"REQUEST_TIMEOUT" envDefault:"10s"`
	PageLimitDefault int           `env:"PAGE_LIMIT_DEFAULT" envDefault:"20"`
	PageLimitMax     int           `env:"PAGE_LIMIT_MAX" envDefault:"100"`

	// CORSAllowedOrigins lists the browser origins that may call the API,
	// or "*" for every origin. Empty allows no cross-origin requests.
	CORSAllowedOrigins   []string `env:"CORS_ALLOWED_ORIGINS" envSeparator:","`
	CORSAllowCredentials bool     `env:"CORS_ALLOW_CREDENTIALS" envDefault:"false"`

	// RateLimitRPS is the per-client request rate; zero turns the limit off.
	RateLimitRPS   float64 `env:"RATE_LIMIT_RPS" envDefault:"10"`
	RateLimitBurst int     `env:"RATE_LIMIT_BURST" envDefault:"20"`
	// TrustedProxiesList lists the addresses or CIDR ranges of the proxies
	// whose X-Forwarded-For header names the client. Load parses it into
	// TrustedProxies.
	TrustedProxiesList []string `env:"TRUSTED_PROXIES" envSeparator:","`
	// TrustedProxies is TrustedProxiesList with every bare address turned
	// into a one-address prefix.
	TrustedProxies []netip.Prefix
}

// Error lists every invalid setting found by Load.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "invalid configuration: " + strings.Join(e.Problems, "; ")
}

// Load parses the settings through getenv, which has the signature of
// os.Getenv so that tests can pass a map lookup. It returns an *Error naming
// every variable that failed to parse or validate.
func Load(getenv func(string) string) (Config, error) {
	var cfg Config

	params, err := env.GetFieldParams(&cfg)
	if err != nil {
		return Config{}, fmt.Errorf("read config field tags: %w", err)
	}
	environment := make(map[string]string, len(params))
	for _, p := range params {
		if value := getenv(p.Key); value != "" {
			environment[p.Key] = value
		}
	}

	var problems []string
	failed := make(map[string]bool)

	err = env.ParseWithOptions(&cfg, env.Options{
		Environment: environment,
		// env parses int fields as 32-bit numbers. Parsing them at their full
		// size lets validate report a value such as PAGE_LIMIT_MAX=3000000000
		// with the range that the setting allows.
		FuncMap: map[reflect.Type]env.ParserFunc{
			reflect.TypeFor[int](): func(value string) (any, error) { return strconv.Atoi(value) },
		},
	})
	if err != nil {
		var aggregate env.AggregateError
		if !errors.As(err, &aggregate) {
			return Config{}, fmt.Errorf("parse config: %w", err)
		}
		for _, fieldErr := range aggregate.Errors {
			var parseErr env.ParseError
			if !errors.As(fieldErr, &parseErr) {
				problems = append(problems, fieldErr.Error())
				continue
			}
			key := envKey(parseErr.Name)
			failed[key] = true
			problems = append(problems, parseProblem(key, parseErr.Type, environment[key]))
		}
	}

	cfg.deriveDefaults(func(key string) bool { return environment[key] != "" })
	cfg.LogLevel = strings.ToLower(cfg.LogLevel)
	cfg.LogFormat = strings.ToLower(cfg.LogFormat)
	cfg.CORSAllowedOrigins = trimAll(cfg.CORSAllowedOrigins)
	cfg.TrustedProxiesList = trimAll(cfg.TrustedProxiesList)

	for _, p := range cfg.validate() {
		if !failed[p.key] {
			problems = append(problems, p.key+": "+p.message)
		}
	}

	if len(problems) > 0 {
		return Config{}, &Error{Problems: problems}
	}
	// validate has checked every entry.
	cfg.TrustedProxies, _ = parsePrefixes(cfg.TrustedProxiesList)
	return cfg, nil
}

// deriveDefaults lowers the default of a setting that must not exceed
// another one, when only the other one is set. An operator who sets only
// PAGE_LIMIT_MAX=10 then gets a valid configuration instead of an error
// about PAGE_LIMIT_DEFAULT, a variable they never set. A setting that isSet
// reports as set explicitly is kept, so validate still rejects a conflict
// between two explicit values.
func (c *Config) deriveDefaults(isSet func(key string) bool) {
{%- if database != "none" %}
	if !isSet("DB_MAX_IDLE_CONNS") && c.DBMaxOpenConns >= 1 {
		c.DBMaxIdleConns = min(c.DBMaxIdleConns, c.DBMaxOpenConns)
	}
{%- endif %}
	if !isSet("PAGE_LIMIT_DEFAULT") && c.PageLimitMax >= 1 {
		c.PageLimitDefault = min(c.PageLimitDefault, c.PageLimitMax)
	}
	// Two thirds of the write timeout leave the last third for writing the
	// 503 of a request that reaches its deadline, or the 408 of a body that
	// did not arrive in time. The defaults, 10s and 15s, follow the same rule.
	// A write timeout of 1ns would give 0, so then the defaults stay and
	// validate names the settings.
	if derived := c.HTTPWriteTimeout * 2 / 3; derived > 0 {
		if !isSet("REQUEST_TIMEOUT") {
			c.RequestTimeout = min(c.RequestTimeout, derived)
		}
		if !isSet("HTTP_READ_TIMEOUT") {
			c.HTTPReadTimeout = min(c.HTTPReadTimeout, derived)
		}
	}
}

// parseProblem describes a value that caarlos0/env could not convert to the
// type of the field behind key, in terms of what the setting accepts rather
// than the Go type behind it.
func parseProblem(key string, typ reflect.Type, value string) string {
	accepted := fmt.Sprintf("a valid %s", typ)
	switch typ.Kind() {
	case reflect.Bool:
		accepted = "true or false"
	case reflect.Int, reflect.Int64:
		accepted = "a whole number"
		if typ == reflect.TypeFor[time.Duration]() {
			// time.ParseDuration rejects a number without a unit, such as
			// "30", so the message names the missing unit.
			accepted = "a duration with a unit, such as 500ms, 10s or 1m"
		} else if isWholeNumber(value) {
			// The number does not fit in the field at all.
			limit := int64(math.MaxInt64)
			if typ.Kind() == reflect.Int {
				limit = math.MaxInt
			}
			accepted = fmt.Sprintf("a whole number from %d to %d", -limit-1, limit)
		}
	case reflect.Float64:
		accepted = "a number"
	}
	return fmt.Sprintf("%s: must be %s, got %q", key, accepted, value)
}

// isWholeNumber reports whether value is written as a whole number, of any
// size.
func isWholeNumber(value string) bool {
	_, err := strconv.ParseInt(value, 10, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// trimAll trims every entry of a comma-separated list and drops empty ones,
// so that "a, b," means [a b].
func trimAll(list []string) []string {
	var out []string
	for _, entry := range list {
		if entry = strings.TrimSpace(entry); entry != "" {
			out = append(out, entry)
		}
	}
	return out
}

// SlogLevel returns LogLevel as a slog.Level. Load has already rejected any
// other value than debug, info, warn and error.
func (c Config) SlogLevel() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Addr returns the listen address in host:port form, with an IPv6 host in
// brackets.
func (c Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// envKey returns the variable name in the env tag of the Config field with the
// given Go name.
func envKey(fieldName string) string {
	field, ok := reflect.TypeFor[Config]().FieldByName(fieldName)
	if !ok {
		return fieldName
	}
	key, _, _ := strings.Cut(field.Tag.Get("env"), ",")
	return key
}
