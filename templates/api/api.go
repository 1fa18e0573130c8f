// Package api embeds the OpenAPI 3.1 document that describes the HTTP API
// served by internal/api.
package api

import _ "embed" // Required by the go:embed directive below.

// OpenAPI is the content of openapi.yaml in this folder.
//
//go:embed openapi.yaml
var OpenAPI []byte
