// Command baseline is the hand-written comparison for the serve benchmark: a
// net/http server with no middleware that runs the same SQL as a generated
// project for GET /v1/users/{id}, GET /v1/users and POST /v1/users, on the
// same drivers and pool size. It has no logging, request IDs, validation or
// problem documents, so it shows what those cost.
//
// Settings: PORT (default 8080), DATABASE_URL (a SQLite file path, or a
// postgres:// URL), DB_MAX_OPEN_CONNS (default 10, as in generated projects).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // Registers the "pgx" driver.
	_ "modernc.org/sqlite"             // Registers the "sqlite" driver.
)

// The schema and connection pragmas match the migration and open.go of a
// generated project, so both servers run the same queries on the same tables.
const (
	sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_time_format=sqlite"
	sqliteSchema  = `CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email);`
	postgresSchema = `CREATE TABLE IF NOT EXISTS users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, email text NOT NULL,
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email);`
	userColumns = "id, name, email, created_at, updated_at"
)

type user struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type scanner interface{ Scan(dest ...any) error }

func scanUser(row scanner) (user, error) {
	var u user
	err := row.Scan(&u.ID, &u.Name, &u.Email, &u.CreatedAt, &u.UpdatedAt)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := openDatabase(ctx, os.Getenv("DATABASE_URL"), envInt("DB_MAX_OPEN_CONNS", 10))
	if err != nil {
		return err
	}
	defer db.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /v1/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			http.Error(w, "invalid id", http.StatusBadRequest)
			return
		}
		u, err := scanUser(db.QueryRowContext(r.Context(), "SELECT "+userColumns+" FROM users WHERE id = $1", id))
		if errors.Is(err, sql.ErrNoRows) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		writeResult(w, http.StatusOK, u, err)
	})
	mux.HandleFunc("GET /v1/users", func(w http.ResponseWriter, r *http.Request) {
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || limit < 1 || limit > 100 {
			limit = 20
		}
		after, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
		users, err := listUsers(r.Context(), db, after, limit)
		writeResult(w, http.StatusOK, map[string]any{"users": users}, err)
	})
	mux.HandleFunc("POST /v1/users", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name, Email string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			http.Error(w, "invalid JSON", http.StatusBadRequest)
			return
		}
		now := time.Now().UTC()
		u, err := scanUser(db.QueryRowContext(r.Context(),
			"INSERT INTO users (name, email, created_at, updated_at) VALUES ($1, $2, $3, $4) RETURNING "+userColumns,
			strings.TrimSpace(in.Name), strings.ToLower(strings.TrimSpace(in.Email)), now, now))
		writeResult(w, http.StatusCreated, u, err)
	})

	listener, err := net.Listen("tcp", os.Getenv("HOST")+":"+envString("PORT", "8080"))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func listUsers(ctx context.Context, db *sql.DB, after int64, limit int) ([]user, error) {
	// limit+1 rows, as the generated service reads one extra row to learn whether another page follows.
	rows, err := db.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE id > $1 ORDER BY id LIMIT $2", after, limit+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	users := make([]user, 0, limit+1)
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	if len(users) > limit {
		users = users[:limit]
	}
	return users, rows.Err()
}

func writeResult(w http.ResponseWriter, status int, body any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func openDatabase(ctx context.Context, url string, maxOpen int) (*sql.DB, error) {
	driver, dsn, schema := "sqlite", url+"?"+sqlitePragmas, sqliteSchema
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		driver, dsn, schema = "pgx", url, postgresSchema
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxLifetime(30 * time.Minute)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %s database: %w", driver, err)
	}
	return db, nil
}

func envString(key, fallback string) string {
	if value := os.Getenv(key); value != "" {
		return value
	}
	return fallback
}

func envInt(key string, fallback int) int {
	n, err := strconv.Atoi(os.Getenv(key))
	if err != nil {
		return fallback
	}
	return n
}
