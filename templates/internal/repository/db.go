// Package repository stores users in a SQL database through database/sql.
// The database-specific parts live in two files: open.go has the driver,
// connection string, error codes and migration dialect, and queries.go has
// the SQL text.
package repository

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pressly/goose/v3"

	"{{ module_path }}/migrations"
)

// pingTimeout bounds the connection check in Open, so that an unreachable
// database fails start-up instead of blocking it.
const pingTimeout = 10 * time.Second

// PoolConfig sets the limits of the database/sql connection pool.
type PoolConfig struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
}

// Open opens the database at databaseURL, applies the pool limits and checks
// the connection with a ping.
func Open(ctx context.Context, databaseURL string, pool PoolConfig) (*sql.DB, error) {
	dsn, err := dataSourceName(databaseURL)
	if err != nil {
		return nil, err
	}

	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(pool.MaxOpenConns)
	db.SetMaxIdleConns(pool.MaxIdleConns)
	db.SetConnMaxLifetime(pool.ConnMaxLifetime)

	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// NewMigrator returns a goose provider for the embedded migrations.
func NewMigrator(db *sql.DB) (*goose.Provider, error) {
	opts, err := migratorOptions()
	if err != nil {
		return nil, err
	}
	provider, err := goose.NewProvider(gooseDialect, db, migrations.FS, opts...)
	if err != nil {
		return nil, fmt.Errorf("create migration provider: %w", err)
	}
	return provider, nil
}
