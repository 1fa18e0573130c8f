package service_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"{{ module_path }}/internal/service"
)

// fakeStore implements service.UserStore with one function field per method.
// A test sets only the fields its calls reach, and a call to an unset field
// fails the test.
type fakeStore struct {
	t      *testing.T
	create func(ctx context.Context, u service.User) (service.User, error)
	get    func(ctx context.Context, id int64) (service.User, error)
	list   func(ctx context.Context, afterID int64, limit int) ([]service.User, error)
	update func(ctx context.Context, u service.User) (service.User, error)
	delete func(ctx context.Context, id int64) error
}

func (f *fakeStore) Create(ctx context.Context, u service.User) (service.User, error) {
	if f.create == nil {
		f.t.Fatal("unexpected call to Create")
	}
	return f.create(ctx, u)
}

func (f *fakeStore) Get(ctx context.Context, id int64) (service.User, error) {
	if f.get == nil {
		f.t.Fatal("unexpected call to Get")
	}
	return f.get(ctx, id)
}

func (f *fakeStore) List(ctx context.Context, afterID int64, limit int) ([]service.User, error) {
	if f.list == nil {
		f.t.Fatal("unexpected call to List")
	}
	return f.list(ctx, afterID, limit)
}

func (f *fakeStore) Update(ctx context.Context, u service.User) (service.User, error) {
	if f.update == nil {
		f.t.Fatal("unexpected call to Update")
	}
	return f.update(ctx, u)
}

func (f *fakeStore) Delete(ctx context.Context, id int64) error {
	if f.delete == nil {
		f.t.Fatal("unexpected call to Delete")
	}
	return f.delete(ctx, id)
}

var fixedNow = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("CET", 3600))

func fixedClock() time.Time { return fixedNow }

// wantStamp is fixedNow as the service stores it: UTC, whole microseconds.
var wantStamp = time.Date(2025, 3, 4, 4, 6, 7, 123456000, time.UTC)

func fieldsOf(err error) []service.FieldError {
	var v *service.ValidationError
	if !errors.As(err, &v) {
		return nil
	}
	return v.Fields
}

func TestUsersCreate(t *testing.T) {
	tests := []struct {
		name       string
		in         service.UserInput
		storeErr   error
		wantStored *service.User
		wantFields []service.FieldError
		wantErr    error
	}{
		{
			name: "trims and lowercases",
			in:   service.UserInput{Name: "  Ada Lovelace ", Email: " Ada@Example.COM "},
			wantStored: &service.User{
				Name:      "Ada Lovelace",
				Email:     "ada@example.com",
				CreatedAt: wantStamp,
				UpdatedAt: wantStamp,
			},
		},
		{
			name:       "name of 100 runes",
			in:         service.UserInput{Name: strings.Repeat("é", 100), Email: "a@example.com"},
			wantStored: &service.User{Name: strings.Repeat("é", 100), Email: "a@example.com", CreatedAt: wantStamp, UpdatedAt: wantStamp},
		},
		{
			name: "missing fields",
			in:   service.UserInput{Name: "   ", Email: ""},
			wantFields: []service.FieldError{
				{Field: "name", Message: "is required"},
				{Field: "email", Message: "is required"},
			},
		},
		{
			name: "name of 101 runes",
			in:   service.UserInput{Name: strings.Repeat("é", 101), Email: "a@example.com"},
			wantFields: []service.FieldError{
				{Field: "name", Message: "must be at most 100 characters"},
			},
		},
		{
			name: "name with control characters",
			in:   service.UserInput{Name: "Ada\x00\nLovelace", Email: "a@example.com"},
			wantFields: []service.FieldError{
				{Field: "name", Message: "must not contain control characters"},
			},
		},
		{
			name: "name with a right-to-left override",
			in:   service.UserInput{Name: "Ada\u202eecalevol", Email: "a@example.com"},
			wantFields: []service.FieldError{
				{Field: "name", Message: "must not contain bidirectional control characters"},
			},
		},
		{
			name:       "name with a right-to-left mark",
			in:         service.UserInput{Name: "\u05d0\u05d3\u05d4\u200f", Email: "a@example.com"},
			wantStored: &service.User{Name: "\u05d0\u05d3\u05d4\u200f", Email: "a@example.com", CreatedAt: wantStamp, UpdatedAt: wantStamp},
		},
		{
			name: "email without at sign",
			in:   service.UserInput{Name: "Ada", Email: "ada.example.com"},
			wantFields: []service.FieldError{
				{Field: "email", Message: "must be a valid email address such as name@example.com"},
			},
		},
		{
			name: "email with display name",
			in:   service.UserInput{Name: "Ada", Email: "Ada <ada@example.com>"},
			wantFields: []service.FieldError{
				{Field: "email", Message: "must be a valid email address such as name@example.com"},
			},
		},
		{
			name: "email over 254 bytes",
			in:   service.UserInput{Name: "Ada", Email: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com"},
			wantFields: []service.FieldError{
				{Field: "email", Message: "must be at most 254 bytes"},
			},
		},
		{
			name:     "store conflict",
			in:       service.UserInput{Name: "Ada", Email: "ada@example.com"},
			storeErr: service.ErrConflict,
			wantErr:  service.ErrConflict,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stored *service.User
			store := &fakeStore{t: t}
			store.create = func(_ context.Context, u service.User) (service.User, error) {
				captured := u
				stored = &captured
				if tt.storeErr != nil {
					return service.User{}, tt.storeErr
				}
				u.ID = 42
				return u, nil
			}
			users := service.NewUsers(store, fixedClock)

			got, err := users.Create(context.Background(), tt.in)

			if tt.wantFields != nil {
				if !reflect.DeepEqual(fieldsOf(err), tt.wantFields) {
					t.Fatalf("Create error = %v, want validation fields %v", err, tt.wantFields)
				}
				if stored != nil {
					t.Error("store was called for invalid input")
				}
				return
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Create error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if !reflect.DeepEqual(*stored, *tt.wantStored) {
				t.Errorf("stored %+v, want %+v", *stored, *tt.wantStored)
			}
			if got.ID != 42 {
				t.Errorf("returned ID = %d, want 42", got.ID)
			}
		})
	}
}

func TestUsersGet(t *testing.T) {
	tests := []struct {
		name     string
		storeErr error
		wantErr  error
	}{
		{name: "found"},
		{name: "not found", storeErr: service.ErrNotFound, wantErr: service.ErrNotFound},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{t: t}
			store.get = func(_ context.Context, id int64) (service.User, error) {
				if tt.storeErr != nil {
					return service.User{}, tt.storeErr
				}
				return service.User{ID: id, Name: "Ada"}, nil
			}
			users := service.NewUsers(store, fixedClock)

			got, err := users.Get(context.Background(), 7)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && got.ID != 7 {
				t.Errorf("Get returned ID %d, want 7", got.ID)
			}
		})
	}
}

func usersWithIDs(ids ...int64) []service.User {
	users := make([]service.User, 0, len(ids))
	for _, id := range ids {
		users = append(users, service.User{ID: id})
	}
	return users
}

func idsOf(users []service.User) []int64 {
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestUsersList(t *testing.T) {
	tests := []struct {
		name        string
		limit       int
		cursor      string
		rows        []service.User
		wantAfterID int64
		wantIDs     []int64
		wantNext    bool
		wantErr     error
	}{
		{name: "first page with more", limit: 2, rows: usersWithIDs(1, 2, 3), wantAfterID: 0, wantIDs: []int64{1, 2}, wantNext: true},
		{name: "last page exactly full", limit: 2, rows: usersWithIDs(4, 5), wantAfterID: 0, wantIDs: []int64{4, 5}},
		{name: "empty", limit: 5, rows: nil, wantIDs: []int64{}},
		{name: "cursor not base64", limit: 2, cursor: "%%%", wantErr: service.ErrInvalidCursor},
		{name: "cursor not a number", limit: 2, cursor: "YWJj", wantErr: service.ErrInvalidCursor},
		{name: "cursor zero", limit: 2, cursor: "MA", wantErr: service.ErrInvalidCursor},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{t: t}
			store.list = func(_ context.Context, afterID int64, limit int) ([]service.User, error) {
				if afterID != tt.wantAfterID {
					t.Errorf("store afterID = %d, want %d", afterID, tt.wantAfterID)
				}
				if limit != tt.limit+1 {
					t.Errorf("store limit = %d, want %d", limit, tt.limit+1)
				}
				return tt.rows, nil
			}
			users := service.NewUsers(store, fixedClock)

			page, err := users.List(context.Background(), tt.limit, tt.cursor)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("List error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if got := idsOf(page.Users); !reflect.DeepEqual(got, tt.wantIDs) {
				t.Errorf("List IDs = %v, want %v", got, tt.wantIDs)
			}
			if (page.NextCursor != "") != tt.wantNext {
				t.Errorf("NextCursor = %q, want non-empty: %t", page.NextCursor, tt.wantNext)
			}
		})
	}
}

func TestUsersListCursorRoundTrip(t *testing.T) {
	var afterIDs []int64
	store := &fakeStore{t: t}
	store.list = func(_ context.Context, afterID int64, _ int) ([]service.User, error) {
		afterIDs = append(afterIDs, afterID)
		if afterID == 0 {
			return usersWithIDs(10, 20), nil
		}
		return usersWithIDs(30), nil
	}
	users := service.NewUsers(store, fixedClock)

	first, err := users.List(context.Background(), 1, "")
	if err != nil {
		t.Fatalf("List first page: %v", err)
	}
	second, err := users.List(context.Background(), 1, first.NextCursor)
	if err != nil {
		t.Fatalf("List second page: %v", err)
	}

	if !reflect.DeepEqual(afterIDs, []int64{0, 10}) {
		t.Errorf("store afterIDs = %v, want [0 10]", afterIDs)
	}
	if got := idsOf(second.Users); !reflect.DeepEqual(got, []int64{30}) {
		t.Errorf("second page IDs = %v, want [30]", got)
	}
}

func TestUsersListRejectsZeroLimit(t *testing.T) {
	users := service.NewUsers(&fakeStore{t: t}, fixedClock)

	if _, err := users.List(context.Background(), 0, ""); err == nil {
		t.Error("List with limit 0 returned no error")
	}
}

func TestUsersUpdate(t *testing.T) {
	tests := []struct {
		name       string
		in         service.UserInput
		storeErr   error
		wantFields []service.FieldError
		wantErr    error
	}{
		{name: "valid", in: service.UserInput{Name: " Grace ", Email: "GRACE@example.com"}},
		{
			name: "invalid email",
			in:   service.UserInput{Name: "Grace", Email: "grace@"},
			wantFields: []service.FieldError{
				{Field: "email", Message: "must be a valid email address such as name@example.com"},
			},
		},
		{name: "not found", in: service.UserInput{Name: "Grace", Email: "grace@example.com"}, storeErr: service.ErrNotFound, wantErr: service.ErrNotFound},
		{name: "conflict", in: service.UserInput{Name: "Grace", Email: "grace@example.com"}, storeErr: service.ErrConflict, wantErr: service.ErrConflict},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stored *service.User
			store := &fakeStore{t: t}
			store.update = func(_ context.Context, u service.User) (service.User, error) {
				stored = &u
				if tt.storeErr != nil {
					return service.User{}, tt.storeErr
				}
				return u, nil
			}
			users := service.NewUsers(store, fixedClock)

			_, err := users.Update(context.Background(), 9, tt.in)

			if tt.wantFields != nil {
				if !reflect.DeepEqual(fieldsOf(err), tt.wantFields) {
					t.Fatalf("Update error = %v, want validation fields %v", err, tt.wantFields)
				}
				if stored != nil {
					t.Error("store was called for invalid input")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Update error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			want := service.User{ID: 9, Name: "Grace", Email: "grace@example.com", UpdatedAt: wantStamp}
			if !reflect.DeepEqual(*stored, want) {
				t.Errorf("stored %+v, want %+v", *stored, want)
			}
		})
	}
}

func TestUsersDelete(t *testing.T) {
	tests := []struct {
		name     string
		storeErr error
	}{
		{name: "deleted"},
		{name: "not found", storeErr: service.ErrNotFound},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var deletedID int64
			store := &fakeStore{t: t}
			store.delete = func(_ context.Context, id int64) error {
				deletedID = id
				return tt.storeErr
			}
			users := service.NewUsers(store, fixedClock)

			err := users.Delete(context.Background(), 3)

			if !errors.Is(err, tt.storeErr) {
				t.Fatalf("Delete error = %v, want %v", err, tt.storeErr)
			}
			if deletedID != 3 {
				t.Errorf("store deleted ID %d, want 3", deletedID)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := &service.ValidationError{Fields: []service.FieldError{
		{Field: "name", Message: "is required"},
		{Field: "email", Message: "is required"},
	}}

	want := "invalid input: name: is required; email: is required"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
