package api

import (
	"net/http"

	apispec "{{ module_path }}/api"
)

// openAPIDocument serves the OpenAPI document of this API, api/openapi.yaml,
// as embedded in the binary. The media type application/yaml is registered
// by RFC 9512.
func openAPIDocument() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "no-cache")
		// A write error means the client has gone away.
		_, _ = w.Write(apispec.OpenAPI)
	})
}
