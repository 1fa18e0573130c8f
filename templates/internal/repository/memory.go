// Package repository stores users in process memory. The data is lost when
// the process stops, and each instance of the service has its own copy.
package repository

import (
	"context"
	"slices"
	"sync"

	"{{ module_path }}/internal/service"
)

// Users stores users in maps guarded by a sync.RWMutex. Reads share the
// lock, writes hold it alone. Its methods honor context cancellation in the
// same way as a database store: a call with a done context changes nothing
// and returns the context's error.
type Users struct {
	mu        sync.RWMutex
	byID      map[int64]service.User
	idByEmail map[string]int64 // the unique index on email
	// ids lists the stored IDs in ascending order, so that List finds a page
	// by binary search. Create appends, because IDs only grow, and Delete moves
	// the IDs after the deleted one.
	ids    []int64
	lastID int64
}

var _ service.UserStore = (*Users)(nil)

// NewUsers returns an empty user store.
func NewUsers() *Users {
	return &Users{
		byID:      make(map[int64]service.User),
		idByEmail: make(map[string]int64),
	}
}

// Create stores u with the next ID, starting at 1. IDs are never reused.
func (s *Users) Create(ctx context.Context, u service.User) (service.User, error) {
	if err := ctx.Err(); err != nil {
		return service.User{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	if _, taken := s.idByEmail[u.Email]; taken {
		return service.User{}, service.ErrConflict
	}
	s.lastID++
	u.ID = s.lastID
	s.byID[u.ID] = u
	s.idByEmail[u.Email] = u.ID
	s.ids = append(s.ids, u.ID)
	return u, nil
}

// Get returns the user with the given ID.
func (s *Users) Get(ctx context.Context, id int64) (service.User, error) {
	if err := ctx.Err(); err != nil {
		return service.User{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()

	u, ok := s.byID[id]
	if !ok {
		return service.User{}, service.ErrNotFound
	}
	return u, nil
}

// List returns at most limit users with an ID greater than afterID, ordered
// by ID.
func (s *Users) List(ctx context.Context, afterID int64, limit int) ([]service.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()

	start, found := slices.BinarySearch(s.ids, afterID)
	if found {
		start++
	}
	ids := s.ids[start:]
	if len(ids) > limit {
		ids = ids[:limit]
	}

	users := make([]service.User, 0, len(ids))
	for _, id := range ids {
		users = append(users, s.byID[id])
	}
	return users, nil
}

// Update stores the name, email and update time of u.ID and returns the
// stored user.
func (s *Users) Update(ctx context.Context, u service.User) (service.User, error) {
	if err := ctx.Err(); err != nil {
		return service.User{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	stored, ok := s.byID[u.ID]
	if !ok {
		return service.User{}, service.ErrNotFound
	}
	if owner, taken := s.idByEmail[u.Email]; taken && owner != u.ID {
		return service.User{}, service.ErrConflict
	}
	delete(s.idByEmail, stored.Email)
	stored.Name = u.Name
	stored.Email = u.Email
	stored.UpdatedAt = u.UpdatedAt
	s.byID[u.ID] = stored
	s.idByEmail[stored.Email] = u.ID
	return stored, nil
}

// Delete removes the user with the given ID.
func (s *Users) Delete(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	u, ok := s.byID[id]
	if !ok {
		return service.ErrNotFound
	}
	delete(s.byID, id)
	delete(s.idByEmail, u.Email)
	if i, found := slices.BinarySearch(s.ids, id); found {
		s.ids = slices.Delete(s.ids, i, i+1)
	}
	return nil
}
