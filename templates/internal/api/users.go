package api

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"{{ module_path }}/internal/service"
)

// userRequest is the body of POST /v1/users and PUT /v1/users/{id}.
type userRequest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// userResponse is the JSON form of a user.
type userResponse struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// listResponse is the body of GET /v1/users.
type listResponse struct {
	Users      []userResponse `json:"users"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

func toResponse(u service.User) userResponse {
	return userResponse{
		ID:        u.ID,
		Name:      u.Name,
		Email:     u.Email,
		CreatedAt: u.CreatedAt,
		UpdatedAt: u.UpdatedAt,
	}
}

func createUser(logger *slog.Logger, users *service.Users) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := decodeJSON[userRequest](r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		u, err := users.Create(r.Context(), service.UserInput{Name: req.Name, Email: req.Email})
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		w.Header().Set("Location", "/v1/users/"+strconv.FormatInt(u.ID, 10))
		writeJSON(w, http.StatusCreated, "application/json", toResponse(u))
	})
}

func listUsers(logger *slog.Logger, users *service.Users, defaultLimit, maxLimit int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// r.URL.Query drops the pairs it cannot decode, such as limit=%zz or
		// a pair after a semicolon, so an invalid limit would silently
		// become the default.
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, r, logger, badRequest("The query string is invalid: "+err.Error()+"."))
			return
		}
		if err := checkSingle(query, "limit", "cursor"); err != nil {
			writeError(w, r, logger, err)
			return
		}
		limit, err := parseLimit(query.Get("limit"), defaultLimit, maxLimit)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		page, err := users.List(r.Context(), limit, query.Get("cursor"))
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		resp := listResponse{
			Users:      make([]userResponse, 0, len(page.Users)),
			NextCursor: page.NextCursor,
		}
		for _, u := range page.Users {
			resp.Users = append(resp.Users, toResponse(u))
		}
		writeJSON(w, http.StatusOK, "application/json", resp)
	})
}

func getUser(logger *slog.Logger, users *service.Users) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := parseID(r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		u, err := users.Get(r.Context(), id)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, "application/json", toResponse(u))
	})
}

func updateUser(logger *slog.Logger, users *service.Users) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := parseID(r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		req, err := decodeJSON[userRequest](r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		u, err := users.Update(r.Context(), id, service.UserInput{Name: req.Name, Email: req.Email})
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, "application/json", toResponse(u))
	})
}

func deleteUser(logger *slog.Logger, users *service.Users) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := parseID(r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}

		if err := users.Delete(r.Context(), id); err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// parseID reads the {id} path parameter, which must be a positive integer.
func parseID(r *http.Request) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	// Only the canonical form is accepted, so +1 and 01 do not alias user 1.
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != raw {
		return 0, badRequest("The user ID in the path must be a positive integer up to 9223372036854775807, " +
			"without sign or leading zeros, got " + strconv.Quote(raw) + ".")
	}
	return id, nil
}

// checkSingle fails when a query parameter in names appears more than once.
// Which of two values counts would otherwise be the server's choice, and a
// proxy or cache in front of it may choose the other.
func checkSingle(query url.Values, names ...string) error {
	for _, name := range names {
		if len(query[name]) > 1 {
			return badRequest("The " + name + " query parameter may appear only once.")
		}
	}
	return nil
}

// parseLimit reads the limit query parameter, which must be a positive
// integer in decimal digits, without sign or leading zeros, as the user ID in
// the path. An empty value gives defaultLimit, and values above maxLimit are
// lowered to maxLimit, even those too large for an int.
func parseLimit(raw string, defaultLimit, maxLimit int) (int, error) {
	if raw == "" {
		return defaultLimit, nil
	}
	canonical := raw[0] != '0' && strings.TrimLeft(raw, "0123456789") == ""
	limit, err := strconv.Atoi(raw)
	switch {
	case canonical && errors.Is(err, strconv.ErrRange):
		return maxLimit, nil
	case !canonical || err != nil:
		detail := "The limit query parameter must be a positive integer, without sign or leading zeros, got " +
			strconv.Quote(raw) + "."
		if strings.HasPrefix(raw, " ") {
			detail += " A + in a query string stands for a space; send a plain number."
		}
		return 0, badRequest(detail)
	}
	return min(limit, maxLimit), nil
}
