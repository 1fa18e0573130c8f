package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	maxNameRunes  = 100
	maxEmailBytes = 254 // RFC 5321 limits a forward path to 256 octets including the angle brackets.
)

// Users implements the user use cases over a UserStore.
type Users struct {
	store UserStore
	now   func() time.Time
}

// NewUsers returns a Users service. now is the clock used for timestamps, and
// nil means time.Now.
func NewUsers(store UserStore, now func() time.Time) *Users {
	if now == nil {
		now = time.Now
	}
	return &Users{store: store, now: now}
}

// Create validates in and stores a new user.
func (s *Users) Create(ctx context.Context, in UserInput) (User, error) {
	in, err := normalize(in)
	if err != nil {
		return User{}, err
	}

	now := s.timestamp()
	u, err := s.store.Create(ctx, User{
		Name:      in.Name,
		Email:     in.Email,
		CreatedAt: now,
		UpdatedAt: now,
	})
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// Get returns the user with the given ID.
func (s *Users) Get(ctx context.Context, id int64) (User, error) {
	u, err := s.store.Get(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("get user %d: %w", id, err)
	}
	return u, nil
}

// List returns up to limit users ordered by ID, starting after the position
// that cursor encodes. An empty cursor starts at the first user. The returned
// NextCursor is empty when no more users follow.
func (s *Users) List(ctx context.Context, limit int, cursor string) (Page, error) {
	if limit < 1 {
		return Page{}, fmt.Errorf("list users: limit must be at least 1, got %d", limit)
	}
	afterID, err := decodeCursor(cursor)
	if err != nil {
		return Page{}, err
	}

	// The store returns an extra row only when another page follows.
	users, err := s.store.List(ctx, afterID, limit+1)
	if err != nil {
		return Page{}, fmt.Errorf("list users: %w", err)
	}

	page := Page{Users: users}
	if len(users) > limit {
		page.Users = users[:limit]
		page.NextCursor = encodeCursor(page.Users[limit-1].ID)
	}
	return page, nil
}

// Update validates in and replaces the name and email of the user with the
// given ID.
func (s *Users) Update(ctx context.Context, id int64, in UserInput) (User, error) {
	in, err := normalize(in)
	if err != nil {
		return User{}, err
	}

	u, err := s.store.Update(ctx, User{
		ID:        id,
		Name:      in.Name,
		Email:     in.Email,
		UpdatedAt: s.timestamp(),
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

// Delete removes the user with the given ID.
func (s *Users) Delete(ctx context.Context, id int64) error {
	if err := s.store.Delete(ctx, id); err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return nil
}

// timestamp returns the current time in UTC, truncated to microseconds
// because PostgreSQL stores no finer precision. Every store then returns the
// same value that the service produced.
func (s *Users) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// normalize trims both fields, lowercases the email address and validates
// the result.
func normalize(in UserInput) (UserInput, error) {
	out := UserInput{
		Name:  strings.TrimSpace(in.Name),
		Email: strings.ToLower(strings.TrimSpace(in.Email)),
	}

	var fields []FieldError
	if msg := validateName(out.Name); msg != "" {
		fields = append(fields, FieldError{Field: "name", Message: msg})
	}
	if msg := validateEmail(out.Email); msg != "" {
		fields = append(fields, FieldError{Field: "email", Message: msg})
	}
	if len(fields) > 0 {
		return UserInput{}, &ValidationError{Fields: fields}
	}
	return out, nil
}

func validateName(name string) string {
	switch {
	case name == "":
		return "is required"
	case utf8.RuneCountInString(name) > maxNameRunes:
		return fmt.Sprintf("must be at most %d characters", maxNameRunes)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		// PostgreSQL rejects NUL in text columns, and no database should
		// store line breaks or escape sequences in a display name.
		return "must not contain control characters"
	case strings.IndexFunc(name, isBidiControl) >= 0:
		// An embedding, override or isolate character reorders the text
		// shown after the name wherever it is displayed.
		return "must not contain bidirectional control characters"
	}
	return ""
}

// isBidiControl reports whether r is one of the explicit embedding,
// override and isolate characters of the Unicode bidirectional algorithm
// (U+202A to U+202E and U+2066 to U+2069). The marks U+200E and U+200F
// stay allowed, because right-to-left names may need them.
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func validateEmail(email string) string {
	if email == "" {
		return "is required"
	}
	if len(email) > maxEmailBytes {
		return fmt.Sprintf("must be at most %d bytes", maxEmailBytes)
	}
	// ParseAddress also accepts forms such as "Ann <ann@example.com>", so the
	// parsed address must equal the whole input.
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return "must be a valid email address such as name@example.com"
	}
	return ""
}

// encodeCursor returns the opaque cursor for the position after the user
// with the given ID. Clients must not rely on its format.
func encodeCursor(lastID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(lastID, 10)))
}

func decodeCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not base64url", ErrInvalidCursor, cursor)
	}
	id, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%w: %q does not encode a user ID", ErrInvalidCursor, cursor)
	}
	return id, nil
}
