// Package service contains the domain types and rules for users. It declares
// the storage interface it needs and does not depend on HTTP or SQL.
package service

import (
	"context"
	"errors"
	"strings"
	"time"
)

// User is a stored user account.
type User struct {
	ID        int64
	Name      string
	Email     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UserInput contains the fields a client sets when it creates or replaces a
// user.
type UserInput struct {
	Name  string
	Email string
}

// Page is one page of users ordered by ID. NextCursor is empty on the last
// page.
type Page struct {
	Users      []User
	NextCursor string
}

var (
	// ErrNotFound means that no user has the requested ID.
	ErrNotFound = errors.New("user not found")
	// ErrConflict means that another user already has the email address.
	ErrConflict = errors.New("email address already in use")
	// ErrInvalidCursor means that a list cursor was not produced by List.
	ErrInvalidCursor = errors.New("invalid cursor")
	// ErrUnavailable means that the database could not be reached, dropped
	// the connection or stayed locked. The same call may succeed later.
	ErrUnavailable = errors.New("storage unavailable")
)

// FieldError is one invalid input field.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every invalid field of one input, at most one entry
// per field.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// UserStore persists users. Implementations return ErrNotFound for a missing
// ID, ErrConflict when the email address is taken and ErrUnavailable when the
// database is unavailable.
type UserStore interface {
	// Create inserts u, ignoring u.ID, and returns it with the assigned ID.
	Create(ctx context.Context, u User) (User, error)
	Get(ctx context.Context, id int64) (User, error)
	// List returns at most limit users with an ID greater than afterID,
	// ordered by ID.
	List(ctx context.Context, afterID int64, limit int) ([]User, error)
	// Update stores the name, email and update time of u.ID and returns the
	// stored row.
	Update(ctx context.Context, u User) (User, error)
	Delete(ctx context.Context, id int64) error
}
