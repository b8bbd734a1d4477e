package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// The demo's groups, in the list's order: analytics, billing (protected),
// default, edge-cache, legacy (archived), staging.

// marked is the marked names, sorted.
func (h *harness) marked() []string { return h.m.list.marks.sorted() }

func (h *harness) mustMark(want ...string) {
	h.t.Helper()
	if got := h.marked(); !slices.Equal(got, want) {
		h.t.Fatalf("marked %v, want %v\n%s", got, want, h.screen())
	}
}

// markedRow reports whether name's row shows the mark: a character, not
// a colour (the harness draws without colours, as under NO_COLOR).
func (h *harness) markedRow(name string) bool {
	for _, line := range strings.Split(h.screen(), "\n") {
		if len(line) > 2 && line[1] == '*' && strings.HasPrefix(line[2:], name+" ") {
			return true
		}
	}
	return false
}

var (
	ctrlA     = tea.KeyMsg{Type: tea.KeyCtrlA}
	shiftDown = tea.KeyMsg{Type: tea.KeyShiftDown}
)

func TestMarkSpaceTogglesAndMovesDown(t *testing.T) {
	h := newHarness(t)
	h.press("space", "space")
	h.mustMark("analytics", "billing")
	if h.m.currentName() != "default" {
		t.Fatalf("space did not move down: cursor on %s", h.m.currentName())
	}
	h.mustShow("6 groups · 2 marked · sorted by name", "esc unmark all")
	if !h.markedRow("analytics") || !h.markedRow("billing") || h.markedRow("default") {
		t.Fatalf("the mark column is wrong:\n%s", h.screen())
	}
	// On a marked row, space takes the mark off.
	h.press("k", "space")
	h.mustMark("analytics")
	// shift+down marks where it leaves and where it lands.
	h.send(shiftDown)
	h.mustMark("analytics", "default", "edge-cache")
	h.press("esc")
	h.mustMark()
	h.mustNotShow("marked", "*analytics")
}

func TestMarkRange(t *testing.T) {
	h := newHarness(t)
	h.press("space") // analytics, before the range: it stays
	h.press("V", "j", "j")
	h.mustMark("analytics", "billing", "default", "edge-cache")
	h.mustShow("4 marked (range)")
	// The range follows the cursor back: what it marked is taken back,
	// what was marked before it is not.
	h.press("k", "k")
	h.mustMark("analytics", "billing")
	h.press("j", "j", "j")
	h.mustMark("analytics", "billing", "default", "edge-cache", "legacy")
	// V again ends it: moving on marks nothing more.
	h.press("V", "j")
	h.mustMark("analytics", "billing", "default", "edge-cache", "legacy")
	h.mustNotShow("(range)")
}

func TestMarkAllShownWithAFilter(t *testing.T) {
	h := newHarness(t)
	h.press("space") // analytics, which the filter will hide
	h.pick("lhr")    // default (lhr among its locations) and legacy (at lhr)
	if got := h.listed(); !slices.Equal(got, []string{"default", "legacy"}) {
		t.Fatalf("filter shows %v", got)
	}
	h.send(ctrlA)
	h.mustMark("analytics", "default", "legacy")
	h.mustShow("2 of 6 groups match", "3 marked")
	// Again, with all shown marked: they are unmarked, the hidden one
	// keeps its mark.
	h.send(ctrlA)
	h.mustMark("analytics")
	// esc takes the marks off before it clears the filter.
	h.press("esc")
	h.mustMark()
	if h.m.list.query != "lhr" {
		t.Fatalf("esc with marks cleared the filter too")
	}
	h.press("esc")
	if h.m.list.query != "" {
		t.Fatalf("the second esc did not clear the filter")
	}
}

func TestMarksSurviveRefreshSortAndFilter(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("billing")
	h.press("space")
	h.selectGroup("staging")
	h.press("space")
	h.mustMark("billing", "staging")
	h.press("s") // by location: the rows move, the marks stay on their groups
	if !h.markedRow("billing") || !h.markedRow("staging") || h.markedRow("default") {
		t.Fatalf("after sorting:\n%s", h.screen())
	}
	h.pick("bill")
	h.mustShow("2 marked")
	h.press("/", "backspace", "backspace", "backspace", "backspace", "enter")
	h.press("r")
	h.mustMark("billing", "staging")
	// A group the next refresh no longer lists loses its mark.
	if _, err := h.m.sess.client.DeleteGroup(context.Background(), "staging"); err != nil {
		t.Fatal(err)
	}
	h.press("r")
	h.mustMark("billing")
	h.mustShow("1 marked")
	// Another organization's groups are other groups.
	h.run(h.m.switchOrg("acme"))
	h.mustMark()
}

// refuseProtect answers a change of billing's configuration with a
// refusal in the server's words, and cuts the connection of one to
// default's before it answers: its outcome is unknown.
func refuseProtect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/groups/billing/configuration") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":"billing is locked by your administrator"}`))
			return
		}
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/groups/default/configuration") {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestBulkProtectReportsEachGroup(t *testing.T) {
	h := newHarness(t, withHandler(refuseProtect), withTimeout(faultTimeout))
	h.press("space", "space", "space", "space") // analytics, billing, default, edge-cache
	h.press("p")
	h.mustShow("Delete protection of 4 groups", "4 groups: analytics, billing, default, edge-cache.", "Turn it on")
	h.press("enter")
	h.mustShow("Turn delete protection on for 4 groups?")
	h.press("y")
	h.waitIdle()
	h.mustShow("Turning delete protection on for 4 groups: report",
		"2 done, 1 refused, 1 unknown.",
		"billing: Not allowed: billing is locked by your administrator.",
		"Unknown, the answer was lost: Delete protection may or may not have",
		"default: The connection to the API was lost before it answered.",
		"Done: analytics, edge-cache.")
	// Nothing was sent twice but what the client retries itself (a
	// PATCH of an absolute value): one request each to the others.
	var patches []string
	for _, r := range h.mutations() {
		if !strings.Contains(r, "/default/") {
			patches = append(patches, r)
		}
	}
	if len(patches) != 3 {
		t.Errorf("requests %v, want one each for analytics, billing, edge-cache", patches)
	}
	h.press("q") // closes the report, not the dashboard
	if h.quits != 0 {
		t.Fatal("the key that closed the report quit")
	}
	for _, g := range []string{"analytics", "edge-cache"} {
		if sg, _ := h.serverGroup("demo", g); !sg.DeleteProtection {
			t.Errorf("%s is not protected at the server", g)
		}
		if !strings.Contains(h.rowOf(g), "protected") {
			t.Errorf("the list does not show %s protected:\n%s", g, h.screen())
		}
	}
	h.mustMark() // acted on: the next key acts on the cursor again
}

func TestBulkDeleteNeedsTheCountTyped(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("billing") // protected: left out
	h.press("space")
	h.selectGroup("legacy")
	h.press("space", "space") // legacy, staging
	h.press("d")
	h.mustShow("Type 2 to delete 2 groups", "2 groups: legacy, staging.", "billing (delete protection is on)")
	h.typeText("3")
	h.press("enter")
	h.mustShow("type the number of groups, 2")
	if len(h.mutations()) != 0 {
		t.Fatalf("sent with the wrong count: %v", h.mutations())
	}
	h.press("backspace")
	h.typeText("2")
	h.press("enter")
	h.waitIdle()
	h.mustShow("2 done, 1 not sent.", "billing: delete protection is on.", "Done: legacy, staging.")
	for _, g := range []string{"legacy", "staging"} {
		if _, ok := h.serverGroup("demo", g); ok {
			t.Errorf("%s is still at the server", g)
		}
	}
	if _, ok := h.serverGroup("demo", "billing"); !ok {
		t.Error("billing, protected, was deleted")
	}
	h.press("esc")
	if got := h.listed(); !slices.Equal(got, []string{"analytics", "billing", "default", "edge-cache"}) {
		t.Fatalf("listed %v", got)
	}
}

func TestBulkReadOnlyRefuses(t *testing.T) {
	h := newHarness(t, readOnly())
	h.press("space", "space") // marking changes nothing: it works
	h.mustMark("analytics", "billing")
	for _, k := range []string{"p", "R", "U", "d", "m"} {
		h.m.footer.toast = toast{}
		h.press(k)
		if h.m.focus.top() != nil {
			t.Fatalf("%s opened something in a read-only dashboard:\n%s", k, h.screen())
		}
		h.mustShow("This dashboard is read-only")
	}
	if m := h.mutations(); len(m) != 0 {
		t.Fatalf("read-only dashboard sent %v", m)
	}
}

// A run sends at most bulkConcurrency requests at once, keeps one line in
// the footer, and leaves the list to the keys while it goes on.
func TestBulkRunIsBoundedAndLeavesTheListUsable(t *testing.T) {
	h := newHarness(t, withSeed("demo", 40))
	h.send(ctrlA)
	n := h.m.list.marks.len()
	if n < 20 {
		t.Fatalf("ctrl+a marked %d", n)
	}
	h.press("R")
	h.mustShow("Rotate the tokens of " + plural(n, "group") + "?")
	most := 0
	h.afterUpdate = func() {
		if b := h.m.bulk; b != nil {
			most = max(most, b.running)
		}
	}
	h.post(keyMsg("y"))
	first := func(int) int { return 0 }
	h.advance(6, first)
	if h.m.bulk == nil {
		t.Fatal("the run ended at once")
	}
	h.mustShow("answered)")
	// The list moves while the requests are out.
	h.press("j", "j")
	if h.m.list.cursor != 2 {
		t.Fatalf("the cursor is at %d during the run", h.m.list.cursor)
	}
	h.settle(first)
	h.waitIdle()
	if most > bulkConcurrency || most == 0 {
		t.Fatalf("%d requests in flight at once, want at most %d", most, bulkConcurrency)
	}
	h.mustShow("Rotating the tokens of "+plural(n, "group")+": report", "and ")
	rotates := 0
	for _, r := range h.mutations() {
		if strings.HasSuffix(r, "/auth/rotate") {
			rotates++
		}
	}
	if rotates != n {
		t.Fatalf("%d rotations for %d groups", rotates, n)
	}
}

// A transfer of many fetches the organizations first, as one does, and
// a refusal of each is reported in the server's words, the groups kept.
func TestBulkTransferRefusedByThePlan(t *testing.T) {
	h := newHarness(t)
	h.press("space")
	h.selectGroup("default")
	h.press("space")
	h.press("m")
	h.mustShow("Transfer 2 groups to", "2 groups: analytics, default.", "acme — Acme, starter plan")
	h.press("enter")
	h.mustShow("Transfer 2 groups to acme?")
	h.press("y")
	h.waitIdle()
	h.mustShow("Transferring 2 groups to acme: report", "0 done, 2 refused.", "analytics: ", "default: ", "limited to Scaler, Pro")
	if n := len(h.store.Groups("acme")); n != 1 {
		t.Fatalf("acme has %d groups", n)
	}
	h.press("esc")
	if got := h.listed(); !slices.Contains(got, "analytics") || !slices.Contains(got, "default") {
		t.Fatalf("a refused group left the list: %v", got)
	}
}

// Where the platform no longer serves the update, the first answers say
// so and the rest of the marked groups are not sent.
func TestBulkUpdateStopsWhereTheRouteIsGone(t *testing.T) {
	h := newHarness(t, withSeed("demo", 40), withGroupUpdate(emulator.GroupUpdateRemoved))
	h.send(ctrlA)
	n := h.m.list.marks.len()
	h.press("U")
	h.mustShow("Update the databases of " + plural(n, "group") + " to the latest version?")
	h.press("y")
	h.waitIdle()
	h.mustShow("0 done, ", "refused, ", "not sent.", "not sent: the platform no longer offers this")
	updates := 0
	for _, r := range h.mutations() {
		if strings.HasSuffix(r, "/update") {
			updates++
		}
	}
	if updates == 0 || updates > bulkConcurrency {
		t.Fatalf("%d updates sent for %d groups, want at most the %d in flight when the first answered", updates, n, bulkConcurrency)
	}
}

// A change of many drops the shared cache's load as a change of one
// does: the other dashboard sees it at its next refresh, even within the
// TTL, and its data is untouched until then (the changing dashboard
// copies the groups it changes).
func TestBulkChangeIsSeenByTheOther(t *testing.T) {
	a := newHarness(t, withoutInit())
	b := twin(t, a, cache.New(time.Hour))
	a.run(a.m.Init())
	b.run(b.m.Init())
	a.press("space")
	a.selectGroup("default")
	a.press("space", "p", "enter", "y")
	a.waitIdle()
	a.mustShow("2 done.")
	if strings.Contains(b.rowOf("analytics"), "protected") {
		t.Fatal("b's data changed under it before its refresh")
	}
	b.press("r")
	b.waitIdle()
	for _, g := range []string{"analytics", "default"} {
		if !strings.Contains(b.rowOf(g), "protected") {
			t.Errorf("b's refresh within the TTL does not show %s protected:\n%s", g, b.screen())
		}
	}
}
