package middleware

import (
	"encoding/json"
	"net/http"
)

// UnavailableRetryAfter is the Retry-After header value, in seconds, of a 503
// response for a request timeout or a database outage. It spaces out client
// retries without keeping a client waiting long after a brief outage.
const UnavailableRetryAfter = "5"

// problem is the RFC 9457 problem details document that the middleware in
// this package writes. It has the same members as the documents of the api
// package, which imports this one and so cannot be imported from here.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// writeProblem writes an application/problem+json response that no cache may
// store.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// An encoding error can only come from the connection, so it is dropped.
	_ = json.NewEncoder(w).Encode(problem{
		Type:   "about:blank",
		Title:  StatusTitle(status),
		Status: status,
		Detail: detail,
	})
}

// StatusTitle returns the reason phrase of status as RFC 9110 names it, for
// the title of a problem document. net/http's StatusText still gives 413 and
// 422 their older names, "Request Entity Too Large" and "Unprocessable
// Entity".
func StatusTitle(status int) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "Content Too Large"
	case http.StatusUnprocessableEntity:
		return "Unprocessable Content"
	default:
		return http.StatusText(status)
	}
}
