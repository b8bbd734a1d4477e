package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

const testToken = "test-token-1"

// testAPI is a running emulator and a client for it, over real HTTP.
type testAPI struct {
	t      testing.TB
	srv    *Server
	http   *httptest.Server
	client *http.Client
}

// newTestAPI serves a fresh memory store with seed.
func newTestAPI(t testing.TB, seed string) *testAPI {
	t.Helper()
	st, err := NewMemoryStore(seed, 0)
	if err != nil {
		t.Fatalf("NewMemoryStore: %v", err)
	}
	return newTestAPIWith(t, st, Options{Token: testToken})
}

func newTestAPIWith(t testing.TB, st *Store, opts Options) *testAPI {
	t.Helper()
	srv, err := New(st, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testAPI{t: t, srv: srv, http: hs, client: &http.Client{Timeout: 10 * time.Second}}
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

// reqOpt adjusts a request.
type reqOpt func(*http.Request)

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func noAuth() reqOpt { return func(r *http.Request) { r.Header.Del("Authorization") } }

// do sends a request with the test token and a JSON content type (unless
// overridden) and reads the whole answer.
func (a *testAPI) do(method, path, body string, opts ...reqOpt) response {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.http.URL+path, rd)
	if err != nil {
		a.t.Fatalf("NewRequest %s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		a.t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	if !json.Valid(data) {
		a.t.Errorf("%s %s: body is not JSON: %q", method, path, data)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// expect fails the test unless the status is want.
func (r response) expect(t testing.TB, want int) response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
	return r
}

// decode unmarshals the body into v.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// errorOf returns the error body.
func (r response) errorOf(t testing.TB) errorBody {
	t.Helper()
	var e errorBody
	r.decode(t, &e)
	if e.Error == "" {
		t.Fatalf("error body without message: %s", r.body)
	}
	return e
}

// group decodes {"group": ...}.
func (r response) group(t testing.TB) api.Group {
	t.Helper()
	var b struct {
		Group *api.Group `json:"group"`
	}
	r.decode(t, &b)
	if b.Group == nil {
		t.Fatalf("no group in %s", r.body)
	}
	return *b.Group
}

// groups decodes {"groups": [...]}.
func (r response) groups(t testing.TB) []api.Group {
	t.Helper()
	var b struct {
		Groups []api.Group `json:"groups"`
	}
	r.decode(t, &b)
	return b.Groups
}

// databases decodes {"databases": [...]}.
func (r response) databases(t testing.TB) []api.Database {
	t.Helper()
	var b struct {
		Databases []api.Database `json:"databases"`
	}
	r.decode(t, &b)
	return b.Databases
}

// prefixes are the two spellings of the group routes for the personal org.
var prefixes = []struct{ name, path string }{
	{"org", "/v1/organizations/" + DemoOrg + "/groups"},
	{"user", "/v1/groups"},
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func groupNames(gs []api.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func databaseNames(ds []api.Database) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}
