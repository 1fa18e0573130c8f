// Package config loads the service settings from environment variables.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is the complete set of service settings. The env tag of each field
// is the variable name and envDefault is the value used when the variable is
// unset or empty.
type Config struct {
	// Host is the interface the HTTP server listens on. Empty means every
	// interface.
	Host string `env:"HOST"`
	Port int    `env:"PORT" envDefault:"8080"`

{% if database == "postgres" %}	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://postgres:postgres@localhost:5432/{{ database_name }}?sslmode=disable"`

{% elif database == "mysql" %}	DatabaseURL string `env:"DATABASE_URL" envDefault:"mysql://{{ database_name }}:{{ database_name }}@localhost:3306/{{ database_name }}"`

{% elif database == "sqlite" %}	DatabaseURL string `env:"DATABASE_URL" envDefault:"data/{{ app_name }}.db"`

{% endif %}	LogLevel  string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"LOG_FORMAT" envDefault:"json"`

	ShutdownTimeout       time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"10s"`
	HTTPReadHeaderTimeout time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"5s"`
	HTTPReadTimeout       time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"15s"`
	HTTPWriteTimeout      time.Duration `env:"HTTP_WRITE_TIMEOUT" envDefault:"15s"`
	HTTPIdleTimeout       time.Duration `env:"HTTP_IDLE_TIMEOUT" envDefault:"60s"`
{% if database != "none" %}
	DBMaxOpenConns    int           `env:"DB_MAX_OPEN_CONNS" envDefault:"10"`
	DBMaxIdleConns    int           `env:"DB_MAX_IDLE_CONNS" envDefault:"10"`
	DBConnMaxLifetime time.Duration `env:"DB_CONN_MAX_LIFETIME" envDefault:"30m"`
{% endif %}
	MaxBodyBytes     int64 `env:"MAX_BODY_BYTES" envDefault:"1048576"`
	PageLimitDefault int   `env:"PAGE_LIMIT_DEFAULT" envDefault:"20"`
	PageLimitMax     int   `env:"PAGE_LIMIT_MAX" envDefault:"100"`
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

	err = env.ParseWithOptions(&cfg, env.Options{Environment: environment})
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
			problems = append(problems, fmt.Sprintf(
				"%s: invalid %s value %q", key, parseErr.Type, environment[key]))
		}
	}

	cfg.LogLevel = strings.ToLower(cfg.LogLevel)
	cfg.LogFormat = strings.ToLower(cfg.LogFormat)

	for _, p := range cfg.validate() {
		if !failed[p.key] {
			problems = append(problems, p.key+": "+p.message)
		}
	}

	if len(problems) > 0 {
		return Config{}, &Error{Problems: problems}
	}
	return cfg, nil
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

// Addr returns the listen address in host:port form.
func (c Config) Addr() string {
	return fmt.Sprintf("%s:%d", c.Host, c.Port)
}

type problem struct {
	key     string
	message string
}

func (c Config) validate() []problem {
	var problems []problem
	add := func(key, message string) {
		problems = append(problems, problem{key: key, message: message})
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
{%- if database != "none" %}
		{key: "DB_CONN_MAX_LIFETIME", value: c.DBConnMaxLifetime},
{%- endif %}
	}
	for _, d := range durations {
		if d.value <= 0 {
			add(d.key, fmt.Sprintf("must be a positive duration such as 10s, got %s", d.value))
		}
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
	if c.PageLimitMax < 1 {
		add("PAGE_LIMIT_MAX", fmt.Sprintf("must be at least 1, got %d", c.PageLimitMax))
	}
	if c.PageLimitDefault >= 1 && c.PageLimitMax >= 1 && c.PageLimitDefault > c.PageLimitMax {
		add("PAGE_LIMIT_DEFAULT", fmt.Sprintf(
			"must not exceed PAGE_LIMIT_MAX (%d), got %d", c.PageLimitMax, c.PageLimitDefault))
	}

	return problems
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
