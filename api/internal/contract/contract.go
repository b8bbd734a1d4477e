// Package contract checks HTTP exchanges against Turso's official Platform API
// OpenAPI spec, so tests can prove that the requests our client sends and the
// responses the local API answers have the shapes the real API documents.
//
// The spec is embedded (turso-platform-openapi.json, a byte-identical copy of
// shared/contracts/turso-platform-openapi.json), so the checks work in a clean
// clone where shared/ is not available.
//
// Typical use in a test:
//
//	v, err := contract.Load()
//	...
//	client := &http.Client{Transport: v.Transport(nil, t)}   // client side
//	srv := httptest.NewServer(v.Middleware(handler, t))      // server side
//
// Every exchange on a route the spec documents is validated; every other
// exchange (e.g. the legacy /v1/groups, /v2/organizations, /v1/current-user)
// passes through untouched and is listed by Unchecked, so a test can assert
// how much of its traffic the spec actually covered.
//
// What is checked, beyond plain kin-openapi validation:
//
//   - Authentication. The spec declares components.securitySchemes.bearerAuth
//     but never applies it (no top-level or per-operation "security"), so
//     kin-openapi on its own would never look at credentials. Load applies
//     bearerAuth to the whole document in memory, matching Turso's
//     documentation that every call needs "Authorization: Bearer <token>",
//     and the AuthenticationFunc requires such a header with a non-empty
//     token.
//   - Error bodies. Every 4xx/5xx body must be a JSON object with a string
//     "error" field (the documented error shape). For statuses the operation
//     documents, the spec's schema is applied as well; for undocumented
//     error statuses (401, 402, 403, 422, 429, 5xx ...) only the error shape
//     is required. An undocumented non-error status (e.g. 201, 204) is a
//     violation.
//   - "No Content" responses. Where the spec documents a 200 without content
//     (e.g. POST .../auth/rotate), any body is accepted — an empty body or
//     "{}" — but a body labelled application/json must be valid JSON.
package contract

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

//go:embed turso-platform-openapi.json
var specJSON []byte

// bearerScheme is the name of the security scheme the spec declares.
const bearerScheme = "bearerAuth"

// Validator checks exchanges against the embedded spec and records which
// routes were checked and which were not in the spec. It is safe for
// concurrent use.
type Validator struct {
	router routers.Router

	mu        sync.Mutex
	checked   map[string]struct{}
	unchecked map[string]struct{}
}

// Load parses and validates the embedded spec and builds a Validator.
//
// The official spec passes kin-openapi's document validation with default
// options; no relaxation is applied. Two in-memory adjustments are made (the
// embedded file itself is never changed):
//
//   - Servers is emptied. The spec's only server is https://api.turso.tech,
//     but tests talk to httptest servers on 127.0.0.1:<random port>, and a
//     server-side handler sees only a path. With no servers the router
//     matches on the request path alone, which is exact for this API because
//     its server URL has no base path.
//   - bearerAuth is applied as the document-wide security requirement (see
//     the package comment).
func Load() (*Validator, error) {
	ctx := context.Background()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(specJSON)
	if err != nil {
		return nil, fmt.Errorf("contract: parsing spec: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("contract: validating spec: %w", err)
	}
	if doc.Components == nil || doc.Components.SecuritySchemes[bearerScheme] == nil {
		return nil, fmt.Errorf("contract: spec no longer declares securitySchemes.%s", bearerScheme)
	}

	doc.Servers = openapi3.Servers{}
	doc.Security = openapi3.SecurityRequirements{{bearerScheme: []string{}}}

	// routers/legacy rather than routers/gorillamux: both match on the path
	// alone once Servers is empty, and every path in this spec is a plain
	// "/segment/{param}" template (no regex or "{x}.json" suffixes, which only
	// gorillamux handles), but legacy needs no extra module, whereas
	// gorillamux would add github.com/gorilla/mux to go.mod. legacy.NewRouter
	// re-validates the (adjusted) document.
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: building router: %w", err)
	}
	return &Validator{
		router:    router,
		checked:   map[string]struct{}{},
		unchecked: map[string]struct{}{},
	}, nil
}

// Error is a contract violation found by CheckExchange. Request and Response
// hold the validator's findings for each side; at least one is non-nil.
type Error struct {
	Method string // request method
	Path   string // request path as sent
	Route  string // the spec's path template, e.g. /v1/organizations/{organizationSlug}/groups
	Status int    // response status

	Request  error // the request does not conform, or nil
	Response error // the response does not conform, or nil
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "contract violation: %s %s (spec route %s) -> %d", e.Method, e.Path, e.Route, e.Status)
	if e.Request != nil {
		fmt.Fprintf(&b, "\n  request: %v", e.Request)
	}
	if e.Response != nil {
		fmt.Fprintf(&b, "\n  response: %v", e.Response)
	}
	return b.String()
}

// CheckExchange validates one exchange: req (whose body is ignored; reqBody
// is used instead), the response status, headers and body. It returns nil if
// the route is not in the spec (the exchange is then recorded as unchecked)
// or if both sides conform; otherwise an *Error. Only req's method, URL and
// headers are read; req is not modified.
func (v *Validator) CheckExchange(req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) error {
	route, pathParams, err := v.router.FindRoute(req)
	if err != nil {
		v.record(v.unchecked, req.Method+" "+req.URL.Path)
		return nil
	}
	v.record(v.checked, req.Method+" "+route.Path)

	ctx := req.Context()
	// Validate a copy: kin-openapi reads (and may replace) the body.
	vreq := req.Clone(ctx)
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vreq.ContentLength = int64(len(reqBody))
	vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	if len(reqBody) == 0 {
		vreq.Body = http.NoBody
	}

	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		// Never fill in parameter/body defaults: the request is only inspected.
		SkipSettingDefaults: true,
		AuthenticationFunc:  requireBearer,
	}
	opts.WithCustomSchemaErrorFunc(schemaMessage)
	in := &openapi3filter.RequestValidationInput{
		Request:    vreq,
		PathParams: pathParams,
		Route:      route,
		Options:    opts,
	}
	verr := &Error{Method: req.Method, Path: req.URL.Path, Route: route.Path, Status: status}
	verr.Request = openapi3filter.ValidateRequest(ctx, in)
	verr.Response = v.checkResponse(ctx, in, route, status, header, respBody)
	if verr.Request == nil && verr.Response == nil {
		return nil
	}
	return verr
}

func (v *Validator) checkResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, route *routers.Route, status int, header http.Header, body []byte) error {
	if header == nil {
		header = http.Header{}
	}
	var errs []error
	responses := route.Operation.Responses
	documented := responses.Status(status) != nil || responses.Default() != nil
	switch {
	case !documented && status < 400:
		// kin-openapi would say only "status is not supported".
		errs = append(errs, fmt.Errorf("status %d is not documented for this operation (documented: %s)",
			status, strings.Join(slices.Sorted(maps.Keys(responses.Map())), ", ")))
	case documented:
		err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 status,
			Header:                 header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                in.Options,
		})
		if err != nil {
			errs = append(errs, err)
		} else if !hasContent(route, status) && len(body) > 0 && isJSON(header) && !json.Valid(body) {
			// The spec documents no content for this status ("No Content"),
			// so kin-openapi skipped the body: any body, empty or "{}", is
			// accepted, but one that claims to be JSON must be JSON.
			errs = append(errs, fmt.Errorf("body labelled %q is not valid JSON: %q", header.Get("Content-Type"), truncate(body)))
		}
	}
	if status >= 400 && len(errs) == 0 {
		if err := checkErrorShape(header, body); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// hasContent reports whether the spec documents a body for status.
func hasContent(route *routers.Route, status int) bool {
	r := route.Operation.Responses.Status(status)
	if r == nil {
		r = route.Operation.Responses.Default()
	}
	return r != nil && r.Value != nil && len(r.Value.Content) > 0
}

// checkErrorShape checks the documented error body: a JSON object with a
// string "error" field, served as application/json.
func checkErrorShape(header http.Header, body []byte) error {
	if !isJSON(header) {
		return fmt.Errorf("error body must be application/json, got Content-Type %q (body %q)", header.Get("Content-Type"), truncate(body))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return fmt.Errorf("error body must be a JSON object with a string \"error\": %v (body %q)", err, truncate(body))
	}
	raw, ok := obj["error"]
	if !ok {
		return fmt.Errorf("error body has no \"error\" field (body %q)", truncate(body))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("error body's \"error\" field must be a string, got %s", raw)
	}
	return nil
}

func isJSON(header http.Header) bool {
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func truncate(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// schemaMessage shortens kin-openapi's schema errors, which by default dump
// the whole schema: it keeps the JSON pointer, the reason and the offending
// value. Errors wrapping nested ones (oneOf, allOf, items) keep the default
// "Error at ...: doesn't match schema due to: <nested>" form.
func schemaMessage(e *openapi3.SchemaError) string {
	if e.Origin != nil {
		return ""
	}
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("doesn't match schema %q", e.SchemaField)
	}
	got, err := json.Marshal(e.Value)
	if err != nil {
		got = []byte(fmt.Sprint(e.Value))
	}
	return fmt.Sprintf("at %q: %s (got %s)", "/"+strings.Join(e.JSONPointer(), "/"), reason, truncate(got))
}

// requireBearer is the AuthenticationFunc for bearerAuth: the request must
// carry "Authorization: Bearer <non-empty token>". The token's value is the
// server's business, not the contract's.
func requireBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != bearerScheme {
		return in.NewError(fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName))
	}
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return in.NewError(fmt.Errorf("want an \"Authorization: Bearer <token>\" header, got %q", h))
	}
	return nil
}

func (v *Validator) record(set map[string]struct{}, key string) {
	v.mu.Lock()
	set[key] = struct{}{}
	v.mu.Unlock()
}

func (v *Validator) list(set map[string]struct{}) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Checked lists, sorted and without duplicates, the spec routes seen so far
// as "METHOD /path/{template}", e.g.
// "GET /v1/organizations/{organizationSlug}/groups".
func (v *Validator) Checked() []string { return v.list(v.checked) }

// Unchecked lists, sorted and without duplicates, the requests seen so far
// whose route is not in the spec, as "METHOD /actual/path", e.g.
// "GET /v1/groups". They were passed through without validation.
func (v *Validator) Unchecked() []string { return v.list(v.unchecked) }
