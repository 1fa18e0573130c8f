package middleware

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rs/cors"
)

// CORSOptions sets which browser origins may call the API.
type CORSOptions struct {
	// AllowedOrigins lists origins such as https://app.example.com, compared
	// without regard to case. "*" allows every origin. rs/cors reads an
	// entry with '*' inside, such as https://*.example.com, as a pattern, and
	// config.Load rejects such entries. An empty list allows no cross-origin
	// requests.
	AllowedOrigins []string
	// AllowCredentials lets browsers send cookies and HTTP authentication to
	// the allowed origins.
	AllowCredentials bool
	// AllowedMethods and AllowedHeaders list the methods and request headers
	// that a preflight request may name.
	AllowedMethods []string
	AllowedHeaders []string
	// ExposedHeaders lists response headers that scripts may read.
	ExposedHeaders []string
	// MaxAge is how long a browser may cache a preflight response.
	MaxAge time.Duration
}

// CORS applies the cross-origin resource sharing policy in opts with
// github.com/rs/cors. It responds to preflight requests (OPTIONS with
// Access-Control-Request-Method) itself with 204. Only a preflight from an
// allowed origin for an allowed method and headers gets the
// Access-Control-Allow-* headers, and without them the browser does not send
// the request. Other requests pass to next, with Access-Control-Allow-Origin
// set only for an allowed origin.
//
// With no allowed origins CORS returns next unchanged, so browsers refuse
// every cross-origin read and preflight requests reach next as plain OPTIONS
// requests. rs/cors would treat an empty list as allowing every origin.
//
// When any entry of AllowedOrigins contains '*', CORS never sends
// Access-Control-Allow-Credentials, so credentialed responses are never
// readable by every site. config.Load rejects patterns, and "*" together
// with credentials.
func CORS(opts CORSOptions) func(http.Handler) http.Handler {
	if len(opts.AllowedOrigins) == 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	policy := cors.New(cors.Options{
		AllowedOrigins:   opts.AllowedOrigins,
		AllowCredentials: opts.AllowCredentials && !slices.ContainsFunc(opts.AllowedOrigins, isPattern),
		AllowedMethods:   opts.AllowedMethods,
		AllowedHeaders:   opts.AllowedHeaders,
		ExposedHeaders:   opts.ExposedHeaders,
		MaxAge:           int(opts.MaxAge.Seconds()),
	})
	return policy.Handler
}

// isPattern reports whether rs/cors reads origin as matching more than one
// origin: "*" itself, or an entry with '*' inside such as
// https://*.example.com.
func isPattern(origin string) bool {
	return strings.Contains(origin, "*")
}
