package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"{{ module_path }}/internal/middleware"
	"{{ module_path }}/internal/service"
)

// problem is an RFC 9457 problem details document. Type is always
// "about:blank", so Title is the HTTP status text.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []fieldProblem `json:"errors,omitempty"`

	// header contains the response headers that go with the problem, such as
	// Retry-After, in canonical form.
	header http.Header
}

// fieldProblem is one entry of the "errors" extension member of a 422
// response.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// requestError is a client error found before the service is called: a
// malformed body, query parameter or path parameter.
type requestError struct {
	status int
	detail string
	header http.Header
}

func (e *requestError) Error() string { return e.detail }

func badRequest(detail string) error {
	return &requestError{status: http.StatusBadRequest, detail: detail}
}

var (
	errRouteNotFound    = errors.New("no route matches the request path")
	errMethodNotAllowed = errors.New("the route does not support the request method")
	errNotReady         = errors.New("the service is not ready")
)

// problemFor maps an error to its response. It is the only place that
// chooses an HTTP status for an error.
func problemFor(err error) problem {
	var (
		reqErr     *requestError
		readErr    *bodyReadError
		tooLarge   *http.MaxBytesError
		validation *service.ValidationError
	)
	switch {
	case errors.As(err, &tooLarge):
		return newProblem(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("The request body exceeds the limit of %d bytes.", tooLarge.Limit))
	case errors.As(err, &readErr) && readErr.timeout():
		return newProblem(http.StatusRequestTimeout,
			"The request body did not arrive in time. Send the whole body without pausing.")
	case errors.As(err, &readErr):
		return newProblem(http.StatusBadRequest, "The server could not read the request body.")
	case errors.As(err, &reqErr):
		p := newProblem(reqErr.status, reqErr.detail)
		p.header = reqErr.header
		return p
	case errors.Is(err, service.ErrInvalidCursor):
		return newProblem(http.StatusBadRequest,
			"The cursor query parameter is invalid. Pass the next_cursor value of the previous page unchanged.")
	case errors.As(err, &validation):
		p := newProblem(http.StatusUnprocessableEntity, "The request body contains invalid fields.")
		for _, f := range validation.Fields {
			p.Errors = append(p.Errors, fieldProblem{Field: f.Field, Message: f.Message})
		}
		return p
	case errors.Is(err, service.ErrNotFound):
		return newProblem(http.StatusNotFound, "No user has this ID.")
	case errors.Is(err, errRouteNotFound):
		return newProblem(http.StatusNotFound, "No route matches the request path.")
	case errors.Is(err, errMethodNotAllowed):
		return newProblem(http.StatusMethodNotAllowed,
			"The route does not support this method. The Allow header lists the supported methods.")
	case errors.Is(err, service.ErrConflict):
		return newProblem(http.StatusConflict, "Another user already has this email address.")
	case errors.Is(err, errNotReady):
		return newProblem(http.StatusServiceUnavailable, "The service is not ready to serve requests.")
	case errors.Is(err, service.ErrUnavailable):
		p := newProblem(http.StatusServiceUnavailable, "The database is unavailable. Retry the request later.")
		p.header = http.Header{"Retry-After": {middleware.UnavailableRetryAfter}}
		return p
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request deadline of middleware.Timeout passed. writeError
		// handles a client that closed the connection before it gets here.
		p := newProblem(http.StatusServiceUnavailable, "The server did not finish the request in time. Retry later.")
		p.header = http.Header{"Retry-After": {middleware.UnavailableRetryAfter}}
		return p
	default:
		return newProblem(http.StatusInternalServerError, middleware.InternalErrorDetail)
	}
}

func newProblem(status int, detail string) problem {
	return problem{
		Type:   "about:blank",
		Title:  middleware.StatusTitle(status),
		Status: status,
		Detail: detail,
	}
}

// writeError writes the problem response for err. It logs errors that map
// to 500, database outages, body read failures and timeouts, because the
// response hides their cause. A logger built on middleware.LogHandler adds the
// request ID.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	// A client that went away reads no response. Writing nothing lets the
	// access log record it as middleware.StatusClientClosedRequest rather
	// than as a server-side 503.
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	p := problemFor(err)
	attrs := []any{
		slog.String("error", err.Error()),
		slog.String("method", r.Method),
		slog.String("route", r.Pattern),
	}
	var readErr *bodyReadError
	switch {
	case p.Status == http.StatusInternalServerError || errors.Is(err, service.ErrUnavailable):
		logger.ErrorContext(r.Context(), "request failed", attrs...)
	case errors.As(err, &readErr):
		// The client stalled or the connection broke, so it is not reused.
		w.Header().Set("Connection", "close")
		logger.WarnContext(r.Context(), "read request body failed", attrs...)
	case errors.Is(err, errNotReady):
		// A failed readiness check is the probe's result, and the probe
		// repeats every few seconds, so it is not logged.
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request deadline passed. A slow database or handler shows
		// first as these, so they are logged apart from the access log,
		// which ACCESS_LOG may turn off.
		logger.WarnContext(r.Context(), "request timed out", attrs...)
	}
	for key, values := range p.header {
		w.Header()[key] = values
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, p.Status, "application/problem+json", p)
}

// writeJSON encodes body as the response. An encoding error can only come
// from the connection at this point, so it is dropped.
func writeJSON(w http.ResponseWriter, status int, contentType string, body any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
