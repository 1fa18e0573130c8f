package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

func migrateUp(ctx context.Context, migrator *goose.Provider, logger *slog.Logger) error {
	results, err := migrator.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		logger.Info("migration applied",
			slog.Int64("version", r.Source.Version),
			slog.String("file", r.Source.Path),
			slog.Duration("duration", r.Duration),
		)
	}
	return nil
}

// checkMigrated fails when migrations are pending, so that a server started
// with MIGRATE_ON_START=false never runs against an older schema.
func checkMigrated(ctx context.Context, migrator *goose.Provider) error {
	pending, err := migrator.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("read migration status: %w", err)
	}
	if pending {
		return errors.New("the database has pending migrations and MIGRATE_ON_START is false: " +
			"run \"server migrate up\" first")
	}
	return nil
}

// runMigrate runs "migrate up", "migrate down" (roll back the latest
// migration) or "migrate status" and prints the result to stdout.
func runMigrate(ctx context.Context, migrator *goose.Provider, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: server migrate up|down|status")
	}

	var out strings.Builder
	switch args[0] {
	case "up":
		results, err := migrator.Up(ctx)
		if err != nil {
			return fmt.Errorf("apply migrations: %w", err)
		}
		if len(results) == 0 {
			out.WriteString("no pending migrations\n")
		}
		for _, r := range results {
			out.WriteString(r.String() + "\n")
		}
	case "down":
		result, err := migrator.Down(ctx)
		switch {
		case errors.Is(err, goose.ErrNoNextVersion):
			out.WriteString("no applied migrations to roll back\n")
		case err != nil:
			return fmt.Errorf("roll back migration: %w", err)
		default:
			out.WriteString(result.String() + "\n")
		}
	case "status":
		statuses, err := migrator.Status(ctx)
		if err != nil {
			return fmt.Errorf("read migration status: %w", err)
		}
		for _, s := range statuses {
			appliedAt := "-"
			if s.State == goose.StateApplied {
				appliedAt = s.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(&out, "%-8s %-20s %s\n", s.State, appliedAt, s.Source.Path)
		}
	default:
		return fmt.Errorf("unknown migrate command %q: use up, down or status", args[0])
	}

	if _, err := io.WriteString(stdout, out.String()); err != nil {
		return fmt.Errorf("print migrate result: %w", err)
	}
	return nil
}
