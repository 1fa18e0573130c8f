package repository_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"{{ module_path }}/internal/repository"
	"{{ module_path }}/internal/service"
	"{{ module_path }}/internal/testdb"
)

func newStore(t *testing.T) *repository.Users {
	t.Helper()
	ctx := context.Background()

	db, err := repository.Open(ctx, testdb.URL(t), repository.PoolConfig{
		MaxOpenConns:    4,
		MaxIdleConns:    4,
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

	migrator, err := repository.NewMigrator(db)
	if err != nil {
		t.Fatalf("NewMigrator: %v", err)
	}
	if _, err := migrator.Up(ctx); err != nil {
		t.Fatalf("apply migrations: %v", err)
	}
	return repository.NewUsers(db)
}

var stamp = time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)

func newUser(name, email string) service.User {
	return service.User{Name: name, Email: email, CreatedAt: stamp, UpdatedAt: stamp}
}

func TestUsersCreateAndGet(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()

	created, err := store.Create(ctx, newUser("Ada", "ada@example.com"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.ID < 1 {
		t.Errorf("Create returned ID %d, want a positive ID", created.ID)
	}

	got, err := store.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Name != "Ada" || got.Email != "ada@example.com" {
		t.Errorf("Get = %+v, want name Ada and email ada@example.com", got)
	}
	if !got.CreatedAt.Equal(stamp) {
		t.Errorf("CreatedAt = %s, want %s", got.CreatedAt, stamp)
	}
	if !got.UpdatedAt.Equal(stamp) {
		t.Errorf("UpdatedAt = %s, want %s", got.UpdatedAt, stamp)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt location = %s, want UTC", got.CreatedAt.Location())
	}
}

func TestUsersCreateDuplicateEmail(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()

	if _, err := store.Create(ctx, newUser("Ada", "ada@example.com")); err != nil {
		t.Fatalf("Create first user: %v", err)
	}
	_, err := store.Create(ctx, newUser("Other Ada", "ada@example.com"))

	if !errors.Is(err, service.ErrConflict) {
		t.Errorf("Create duplicate error = %v, want ErrConflict", err)
	}
}

func TestUsersGetMissing(t *testing.T) {
	store := newStore(t)

	_, err := store.Get(context.Background(), 999)

	if !errors.Is(err, service.ErrNotFound) {
		t.Errorf("Get error = %v, want ErrNotFound", err)
	}
}

func TestUsersUpdate(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	created, err := store.Create(ctx, newUser("Ada", "ada@example.com"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}

	later := stamp.Add(time.Hour)
	updated, err := store.Update(ctx, service.User{
		ID:        created.ID,
		Name:      "Ada King",
		Email:     "ada.king@example.com",
		UpdatedAt: later,
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}

	if updated.Name != "Ada King" || updated.Email != "ada.king@example.com" {
		t.Errorf("Update = %+v, want the new name and email", updated)
	}
	if !updated.CreatedAt.Equal(stamp) {
		t.Errorf("CreatedAt = %s, want unchanged %s", updated.CreatedAt, stamp)
	}
	if !updated.UpdatedAt.Equal(later) {
		t.Errorf("UpdatedAt = %s, want %s", updated.UpdatedAt, later)
	}

	got, err := store.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get after update: %v", err)
	}
	if got != updated {
		t.Errorf("Get after update = %+v, want %+v", got, updated)
	}
}

func TestUsersUpdateDuplicateEmail(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	if _, err := store.Create(ctx, newUser("Ada", "ada@example.com")); err != nil {
		t.Fatalf("Create first user: %v", err)
	}
	grace, err := store.Create(ctx, newUser("Grace", "grace@example.com"))
	if err != nil {
		t.Fatalf("Create second user: %v", err)
	}

	_, err = store.Update(ctx, service.User{
		ID:        grace.ID,
		Name:      "Grace",
		Email:     "ada@example.com",
		UpdatedAt: stamp,
	})

	if !errors.Is(err, service.ErrConflict) {
		t.Errorf("Update error = %v, want ErrConflict", err)
	}
}

func TestUsersUpdateMissing(t *testing.T) {
	store := newStore(t)

	_, err := store.Update(context.Background(), service.User{
		ID:        999,
		Name:      "Nobody",
		Email:     "nobody@example.com",
		UpdatedAt: stamp,
	})

	if !errors.Is(err, service.ErrNotFound) {
		t.Errorf("Update error = %v, want ErrNotFound", err)
	}
}

func TestUsersDelete(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	created, err := store.Create(ctx, newUser("Ada", "ada@example.com"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}

	if err := store.Delete(ctx, created.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}

	if _, err := store.Get(ctx, created.ID); !errors.Is(err, service.ErrNotFound) {
		t.Errorf("Get after Delete error = %v, want ErrNotFound", err)
	}
	if err := store.Delete(ctx, created.ID); !errors.Is(err, service.ErrNotFound) {
		t.Errorf("second Delete error = %v, want ErrNotFound", err)
	}
}

func TestUsersListPages(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()

	var wantIDs []int64
	for i := range 5 {
		u, err := store.Create(ctx, newUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)))
		if err != nil {
			t.Fatalf("Create user %d: %v", i, err)
		}
		wantIDs = append(wantIDs, u.ID)
	}

	var gotIDs []int64
	var afterID int64
	pages := 0
	for {
		users, err := store.List(ctx, afterID, 2)
		if err != nil {
			t.Fatalf("List after %d: %v", afterID, err)
		}
		if len(users) > 2 {
			t.Fatalf("List returned %d users, want at most 2", len(users))
		}
		if len(users) == 0 {
			break
		}
		pages++
		for _, u := range users {
			gotIDs = append(gotIDs, u.ID)
		}
		afterID = users[len(users)-1].ID
	}

	if fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) {
		t.Errorf("IDs across pages = %v, want %v", gotIDs, wantIDs)
	}
	if pages != 3 {
		t.Errorf("page count = %d, want 3", pages)
	}
}

func TestUsersListEmpty(t *testing.T) {
	store := newStore(t)

	users, err := store.List(context.Background(), 0, 10)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(users) != 0 {
		t.Errorf("List returned %d users, want 0", len(users))
	}
}

func TestMigrationsDownAndUp(t *testing.T) {
	ctx := context.Background()
	db, err := repository.Open(ctx, testdb.URL(t), repository.PoolConfig{
		MaxOpenConns:    1,
		MaxIdleConns:    1,
		ConnMaxLifetime: time.Minute,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
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
}
