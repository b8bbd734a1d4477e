package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

const (
	listGroupsRoute = "/v1/organizations/{organizationSlug}/groups"
	groupJSON       = `{"name":"default","primary":"lhr","locations":["lhr"],"uuid":"0a28102d-6906-11ee-8553-eaa7715aeaf2","version":"v0.24.32","delete_protection":false}`
	token           = "Bearer test-token"
)

// fakeTB records Errorf calls instead of failing the test, so the tests can
// look at what the wrappers report.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) reported() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}

// newValidator returns a fresh Validator (empty Checked/Unchecked sets).
func newValidator(t *testing.T) *Validator {
	t.Helper()
	v, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return v
}

// reply is a fake server answer.
type reply struct {
	status int
	ctype  string
	body   string
}

func jsonReply(status int, body string) reply {
	return reply{status: status, ctype: "application/json", body: body}
}

func (r reply) handler() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if r.ctype != "" {
			w.Header().Set("Content-Type", r.ctype)
		}
		w.WriteHeader(r.status)
		_, _ = io.WriteString(w, r.body)
	}
}

// check runs CheckExchange on a request built from method, target and body
// (with a bearer token) and the reply.
func check(v *Validator, method, target, body string, r reply) error {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	h := http.Header{}
	if r.ctype != "" {
		h.Set("Content-Type", r.ctype)
	}
	return v.CheckExchange(req, []byte(body), r.status, h, []byte(r.body))
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *contract.Error, got %T: %v", err, err)
	}
	return ce
}

func wantPass(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("want no violation, got: %v", err)
	}
}

// wantResponseViolation asserts err is a response-only violation whose
// message contains every one of subs.
func wantResponseViolation(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a response violation, got none")
	}
	ce := asError(t, err)
	if ce.Request != nil {
		t.Errorf("unexpected request violation: %v", ce.Request)
	}
	if ce.Response == nil {
		t.Fatalf("want a response violation, got: %v", err)
	}
	for _, s := range subs {
		if !strings.Contains(ce.Response.Error(), s) {
			t.Errorf("response violation %q does not mention %q", ce.Response, s)
		}
	}
}

// wantRequestViolation asserts err is a request-only violation whose message
// contains every one of subs.
func wantRequestViolation(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a request violation, got none")
	}
	ce := asError(t, err)
	if ce.Response != nil {
		t.Errorf("unexpected response violation: %v", ce.Response)
	}
	if ce.Request == nil {
		t.Fatalf("want a request violation, got: %v", err)
	}
	for _, s := range subs {
		if !strings.Contains(ce.Request.Error(), s) {
			t.Errorf("request violation %q does not mention %q", ce.Request, s)
		}
	}
}

func TestEmbeddedSpecMatchesShared(t *testing.T) {
	shared, err := os.ReadFile("../../../../shared/contracts/turso-platform-openapi.json")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no ../shared/contracts beside this checkout to compare the embedded spec with (the tests still validate against the embedded copy)")
	}
	if err != nil {
		t.Fatalf("reading shared spec: %v", err)
	}
	if len(specJSON) == 0 {
		t.Fatal("embedded spec is empty")
	}
	if !bytes.Equal(specJSON, shared) {
		t.Fatalf("embedded spec (%d bytes) differs from shared/contracts/turso-platform-openapi.json (%d bytes); copy it again", len(specJSON), len(shared))
	}
}

func TestConformingListGroups(t *testing.T) {
	v := newValidator(t)
	err := check(v, "GET", "/v1/organizations/acme/groups", "", jsonReply(200, `{"groups":[`+groupJSON+`]}`))
	wantPass(t, err)
	if got, want := v.Checked(), []string{"GET " + listGroupsRoute}; !slices.Equal(got, want) {
		t.Errorf("Checked() = %q, want %q", got, want)
	}
	if got := v.Unchecked(); len(got) != 0 {
		t.Errorf("Unchecked() = %q, want none", got)
	}
}

func TestResponseSchemaViolations(t *testing.T) {
	v := newValidator(t)
	for _, tc := range []struct {
		name, body string
		mention    []string
	}{
		{"groups not an array", `{"groups":"nope"}`, []string{`"/groups"`, "array", `(got "nope")`}},
		{"name not a string", `{"groups":[{"name":5}]}`, []string{`"/name"`, "string", "(got 5)"}},
		{"delete_protection not a boolean", `{"groups":[{"name":"a","delete_protection":"no"}]}`, []string{`"/delete_protection"`, "boolean"}},
		{"not JSON", `{"groups":`, []string{"decode"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(v, "GET", "/v1/organizations/acme/groups", "", jsonReply(200, tc.body))
			wantResponseViolation(t, err, tc.mention...)
			ce := asError(t, err)
			if ce.Method != "GET" || ce.Path != "/v1/organizations/acme/groups" || ce.Route != listGroupsRoute || ce.Status != 200 {
				t.Errorf("Error names %s %s (%s) %d", ce.Method, ce.Path, ce.Route, ce.Status)
			}
			for _, s := range []string{"GET", "/v1/organizations/acme/groups", "200"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not name %q", err, s)
				}
			}
		})
	}
}

func TestSuccessMustBeLabelledJSON(t *testing.T) {
	v := newValidator(t)
	err := check(v, "GET", "/v1/organizations/acme/groups", "", reply{200, "text/plain; charset=utf-8", `{"groups":[]}`})
	wantResponseViolation(t, err, "text/plain")
}

func TestRequestSchemaViolations(t *testing.T) {
	v := newValidator(t)
	ok := jsonReply(200, `{"group":`+groupJSON+`}`)
	wantPass(t, check(v, "POST", "/v1/organizations/acme/groups", `{"name":"g","location":"lhr"}`, ok))
	wantPass(t, check(v, "POST", "/v1/organizations/acme/groups", `{"name":"g","location":"lhr","extensions":["vector","uuid"]}`, ok))
	wantPass(t, check(v, "POST", "/v1/organizations/acme/groups", `{"name":"g","location":"lhr","extensions":"all"}`, ok))

	for _, tc := range []struct {
		name, body string
		mention    []string
	}{
		{"location not a string", `{"name":"g","location":5}`, []string{`"/location"`, "string"}},
		{"name missing", `{"location":"lhr"}`, []string{`"name"`}},
		{"unknown extension", `{"name":"g","location":"lhr","extensions":["nope"]}`, []string{"extensions"}},
		{"no body", ``, []string{"request body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(v, "POST", "/v1/organizations/acme/groups", tc.body, ok)
			wantRequestViolation(t, err, tc.mention...)
		})
	}
}

func TestTokenAuthorizationEnum(t *testing.T) {
	v := newValidator(t)
	ok := jsonReply(200, `{"jwt":"eyJ..."}`)
	base := "/v1/organizations/acme/groups/g/auth/tokens"
	wantPass(t, check(v, "POST", base, "", ok))
	wantPass(t, check(v, "POST", base+"?expiration=2w&authorization=read-only", "", ok))
	wantPass(t, check(v, "POST", base, `{"permissions":{"read_attach":{"databases":["db1"]}}}`, ok))

	err := check(v, "POST", base+"?authorization=bogus", "", ok)
	wantRequestViolation(t, err, `"authorization"`, "bogus")
}

func TestBearerAuthRequired(t *testing.T) {
	v := newValidator(t)
	ok := jsonReply(200, `{"groups":[]}`)
	for _, auth := range []string{"", "Bearer", "Bearer  ", "Basic dXNlcjpwYXNz", "test-token"} {
		t.Run(fmt.Sprintf("%q", auth), func(t *testing.T) {
			req := httptest.NewRequest("GET", "/v1/organizations/acme/groups", nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			err := v.CheckExchange(req, nil, ok.status, http.Header{"Content-Type": {ok.ctype}}, []byte(ok.body))
			wantRequestViolation(t, err, "Authorization")
		})
	}
	req := httptest.NewRequest("GET", "/v1/organizations/acme/groups", nil)
	req.Header.Set("Authorization", "bearer abc")
	wantPass(t, v.CheckExchange(req, nil, ok.status, http.Header{"Content-Type": {ok.ctype}}, []byte(ok.body)))
}

func TestRoutesNotInSpecAreUnchecked(t *testing.T) {
	v := newValidator(t)
	// Bodies that would fail any schema: unchecked routes are not validated.
	wantPass(t, check(v, "GET", "/v1/groups", "", jsonReply(200, `{"groups":"nope"}`)))
	wantPass(t, check(v, "GET", "/v2/organizations", "", reply{200, "text/plain", `whatever`}))
	wantPass(t, check(v, "GET", "/v1/current-user", "", jsonReply(200, `{"user":{"username":"u"}}`)))
	wantPass(t, check(v, "GET", "/v1/groups", "", jsonReply(200, `{"groups":[]}`)))
	// A spec path with a method the spec does not list is unchecked too.
	wantPass(t, check(v, "PUT", "/v1/organizations/acme/groups", "", jsonReply(200, `{}`)))

	want := []string{"GET /v1/current-user", "GET /v1/groups", "GET /v2/organizations", "PUT /v1/organizations/acme/groups"}
	if got := v.Unchecked(); !slices.Equal(got, want) {
		t.Errorf("Unchecked() = %q, want %q", got, want)
	}
	if got := v.Checked(); len(got) != 0 {
		t.Errorf("Checked() = %q, want none", got)
	}
}

func TestErrorResponses(t *testing.T) {
	v := newValidator(t)
	get := "/v1/organizations/acme/groups/g"

	// Undocumented statuses: only the documented error shape is required.
	wantPass(t, check(v, "GET", get, "", jsonReply(401, `{"error":"x"}`)))
	wantPass(t, check(v, "POST", "/v1/organizations/acme/groups", `{"name":"g","location":"lhr"}`,
		jsonReply(402, `{"error":"payment required","code":"feature_not_available_for_starter_plan"}`)))
	wantPass(t, check(v, "GET", get, "", jsonReply(500, `{"error":"boom"}`)))
	wantResponseViolation(t, check(v, "GET", get, "", reply{401, "text/plain; charset=utf-8", "unauthorized\n"}), "application/json")
	wantResponseViolation(t, check(v, "GET", get, "", reply{401, "application/json", "unauthorized"}), "JSON object")
	wantResponseViolation(t, check(v, "GET", get, "", jsonReply(401, `{"message":"x"}`)), `"error"`)
	wantResponseViolation(t, check(v, "GET", get, "", jsonReply(401, `{"error":{"msg":"x"}}`)), "string")

	// Documented statuses: the spec's schema, plus the error shape (the
	// spec's error schemas do not mark "error" required).
	wantPass(t, check(v, "GET", get, "", jsonReply(404, `{"error":"group not found"}`)))
	wantResponseViolation(t, check(v, "GET", get, "", jsonReply(404, `{"error":5}`)), `"/error"`)
	wantResponseViolation(t, check(v, "GET", get, "", jsonReply(404, `{}`)), `"error"`)
	wantPass(t, check(v, "POST", "/v1/organizations/acme/groups", `{"name":"g","location":"lhr"}`, jsonReply(409, `{"error":"group already exists"}`)))

	// An undocumented success status is a violation.
	wantResponseViolation(t, check(v, "POST", "/v1/organizations/acme/groups", `{"name":"g","location":"lhr"}`, jsonReply(201, `{"group":`+groupJSON+`}`)), "status 201 is not documented", "200, 409")
}

func TestNoContentResponses(t *testing.T) {
	v := newValidator(t)
	for _, path := range []string{"/v1/organizations/acme/groups/g/auth/rotate", "/v1/organizations/acme/groups/g/update"} {
		wantPass(t, check(v, "POST", path, "", jsonReply(200, `{}`)))
		wantPass(t, check(v, "POST", path, "", reply{200, "", ""}))
		wantPass(t, check(v, "POST", path, "", jsonReply(200, "")))
		wantResponseViolation(t, check(v, "POST", path, "", jsonReply(200, `{`)), "not valid JSON")
	}
}

func TestResponseShapes(t *testing.T) {
	v := newValidator(t)
	transfer := "/v1/organizations/acme/groups/g/transfer"
	transferBody := `{"organization":"other"}`
	org := `{"name":"personal","slug":"iku","type":"personal","overages":false}`

	// The spec's transfer response is a bare Group.
	wantPass(t, check(v, "POST", transfer, transferBody, jsonReply(200, groupJSON)))
	// Group has no required fields and allows extra properties, so a wrapped
	// {"group": ...} passes too: the spec cannot tell the two apart.
	wantPass(t, check(v, "POST", transfer, transferBody, jsonReply(200, `{"group":`+groupJSON+`}`)))
	wantResponseViolation(t, check(v, "POST", transfer, transferBody, jsonReply(200, `{"name":5}`)), `"/name"`)
	wantRequestViolation(t, check(v, "POST", transfer, `{"organization":7}`, jsonReply(200, groupJSON)), `"/organization"`)

	// /v1/organizations is a bare array; the wrapped form (what /v2 and the
	// old docs use) is rejected.
	wantPass(t, check(v, "GET", "/v1/organizations", "", jsonReply(200, `[`+org+`]`)))
	wantResponseViolation(t, check(v, "GET", "/v1/organizations", "", jsonReply(200, `{"organizations":[`+org+`]}`)), "array")
	wantResponseViolation(t, check(v, "GET", "/v1/organizations", "", jsonReply(200, `[{"name":"x","type":"company"}]`)), `"/0/type"`, "personal")

	// Fields the spec's Group lacks (archived, status) are allowed: Group
	// does not set additionalProperties: false.
	extra := `{"name":"default","primary":"lhr","archived":true,"status":{"locations":[{"name":"lhr","status":"up"}]}}`
	wantPass(t, check(v, "GET", "/v1/organizations/acme/groups/default", "", jsonReply(200, `{"group":`+extra+`}`)))
	wantPass(t, check(v, "GET", "/v1/organizations/acme/groups", "", jsonReply(200, `{"groups":[`+extra+`]}`)))

	// Locations map values must be strings.
	wantPass(t, check(v, "GET", "/v1/locations", "", jsonReply(200, `{"locations":{"lhr":"London, United Kingdom"}}`)))
	wantResponseViolation(t, check(v, "GET", "/v1/locations", "", jsonReply(200, `{"locations":{"lhr":5}}`)), "string")

	// Group configuration.
	cfg := "/v1/organizations/acme/groups/g/configuration"
	wantPass(t, check(v, "PATCH", cfg, `{"delete_protection":true}`, jsonReply(200, `{"delete_protection":true}`)))
	wantRequestViolation(t, check(v, "PATCH", cfg, `{"delete_protection":"yes"}`, jsonReply(200, `{"delete_protection":true}`)), `"/delete_protection"`)
	wantResponseViolation(t, check(v, "GET", cfg, "", jsonReply(200, `{"delete_protection":1}`)), `"/delete_protection"`)
}

func TestCheckedIsSortedAndDeduplicated(t *testing.T) {
	v := newValidator(t)
	ok := jsonReply(200, `{"group":`+groupJSON+`}`)
	wantPass(t, check(v, "GET", "/v1/organizations/acme/groups/b", "", ok))
	wantPass(t, check(v, "DELETE", "/v1/organizations/acme/groups/a", "", ok))
	wantPass(t, check(v, "GET", "/v1/organizations/other/groups/c", "", ok))
	wantPass(t, check(v, "POST", "/v1/organizations/acme/groups/a/locations/lhr", "", ok))
	// A failing exchange still counts as checked.
	if err := check(v, "GET", "/v1/organizations/acme/groups", "", jsonReply(200, `{"groups":1}`)); err == nil {
		t.Fatal("want a violation")
	}
	want := []string{
		"DELETE /v1/organizations/{organizationSlug}/groups/{groupName}",
		"GET /v1/organizations/{organizationSlug}/groups",
		"GET /v1/organizations/{organizationSlug}/groups/{groupName}",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/locations/{location}",
	}
	if got := v.Checked(); !slices.Equal(got, want) {
		t.Errorf("Checked() = %q\nwant %q", got, want)
	}
}

// serve starts a fake API wrapped in the Middleware and returns a client
// whose Transport checks too; server-side and client-side reports go to
// separate fake TBs.
func serve(t *testing.T, v *Validator, h http.Handler) (client *http.Client, url string, serverTB, clientTB *fakeTB) {
	t.Helper()
	serverTB, clientTB = &fakeTB{TB: t}, &fakeTB{TB: t}
	srv := httptest.NewServer(v.Middleware(h, serverTB))
	t.Cleanup(srv.Close)
	return &http.Client{Transport: v.Transport(nil, clientTB)}, srv.URL, serverTB, clientTB
}

func do(t *testing.T, c *http.Client, method, url, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestWrappersPassConformingExchange(t *testing.T) {
	v := newValidator(t)
	body := `{"groups":[` + groupJSON + `]}`
	c, url, serverTB, clientTB := serve(t, v, jsonReply(200, body).handler())

	status, got := do(t, c, "GET", url+"/v1/organizations/acme/groups", "")
	if status != 200 || got != body {
		t.Errorf("client got %d %q, want 200 %q", status, got, body)
	}

	// Bodies survive both wrappers in both directions.
	create := `{"name":"g","location":"lhr"}`
	gotReqBody := make(chan string, 1)
	h2 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotReqBody <- string(b)
		jsonReply(200, `{"group":`+groupJSON+`}`).handler()(w, r)
	})
	c2, url2, serverTB2, clientTB2 := serve(t, v, h2)
	status, got = do(t, c2, "POST", url2+"/v1/organizations/acme/groups", create)
	if status != 200 || got != `{"group":`+groupJSON+`}` {
		t.Errorf("client got %d %q", status, got)
	}
	if b := <-gotReqBody; b != create {
		t.Errorf("handler got request body %q, want %q", b, create)
	}

	for _, tb := range []*fakeTB{serverTB, clientTB, serverTB2, clientTB2} {
		if errs := tb.reported(); len(errs) != 0 {
			t.Errorf("unexpected reports: %q", errs)
		}
	}
	want := []string{"GET " + listGroupsRoute, "POST " + listGroupsRoute}
	if got := v.Checked(); !slices.Equal(got, want) {
		t.Errorf("Checked() = %q, want %q", got, want)
	}
}

func TestWrappersReportViolations(t *testing.T) {
	for _, tc := range []struct {
		name, method, path, body string
		reply                    reply
		mention                  []string
	}{
		{"response schema", "GET", "/v1/organizations/acme/groups", "", jsonReply(200, `{"groups":[{"name":5}]}`),
			[]string{"GET /v1/organizations/acme/groups", "-> 200", "response", `"/name"`}},
		{"request schema", "POST", "/v1/organizations/acme/groups", `{"location":5}`, jsonReply(200, `{"group":`+groupJSON+`}`),
			[]string{"POST /v1/organizations/acme/groups", "-> 200", "request", `"/location"`}},
		{"request enum", "POST", "/v1/organizations/acme/groups/g/auth/tokens?authorization=bogus", "", jsonReply(200, `{"jwt":"t"}`),
			[]string{"POST /v1/organizations/acme/groups/g/auth/tokens", "-> 200", `"authorization"`}},
		{"plain-text 401", "GET", "/v1/organizations/acme/groups", "", reply{401, "text/plain; charset=utf-8", "nope"},
			[]string{"GET /v1/organizations/acme/groups", "-> 401", "error body"}},
		// No Content-Type set: the recorder sniffs one, as a real server would.
		{"unlabelled 404", "GET", "/v1/organizations/acme/groups/g", "", reply{404, "", `{"error":"group not found"}`},
			[]string{"GET /v1/organizations/acme/groups/g", "-> 404", "text/plain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newValidator(t)
			c, url, serverTB, clientTB := serve(t, v, tc.reply.handler())
			status, got := do(t, c, tc.method, url+tc.path, tc.body)
			if status != tc.reply.status || got != tc.reply.body {
				t.Errorf("client got %d %q, want the handler's %d %q", status, got, tc.reply.status, tc.reply.body)
			}
			for side, tb := range map[string]*fakeTB{"server": serverTB, "client": clientTB} {
				errs := tb.reported()
				if len(errs) != 1 {
					t.Errorf("%s side reported %d violations, want 1: %q", side, len(errs), errs)
					continue
				}
				for _, s := range tc.mention {
					if !strings.Contains(errs[0], s) {
						t.Errorf("%s side report %q does not mention %q", side, errs[0], s)
					}
				}
			}
		})
	}
}

func TestWrappersPassUncheckedRoutes(t *testing.T) {
	v := newValidator(t)
	c, url, serverTB, clientTB := serve(t, v, jsonReply(200, `{"groups":"anything"}`).handler())
	do(t, c, "GET", url+"/v1/groups", "")
	do(t, c, "POST", url+"/v1/organizations/acme/groups/g/rename", `{"name":"h"}`)
	for _, tb := range []*fakeTB{serverTB, clientTB} {
		if errs := tb.reported(); len(errs) != 0 {
			t.Errorf("unexpected reports: %q", errs)
		}
	}
	want := []string{"GET /v1/groups", "POST /v1/organizations/acme/groups/g/rename"}
	if got := v.Unchecked(); !slices.Equal(got, want) {
		t.Errorf("Unchecked() = %q, want %q", got, want)
	}
	if got := v.Checked(); len(got) != 0 {
		t.Errorf("Checked() = %q, want none", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	v := newValidator(t)
	c, url, serverTB, clientTB := serve(t, v, jsonReply(200, `{"groups":[`+groupJSON+`]}`).handler())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			path := fmt.Sprintf("/v1/organizations/org%d/groups", i)
			if i%2 == 1 {
				path = fmt.Sprintf("/v1/groups?i=%d", i)
			}
			do(t, c, "GET", url+path, "")
		})
	}
	wg.Wait()
	for _, tb := range []*fakeTB{serverTB, clientTB} {
		if errs := tb.reported(); len(errs) != 0 {
			t.Errorf("unexpected reports: %q", errs)
		}
	}
	if got, want := v.Checked(), []string{"GET " + listGroupsRoute}; !slices.Equal(got, want) {
		t.Errorf("Checked() = %q, want %q", got, want)
	}
	if got, want := v.Unchecked(), []string{"GET /v1/groups"}; !slices.Equal(got, want) {
		t.Errorf("Unchecked() = %q, want %q", got, want)
	}
}
