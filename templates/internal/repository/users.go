package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"{{ module_path }}/internal/service"
)

// Users stores users in the users table. The SQL it runs is in queries.go.
type Users struct {
	db *sql.DB
	// writes holds one token while a write runs, for the databases whose
	// lockWrites in queries.go serializes writes.
	writes chan struct{}
}

var _ service.UserStore = (*Users)(nil)

// NewUsers returns a user store over db, which must be migrated.
func NewUsers(db *sql.DB) *Users {
	return &Users{db: db, writes: make(chan struct{}, 1)}
}

// Create inserts u and returns it with the ID the database assigned.
func (s *Users) Create(ctx context.Context, u service.User) (service.User, error) {
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return service.User{}, translate(err)
	}
	defer unlock()

	id, err := insertUser(ctx, s.db, u)
	if err != nil {
		return service.User{}, translate(err)
	}
	u.ID = id
	return u, nil
}

// Get returns the user with the given ID.
func (s *Users) Get(ctx context.Context, id int64) (service.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, selectUserSQL, id))
	if err != nil {
		return service.User{}, translate(err)
	}
	return u, nil
}

// listPrealloc is the capacity List reserves up front, enough for the
// default page and one more row.
const listPrealloc = 32

// List returns at most limit users with an ID greater than afterID, ordered
// by ID.
func (s *Users) List(ctx context.Context, afterID int64, limit int) ([]service.User, error) {
	rows, err := s.db.QueryContext(ctx, listUsersSQL, afterID, limit)
	if err != nil {
		return nil, translate(err)
	}
	// Close returns the connection to the pool on every return path,
	// including a failed Scan. rows.Err below reports every error of the
	// iteration, so the error of Close adds nothing.
	defer func() { _ = rows.Close() }()

	// Sized for a typical page, not for limit: a table with fewer rows than
	// a large limit must not cost the memory of a full page.
	users := make([]service.User, 0, min(limit, listPrealloc))
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, translate(err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	return users, nil
}

// Update stores the name, email and update time of u.ID and returns the
// stored row.
func (s *Users) Update(ctx context.Context, u service.User) (service.User, error) {
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return service.User{}, translate(err)
	}
	defer unlock()

	updated, err := updateUser(ctx, s.db, u)
	if err != nil {
		return service.User{}, translate(err)
	}
	return updated, nil
}

// Delete removes the user with the given ID.
func (s *Users) Delete(ctx context.Context, id int64) error {
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return translate(err)
	}
	defer unlock()

	result, err := s.db.ExecContext(ctx, deleteUserSQL, id)
	if err != nil {
		return translate(err)
	}
	n, err := result.RowsAffected()
	if err != nil {
		return fmt.Errorf("read affected rows: %w", err)
	}
	if n == 0 {
		return service.ErrNotFound
	}
	return nil
}

type scanner interface {
	Scan(dest ...any) error
}

func scanUser(row scanner) (service.User, error) {
	var u service.User
	if err := row.Scan(&u.ID, &u.Name, &u.Email, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return service.User{}, err
	}
	// Drivers return times in the session or local time zone, and the
	// service works in UTC.
	u.CreatedAt = u.CreatedAt.UTC()
	u.UpdatedAt = u.UpdatedAt.UTC()
	return u, nil
}

// translate maps driver errors to the errors that service.UserStore
// documents and returns any other error unchanged.
func translate(err error) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return service.ErrNotFound
	case isUniqueViolation(err):
		return fmt.Errorf("%w: %w", service.ErrConflict, err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request ran out of time or its client went away, which does
		// not mean the database is unavailable. The context errors also
		// satisfy net.Error, so they must not reach isUnavailable.
		return err
	case isUnavailable(err):
		return fmt.Errorf("%w: %w", service.ErrUnavailable, err)
	default:
		return err
	}
}

// isUnavailable reports whether err means that the database could not be
// reached or dropped the connection, so that the same request may succeed
// once the database is back. database/sql retries a statement on a new
// connection when the driver returns driver.ErrBadConn before sending it, so
// most errors seen here come from dialing a stopped server or from a
// connection that broke mid-statement.
func isUnavailable(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.As(err, &netErr):
		return true
	}
	return isDriverUnavailable(err)
}
