package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"unicode/utf8"
)

// decodeJSON reads the request body as one JSON object of type T, a struct.
// Beyond what encoding/json checks, it rejects a Content-Type other than
// JSON, a compressed body, invalid UTF-8, a key that is not the exact JSON name of a field of T,
// a repeated key and any data after the object. The returned error is a 400
// or 415 *requestError, a *bodyReadError, or the *http.MaxBytesError of a
// body over the limit that middleware.BodyLimit sets. The body is read into
// memory whole, so it must be limited, as BodyLimit does.
func decodeJSON[T any](r *http.Request) (T, error) {
	var zero T
	if err := requireJSON(r.Header.Get("Content-Type")); err != nil {
		return zero, err
	}
	if err := requireIdentityEncoding(r.Header.Values("Content-Encoding")); err != nil {
		return zero, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return zero, err
		}
		return zero, &bodyReadError{err: err}
	}
	if err := checkKeys(body, jsonFieldNames(reflect.TypeFor[T]())); err != nil {
		return zero, err
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	// checkKeys covers the top-level keys; this covers nested objects.
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
		return zero, badRequest("The request body must contain a single JSON value.")
	}
	return *v, nil
}

// checkKeys walks the keys of the top-level JSON object in body. It rejects
// three things that encoding/json accepts silently:
//   - a key that is not in fields, which encoding/json matches to a field
//     case-insensitively;
//   - a repeated key, of which encoding/json keeps the last value;
//   - invalid UTF-8 in a key or value, and an escaped unpaired UTF-16
//     surrogate in a value, which encoding/json replace with U+FFFD.
//
// A body that is not an object is left to the decoder to report.
// Invalid UTF-8 anywhere else, outside strings, is a JSON syntax error.
// NOTE: Keys of nested objects are not checked; the request types have none.
func checkKeys(body []byte, fields map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	token, err := dec.Token()
	if err != nil {
		return describeDecodeError(err)
	}
	if token != json.Delim('{') {
		return nil
	}

	// After the opening brace, the end of the body is the middle of a value.
	describe := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return describeDecodeError(err)
	}
	seen := make(map[string]bool, len(fields))
	for dec.More() {
		keyStart := dec.InputOffset()
		token, err := dec.Token()
		if err != nil {
			return describe(err)
		}
		// Token has already replaced invalid bytes in the key, so the raw
		// bytes are checked instead.
		if !utf8.Valid(body[keyStart:dec.InputOffset()]) {
			return badRequest("The request body contains a field name that is not valid UTF-8.")
		}
		key, _ := token.(string)
		if !fields[key] {
			return badRequest(fmt.Sprintf("The request body contains the unknown field %q.", key))
		}
		if seen[key] {
			return badRequest(fmt.Sprintf("The request body contains the field %q more than once.", key))
		}
		seen[key] = true

		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return describe(err)
		}
		if !utf8.Valid(value) {
			return badRequest(fmt.Sprintf("The field %q contains invalid UTF-8.", key))
		}
		// An escaped unpaired surrogate, such as \ud800, is valid in the raw
		// bytes, and encoding/json replaces it with U+FFFD too.
		var text string
		if json.Unmarshal(value, &text) == nil && strings.ContainsRune(text, utf8.RuneError) {
			return badRequest(fmt.Sprintf(
				"The field %q contains an unpaired UTF-16 surrogate or the replacement character U+FFFD.", key))
		}
	}
	return nil
}

// jsonFieldNames returns the JSON names of the fields of the struct type t,
// as encoding/json derives them from the json tags. It ignores embedded
// structs, which the request types do not use.
func jsonFieldNames(t reflect.Type) map[string]bool {
	names := make(map[string]bool, t.NumField())
	for field := range t.Fields() {
		if !field.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = field.Name
		}
		names[name] = true
	}
	return names
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

// requireIdentityEncoding rejects a compressed body, such as one sent with
// Content-Encoding: gzip, with 415 and Accept-Encoding: identity, as RFC 9110
// section 15.5.16 recommends. The server does not decompress bodies, so the
// JSON check would otherwise fail on compressed bytes and report a syntax
// error at byte 1.
func requireIdentityEncoding(encodings []string) error {
	for _, value := range encodings {
		for coding := range strings.SplitSeq(value, ",") {
			if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, "identity") {
				return &requestError{
					status: http.StatusUnsupportedMediaType,
					detail: fmt.Sprintf("The request body must not be compressed, got Content-Encoding %q.", coding),
					header: http.Header{"Accept-Encoding": {"identity"}},
				}
			}
		}
	}
	return nil
}

// bodyReadError is a failure to read the request body that is not about the
// JSON in it: a read deadline, a reset connection or a body cut short. Its
// cause names socket addresses, so it is logged and never sent.
type bodyReadError struct {
	err error
}

func (e *bodyReadError) Error() string { return "read request body: " + e.err.Error() }

func (e *bodyReadError) Unwrap() error { return e.err }

// timeout reports whether the server's read deadline (HTTP_READ_TIMEOUT)
// ended the read.
func (e *bodyReadError) timeout() bool {
	var netErr net.Error
	return errors.Is(e.err, os.ErrDeadlineExceeded) || (errors.As(e.err, &netErr) && netErr.Timeout())
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
