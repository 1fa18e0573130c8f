{% if database == "none" -%}
// Command server runs the {{ app_name }} HTTP service. With the argument
// "healthcheck" it checks that a running server returns 200 from /healthz,
// for container health checks.
{%- else -%}
// Command server runs the {{ app_name }} HTTP service. With the arguments
// "migrate up", "migrate down" or "migrate status" it manages the database
// schema instead and exits. With the argument "healthcheck" it checks that a
// running server returns 200 from /healthz, for container health checks.
{%- endif %}
package main

import (
	"context"
{%- if database != "none" %}
	"database/sql"
{%- endif %}
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
{%- if database != "none" %}
	"sync"
{%- endif %}
	"sync/atomic"
	"syscall"
	"time"
{%- if database != "none" %}

	"golang.org/x/sync/singleflight"
{%- endif %}

	"{{ module_path }}/internal/api"
	"{{ module_path }}/internal/config"
	"{{ module_path }}/internal/logging"
	"{{ module_path }}/internal/middleware"
	"{{ module_path }}/internal/repository"
	"{{ module_path }}/internal/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default handling, so that a second
	// signal stops the process at once instead of waiting for the shutdown.
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		// run logs the errors that occur once its logger exists.
		if !errors.As(err, new(loggedError)) {
			fmt.Fprintln(os.Stderr, "error:", err)
		}
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError reports invalid command-line arguments, for which main exits
// with status 2.
type usageError string

func (e usageError) Error() string { return string(e) }

// loggedError is an error that run has already logged through its logger,
// so that main does not print it again.
type loggedError struct{ error }

func (e loggedError) Unwrap() error { return e.error }

// run starts the service and blocks until ctx is cancelled, then shuts down
// gracefully and returns nil. Logs go to stderr.
{%- if database != "none" %} The migrate subcommand
// prints its results to stdout.
{%- endif %}
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	// Help comes before the settings are loaded, so that it works whatever
	// the environment contains, and after any command, as in "migrate -h".
	if len(args) > 1 && slices.ContainsFunc(args[1:], isHelp) {
		_, err := io.WriteString(stdout, usageText)
		return err
	}
	// A mistyped command is a usage error even when a setting is invalid too.
	if err := checkArgs(args); err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if len(args) > 1 && args[1] == "healthcheck" {
		return runHealthcheck(ctx, cfg)
	}
	logOutput := logging.NewWriter(stderr, cfg.LogFlushInterval)
	// Deferred first, so that it runs last: it writes the lines that the
	// later deferred calls log, also when run fails.
	defer func() { _ = logOutput.Close() }()
	// From the first signal on, every line is written at once, because a
	// second signal ends the process without running deferred calls.
	stopBuffering := context.AfterFunc(ctx, func() { _ = logOutput.Close() })
	defer stopBuffering()
	logger := newLogger(logOutput, cfg)
	// From here on, the error that ends the process is a log line in
	// LOG_FORMAT like every other, so that a log pipeline that parses JSON
	// also gets the reason. Errors before this point, such as an invalid
	// setting, are printed as plain text, because the log settings may be
	// what is wrong.
{%- if database == "none" %}
	defer func() {
		if err != nil {
			logger.Error("server failed", slog.String("error", err.Error()))
			err = loggedError{err}
		}
	}()
{%- else %}
	defer func() {
		switch {
		case err == nil:
		case startUpStopped(ctx, args, err):
			logger.Info("start-up stopped by signal", slog.String("error", err.Error()))
			err = nil
		default:
			logger.Error(failureMessage(args), slog.String("error", err.Error()))
			err = loggedError{err}
		}
	}()
{%- endif %}
{%- if database != "none" %}

	db, err := repository.Open(ctx, cfg.DatabaseURL, repository.PoolConfig{
		MaxOpenConns:    cfg.DBMaxOpenConns,
		MaxIdleConns:    cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLifetime,
	})
	if err != nil {
		return startUpError{err}
	}
	defer func() {
		if err := db.Close(); err != nil {
			logger.Error("close database failed", slog.String("error", err.Error()))
		}
	}()

	migrator, err := repository.NewMigrator(db)
	if err != nil {
		return err
	}
	if len(args) > 1 && args[1] == "migrate" {
		return runMigrate(ctx, migrator, args[2:], stdout)
	}
	if err := prepareSchema(ctx, migrator, cfg.MigrateOnStart, logger); err != nil {
		return startUpError{err}
	}
{%- endif %}

	var ready atomic.Bool
{%- if database == "none" %}
	users := service.NewUsers(repository.NewUsers(), nil)
	handler := api.NewServer(logger, users, readinessCheck(&ready), api.Options{
{%- else %}
	users := service.NewUsers(repository.NewUsers(db), nil)
	handler := api.NewServer(logger, users, readinessCheck(&ready, db), api.Options{
{%- endif %}
		MaxBodyBytes:         cfg.MaxBodyBytes,
		RequestTimeout:       cfg.RequestTimeout,
		PageLimitDefault:     cfg.PageLimitDefault,
		PageLimitMax:         cfg.PageLimitMax,
		AccessLog:            cfg.AccessLog,
		CORSAllowedOrigins:   cfg.CORSAllowedOrigins,
		CORSAllowCredentials: cfg.CORSAllowCredentials,
		RateLimitRPS:         cfg.RateLimitRPS,
		RateLimitBurst:       cfg.RateLimitBurst,
		TrustedProxies:       cfg.TrustedProxies,
	})

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.HTTPReadHeaderTimeout,
		ReadTimeout:       cfg.HTTPReadTimeout,
		WriteTimeout:      cfg.HTTPWriteTimeout,
		IdleTimeout:       cfg.HTTPIdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// At LOG_LEVEL=error a warning would be dropped, and the settings it
	// warns about, such as an access log that the level hides, would go
	// unexplained. So each warning is logged at least at the level in force.
	warningLevel := max(slog.LevelWarn, cfg.SlogLevel())
	for _, warning := range cfg.Warnings() {
		logger.LogAttrs(ctx, warningLevel, "risky setting", slog.String("warning", warning))
	}
	listener, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		// The error names the address already: "listen tcp ADDR: ...".
		return err
	}
	logger.Info("server started", slog.String("addr", listener.Addr().String()),
		slog.Bool("access_log", cfg.AccessLog))

	stop := shutdownPolicy{delay: cfg.ShutdownDelay, timeout: cfg.ShutdownTimeout, logger: logger}
	if err := serve(ctx, srv, listener, &ready, stop); err != nil {
		return err
	}
	logger.Info("server stopped")
	return nil
}

{% if database == "none" -%}
// usageText is printed for -h, -help, --help and help.
const usageText = `Usage:
  server               serve the API
  server healthcheck   exit 0 if the running server answers GET /healthz with 200

Settings come from environment variables; .env.example lists them.
`
{%- else -%}
// usageText is printed for -h, -help, --help and help.
const usageText = `Usage:
  server                  serve the API, after applying pending migrations
                          (with MIGRATE_ON_START=false, refuse to start if any)
  server migrate up       apply pending migrations and exit
  server migrate down     roll back the last migration and exit
  server migrate status   list migrations and whether each is applied
  server healthcheck      exit 0 if the running server answers GET /healthz with 200

Settings come from environment variables; .env.example lists them.
`
{%- endif %}

{% if database != "none" -%}
// failureMessage returns the message of the log line for an error that
// ends the command in args.
func failureMessage(args []string) string {
	if len(args) > 1 && args[1] == "migrate" {
		return "migrate failed"
	}
	return "server failed"
}

// startUpError marks an error of a step that runs before the server
// listens: opening the database or preparing the schema.
type startUpError struct{ err error }

func (e startUpError) Error() string { return e.err.Error() }
func (e startUpError) Unwrap() error { return e.err }

// startUpStopped reports whether err ended the server's start-up after a
// signal cancelled ctx, for example while it
{%- if database == "sqlite" %} connected to the database or
// applied migrations.
{%- else %} waited for the migration lock
// that another instance holds.
{%- endif %} The server then stops with status 0, as after
// any SIGINT or SIGTERM, whatever error the step returned, because not
// every wait ends with context.Canceled when the context does.
{%- if database == "sqlite" %} SQLite's
// busy timeout ignores the context and ends with SQLITE_BUSY.
{%- endif %} A migrate
// command stopped that way did not finish, so it still fails.
func startUpStopped(ctx context.Context, args []string, err error) bool {
	var startUp startUpError
	return len(args) <= 1 && ctx.Err() != nil && errors.As(err, &startUp)
}

{% endif -%}
// isHelp reports whether arg requests the usage text.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

{% if database == "none" -%}
// checkArgs accepts no arguments or "healthcheck", because the service keeps
// users in memory and has no migrate command.
func checkArgs(args []string) error {
	switch {
	case len(args) <= 1:
		return nil
	case args[1] != "healthcheck":
		return usageError(fmt.Sprintf("unknown command %q: run the server without arguments, or with healthcheck; see server -h", args[1]))
	case len(args) != 2:
		return usageError("usage: server healthcheck (takes no arguments)")
	}
	return nil
}
{%- else -%}
// checkArgs accepts no arguments, "healthcheck" or "migrate up|down|status".
// It runs before the settings are loaded and the database is opened, so a
// mistyped command never starts the server.
func checkArgs(args []string) error {
	switch {
	case len(args) <= 1:
		return nil
	case args[1] == "healthcheck" && len(args) != 2:
		return usageError("usage: server healthcheck (takes no arguments)")
	case args[1] == "healthcheck":
		return nil
	case args[1] != "migrate":
		return usageError(fmt.Sprintf("unknown command %q: use migrate up|down|status or healthcheck, "+
			"or no arguments to serve; see server -h", args[1]))
	case len(args) != 3:
		return usageError("usage: server migrate up|down|status")
	case args[2] != "up" && args[2] != "down" && args[2] != "status":
		return usageError(fmt.Sprintf("unknown migrate command %q: use up, down or status", args[2]))
	}
	return nil
}
{%- endif %}

// newLogger returns the logger of the whole service. Lines logged with a
// request's context carry its request ID. Lines at warn level and above are
// written at once, the others within LOG_FLUSH_INTERVAL.
func newLogger(w *logging.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.SlogLevel()}
	var handler slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" {
		handler = slog.NewTextHandler(w, opts)
	}
	return slog.New(middleware.LogHandler(logging.FlushOnWarn(handler, w)))
}

{% if database == "none" -%}
// readinessCheck returns the check behind /readyz. It fails only while the
// server starts or shuts down, because the in-memory store has no
// dependency that can fail.
func readinessCheck(ready *atomic.Bool) api.ReadinessCheck {
	return func(context.Context) error {
		if !ready.Load() {
			return errors.New("server is starting or shutting down")
		}
		return nil
	}
}
{%- else -%}
// pingInterval is how long the result of one database ping serves /readyz.
// Probes come every few seconds, so each still gets a fresh result. A flood
// of /readyz requests, which the rate limit exempts, costs at most one ping
// per interval, so it cannot take the pool's connections from the API.
const pingInterval = time.Second

// readinessCheck returns the check behind /readyz. It fails while the server
// starts or shuts down and when the database does not respond to a ping.
func readinessCheck(ready *atomic.Bool, db *sql.DB) api.ReadinessCheck {
	ping := sharedPing(db.PingContext, pingInterval)
	return func(ctx context.Context) error {
		if !ready.Load() {
			return errors.New("server is starting or shutting down")
		}
		if err := ping(ctx); err != nil {
			return fmt.Errorf("ping database: %w", err)
		}
		return nil
	}
}

// sharedPing wraps ping so that concurrent calls share one ping, and every
// call within interval after a ping ends gets its result. The shared ping has
// the deadline of the call that started it but not its cancellation: a
// caller that gives up returns at once with its context's error, and the
// ping goes on for the others.
func sharedPing(ping func(context.Context) error, interval time.Duration) func(context.Context) error {
	var (
		group   singleflight.Group
		mu      sync.Mutex
		checked time.Time
		last    error
	)
	lastResult := func() (fresh bool, result error) {
		mu.Lock()
		defer mu.Unlock()
		return !checked.IsZero() && time.Since(checked) < interval, last
	}
	return func(ctx context.Context) error {
		if fresh, result := lastResult(); fresh {
			return result
		}
		done := group.DoChan("ping", func() (any, error) {
			// A ping that ended after the check above has left DoChan free
			// for a new call, but its result is still fresh.
			if fresh, result := lastResult(); fresh {
				return nil, result
			}
			pingCtx := context.WithoutCancel(ctx)
			if deadline, ok := ctx.Deadline(); ok {
				var cancel context.CancelFunc
				pingCtx, cancel = context.WithDeadline(pingCtx, deadline)
				defer cancel()
			}
			err := ping(pingCtx)
			mu.Lock()
			checked, last = time.Now(), err
			mu.Unlock()
			return nil, err
		})
		select {
		case r := <-done:
			return r.Err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
{%- endif %}

// shutdownPolicy configures how serve stops: how long it keeps serving after
// the signal, how long in-flight requests get after that, and where it logs
// the start of the shutdown.
type shutdownPolicy struct {
	delay   time.Duration
	timeout time.Duration
	logger  *slog.Logger
}

// serve runs srv on listener until ctx is cancelled, and sets ready while
// serving. On cancellation it clears ready and keeps serving for the
// policy's delay, so that a load balancer polling /readyz stops routing to
// this instance before the listener closes. In the delay every response
// carries Connection: close, so that clients move to new connections, which
// the load balancer sends elsewhere. For that, serve wraps srv.Handler. Then
// Shutdown stops accepting connections and waits up to the policy's timeout
// for in-flight requests. serve returns nil after a complete graceful
// shutdown.
func serve(ctx context.Context, srv *http.Server, listener net.Listener, ready *atomic.Bool, stop shutdownPolicy) error {
	srv.Handler = closeWhenNotReady(srv.Handler, ready)
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- srv.Serve(listener)
	}()
	ready.Store(true)

	select {
	case err := <-serveErr:
		ready.Store(false)
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	ready.Store(false)
	stop.logger.Info("shutdown started",
		slog.Duration("delay", stop.delay),
		slog.Duration("timeout", stop.timeout),
	)
	if stop.delay > 0 {
		select {
		case <-time.After(stop.delay):
		case err := <-serveErr:
			return fmt.Errorf("serve HTTP: %w", err)
		}
	}

	// ctx is already cancelled, so the shutdown deadline needs a fresh context.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), stop.timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shut down HTTP server within %s: %w", stop.timeout, err)
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve HTTP: %w", err)
	}
	return nil
}

// closeWhenNotReady sets Connection: close on the response to each request
// that arrives while ready is false, and net/http then closes the connection
// after the response. A client that keeps reusing a connection in the
// shutdown delay would otherwise still have it open when Shutdown closes the
// idle connections, and a request it sends at that moment gets no response.
// Server.SetKeepAlivesEnabled(false) marks responses the same way, but it
// also closes every idle connection at once, with the same race at the
// signal.
func closeWhenNotReady(next http.Handler, ready *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}
