package api

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	apispec "{{ module_path }}/api"
)

// openAPIDoc is the part of api/openapi.yaml that the tests read.
type openAPIDoc struct {
	OpenAPI string                    `yaml:"openapi"`
	Paths   map[string]map[string]any `yaml:"paths"`
}

// httpMethods are the keys of an OpenAPI path item that name operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func parseOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := yaml.Unmarshal(apispec.OpenAPI, &doc); err != nil {
		t.Fatalf("api/openapi.yaml is not valid YAML: %v", err)
	}
	return doc
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := parseOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}

	var documented []string
	for path, item := range doc.Paths {
		for key := range item {
			if slices.Contains(httpMethods, key) {
				documented = append(documented, strings.ToUpper(key)+" "+path)
			}
		}
	}
	var served []string
	for _, rt := range routes(slog.New(slog.DiscardHandler), nil, nil, Options{}) {
		served = append(served, rt.pattern)
	}

	for _, pattern := range served {
		if !slices.Contains(documented, pattern) {
			t.Errorf("route %q in routes.go is missing from api/openapi.yaml", pattern)
		}
	}
	for _, operation := range documented {
		if !slices.Contains(served, operation) {
			t.Errorf("api/openapi.yaml documents %q, which routes.go does not serve", operation)
		}
	}
}

func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc map[string]any
	if err := yaml.Unmarshal(apispec.OpenAPI, &doc); err != nil {
		t.Fatalf("api/openapi.yaml is not valid YAML: %v", err)
	}

	var walk func(node any)
	walk = func(node any) {
		switch n := node.(type) {
		case map[string]any:
			for key, value := range n {
				if ref, ok := value.(string); key == "$ref" && ok {
					if resolve(doc, ref) == nil {
						t.Errorf("$ref %q does not resolve", ref)
					}
				}
				walk(value)
			}
		case []any:
			for _, value := range n {
				walk(value)
			}
		}
	}
	walk(doc)
}

// resolve returns the node that a local JSON pointer such as
// "#/components/schemas/User" names, or nil.
func resolve(doc map[string]any, ref string) any {
	pointer, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var node any = doc
	for _, token := range strings.Split(pointer, "/") {
		token = strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = m[token]
	}
	return node
}

func TestOpenAPIServed(t *testing.T) {
	rec := httptest.NewRecorder()
	openAPIDocument().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.yaml", nil))

	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q, want application/yaml", ct)
	}
	if rec.Body.String() != string(apispec.OpenAPI) {
		t.Error("body differs from api/openapi.yaml")
	}
}
