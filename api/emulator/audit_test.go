package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// auditPage decodes GET …/audit-logs.
func auditPage(t *testing.T, r response) []auditLogJSON {
	t.Helper()
	var b struct {
		AuditLogs  []auditLogJSON  `json:"audit_logs"`
		Pagination *paginationJSON `json:"pagination"`
	}
	r.decode(t, &b)
	if b.AuditLogs == nil || b.Pagination == nil {
		t.Fatalf("no audit_logs or pagination in %s", r.body)
	}
	return b.AuditLogs
}

// Every change the local API serves leaves one entry (two for a transfer,
// one in each organization), with the code, target and actor; reads leave
// none.
func TestEveryChangeIsAudited(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	actor := withHeader(api.ActorHeader, "SHA256:abc bob@desk")
	steps := []struct {
		method, path, body string
		code, target       string
		data               map[string]string
	}{
		{"POST", "/v1/groups", `{"name":"g1","location":"lhr"}`, "group-create", "g1", map[string]string{"location": "lhr"}},
		{"POST", "/v1/groups/g1/locations/ams", "", "instance-create", "g1", map[string]string{"location": "ams"}},
		{"DELETE", "/v1/groups/g1/locations/ams", "", "instance-delete", "g1", map[string]string{"location": "ams"}},
		{"PATCH", "/v1/groups/g1/configuration", `{"delete_protection":true}`, "group-protect", "g1", nil},
		{"PATCH", "/v1/groups/g1/configuration", `{"delete_protection":false}`, "group-unprotect", "g1", nil},
		{"POST", "/v1/groups/g1/auth/tokens?expiration=1d&authorization=full-access", "", "group-token-create", "g1", map[string]string{"expiration": "1d", "authorization": "full-access"}},
		{"POST", "/v1/groups/g1/auth/rotate", "", "group-token-rotate", "g1", nil},
		{"POST", "/v1/groups/staging/update", "", "group-update", "staging", nil},
		{"POST", "/v1/groups/legacy/unarchive", "", "group-unarchive", "legacy", nil},
		{"POST", "/v1/groups/g1/rename", `{"name":"g2"}`, "group-rename", "g1", map[string]string{"name": "g2"}},
		{"POST", "/v1/databases", `{"name":"d1","group":"g2"}`, "db-create", "d1", map[string]string{"group": "g2"}},
		{"DELETE", "/v1/databases/d1", "", "db-delete", "d1", map[string]string{"group": "g2"}},
		{"DELETE", "/v1/groups/g2", "", "group-delete", "g2", nil},
		{"POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`, "group-transfer", "production", map[string]string{"from": "acme"}},
	}
	for i, s := range steps {
		a.do(s.method, s.path, s.body, actor).expect(t, 200)
		// Reads in between add nothing.
		a.do("GET", "/v1/groups", "").expect(t, 200)
		a.do("GET", "/v1/organizations/demo/usage", "").expect(t, 200)
		logs := auditPage(t, a.do("GET", "/v1/organizations/demo/audit-logs?page_size=1000", "").expect(t, 200))
		if len(logs) != i+1 {
			t.Fatalf("after %s %s: %d entries, want %d", s.method, s.path, len(logs), i+1)
		}
		e := logs[0]
		target := e.Data["database"]
		if target == "" {
			target = e.Data["group"]
		}
		if e.Code != s.code || target != s.target || e.Author != DemoUser || e.Data["actor"] != "SHA256:abc bob@desk" || e.Message == "" {
			t.Errorf("%s %s: newest entry %+v, want code %s on %s", s.method, s.path, e, s.code, s.target)
		}
		for k, v := range s.data {
			if e.Data[k] != v {
				t.Errorf("%s %s: data[%s] = %q, want %q (%v)", s.method, s.path, k, e.Data[k], v, e.Data)
			}
		}
		if _, err := time.Parse(time.RFC3339, e.CreatedAt); err != nil {
			t.Errorf("created_at %q: %v", e.CreatedAt, err)
		}
	}
	// The transfer is in the organization it left as well (acme is on the
	// starter plan, so the store is asked directly).
	var acme []*auditRec
	_ = a.srv.Store().view(func(st *state) error { acme = st.Orgs[TeamOrg].Audit; return nil })
	if len(acme) != 1 || acme[0].Code != "group-transfer" || acme[0].Data["organization"] != DemoOrg {
		t.Errorf("acme's log: %+v", acme)
	}
	// Refused changes leave nothing.
	a.do("POST", "/v1/groups", `{"name":"default","location":"lhr"}`).expect(t, 409)
	a.do("DELETE", "/v1/databases/nope", "").expect(t, 404)
	if logs := auditPage(t, a.do("GET", "/v1/organizations/demo/audit-logs?page_size=1000", "").expect(t, 200)); len(logs) != len(steps) {
		t.Errorf("refused changes were audited: %d entries, want %d", len(logs), len(steps))
	}
}

// The codes the local API uses that the spec's AuditLog.code enum does not
// list: the spec has none for these changes. A spec-checking client would
// refuse a page holding them; this test keeps the list honest.
func TestAuditCodesOutsideSpec(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("..", "internal", "contract", "turso-platform-openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas struct {
				AuditLog struct {
					Properties struct {
						Code struct {
							Enum []string `json:"enum"`
						} `json:"code"`
					} `json:"properties"`
				} `json:"AuditLog"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	enum := doc.Components.Schemas.AuditLog.Properties.Code.Enum
	src, err := os.ReadFile("audit.go")
	if err != nil {
		t.Fatal(err)
	}
	var outside []string
	for _, m := range regexp.MustCompile(`(?m)^\s+audit\w+\s+= "([a-z-]+)"`).FindAllSubmatch(src, -1) {
		if !slices.Contains(enum, string(m[1])) {
			outside = append(outside, string(m[1]))
		}
	}
	slices.Sort(outside)
	want := []string{"group-rename", "group-token-rotate", "group-transfer", "group-update"}
	if !slices.Equal(outside, want) {
		t.Errorf("codes outside the spec's enum: %v, want %v (update README's list too)", outside, want)
	}
}

func TestAuditLogPagingAndCap(t *testing.T) {
	st, err := NewMemoryStore(SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	clk := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := newTestAPIWith(t, st, Options{Token: testToken, Now: func() time.Time { return clk }})
	a.do("POST", "/v1/groups", `{"name":"g","location":"lhr"}`).expect(t, 200)
	for i := range maxAuditEntries + 5 {
		a.do("PATCH", "/v1/groups/g/configuration", fmt.Sprintf(`{"delete_protection":%v}`, i%2 == 0)).expect(t, 200)
	}
	var b struct {
		AuditLogs  []auditLogJSON `json:"audit_logs"`
		Pagination paginationJSON `json:"pagination"`
	}
	a.do("GET", "/v1/organizations/demo/audit-logs?page=2&page_size=300", "").expect(t, 200).decode(t, &b)
	if b.Pagination != (paginationJSON{Page: 2, PageSize: 300, TotalPages: 4, TotalRows: maxAuditEntries}) || len(b.AuditLogs) != 300 {
		t.Errorf("page 2 of 300: %+v, %d entries", b.Pagination, len(b.AuditLogs))
	}
	a.do("GET", "/v1/organizations/demo/audit-logs?page=4&page_size=300", "").expect(t, 200).decode(t, &b)
	if len(b.AuditLogs) != 100 {
		t.Errorf("the last page: %d entries, want 100", len(b.AuditLogs))
	}
	a.do("GET", "/v1/organizations/demo/audit-logs?page=9223372036854775807&page_size=1000000", "").expect(t, 200).decode(t, &b)
	if len(b.AuditLogs) != 0 || b.Pagination.PageSize != maxAuditEntries {
		t.Errorf("a huge page: %+v, %d entries", b.Pagination, len(b.AuditLogs))
	}
	// The oldest entry (the group's creation) went first.
	a.do("GET", "/v1/organizations/demo/audit-logs?page=1&page_size=1000", "").expect(t, 200).decode(t, &b)
	if last := b.AuditLogs[len(b.AuditLogs)-1]; last.Code == "group-create" {
		t.Error("the log was not capped: the oldest entry is still there")
	}
	// An actor that is not fit for a terminal is cleaned, not refused.
	// net/http will not send such a header, so the server is called directly.
	req := httptest.NewRequest("PATCH", "/v1/groups/g/configuration", strings.NewReader(`{"delete_protection":true}`))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set(api.ActorHeader, "evil\x1b[31m \xff"+strings.Repeat("x", 400))
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("a change with a dirty actor: %d %s", rec.Code, rec.Body)
	}
	a.do("GET", "/v1/organizations/demo/audit-logs?page_size=1", "").expect(t, 200).decode(t, &b)
	if got := b.AuditLogs[0].Data["actor"]; strings.ContainsRune(got, 0x1b) || len(got) > api.MaxActorLen || !strings.HasPrefix(got, "evil[31m \uFFFDx") {
		t.Errorf("actor kept as %q", got)
	}
}

// A state file from before usage and audit logs loads, serves usage
// derived from each database's creation, and takes audit entries, which
// survive a restart along with the usage baselines of new databases.
func TestOlderStateFileAndPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := regexp.MustCompile(`,"usage":\{[^}]*\}`).ReplaceAll(data, nil)
	if bytes.Contains(old, []byte(`"usage"`)) || bytes.Contains(old, []byte(`"audit_logs"`)) {
		t.Fatal("could not make an old-style file")
	}
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	a, _ := openFileAPI(t, path, SeedDemo)
	var u struct{ Database dbUsageJSON }
	a.do("GET", "/v1/organizations/demo/databases/main/usage", "").expect(t, 200).decode(t, &u)
	if len(u.Database.Instances) != 2 || u.Database.Total.StorageBytes <= 0 {
		t.Errorf("usage from an old file: %+v", u.Database)
	}
	a.do("POST", "/v1/databases", `{"name":"kept-db","group":"default"}`, withHeader(api.ActorHeader, "k1")).expect(t, 200)

	re, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	b := newTestAPIWith(t, re, Options{Token: testToken})
	logs := auditPage(t, b.do("GET", "/v1/organizations/demo/audit-logs", "").expect(t, 200))
	if len(logs) != 1 || logs[0].Code != "db-create" || logs[0].Data["actor"] != "k1" {
		t.Errorf("audit log after a restart: %+v", logs)
	}
	var kept *dbRec
	_ = re.view(func(s *state) error { kept = s.Orgs[DemoOrg].Databases["kept-db"]; return nil })
	if kept == nil || kept.Usage == nil || kept.Usage.StorageBytes != emptyDBBytes || kept.Usage.At.IsZero() {
		t.Errorf("the new database's usage baseline was not kept: %+v", kept)
	}
}

// Hand-edited baselines at the edges give large figures, never negative
// ones or a panic.
func TestUsageEdges(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, b := range []usageRec{
		{RowsRead: 1<<63 - 1, RowsWritten: 1<<63 - 1, StorageBytes: 1<<63 - 1, At: time.Time{}},
		{RowsRead: -5, RowsWritten: -1 << 63, StorageBytes: -1, At: now.AddDate(-300, 0, 0)},
		{At: now.AddDate(1, 0, 0)},
	} {
		d := &dbRec{Name: "x", ID: "id", Group: "g", CreatedAt: now, Usage: &b}
		r, w, s := d.usageAt(now)
		if r < 0 || w < 0 || s < 0 {
			t.Errorf("baseline %+v: %d %d %d", b, r, w, s)
		}
		o := &orgRec{Groups: map[string]*groupRec{}}
		u := o.usageIn(d, now.AddDate(-1, 0, 0), now)
		if u.Total.RowsRead < 0 || u.Total.StorageBytes < 0 || len(u.Instances) != 1 {
			t.Errorf("baseline %+v: %+v", b, u)
		}
	}
}

// Minting a group token changes nothing stored, so a read-only state file
// still hands one out: only its audit entry is lost (and logged), as
// reading usage and the audit log stay reads.
func TestReadOnlyStateFileStillMintsTokens(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	a, _ := openFileAPI(t, path, SeedDemo)
	a.do("POST", "/v1/groups/default/auth/tokens?expiration=1d", "").expect(t, 200)
	a.do("GET", "/v1/databases/main/usage", "").expect(t, 200)
	a.do("GET", "/v1/organizations/demo/usage", "").expect(t, 200)
	a.do("GET", "/v1/organizations/demo/audit-logs", "").expect(t, 200)
	a.do("POST", "/v1/databases", `{"name":"refused","group":"default"}`).expect(t, 500)
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the read-only file was changed")
	}
}
