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
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
