package repository_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"{{ module_path }}/internal/repository"
	"{{ module_path }}/internal/service"
	"{{ module_path }}/internal/testdb"
)

// openMigrated opens a new test database with at most maxConns connections
// and applies every migration.
func openMigrated(t *testing.T, maxConns int) *sql.DB {
	t.Helper()
	db := open(t, maxConns)
	migrator, err := repository.NewMigrator(db)
	if err != nil {
		t.Fatalf("NewMigrator: %v", err)
	}
	if _, err := migrator.Up(context.Background()); err != nil {
		t.Fatalf("apply migrations: %v", err)
	}
	return db
}

func open(t *testing.T, maxConns int) *sql.DB {
	t.Helper()
	db, err := repository.Open(context.Background(), testdb.URL(t), repository.PoolConfig{
		MaxOpenConns:    maxConns,
		MaxIdleConns:    maxConns,
		ConnMaxLifetime: time.Minute,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	return db
}

func TestMigrationsUpDownUp(t *testing.T) {
	ctx := context.Background()
	db := open(t, 2)
	migrator, err := repository.NewMigrator(db)
	if err != nil {
		t.Fatalf("NewMigrator: %v", err)
	}

	if _, err := migrator.Up(ctx); err != nil {
		t.Fatalf("Up: %v", err)
	}
	if _, err := migrator.Down(ctx); err != nil {
		t.Fatalf("Down: %v", err)
	}
	if _, err := migrator.Up(ctx); err != nil {
		t.Fatalf("Up after Down: %v", err)
	}

	// The recreated table must generate IDs and enforce the unique index.
	store := repository.NewUsers(db)
	ada, err := store.Create(ctx, newUser("Ada", "ada@example.com"))
	if err != nil {
		t.Fatalf("Create after Up, Down, Up: %v", err)
	}
	grace, err := store.Create(ctx, newUser("Grace", "grace@example.com"))
	if err != nil {
		t.Fatalf("Create second user: %v", err)
	}
	if ada.ID < 1 || grace.ID <= ada.ID {
		t.Errorf("generated IDs = %d, %d, want positive and increasing", ada.ID, grace.ID)
	}
	if _, err := store.Create(ctx, newUser("Ada again", "ada@example.com")); !errors.Is(err, service.ErrConflict) {
		t.Errorf("Create duplicate after Up, Down, Up error = %v, want ErrConflict", err)
	}
}

func TestCancelStopsRunningQuery(t *testing.T) {
	db := open(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)

	start := time.Now()
	var result any
	err := db.QueryRowContext(ctx, testdb.SlowQuery).Scan(&result)
	elapsed := time.Since(start)

	if !errors.Is(err, context.Canceled) {
		t.Errorf("slow query error = %v, want context.Canceled", err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("slow query returned after %s, want soon after the cancellation at 200ms", elapsed)
	}
	if err := db.PingContext(context.Background()); err != nil {
		t.Errorf("Ping after the cancelled query: %v", err)
	}
}

func TestExpiredContextIsNotAnOutage(t *testing.T) {
	store := repository.NewUsers(openMigrated(t, 2))
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()

	_, err := store.Get(ctx, 1)

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get with an expired context: error = %v, want context.DeadlineExceeded", err)
	}
	if errors.Is(err, service.ErrUnavailable) {
		t.Errorf("Get with an expired context: error = %v, want it not reported as ErrUnavailable", err)
	}
}

func TestListReleasesConnections(t *testing.T) {
	const maxConns = 2
	db := openMigrated(t, maxConns)
	store := repository.NewUsers(db)
	ctx := context.Background()

	var ids []int64
	for i := range 3 {
		u, err := store.Create(ctx, newUser("User", fmt.Sprintf("user%d@example.com", i)))
		if err != nil {
			t.Fatalf("Create user %d: %v", i, err)
		}
		ids = append(ids, u.ID)
	}
	for _, statement := range testdb.CorruptUserStatements(ids[0]) {
		if _, err := db.ExecContext(ctx, statement); err != nil {
			t.Fatalf("corrupt user %d with %q: %v", ids[0], statement, err)
		}
	}

	// 100 calls from 10 goroutines share the 2 connections. Call 50 reads
	// the corrupted row and fails in Scan, and every other call starts after
	// that row. database/sql closes the rows of a query when its context
	// ends, which would hide a missing rows.Close, so the shared deadline
	// ends only after the pool was checked. It stops a leak from hanging the
	// test.
	const calls, workers = 100, 10
	callCtx, cancelCalls := context.WithTimeout(ctx, 30*time.Second)
	defer cancelCalls()
	failing := make(chan error, 1)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for call := range next {
				afterID := ids[0]
				if call == 50 {
					afterID = 0
				}
				users, err := store.List(callCtx, afterID, 10)
				switch {
				case call == 50:
					failing <- err
				case err != nil:
					t.Errorf("List call %d: %v", call, err)
				case len(users) != 2:
					t.Errorf("List call %d returned %d users, want 2", call, len(users))
				}
			}
		})
	}
	for call := range calls {
		next <- call
	}
	close(next)
	wg.Wait()

	if err := <-failing; err == nil {
		t.Error("List over the corrupted row returned no error, want a scan error")
	}
	if inUse := db.Stats().InUse; inUse != 0 {
		t.Errorf("connections in use after every call returned = %d, want 0", inUse)
	}
}
