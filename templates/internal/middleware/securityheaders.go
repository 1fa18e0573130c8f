package middleware

import "net/http"

// SecurityHeaders sets response headers that suit a JSON API that browsers
// never render:
//
//   - X-Content-Type-Options: nosniff stops browsers from guessing another
//     content type, such as HTML, from the body.
//   - Content-Security-Policy: default-src 'none'; frame-ancestors 'none'
//     lets a response that a browser does render load nothing and appear in
//     no frame. X-Frame-Options: DENY does the same for older browsers.
//   - Referrer-Policy: no-referrer keeps URLs out of Referer headers.
//   - Cache-Control: no-store keeps user data and errors out of shared and
//     browser caches. A handler can set another value for its response.
//
// Strict-Transport-Security is left to the TLS-terminating proxy, because
// this server speaks plain HTTP.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// One array holds the values of all headers, which saves an
		// allocation per header. Each response gets its own array, and each
		// header's slice is capped at its one value, so Header.Add on one
		// header never overwrites the next.
		values := make([]string, len(securityHeaders))
		for i, header := range securityHeaders {
			values[i] = header.value
			h[header.name] = values[i : i+1 : i+1]
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders lists the headers that SecurityHeaders sets. The names are
// in canonical form, because SecurityHeaders assigns them to the
// http.Header map directly.
var securityHeaders = [...]struct{ name, value string }{
	{"X-Content-Type-Options", "nosniff"},
	{"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"Cache-Control", "no-store"},
}
