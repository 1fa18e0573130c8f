package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"{{ module_path }}/internal/service"
)

// The queries use $N placeholders, which both PostgreSQL and SQLite accept.

const userColumns = "id, name, email, created_at, updated_at"

// Users stores users in the users table.
type Users struct {
	db *sql.DB
}

var _ service.UserStore = (*Users)(nil)

// NewUsers returns a user store over db, which must be migrated.
func NewUsers(db *sql.DB) *Users {
	return &Users{db: db}
}

// Create inserts u and returns it with the ID the database assigned.
func (s *Users) Create(ctx context.Context, u service.User) (service.User, error) {
	const query = `INSERT INTO users (name, email, created_at, updated_at)
VALUES ($1, $2, $3, $4)
RETURNING ` + userColumns

	row := s.db.QueryRowContext(ctx, query, u.Name, u.Email, u.CreatedAt, u.UpdatedAt)
	created, err := scanUser(row)
	if err != nil {
		return service.User{}, translate(err)
	}
	return created, nil
}

// Get returns the user with the given ID.
func (s *Users) Get(ctx context.Context, id int64) (service.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users WHERE id = $1`

	u, err := scanUser(s.db.QueryRowContext(ctx, query, id))
	if err != nil {
		return service.User{}, translate(err)
	}
	return u, nil
}

// List returns at most limit users with an ID greater than afterID, ordered
// by ID.
func (s *Users) List(ctx context.Context, afterID int64, limit int) ([]service.User, error) {
	const query = `SELECT ` + userColumns + ` FROM users
WHERE id > $1
ORDER BY id
LIMIT $2`

	rows, err := s.db.QueryContext(ctx, query, afterID, limit)
	if err != nil {
		return nil, translate(err)
	}
	// Close only releases the connection here. rows.Err below reports every
	// error of the iteration.
	defer func() { _ = rows.Close() }()

	users := make([]service.User, 0, limit)
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
	const query = `UPDATE users
SET name = $1, email = $2, updated_at = $3
WHERE id = $4
RETURNING ` + userColumns

	row := s.db.QueryRowContext(ctx, query, u.Name, u.Email, u.UpdatedAt, u.ID)
	updated, err := scanUser(row)
	if err != nil {
		return service.User{}, translate(err)
	}
	return updated, nil
}

// Delete removes the user with the given ID.
func (s *Users) Delete(ctx context.Context, id int64) error {
	const query = `DELETE FROM users WHERE id = $1`

	result, err := s.db.ExecContext(ctx, query, id)
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
	default:
		return err
	}
}
