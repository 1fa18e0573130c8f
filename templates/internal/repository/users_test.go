package repository_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"{{ module_path }}/internal/repository"
	"{{ module_path }}/internal/service"
)

// These tests are the contract of service.UserStore. Every database choice
// runs the same tests against its store, so they check behavior, never SQL.

{% if database == "none" -%}
func newStore(t *testing.T) *repository.Users {
	t.Helper()
	return repository.NewUsers()
}
{%- else -%}
func newStore(t *testing.T) *repository.Users {
	t.Helper()
	return repository.NewUsers(openMigrated(t, 4))
}
{%- endif %}

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

func TestUsersListSkipsDeleted(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	var ids []int64
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		created, err := store.Create(ctx, newUser("User", email))
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		ids = append(ids, created.ID)
	}
	if err := store.Delete(ctx, ids[1]); err != nil {
		t.Fatalf("Delete: %v", err)
	}

	// A cursor may name the deleted user, whose ID then no longer exists.
	tests := []struct {
		afterID int64
		want    []int64
	}{
		{afterID: 0, want: []int64{ids[0], ids[2]}},
		{afterID: ids[0], want: []int64{ids[2]}},
		{afterID: ids[1], want: []int64{ids[2]}},
	}
	for _, tt := range tests {
		users, err := store.List(ctx, tt.afterID, 10)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		var got []int64
		for _, u := range users {
			got = append(got, u.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("List after ID %d returned IDs %v, want %v", tt.afterID, got, tt.want)
		}
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
	for i := 1; i < len(gotIDs); i++ {
		if gotIDs[i] <= gotIDs[i-1] {
			t.Errorf("IDs across pages = %v, want strictly increasing", gotIDs)
			break
		}
	}
}

func TestUsersListOrderSurvivesChanges(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	var ids []int64
	for i := range 4 {
		u, err := store.Create(ctx, newUser("User", fmt.Sprintf("user%d@example.com", i)))
		if err != nil {
			t.Fatalf("Create user %d: %v", i, err)
		}
		ids = append(ids, u.ID)
	}

	first, err := store.List(ctx, 0, 2)
	if err != nil {
		t.Fatalf("List first page: %v", err)
	}
	// An update must not move a user, a deletion must not shift the next
	// page, and a new user must appear after every existing one.
	if _, err := store.Update(ctx, service.User{ID: ids[3], Name: "Renamed", Email: "renamed@example.com", UpdatedAt: stamp}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := store.Delete(ctx, ids[1]); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	created, err := store.Create(ctx, newUser("Late", "late@example.com"))
	if err != nil {
		t.Fatalf("Create late user: %v", err)
	}
	second, err := store.List(ctx, first[len(first)-1].ID, 10)
	if err != nil {
		t.Fatalf("List second page: %v", err)
	}

	got := []int64{first[0].ID, first[1].ID}
	for _, u := range second {
		got = append(got, u.ID)
	}
	want := []int64{ids[0], ids[1], ids[2], ids[3], created.ID}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("IDs across pages = %v, want %v", got, want)
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

// A client may ask for the largest page on a table with few rows. The memory
// List uses must follow the rows it returns, not the limit.
func TestUsersListLargeLimitOnFewRows(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	if _, err := store.Create(ctx, newUser("Ada", "ada@example.com")); err != nil {
		t.Fatalf("Create: %v", err)
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	users, err := store.List(ctx, 0, 10_000_000)
	runtime.ReadMemStats(&after)

	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(users) != 1 {
		t.Errorf("List returned %d users, want 1", len(users))
	}
	// A slice sized for the limit would take about 900 MB.
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 16<<20 {
		t.Errorf("List allocated %d bytes for one row", allocated)
	}
}

func TestUsersConcurrentCreatesWithUniqueEmails(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	const writers = 50

	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := store.Create(ctx, newUser("Writer", fmt.Sprintf("writer%d@example.com", i)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		if err != nil {
			t.Errorf("Create: %v", err)
		}
	}
	users, err := store.List(ctx, 0, 2*writers)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(users) != writers {
		t.Errorf("List returned %d users, want %d", len(users), writers)
	}
	emails := make(map[string]bool)
	for _, u := range users {
		emails[u.Email] = true
	}
	if len(emails) != writers {
		t.Errorf("stored %d distinct emails, want %d", len(emails), writers)
	}
}

func TestUsersConcurrentCreatesWithSameEmail(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	const writers = 50

	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := store.Create(ctx, newUser(fmt.Sprintf("Writer %d", i), "same@example.com"))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)

	var successes, conflicts int
	for err := range errs {
		switch {
		case err == nil:
			successes++
		case errors.Is(err, service.ErrConflict):
			conflicts++
		default:
			t.Errorf("Create error = %v, want nil or ErrConflict", err)
		}
	}
	if successes != 1 {
		t.Errorf("successful creates = %d, want 1", successes)
	}
	if conflicts != writers-1 {
		t.Errorf("conflicts = %d, want %d", conflicts, writers-1)
	}
	users, err := store.List(ctx, 0, 2*writers)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(users) != 1 {
		t.Errorf("List returned %d users, want 1", len(users))
	}
}

func TestUsersCancelledContext(t *testing.T) {
	store := newStore(t)
	existing, err := store.Create(context.Background(), newUser("Ada", "ada@example.com"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	calls := []struct {
		name string
		call func() error
	}{
		{name: "Create", call: func() error {
			_, err := store.Create(ctx, newUser("Grace", "grace@example.com"))
			return err
		}},
		{name: "Get", call: func() error {
			_, err := store.Get(ctx, existing.ID)
			return err
		}},
		{name: "List", call: func() error {
			_, err := store.List(ctx, 0, 10)
			return err
		}},
		{name: "Update", call: func() error {
			_, err := store.Update(ctx, service.User{ID: existing.ID, Name: "Changed", Email: "changed@example.com", UpdatedAt: stamp})
			return err
		}},
		{name: "Delete", call: func() error {
			return store.Delete(ctx, existing.ID)
		}},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s error = %v, want context.Canceled", c.name, err)
		}
	}

	users, err := store.List(context.Background(), 0, 10)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(users) != 1 || users[0] != existing {
		t.Errorf("users after cancelled calls = %+v, want only %+v unchanged", users, existing)
	}
}
