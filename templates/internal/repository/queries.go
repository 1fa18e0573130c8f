{% if database == "mysql" -%}
package repository

import (
	"context"
	"database/sql"

	"{{ module_path }}/internal/service"
)

// The SQL of users.go for MySQL and MariaDB. The queries use ? placeholders.
// MySQL 8 has no RETURNING clause (MariaDB has one since 10.5), so an insert
// reads the generated ID from the result and an update reads the row back.

const userColumns = "id, name, email, created_at, updated_at"

const (
	insertUserSQL = `INSERT INTO users (name, email, created_at, updated_at)
VALUES (?, ?, ?, ?)`

	selectUserSQL = `SELECT ` + userColumns + ` FROM users WHERE id = ?`

	listUsersSQL = `SELECT ` + userColumns + ` FROM users
WHERE id > ?
ORDER BY id
LIMIT ?`

	updateUserSQL = `UPDATE users
SET name = ?, email = ?, updated_at = ?
WHERE id = ?`

	deleteUserSQL = `DELETE FROM users WHERE id = ?`
)

// insertUser inserts u and returns the ID that AUTO_INCREMENT assigned.
func insertUser(ctx context.Context, db *sql.DB, u service.User) (int64, error) {
	result, err := db.ExecContext(ctx, insertUserSQL, u.Name, u.Email, u.CreatedAt, u.UpdatedAt)
	if err != nil {
		return 0, err
	}
	return result.LastInsertId()
}

// updateUser updates the row of u.ID and reads it back in one transaction,
// so that the returned row is the one the update wrote. It returns
// sql.ErrNoRows when no row has the ID.
func updateUser(ctx context.Context, db *sql.DB, u service.User) (service.User, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return service.User{}, err
	}
	// Rollback after a successful Commit returns sql.ErrTxDone and does nothing.
	defer func() { _ = tx.Rollback() }()

	if _, err := tx.ExecContext(ctx, updateUserSQL, u.Name, u.Email, u.UpdatedAt, u.ID); err != nil {
		return service.User{}, err
	}
	updated, err := scanUser(tx.QueryRowContext(ctx, selectUserSQL, u.ID))
	if err != nil {
		return service.User{}, err
	}
	if err := tx.Commit(); err != nil {
		return service.User{}, err
	}
	return updated, nil
}

// lockWrites returns at once, because MySQL lets concurrent writers wait for
// each other's row locks.
func (s *Users) lockWrites(context.Context) (func(), error) {
	return func() {}, nil
}
{%- else -%}
package repository

import (
	"context"
	"database/sql"

	"{{ module_path }}/internal/service"
)

// The SQL of users.go for {% if database == "postgres" %}PostgreSQL{% else %}SQLite{% endif %}. The queries use $N placeholders and RETURNING.

const userColumns = "id, name, email, created_at, updated_at"

const (
	insertUserSQL = `INSERT INTO users (name, email, created_at, updated_at)
VALUES ($1, $2, $3, $4)
RETURNING id`

	selectUserSQL = `SELECT ` + userColumns + ` FROM users WHERE id = $1`

	listUsersSQL = `SELECT ` + userColumns + ` FROM users
WHERE id > $1
ORDER BY id
LIMIT $2`

	updateUserSQL = `UPDATE users
SET name = $1, email = $2, updated_at = $3
WHERE id = $4
RETURNING ` + userColumns

	deleteUserSQL = `DELETE FROM users WHERE id = $1`
)

// insertUser inserts u and returns the ID that the database assigned.
func insertUser(ctx context.Context, db *sql.DB, u service.User) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, insertUserSQL, u.Name, u.Email, u.CreatedAt, u.UpdatedAt).Scan(&id)
	return id, err
}

// updateUser updates the row of u.ID and returns the row as stored. It
// returns sql.ErrNoRows when no row has the ID.
func updateUser(ctx context.Context, db *sql.DB, u service.User) (service.User, error) {
	row := db.QueryRowContext(ctx, updateUserSQL, u.Name, u.Email, u.UpdatedAt, u.ID)
	return scanUser(row)
}
{% if database == "sqlite" %}
// lockWrites waits until no other write of this process runs, or until ctx
// ends, and returns the function that releases the lock. SQLite allows one
// writer at a time, and its busy timeout serves waiting writers in no
// particular order. Under many concurrent writes some would then fail with
// SQLITE_BUSY after the timeout, so writes queue here instead.
func (s *Users) lockWrites(ctx context.Context) (func(), error) {
	select {
	case s.writes <- struct{}{}:
		return func() { <-s.writes }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
{%- else %}
// lockWrites returns at once, because PostgreSQL lets concurrent writers wait for
// each other's row locks.
func (s *Users) lockWrites(context.Context) (func(), error) {
	return func() {}, nil
}
{%- endif %}
{%- endif %}
