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

// prepareSchema applies pending migrations, or with migrateOnStart false
// fails while any are pending. Then it warns when the database is newer than
// this binary.
func prepareSchema(ctx context.Context, migrator *goose.Provider, migrateOnStart bool, logger *slog.Logger) error {
	if migrateOnStart {
		if err := migrateUp(ctx, migrator, logger); err != nil {
			return err
		}
	} else if err := checkMigrated(ctx, migrator); err != nil {
		return err
	}
	return warnNewerSchema(ctx, migrator, logger)
}

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

// warnNewerSchema logs a warning when the database has a migration applied
// that is newer than every migration in this binary, as after a rollback to
// an older release. The server still starts, because a migration that only
// adds to the schema leaves older code working, but the operator has to
// check that this one does.
func warnNewerSchema(ctx context.Context, migrator *goose.Provider, logger *slog.Logger) error {
	current, latest, err := schemaVersions(ctx, migrator)
	if err != nil {
		return err
	}
	if current > latest {
		logger.Warn("database schema is newer than this binary",
			slog.Int64("database_version", current),
			slog.Int64("latest_migration", latest),
		)
	}
	return nil
}

// schemaVersions returns the highest migration version applied to the
// database and the highest in this binary. Like HasPending, goose reads
// them without taking the migration lock.
func schemaVersions(ctx context.Context, migrator *goose.Provider) (current, latest int64, err error) {
	current, latest, err = migrator.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read migration versions: %w", err)
	}
	return current, latest, nil
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
		case errors.Is(err, goose.ErrVersionNotFound):
			return newerSchemaError(ctx, migrator, err)
		case err != nil:
			return fmt.Errorf("roll back migration: %w", err)
		default:
			out.WriteString(result.String() + "\n")
		}
	case "status":
		if err := writeStatus(ctx, migrator, &out); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown migrate command %q: use up, down or status", args[0])
	}

	if _, err := io.WriteString(stdout, out.String()); err != nil {
		return fmt.Errorf("print migrate result: %w", err)
	}
	return nil
}

// newerSchemaError explains goose's bare "version not found" from a
// rollback: the latest migration applied to the database is not in this
// binary, so only the release that added it can roll it back.
func newerSchemaError(ctx context.Context, migrator *goose.Provider, err error) error {
	current, latest, versionsErr := schemaVersions(ctx, migrator)
	if versionsErr != nil || current <= latest {
		return fmt.Errorf("roll back migration: %w", err)
	}
	return fmt.Errorf("roll back migration: the database is at version %d, newer than %d, the latest "+
		"migration in this binary; roll it back with the release that added it: %w", current, latest, err)
}

// writeStatus writes one line per migration in this binary with its state
// and the time it was applied. goose's Status lists only those migrations,
// so a line at the end names the database's version when it is newer.
func writeStatus(ctx context.Context, migrator *goose.Provider, out *strings.Builder) error {
	statuses, err := migrator.Status(ctx)
	if err != nil {
		return fmt.Errorf("read migration status: %w", err)
	}
	for _, s := range statuses {
		appliedAt := "-"
		if s.State == goose.StateApplied {
			appliedAt = s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(out, "%-8s %-20s %s\n", s.State, appliedAt, s.Source.Path)
	}

	current, latest, err := schemaVersions(ctx, migrator)
	if err != nil {
		return err
	}
	if current > latest {
		fmt.Fprintf(out, "the database is at version %d, newer than %d, the latest migration in this binary\n",
			current, latest)
	}
	return nil
}
