package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// allowedStatuses are the only answers the handler may give without faults
// and with a healthy store (403: audit logs on the starter plan).
var allowedStatuses = map[int]bool{200: true, 400: true, 401: true, 402: true, 403: true, 404: true, 405: true, 409: true, 413: true}

// FuzzHandler throws arbitrary methods, paths and bodies at the handler: it
// must never panic and must always answer JSON with an expected status.
func FuzzHandler(f *testing.F) {
	seeds := []struct {
		method, path, body string
		auth               bool
	}{
		{"GET", "/v1/groups", "", true},
		{"POST", "/v1/groups", `{"name":"group2","location":"lhr"}`, true},
		{"POST", "/v1/organizations/demo/groups", `{"Name":"x","Location":"lhr","Version":""}`, true},
		{"POST", "/v1/organizations/acme/groups", `{"name":"two","location":"aws-us-east-1"}`, true},
		{"POST", "/v1/groups", `{"name":"e","location":"lhr","extensions":"all"}`, true},
		{"POST", "/v1/groups", `{"name":"e","location":"lhr","extensions":[1,2]}`, true},
		{"POST", "/v1/groups", `{"name":`, true},
		{"POST", "/v1/groups", `[]`, true},
		{"POST", "/v1/groups", `null`, true},
		{"GET", "/v1/groups/default", "", false},
		{"DELETE", "/v1/groups/billing", "", true},
		{"DELETE", "/v1/groups/legacy", "", true},
		{"PATCH", "/v1/groups/default/configuration", `{"delete_protection":true}`, true},
		{"PATCH", "/v1/groups/default/configuration", `{"delete_protection":"yes"}`, true},
		{"POST", "/v1/groups/default/transfer", `{"organization":"acme"}`, true},
		{"POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`, true},
		{"POST", "/v1/groups/default/locations/bos", "", true},
		{"DELETE", "/v1/groups/default/locations/fra", "", true},
		{"GET", "/v1/groups/default/locations/fra/wait", "", true},
		{"POST", "/v1/groups/default/auth/tokens?expiration=2w1d30m&authorization=read-only", `{"permissions":{"read_attach":{"databases":["a"]}}}`, true},
		{"POST", "/v1/groups/default/auth/tokens?expiration=%zz", "", true},
		{"POST", "/v1/groups/default/auth/rotate", "", true},
		{"POST", "/v1/groups/default/rename", `{"Name":"renamed"}`, true},
		{"POST", "/v1/groups/default/update", "", true},
		{"POST", "/v1/groups/legacy/unarchive", "", true},
		{"GET", "/v1/organizations", "", true},
		{"GET", "/v2/organizations/demo/locations", "", true},
		{"GET", "/v1/databases?group=default", "", true},
		{"GET", "/v1/locations/lhr", "", true},
		{"HEAD", "/v1/user", "", true},
		{"OPTIONS", "/v1/groups", "", true},
		{"GET", "/v1/groups/a%2Fb/../x", "", true},
		{"GET", "//v1/groups", "", true},
		{"GET", "/v1/groups/%00", "", true},
		{"PUT", "/nope", "{}", true},
		{"POST", "/v1/databases", `{"name":"d1","group":"default"}`, true},
		{"POST", "/v1/organizations/demo/databases", `{"name":"main","group":"nope"}`, true},
		{"GET", "/v1/organizations/demo/databases/main", "", true},
		{"DELETE", "/v1/databases/main", "", true},
		{"GET", "/v1/databases/main/usage?from=2024-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", "", true},
		{"GET", "/v1/databases/main/usage?from=0001-01-01T00:00:00Z", "", true},
		{"GET", "/v1/organizations/demo/usage", "", true},
		{"GET", "/v1/organizations/demo/audit-logs?page=99999999999999999&page_size=-1", "", true},
		{"GET", "/v1/organizations/acme/audit-logs", "", true},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.auth)
	}
	st, err := NewMemoryStore(SeedDemo, 0)
	if err != nil {
		f.Fatal(err)
	}
	srv, err := New(st, Options{Token: testToken})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, body string, auth bool) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://emulator"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		if auth {
			req.Header.Set("Authorization", "Bearer "+testToken)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if !allowedStatuses[rec.Code] {
			t.Fatalf("%s %s %q: status %d: %s", method, path, body, rec.Code, rec.Body.Bytes())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s %q: status %d with a non-JSON body %q", method, path, body, rec.Code, rec.Body.Bytes())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s %s: Content-Type %q", method, path, ct)
		}
	})
}
