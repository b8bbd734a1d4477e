package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
)

// auditServer serves pages of entries as the Platform API does, and
// records the pages asked for. status, when set, is the answer instead.
type auditServer struct {
	mu      sync.Mutex
	entries []api.AuditLog
	size    int
	asked   []string
	status  int
	code    string
	message string
}

func (s *auditServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, r.URL.Query().Get("page")+"/"+r.URL.Query().Get("page_size"))
	w.Header().Set("Content-Type", "application/json")
	if s.status != 0 {
		w.WriteHeader(s.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": s.message, "code": s.code})
		return
	}
	var page int
	_, _ = fmt.Sscan(r.URL.Query().Get("page"), &page)
	from, to := min((page-1)*s.size, len(s.entries)), min(page*s.size, len(s.entries))
	_ = json.NewEncoder(w).Encode(map[string]any{
		"audit_logs": s.entries[from:to],
		"pagination": map[string]int{"page": page, "page_size": s.size, "total_pages": (len(s.entries) + s.size - 1) / s.size, "total_rows": len(s.entries)},
	})
}

func (s *auditServer) pages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.asked)
}

// newActivityTest opens a view on group of org, against srv.
func newActivityTest(t *testing.T, srv http.Handler, org, group string) *activityView {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	client, err := api.New(api.Options{BaseURL: ts.URL, Token: "t", Org: org, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := newCommon(Options{Renderer: asciiRenderer(), Now: func() time.Time { return fixedNow }})
	v := newActivityView(c, client, t.Context(), group, nil)
	v.SetSize(100, 20)
	return v
}

// runActivity runs cmd (a page's request) and gives its answer to v.
func runActivity(t *testing.T, v *activityView, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no request was made")
	}
	msg, ok := cmd().(activityMsg)
	if !ok || msg.view != v {
		t.Fatalf("the command answered %T, not the view's page", msg)
	}
	if _, closed := v.Update(msg); closed {
		t.Fatal("a page closed the view")
	}
}

func activityScreen(v *activityView) string { return ansi.Strip(v.View()) }

func entry(minutesAgo int, code, message, group, actor string) api.AuditLog {
	data := map[string]any{}
	if group != "" {
		data["group"] = group
	}
	if actor != "" {
		data["actor"] = actor
	}
	return api.AuditLog{Code: code, Message: message, Origin: "cli", Author: "alice",
		CreatedAt: fixedNow.Add(-time.Duration(minutesAgo) * time.Minute).Format(time.RFC3339), Data: data}
}

const testFP = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

// The rows say who (the author and the SSH key that made the change),
// what (the message, or the code in words) and when (relative; the
// selected row also in full).
func TestActivityRows(t *testing.T) {
	srv := &auditServer{size: 50, entries: []api.AuditLog{
		entry(3, "group-protect", "turned delete protection on for group prod", "prod", testFP+" alice@laptop"),
		entry(90, "group-token-rotate", "", "prod", ""),
		entry(3*24*60, "group-create", "created group prod in aws-us-east-1", "prod", ""),
	}}
	v := newActivityTest(t, srv, "demo", "prod")
	runActivity(t, v, v.fetch())
	// Words, not lines: the selected entry wraps.
	scr := strings.Join(strings.Fields(activityScreen(v)), " ")
	for _, want := range []string{
		"Activity of prod", "page 1 of 1", "3 entries",
		"3m ago", "alice (SHA256:abcdef… alice@laptop)", "turned delete protection on for group prod",
		"1h ago", "group token rotate",
		"3d ago", "created group prod",
		// The selected (first) row in full.
		"Mon 2 Jun 2025 09:57:00 UTC · by alice · key " + testFP + " alice@laptop · from cli · group-protect",
	} {
		if !strings.Contains(scr, want) {
			t.Errorf("the view does not show %q:\n%s", want, scr)
		}
	}
	v.Update(keyMsg("j"))
	if scr := strings.Join(strings.Fields(activityScreen(v)), " "); !strings.Contains(scr, "Mon 2 Jun 2025 08:30:00 UTC · by alice · from cli · group-token-rotate") {
		t.Errorf("the second row, selected, is not shown in full:\n%s", scr)
	}
	for _, k := range []string{"esc", "!"} {
		if _, closed := v.Update(keyMsg(k)); !closed {
			t.Errorf("%s does not close the view", k)
		}
	}
}

// The view starts on the group; tab shows the whole organization, and
// back.
func TestActivityScopeToggle(t *testing.T) {
	srv := &auditServer{size: 50, entries: []api.AuditLog{
		entry(1, "group-create", "created group staging in lhr", "staging", ""),
		entry(2, "db-create", "created database web in group prod", "prod", ""),
		entry(3, "group-protect", "turned delete protection on for group prod", "prod", ""),
	}}
	v := newActivityTest(t, srv, "demo", "prod")
	runActivity(t, v, v.fetch())
	scr := activityScreen(v)
	if !strings.Contains(scr, "Activity of prod") || strings.Contains(scr, "staging") || !strings.Contains(scr, "created database web") {
		t.Fatalf("the group's view shows another group, or misses its database:\n%s", scr)
	}
	v.Update(keyMsg("tab"))
	scr = activityScreen(v)
	if !strings.Contains(scr, "Activity of demo") || !strings.Contains(scr, "created group staging") {
		t.Fatalf("tab does not show the whole organization:\n%s", scr)
	}
	if help := fmt.Sprint(v.ShortHelp()); !strings.Contains(help, "only prod") {
		t.Errorf("the short help does not say tab goes back to the group: %s", help)
	}
	v.Update(keyMsg("tab"))
	if scr := activityScreen(v); strings.Contains(scr, "staging") {
		t.Fatalf("tab again does not go back to the group:\n%s", scr)
	}
	// Opened without a group, it shows the organization, and tab is not offered.
	w := newActivityTest(t, srv, "demo", "")
	runActivity(t, w, w.fetch())
	if scr := activityScreen(w); !strings.Contains(scr, "Activity of demo") || !strings.Contains(scr, "staging") {
		t.Errorf("without a group:\n%s", scr)
	}
	if help := fmt.Sprint(w.ShortHelp()); strings.Contains(help, "tab") {
		t.Errorf("tab is offered without a group: %s", help)
	}
}

// The first page is asked for when the view opens; the next as the user
// reaches the end (G, pgdown, down on the last row), one at a time, until
// there are no more; the view says what it is loading.
func TestActivityPaging(t *testing.T) {
	srv := &auditServer{size: activityPageSize}
	for i := range 2*activityPageSize + 10 {
		srv.entries = append(srv.entries, entry(i, "group-protect", fmt.Sprintf("change %d", i), "prod", ""))
	}
	v := newActivityTest(t, srv, "demo", "prod")
	first := v.fetch()
	if scr := activityScreen(v); !strings.Contains(scr, "loading… page 1") {
		t.Errorf("the first page is not said to be loading:\n%s", scr)
	}
	runActivity(t, v, first)
	if scr := activityScreen(v); !strings.Contains(scr, "page 1 of 3 · 110 entries") {
		t.Errorf("the pages are not counted:\n%s", scr)
	}
	if cmd, _ := v.Update(keyMsg("j")); cmd != nil {
		t.Error("a move short of the end asks for a page")
	}
	cmd, _ := v.Update(keyMsg("G"))
	if scr := activityScreen(v); !strings.Contains(scr, "loading… page 2 of 3") {
		t.Errorf("G at the end does not say it loads the next page:\n%s", scr)
	}
	if again, _ := v.Update(keyMsg("G")); again != nil {
		t.Error("a second page was asked for while one is in flight")
	}
	runActivity(t, v, cmd)
	if len(v.rows) != 2*activityPageSize || v.cursor != activityPageSize-1 {
		t.Errorf("after page 2: %d rows, cursor %d", len(v.rows), v.cursor)
	}
	cmd, _ = v.Update(keyMsg("pgdown"))
	if cmd != nil {
		t.Error("pgdown short of the end asked for a page")
	}
	v.cursor = len(v.rows) - 2 // short of the end: pgdown reaches it
	cmd, _ = v.Update(keyMsg("pgdown"))
	runActivity(t, v, cmd)
	if scr := activityScreen(v); !strings.Contains(scr, "page 3 of 3") || len(v.rows) != len(srv.entries) {
		t.Errorf("after page 3 (%d rows):\n%s", len(v.rows), scr)
	}
	v.Update(keyMsg("G"))
	if cmd, _ := v.Update(keyMsg("G")); cmd != nil {
		t.Error("a page past the last was asked for")
	}
	want := []string{"1/50", "2/50", "3/50"}
	if got := srv.pages(); !slices.Equal(got, want) {
		t.Errorf("pages asked for: %v, want %v", got, want)
	}
	if strings.Contains(fmt.Sprint(v.ShortHelp()), "more") {
		t.Error("more is offered with every page loaded")
	}
	// r starts over from the first page.
	runActivity(t, v, func() tea.Cmd { c, _ := v.Update(keyMsg("r")); return c }())
	if v.page != 1 || len(v.logs) != activityPageSize {
		t.Errorf("r: page %d, %d entries", v.page, len(v.logs))
	}
}

// On a plan without audit logs the view says so in plain words, and what
// to do; any other failure says the server's message.
func TestActivityStarterPlan(t *testing.T) {
	srv := &auditServer{status: http.StatusForbidden, code: "feature_not_available_for_starter_plan", message: "audit logs are not available on the starter plan"}
	v := newActivityTest(t, srv, "acme", "production")
	runActivity(t, v, v.fetch())
	want := "Audit logs are not part of acme's Starter plan; upgrade the plan to see who changed what."
	if scr := strings.Join(strings.Fields(activityScreen(v)), " "); !strings.Contains(scr, want) {
		t.Errorf("the view does not say %q:\n%s", want, scr)
	}

	srv = &auditServer{status: http.StatusInternalServerError, message: "the log is on fire"}
	v = newActivityTest(t, srv, "demo", "prod")
	runActivity(t, v, v.fetch())
	if scr := strings.Join(strings.Fields(activityScreen(v)), " "); !strings.Contains(scr, "Could not load the audit log: The log is on fire.") {
		t.Errorf("another error is not said in the server's words:\n%s", scr)
	}
}

// A page answered after the view was reloaded, or for a view closed
// meanwhile, changes nothing.
func TestActivityStaleAnswersAreDropped(t *testing.T) {
	srv := &auditServer{size: 50, entries: []api.AuditLog{entry(1, "group-protect", "one", "prod", "")}}
	v := newActivityTest(t, srv, "demo", "prod")
	cmd := v.fetch()
	msg := cmd().(activityMsg)
	msg.asked = 7 // not the page in flight
	v.Update(msg)
	if len(v.logs) != 0 || v.loading != 1 {
		t.Errorf("a page not asked for was taken: %d entries, loading %d", len(v.logs), v.loading)
	}
	m := New(Options{Renderer: asciiRenderer(), Client: v.client})
	if cmd := m.onActivity(activityMsg{view: v, err: errors.New("x")}); cmd != nil || v.err != nil {
		t.Error("an answer for a view that is not open reached it")
	}
}

// The hook that serve logs changes with is told of a change made, or one
// that may have been; not of a refused one, nor of what only reads; and
// a panic in it stays there.
func TestReportChange(t *testing.T) {
	var told []string
	hook := func(label string, err error) { told = append(told, fmt.Sprint(label, " ", err)) }
	log := newCommon(Options{}).log
	reportChange(hook, log, actProtect, "Turning delete protection on for prod", nil)
	reportChange(hook, log, actProtect, "refused", &api.Error{StatusCode: 400, Message: "no"})
	reportChange(hook, log, actProtect, "lost", &api.Error{StatusCode: 502, Message: "bad gateway"})
	reportChange(hook, log, actActivity, "reading", nil)
	reportChange(nil, log, actProtect, "nobody", nil)
	reportChange(func(string, error) { panic("boom") }, log, actProtect, "panics", nil)
	if len(told) != 2 || told[0] != "Turning delete protection on for prod <nil>" || !strings.HasPrefix(told[1], "lost ") {
		t.Errorf("told %q", told)
	}
}

func withOrg(org string) option { return func(c *harnessConfig) { c.org = org } }

// Against the local API: a change made from the dashboard is in the
// group's activity, with tab the organization's, and esc closes it.
func TestActivityShowsAChange(t *testing.T) {
	h := newHarness(t)
	g := h.listed()[0]
	h.selectGroup(g)
	h.press("p")
	h.waitIdle()
	h.press("!")
	h.mustShow("Activity of "+g, "page 1 of 1", "turned delete protection", "for group "+g)
	h.press("tab")
	h.mustShow("Activity of demo")
	h.press("esc")
	h.mustNotShow("Activity of")
	// From a group's detail too.
	h.press("enter", "!")
	h.mustShow("Activity of " + g)
	h.press("esc")
	h.mustNotShow("Activity of")
}

// On the Starter plan (the local API's acme) the view says in plain words
// that the plan has no audit logs.
func TestActivityOnStarterPlan(t *testing.T) {
	h := newHarness(t, withOrg("acme"))
	h.press("!")
	scr := strings.Join(strings.Fields(h.screen()), " ")
	if want := "Audit logs are not part of acme's Starter plan; upgrade the plan to see who changed what."; !strings.Contains(scr, want) {
		t.Fatalf("the screen does not say %q:\n%s", want, h.screen())
	}
}

// It changes nothing, so a read-only dashboard opens it too.
func TestActivityInReadOnlyMode(t *testing.T) {
	h := newHarness(t, readOnly())
	h.press("!")
	h.mustShow("Activity of "+h.listed()[0], "page 1 of")
	h.mustNotShow("read-only:")
}
