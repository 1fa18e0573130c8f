package config_test

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"{{ module_path }}/internal/config"
)

func mapGetenv(values map[string]string) func(string) string {
	return func(key string) string {
		return values[key]
	}
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := config.Load(mapGetenv(nil))
	if err != nil {
		t.Fatalf("Load with no variables set: %v", err)
	}

	if cfg.Host != "" {
		t.Errorf("Host = %q, want empty", cfg.Host)
	}
	if cfg.Port != 8080 {
		t.Errorf("Port = %d, want 8080", cfg.Port)
	}
{%- if database != "none" %}
	if cfg.DatabaseURL == "" {
		t.Error("DatabaseURL is empty, want a default")
	}
{%- endif %}
	if cfg.LogLevel != "info" {
		t.Errorf("LogLevel = %q, want info", cfg.LogLevel)
	}
	if cfg.LogFormat != "json" {
		t.Errorf("LogFormat = %q, want json", cfg.LogFormat)
	}
	if cfg.AccessLog {
		t.Error("AccessLog = true, want false")
	}
	if cfg.LogFlushInterval != 100*time.Millisecond {
		t.Errorf("LogFlushInterval = %s, want 100ms", cfg.LogFlushInterval)
	}
	if cfg.ShutdownDelay != 0 {
		t.Errorf("ShutdownDelay = %s, want 0", cfg.ShutdownDelay)
	}
	if cfg.ShutdownTimeout != 20*time.Second {
		t.Errorf("ShutdownTimeout = %s, want 20s", cfg.ShutdownTimeout)
	}
	if cfg.HTTPReadHeaderTimeout != 5*time.Second {
		t.Errorf("HTTPReadHeaderTimeout = %s, want 5s", cfg.HTTPReadHeaderTimeout)
	}
	if cfg.HTTPReadTimeout != 10*time.Second {
		t.Errorf("HTTPReadTimeout = %s, want 10s", cfg.HTTPReadTimeout)
	}
	if cfg.HTTPWriteTimeout != 15*time.Second {
		t.Errorf("HTTPWriteTimeout = %s, want 15s", cfg.HTTPWriteTimeout)
	}
	if cfg.HTTPIdleTimeout != 60*time.Second {
		t.Errorf("HTTPIdleTimeout = %s, want 60s", cfg.HTTPIdleTimeout)
	}
{%- if database != "none" %}
	if !cfg.MigrateOnStart {
		t.Error("MigrateOnStart = false, want true")
	}
	if cfg.DBMaxOpenConns != 10 {
		t.Errorf("DBMaxOpenConns = %d, want 10", cfg.DBMaxOpenConns)
	}
	if cfg.DBMaxIdleConns != 10 {
		t.Errorf("DBMaxIdleConns = %d, want 10", cfg.DBMaxIdleConns)
	}
	if cfg.DBConnMaxLifetime != 30*time.Minute {
		t.Errorf("DBConnMaxLifetime = %s, want 30m", cfg.DBConnMaxLifetime)
	}
{%- endif %}
	if cfg.MaxBodyBytes != 1<<20 {
		t.Errorf("MaxBodyBytes = %d, want %d", cfg.MaxBodyBytes, 1<<20)
	}
	if cfg.PageLimitDefault != 20 {
		t.Errorf("PageLimitDefault = %d, want 20", cfg.PageLimitDefault)
	}
	if cfg.PageLimitMax != 100 {
		t.Errorf("PageLimitMax = %d, want 100", cfg.PageLimitMax)
	}
	if cfg.RequestTimeout != 10*time.Second {
		t.Errorf("RequestTimeout = %s, want 10s", cfg.RequestTimeout)
	}
	if len(cfg.CORSAllowedOrigins) != 0 {
		t.Errorf("CORSAllowedOrigins = %q, want none", cfg.CORSAllowedOrigins)
	}
	if cfg.CORSAllowCredentials {
		t.Error("CORSAllowCredentials = true, want false")
	}
	if cfg.RateLimitRPS != 10 {
		t.Errorf("RateLimitRPS = %v, want 10", cfg.RateLimitRPS)
	}
	if cfg.RateLimitBurst != 20 {
		t.Errorf("RateLimitBurst = %d, want 20", cfg.RateLimitBurst)
	}
	if len(cfg.TrustedProxies) != 0 {
		t.Errorf("TrustedProxies = %v, want none", cfg.TrustedProxies)
	}
}

func TestLoadListSettings(t *testing.T) {
	cfg, err := config.Load(mapGetenv(map[string]string{
		"CORS_ALLOWED_ORIGINS":   " https://app.example.com, http://localhost:3000 ,",
		"CORS_ALLOW_CREDENTIALS": "true",
		"RATE_LIMIT_RPS":         "0",
		"TRUSTED_PROXIES":        "10.0.0.0/8, 192.168.1.7, 10.1.2.3/16, 2001:db8::/32",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	wantOrigins := []string{"https://app.example.com", "http://localhost:3000"}
	if !slices.Equal(cfg.CORSAllowedOrigins, wantOrigins) {
		t.Errorf("CORSAllowedOrigins = %q, want %q", cfg.CORSAllowedOrigins, wantOrigins)
	}
	if !cfg.CORSAllowCredentials {
		t.Error("CORSAllowCredentials = false, want true")
	}
	if cfg.RateLimitRPS != 0 {
		t.Errorf("RateLimitRPS = %v, want 0 (off)", cfg.RateLimitRPS)
	}
	wantProxies := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("2001:db8::/32"),
	}
	if !slices.Equal(cfg.TrustedProxies, wantProxies) {
		t.Errorf("TrustedProxies = %v, want %v", cfg.TrustedProxies, wantProxies)
	}
}

func TestLoadValidValues(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, cfg config.Config)
	}{
{%- if database != "none" %}
		{
			name: "database url",
			env:  map[string]string{"DATABASE_URL": "/tmp/other.db"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.DatabaseURL != "/tmp/other.db" {
					t.Errorf("DatabaseURL = %q, want /tmp/other.db", cfg.DatabaseURL)
				}
			},
		},
{%- endif %}
		{
			name: "log level upper case",
			env:  map[string]string{"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "Text"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.SlogLevel() != slog.LevelDebug {
					t.Errorf("SlogLevel() = %s, want DEBUG", cfg.SlogLevel())
				}
				if cfg.LogFormat != "text" {
					t.Errorf("LogFormat = %q, want text", cfg.LogFormat)
				}
			},
		},
		{
			name: "durations",
			env: map[string]string{
				"SHUTDOWN_TIMEOUT": "2s", "HTTP_IDLE_TIMEOUT": "1m30s", "SHUTDOWN_DELAY": "5s", "LOG_FLUSH_INTERVAL": "0s",
			},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.LogFlushInterval != 0 {
					t.Errorf("LogFlushInterval = %s, want 0", cfg.LogFlushInterval)
				}
				if cfg.ShutdownTimeout != 2*time.Second {
					t.Errorf("ShutdownTimeout = %s, want 2s", cfg.ShutdownTimeout)
				}
				if cfg.ShutdownDelay != 5*time.Second {
					t.Errorf("ShutdownDelay = %s, want 5s", cfg.ShutdownDelay)
				}
				if cfg.HTTPIdleTimeout != 90*time.Second {
					t.Errorf("HTTPIdleTimeout = %s, want 1m30s", cfg.HTTPIdleTimeout)
				}
			},
		},
		{
			name: "page limits equal",
			env:  map[string]string{"PAGE_LIMIT_DEFAULT": "50", "PAGE_LIMIT_MAX": "50"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.PageLimitDefault != 50 || cfg.PageLimitMax != 50 {
					t.Errorf("page limits = %d/%d, want 50/50", cfg.PageLimitDefault, cfg.PageLimitMax)
				}
			},
		},
		{
			name: "minimum rate",
			env:  map[string]string{"RATE_LIMIT_RPS": "0.001"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.RateLimitRPS != 0.001 {
					t.Errorf("RateLimitRPS = %v, want 0.001", cfg.RateLimitRPS)
				}
			},
		},
		{
			name: "empty value means default",
			env:  map[string]string{"PORT": ""},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.Port != 8080 {
					t.Errorf("Port = %d, want 8080", cfg.Port)
				}
			},
		},
		// A setting that must not exceed another follows it when only the
		// other is set, and keeps an explicit value.
{%- if database != "none" %}
		{
			name: "idle connections follow lower open",
			env:  map[string]string{"DB_MAX_OPEN_CONNS": "5"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.DBMaxIdleConns != 5 {
					t.Errorf("DBMaxIdleConns = %d, want 5", cfg.DBMaxIdleConns)
				}
			},
		},
		{
			name: "idle connections keep default below open",
			env:  map[string]string{"DB_MAX_OPEN_CONNS": "50"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.DBMaxIdleConns != 10 {
					t.Errorf("DBMaxIdleConns = %d, want 10", cfg.DBMaxIdleConns)
				}
			},
		},
{%- endif %}
		{
			name: "page default follows lower max",
			env:  map[string]string{"PAGE_LIMIT_MAX": "10"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.PageLimitDefault != 10 {
					t.Errorf("PageLimitDefault = %d, want 10", cfg.PageLimitDefault)
				}
			},
		},
		{
			name: "page default keeps default below max",
			env:  map[string]string{"PAGE_LIMIT_MAX": "500"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.PageLimitDefault != 20 {
					t.Errorf("PageLimitDefault = %d, want 20", cfg.PageLimitDefault)
				}
			},
		},
		{
			name: "request and read timeouts follow lower write timeout",
			env:  map[string]string{"HTTP_WRITE_TIMEOUT": "6s"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.RequestTimeout != 4*time.Second {
					t.Errorf("RequestTimeout = %s, want 4s (two thirds of HTTP_WRITE_TIMEOUT)", cfg.RequestTimeout)
				}
				if cfg.HTTPReadTimeout != 4*time.Second {
					t.Errorf("HTTPReadTimeout = %s, want 4s (two thirds of HTTP_WRITE_TIMEOUT)", cfg.HTTPReadTimeout)
				}
			},
		},
		{
			name: "request timeout keeps default below write timeout",
			env:  map[string]string{"HTTP_WRITE_TIMEOUT": "1m"},
			check: func(t *testing.T, cfg config.Config) {
				if cfg.RequestTimeout != 10*time.Second {
					t.Errorf("RequestTimeout = %s, want 10s", cfg.RequestTimeout)
				}
			},
		},
		{
			name: "explicit values are kept",
			env: map[string]string{
{%- if database != "none" %}
				"DB_MAX_OPEN_CONNS": "5", "DB_MAX_IDLE_CONNS": "2",
{%- endif %}
				"PAGE_LIMIT_MAX": "10", "PAGE_LIMIT_DEFAULT": "3",
				"HTTP_WRITE_TIMEOUT": "6s", "REQUEST_TIMEOUT": "5s",
			},
			check: func(t *testing.T, cfg config.Config) {
{%- if database != "none" %}
				if cfg.DBMaxIdleConns != 2 {
					t.Errorf("DBMaxIdleConns = %d, want 2", cfg.DBMaxIdleConns)
				}
{%- endif %}
				if cfg.PageLimitDefault != 3 {
					t.Errorf("PageLimitDefault = %d, want 3", cfg.PageLimitDefault)
				}
				if cfg.RequestTimeout != 5*time.Second {
					t.Errorf("RequestTimeout = %s, want 5s", cfg.RequestTimeout)
				}
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(mapGetenv(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, cfg)
		})
	}
}

func TestAddr(t *testing.T) {
	tests := []struct {
		host string
		want string
	}{
		{host: "", want: ":9090"},
		{host: "127.0.0.1", want: "127.0.0.1:9090"},
		{host: "0.0.0.0", want: "0.0.0.0:9090"},
		{host: "::1", want: "[::1]:9090"},
		{host: "::", want: "[::]:9090"},
		{host: "fe80::1%eth0", want: "[fe80::1%eth0]:9090"},
		{host: "localhost", want: "localhost:9090"},
		{host: "api.internal.example.com", want: "api.internal.example.com:9090"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			cfg, err := config.Load(mapGetenv(map[string]string{"HOST": tt.host, "PORT": "9090"}))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}

			if got := cfg.Addr(); got != tt.want {
				t.Errorf("Addr() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadInvalidValues(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		// want lists the variable names that the error must report, in order.
		want []string
	}{
		{name: "bracketed IPv6 host", env: map[string]string{"HOST": "[::1]"}, want: []string{"HOST"}},
		{name: "host with port", env: map[string]string{"HOST": "localhost:8080"}, want: []string{"HOST"}},
		{name: "host with space", env: map[string]string{"HOST": "my host"}, want: []string{"HOST"}},
		{name: "host label starts with hyphen", env: map[string]string{"HOST": "-api.example.com"}, want: []string{"HOST"}},
		{name: "host label too long", env: map[string]string{"HOST": strings.Repeat("a", 64) + ".example.com"}, want: []string{"HOST"}},
		{name: "port not a number", env: map[string]string{"PORT": "http"}, want: []string{"PORT"}},
		{name: "port out of range", env: map[string]string{"PORT": "70000"}, want: []string{"PORT"}},
		{name: "port zero", env: map[string]string{"PORT": "0"}, want: []string{"PORT"}},
{%- if database != "none" %}
		{name: "blank database url", env: map[string]string{"DATABASE_URL": "  "}, want: []string{"DATABASE_URL"}},
{%- endif %}
		{name: "unknown log level", env: map[string]string{"LOG_LEVEL": "verbose"}, want: []string{"LOG_LEVEL"}},
		{name: "unknown log format", env: map[string]string{"LOG_FORMAT": "xml"}, want: []string{"LOG_FORMAT"}},
		{name: "duration without unit", env: map[string]string{"SHUTDOWN_TIMEOUT": "10"}, want: []string{"SHUTDOWN_TIMEOUT"}},
		{name: "negative duration", env: map[string]string{"HTTP_READ_TIMEOUT": "-1s"}, want: []string{"HTTP_READ_TIMEOUT"}},
		{name: "negative shutdown delay", env: map[string]string{"SHUTDOWN_DELAY": "-1s"}, want: []string{"SHUTDOWN_DELAY"}},
		{name: "negative log flush interval", env: map[string]string{"LOG_FLUSH_INTERVAL": "-100ms"}, want: []string{"LOG_FLUSH_INTERVAL"}},
		{name: "log flush interval over a minute", env: map[string]string{"LOG_FLUSH_INTERVAL": "61s"}, want: []string{"LOG_FLUSH_INTERVAL"}},
{%- if database != "none" %}
		{name: "zero open connections", env: map[string]string{"DB_MAX_OPEN_CONNS": "0"}, want: []string{"DB_MAX_OPEN_CONNS"}},
		{
			name: "idle above open connections",
			env:  map[string]string{"DB_MAX_OPEN_CONNS": "2", "DB_MAX_IDLE_CONNS": "3"},
			want: []string{"DB_MAX_IDLE_CONNS"},
		},
		{name: "negative idle connections", env: map[string]string{"DB_MAX_IDLE_CONNS": "-1"}, want: []string{"DB_MAX_IDLE_CONNS"}},
{%- endif %}
		{name: "zero body size", env: map[string]string{"MAX_BODY_BYTES": "0"}, want: []string{"MAX_BODY_BYTES"}},
		{
			name: "default page limit above max",
			env:  map[string]string{"PAGE_LIMIT_DEFAULT": "200"},
			want: []string{"PAGE_LIMIT_DEFAULT"},
		},
		{
			name: "explicit default page limit above max",
			env:  map[string]string{"PAGE_LIMIT_DEFAULT": "20", "PAGE_LIMIT_MAX": "10"},
			want: []string{"PAGE_LIMIT_DEFAULT"},
		},
		{
			name: "explicit request timeout above write timeout",
			env:  map[string]string{"REQUEST_TIMEOUT": "10s", "HTTP_WRITE_TIMEOUT": "5s"},
			want: []string{"REQUEST_TIMEOUT"},
		},
		{name: "zero max page limit", env: map[string]string{"PAGE_LIMIT_MAX": "0"}, want: []string{"PAGE_LIMIT_MAX"}},
		{name: "max page limit above 1000", env: map[string]string{"PAGE_LIMIT_MAX": "1001"}, want: []string{"PAGE_LIMIT_MAX"}},
		{name: "request timeout at write timeout", env: map[string]string{"REQUEST_TIMEOUT": "15s"}, want: []string{"REQUEST_TIMEOUT"}},
		{name: "read timeout at write timeout", env: map[string]string{"HTTP_READ_TIMEOUT": "15s"}, want: []string{"HTTP_READ_TIMEOUT"}},
		{name: "zero request timeout", env: map[string]string{"REQUEST_TIMEOUT": "0s"}, want: []string{"REQUEST_TIMEOUT"}},
		{name: "origin with path", env: map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com/"}, want: []string{"CORS_ALLOWED_ORIGINS"}},
		{name: "origin without scheme", env: map[string]string{"CORS_ALLOWED_ORIGINS": "app.example.com"}, want: []string{"CORS_ALLOWED_ORIGINS"}},
		{name: "origin with other scheme", env: map[string]string{"CORS_ALLOWED_ORIGINS": "ftp://app.example.com"}, want: []string{"CORS_ALLOWED_ORIGINS"}},
		{name: "origin with wildcard host", env: map[string]string{"CORS_ALLOWED_ORIGINS": "https://*", "CORS_ALLOW_CREDENTIALS": "true"}, want: []string{"CORS_ALLOWED_ORIGINS"}},
		{name: "origin with wildcard subdomain", env: map[string]string{"CORS_ALLOWED_ORIGINS": "https://*.example.com"}, want: []string{"CORS_ALLOWED_ORIGINS"}},
		{
			name: "wildcard with credentials",
			env:  map[string]string{"CORS_ALLOWED_ORIGINS": "*", "CORS_ALLOW_CREDENTIALS": "true"},
			want: []string{"CORS_ALLOW_CREDENTIALS"},
		},
		{name: "credentials not a bool", env: map[string]string{"CORS_ALLOW_CREDENTIALS": "yes please"}, want: []string{"CORS_ALLOW_CREDENTIALS"}},
		{name: "access log not a bool", env: map[string]string{"ACCESS_LOG": "sometimes"}, want: []string{"ACCESS_LOG"}},
		{name: "negative rate", env: map[string]string{"RATE_LIMIT_RPS": "-1"}, want: []string{"RATE_LIMIT_RPS"}},
		{name: "rate not a number", env: map[string]string{"RATE_LIMIT_RPS": "NaN"}, want: []string{"RATE_LIMIT_RPS"}},
		{name: "infinite rate", env: map[string]string{"RATE_LIMIT_RPS": "+Inf"}, want: []string{"RATE_LIMIT_RPS"}},
		{name: "rate below minimum", env: map[string]string{"RATE_LIMIT_RPS": "1e-9"}, want: []string{"RATE_LIMIT_RPS"}},
		{name: "zero burst", env: map[string]string{"RATE_LIMIT_BURST": "0"}, want: []string{"RATE_LIMIT_BURST"}},
		{name: "invalid proxy", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, want: []string{"TRUSTED_PROXIES"}},
		{
			name: "every problem in one error",
			env: map[string]string{
				"PORT":              "abc",
				"LOG_FORMAT":        "xml",
				"HTTP_IDLE_TIMEOUT": "forever",
{%- if database == "none" %}
				"MAX_BODY_BYTES":    "0",
			},
			want: []string{"PORT", "HTTP_IDLE_TIMEOUT", "LOG_FORMAT", "MAX_BODY_BYTES"},
{%- else %}
				"DB_MAX_OPEN_CONNS": "0",
			},
			want: []string{"PORT", "HTTP_IDLE_TIMEOUT", "LOG_FORMAT", "DB_MAX_OPEN_CONNS"},
{%- endif %}
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(mapGetenv(tt.env))
			if err == nil {
				t.Fatal("Load returned no error")
			}

			var cfgErr *config.Error
			if !errors.As(err, &cfgErr) {
				t.Fatalf("Load error %v is %T, want *config.Error", err, err)
			}
			if len(cfgErr.Problems) != len(tt.want) {
				t.Fatalf("Problems = %q, want one per variable in %q", cfgErr.Problems, tt.want)
			}
			for i, key := range tt.want {
				if !strings.HasPrefix(cfgErr.Problems[i], key+": ") {
					t.Errorf("Problems[%d] = %q, want it to start with %q", i, cfgErr.Problems[i], key+": ")
				}
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // the start of each warning, in order
	}{
		{name: "defaults", env: map[string]string{}},
		{name: "shutdown timeout at the read timeout", env: map[string]string{"SHUTDOWN_TIMEOUT": "15s"}, want: []string{"SHUTDOWN_TIMEOUT ("}},
		{name: "shutdown timeout below the write timeout", env: map[string]string{"SHUTDOWN_TIMEOUT": "20s", "HTTP_WRITE_TIMEOUT": "30s"}, want: []string{"SHUTDOWN_TIMEOUT ("}},
		{name: "every timeout lowered", env: map[string]string{"SHUTDOWN_TIMEOUT": "5s", "HTTP_READ_TIMEOUT": "3s", "HTTP_WRITE_TIMEOUT": "4s", "REQUEST_TIMEOUT": "3s"}},
		{name: "access log at warn level", env: map[string]string{"ACCESS_LOG": "true", "LOG_LEVEL": "warn"}, want: []string{"ACCESS_LOG is true, but LOG_LEVEL warn drops"}},
		{name: "access log at error level", env: map[string]string{"ACCESS_LOG": "true", "LOG_LEVEL": "error"}, want: []string{"ACCESS_LOG is true, but LOG_LEVEL error drops"}},
		{name: "access log at debug level", env: map[string]string{"ACCESS_LOG": "true", "LOG_LEVEL": "debug"}},
		{name: "access log off at warn level", env: map[string]string{"LOG_LEVEL": "warn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(mapGetenv(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			warnings := cfg.Warnings()
			if len(warnings) != len(tt.want) {
				t.Fatalf("Warnings() = %q, want %d starting with %q", warnings, len(tt.want), tt.want)
			}
			for i, warning := range warnings {
				if !strings.HasPrefix(warning, tt.want[i]) {
					t.Errorf("warning %q does not start with %q", warning, tt.want[i])
				}
			}
		})
	}
}

func TestErrorMessageNamesValue(t *testing.T) {
	tests := []struct {
		key, value, want string
	}{
		{key: "HOST", value: "[::1]", want: `invalid configuration: HOST: must be an IP address without brackets or a hostname, such as ::1, 0.0.0.0 or localhost, got "[::1]"`},
		{key: "PORT", value: "http", want: `invalid configuration: PORT: must be a whole number, got "http"`},
		{key: "PAGE_LIMIT_MAX", value: "3000000000", want: `invalid configuration: PAGE_LIMIT_MAX: must be between 1 and 1000, got 3000000000`},
		{key: "PORT", value: "99999999999999999999", want: fmt.Sprintf(`invalid configuration: PORT: must be a whole number from %d to %d, got "99999999999999999999"`, math.MinInt, math.MaxInt)},
		{key: "MAX_BODY_BYTES", value: "99999999999999999999", want: `invalid configuration: MAX_BODY_BYTES: must be a whole number from -9223372036854775808 to 9223372036854775807, got "99999999999999999999"`},
		{key: "RATE_LIMIT_RPS", value: "0.0005", want: `invalid configuration: RATE_LIMIT_RPS: must be 0 to turn the limit off, or a number of at least 0.001, got 0.0005`},
		{key: "RATE_LIMIT_RPS", value: "fast", want: `invalid configuration: RATE_LIMIT_RPS: must be a number, got "fast"`},
		{key: "HTTP_WRITE_TIMEOUT", value: "30", want: `invalid configuration: HTTP_WRITE_TIMEOUT: must be a duration with a unit, such as 500ms, 10s or 1m, got "30"`},
		{key: "ACCESS_LOG", value: "sometimes", want: `invalid configuration: ACCESS_LOG: must be true or false, got "sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			_, err := config.Load(mapGetenv(map[string]string{tt.key: tt.value}))
			if err == nil {
				t.Fatal("Load returned no error")
			}
			if err.Error() != tt.want {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.want)
			}
		})
	}
}
