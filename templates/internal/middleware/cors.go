package middleware

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORSOptions sets which browser origins may call the API.
type CORSOptions struct {
	// AllowedOrigins lists origins such as https://app.example.com, compared
	// exactly. "*" allows every origin, and only without AllowCredentials.
	// An empty list allows no cross-origin requests.
	AllowedOrigins []string
	// AllowCredentials lets browsers send cookies and HTTP authentication to
	// the allowed origins.
	AllowCredentials bool
	// AllowedMethods and AllowedHeaders are sent in preflight responses.
	AllowedMethods []string
	AllowedHeaders []string
	// ExposedHeaders lists response headers that scripts may read.
	ExposedHeaders []string
	// MaxAge is how long a browser may cache a preflight response.
	MaxAge time.Duration
}

// CORS applies the cross-origin resource sharing policy in opts. It responds
// to preflight requests (OPTIONS with Access-Control-Request-Method) itself:
// 204 for an allowed origin and method, 403 otherwise. Other requests pass
// to next, with Access-Control-Allow-Origin set only for an allowed origin.
//
// With "*" in AllowedOrigins, CORS never sends
// Access-Control-Allow-Credentials, so credentialed responses are never
// readable by every site. config.Load rejects that combination of settings.
func CORS(opts CORSOptions) func(http.Handler) http.Handler {
	wildcard := slices.Contains(opts.AllowedOrigins, "*")
	allowMethods := strings.Join(opts.AllowedMethods, ", ")
	allowHeaders := strings.Join(opts.AllowedHeaders, ", ")
	exposeHeaders := strings.Join(opts.ExposedHeaders, ", ")
	maxAge := strconv.Itoa(int(opts.MaxAge.Seconds()))

	allowed := func(origin string) bool {
		return wildcard || slices.Contains(opts.AllowedOrigins, origin)
	}

	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			h := w.Header()
			// Responses differ by Origin unless every origin gets "*" or
			// none is allowed.
			if !wildcard && len(opts.AllowedOrigins) > 0 {
				h.Add("Vary", "Origin")
			}

			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if preflight {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				method := r.Header.Get("Access-Control-Request-Method")
				if origin == "" || !allowed(origin) || !slices.Contains(opts.AllowedMethods, method) {
					writeProblem(w, http.StatusForbidden,
						"The CORS policy of this service does not allow this origin or method.")
					return
				}
				setAllowOrigin(h, origin, wildcard, opts.AllowCredentials)
				h.Set("Access-Control-Allow-Methods", allowMethods)
				h.Set("Access-Control-Allow-Headers", allowHeaders)
				h.Set("Access-Control-Max-Age", maxAge)
				w.WriteHeader(http.StatusNoContent)
				return
			}

			if origin != "" && allowed(origin) {
				setAllowOrigin(h, origin, wildcard, opts.AllowCredentials)
				if exposeHeaders != "" {
					h.Set("Access-Control-Expose-Headers", exposeHeaders)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func setAllowOrigin(h http.Header, origin string, wildcard, credentials bool) {
	if wildcard {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
