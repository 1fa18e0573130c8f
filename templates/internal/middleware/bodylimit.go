package middleware

import (
	"fmt"
	"net/http"
)

// BodyLimit rejects a request whose Content-Length exceeds maxBytes with a
// 413 problem response before next runs. For a body of unknown length it
// wraps the body in http.MaxBytesReader, so a read past maxBytes fails with
// *http.MaxBytesError, which the handler reports as 413.
func BodyLimit(maxBytes int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > maxBytes {
				// The server closes the connection after this response
				// instead of reading the rest of the oversized body.
				w.Header().Set("Connection", "close")
				writeProblem(w, http.StatusRequestEntityTooLarge,
					fmt.Sprintf("The request body exceeds the limit of %d bytes.", maxBytes))
				return
			}
			// A request without a body, such as most GET requests, has
			// http.NoBody, which needs no limit.
			if r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
			}
			next.ServeHTTP(w, r)
		})
	}
}
