package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// decodeJSON reads the request body as one JSON value of type T. It rejects
// a Content-Type other than JSON, unknown fields and any data after the
// value. The returned error is a 400 or 415 *requestError, or the
// *http.MaxBytesError of a body over the limit that middleware.BodyLimit
// sets.
func decodeJSON[T any](r *http.Request) (T, error) {
	var zero T
	if err := requireJSON(r.Header.Get("Content-Type")); err != nil {
		return zero, err
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()

	// Decoding into a pointer separates a null body, which leaves the pointer
	// nil, from an object. Decoded into a T, null would pass as an empty
	// object and fail validation as missing fields instead.
	var v *T
	if err := dec.Decode(&v); err != nil {
		return zero, describeDecodeError(err)
	}
	if v == nil {
		return zero, badRequest("The request body must be a JSON object, not null.")
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return zero, err
		}
		return zero, badRequest("The request body must contain a single JSON value.")
	}
	return *v, nil
}

// requireJSON accepts application/json and the types with the +json suffix,
// without a charset or with charset=utf-8, since JSON between systems is
// UTF-8 (RFC 8259). Browsers send a form or text/plain body to another
// origin without a CORS preflight, so accepting such a body as JSON would
// let any web page create and change users through a visitor's browser.
func requireJSON(contentType string) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	isJSON := mediaType == "application/json" ||
		(strings.HasSuffix(mediaType, "+json") && mediaType != "application/+json")
	charset, hasCharset := params["charset"]
	if err == nil && isJSON && (!hasCharset || strings.EqualFold(charset, "utf-8")) {
		return nil
	}
	return &requestError{
		status: http.StatusUnsupportedMediaType,
		detail: "The request body must be JSON in UTF-8. Send the header Content-Type: application/json.",
	}
}

func describeDecodeError(err error) error {
	var (
		tooLarge  *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.EOF):
		return badRequest("The request body is empty. Send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("The request body ends in the middle of a JSON value.")
	case errors.As(err, &syntaxErr):
		return badRequest(fmt.Sprintf("The request body is not valid JSON at byte %d.", syntaxErr.Offset))
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return badRequest(fmt.Sprintf("The field %q must be a JSON %s.", typeErr.Field, jsonKind(typeErr.Type.Kind())))
	case errors.As(err, &typeErr):
		return badRequest("The request body must be a JSON object.")
	}

	// encoding/json reports an unknown field only as the message
	// `json: unknown field "name"`, with no error type to match.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badRequest("The request body contains the unknown field " + field + ".")
	}
	return badRequest("The request body is invalid: " + err.Error() + ".")
}

// jsonKind names the JSON type that decodes into a Go kind.
func jsonKind(kind reflect.Kind) string {
	switch kind {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "number"
	}
}
