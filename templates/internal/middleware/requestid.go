// Package middleware contains HTTP middleware of the form
// func(http.Handler) http.Handler.
package middleware

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// RequestIDHeader is the header that carries the request ID in both
// directions.
const RequestIDHeader = "X-Request-ID"

// requestIDHeaderKey is RequestIDHeader in canonical form. Header.Get and
// Header.Set allocate a canonical copy of a key that is not, and
// "X-Request-ID" is not.
var requestIDHeaderKey = http.CanonicalHeaderKey(RequestIDHeader)

const maxRequestIDLength = 128

type requestIDKey struct{}

// RequestID stores a request ID in the request context and echoes it in the
// response header. It keeps a well-formed incoming X-Request-ID, so that one
// ID follows a request across services, and otherwise generates a random one.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeaderKey)
		if !validRequestID(id) {
			id = newRequestID()
		}

		w.Header().Set(requestIDHeaderKey, id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequestIDFrom returns the request ID that RequestID stored in ctx, or an
// empty string outside such a request.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts 1 to 128 ASCII letters, digits, '-', '_', '.' and
// ':'. This covers UUIDs and the usual trace ID formats while keeping control
// characters and quotes out of logs and headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns 16 random bytes as 32 hex digits.
func newRequestID() string {
	var b [16]byte
	// Since Go 1.24, crypto/rand.Read never returns an error and crashes the
	// program instead.
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
