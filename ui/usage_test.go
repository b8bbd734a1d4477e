package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
)

// afterFirstFrame reports the requests the dashboard sends only once the
// groups are on screen: usage, the subscription and the plans.
func afterFirstFrame(req string) bool {
	return strings.HasSuffix(req, "/usage") || strings.HasSuffix(req, "/subscription") || strings.HasSuffix(req, "/plans")
}

// firstLoadFirst fails unless every request of the first load came
// before any of usage or the plan: these must not compete with its
// answers (n waits for the locations).
func firstLoadFirst(t *testing.T, reqs []string) {
	t.Helper()
	lastFirst, firstAfter := -1, len(reqs)
	for i, r := range reqs {
		if afterFirstFrame(r) {
			firstAfter = min(firstAfter, i)
		} else {
			lastFirst = i
		}
	}
	if lastFirst > firstAfter {
		t.Errorf("a request of the first load came after usage or the plan: %v", reqs)
	}
}

// known records figures for group, as a fetch would.
func known(d *dataset, group string, read, written, storage int64) {
	if d.usage == nil {
		d.usage = map[string]*groupUsage{}
	}
	u := d.usage[group]
	if u == nil {
		u = &groupUsage{}
		d.usage[group] = u
	}
	u.total = api.Usage{RowsRead: read, RowsWritten: written, StorageBytes: storage}
	u.known = true
	u.hist = append(u.hist, read+written)
}

func TestHumanFigures(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.0K", 1234: "1.2K", 34_000: "34K", 999_499: "999K", 999_500: "1.0M", 1_200_000: "1.2M", 5_600_000_000: "5.6B", -5: "0"} {
		if got := humanCount(n); got != want {
			t.Errorf("humanCount(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int64]string{0: "0 B", 4096: "4.1 KB", 340_000_000: "340 MB", 9_000_000_000: "9.0 GB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestUsageCell(t *testing.T) {
	d := newDataset()
	if got := d.usageCell("g"); got != "" {
		t.Errorf("not asked: %q", got)
	}
	d.usage = map[string]*groupUsage{"g": {fetching: true}, "bad": {err: errors.New("x")}}
	if got := d.usageCell("g"); got != "…" {
		t.Errorf("fetching: %q", got)
	}
	if got := d.usageCell("bad"); got != "?" {
		t.Errorf("failed: %q", got)
	}
	known(d, "g", 1_000_000, 200_000, 340_000_000)
	if got := d.usageCell("g"); got != "1.2M rows · 340 MB" {
		t.Errorf("known: %q", got)
	}
	if r, w, s := d.usageCells("g"); r != "1.0M" || w != "200K" || s != "340 MB" {
		t.Errorf("split: %q %q %q", r, w, s)
	}
}

// The usage columns: three at a wide width, one in between, none on a
// narrow screen, where the name, status and locations keep their room.
func TestUsageColumnsGiveWayFirst(t *testing.T) {
	nat := colWidths{name: 10, status: 7, statusWord: 7, primary: 20, primaryCode: 3, others: 15, version: 8}
	wide := layoutColumns(200, nat)
	if !wide.split || wide.version == 0 {
		t.Errorf("200 cells: %+v, want split usage and the version", wide)
	}
	if c := layoutColumns(105, nat); !c.split {
		t.Errorf("105 cells, room for all: %+v, want split usage", c)
	}
	mid := layoutColumns(104, nat)
	if mid.split || mid.usage != usageCombinedW+1 || mid.version == 0 || mid.primary != 20 {
		t.Errorf("104 cells: %+v, want one USAGE column and everything else whole", mid)
	}
	// Then usage goes, before the version or any other is cut.
	if c := layoutColumns(99, nat); c.usage != 0 || c.version != 8 || c.primary != 20 {
		t.Errorf("99 cells: %+v, want no usage, the others whole", c)
	}
	l := newTestList(t, 3, 200, 10)
	known(l.data, "g01", 1_000, 500, 4096)
	view := l.View()
	for _, want := range []string{"READ", "WRITTEN", "STORAGE", "1.0K", "500", "4.1 KB"} {
		if !strings.Contains(view, want) {
			t.Errorf("wide list lacks %q:\n%s", want, view)
		}
	}
	l.SetSize(82, 10)
	if view := l.View(); !strings.Contains(view, "USAGE") || !strings.Contains(view, "1.5K rows · 4.1 KB") {
		t.Errorf("list at 82 lacks the USAGE column:\n%s", view)
	}
}

// s reaches "usage": the busiest first, the groups not measured yet last
// by name.
func TestSortByUsage(t *testing.T) {
	l := newTestList(t, 5, 100, 12)
	known(l.data, "g03", 10, 0, 1)
	known(l.data, "g01", 5_000, 10, 1)
	known(l.data, "g04", 10, 0, 9) // same rows as g03, more storage
	for l.sort != sortUsage {
		l.press(t, "s")
	}
	var got []string
	for _, i := range l.visible {
		got = append(got, l.data.groups[i].Name)
	}
	if want := []string{"g01", "g04", "g03", "g00", "g02"}; !slices.Equal(got, want) {
		t.Errorf("sorted by usage: %v, want %v", got, want)
	}
	if !strings.Contains(l.summary(), "sorted by usage") {
		t.Errorf("summary: %q", l.summary())
	}
	l.press(t, "s")
	if l.sort != sortName {
		t.Errorf("s after usage: %v, want the cycle back at name", l.sort)
	}
}

func TestPlanTitle(t *testing.T) {
	for in, want := range map[string]string{"starter": "Starter", "": "", "élan": "Élan", "x\x1b[31m": "X\uFFFD[31m"} {
		if got := planTitle(in); got != want {
			t.Errorf("planTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeaderPlanLine(t *testing.T) {
	h := newTestHeader(Options{Local: true}, 120)
	if h.data.planLine() != "" || strings.Contains(h.View(), "∞") {
		t.Fatalf("plan shown before it is known: %q", h.View())
	}
	h.data.groups = make([]api.Group, 3)
	h.data.plan = &planInfo{name: "scaler", unlimited: true, groups: 2147483647}
	if got := h.drawn(t)[0]; !strings.Contains(got, "3/∞ groups · Scaler") {
		t.Errorf("unlimited: %q", got)
	}
	h.data.groups = h.data.groups[:1]
	h.data.plan = &planInfo{name: "starter", groups: 1}
	if got := h.drawn(t)[0]; !strings.Contains(got, "1/1 groups · Starter") {
		t.Errorf("starter: %q", got)
	}
	if got, want := h.data.atGroupLimit(), "demo's Starter plan allows 1 group; it has 1. Upgrade the plan or delete a group first."; got != want {
		t.Errorf("atGroupLimit = %q, want %q", got, want)
	}
	h.data.plan = &planInfo{name: "scaler", unlimited: true}
	if got := h.data.atGroupLimit(); got != "" {
		t.Errorf("unlimited plan refuses: %q", got)
	}
}

func TestDetailUsageLine(t *testing.T) {
	v := newTestDetail(t, 2, 100, 30)
	if !strings.Contains(v.View(), "Usage") {
		t.Fatalf("no usage line:\n%s", v.View())
	}
	known(v.data, "big", 1_000, 100, 8192)
	if got := v.View(); !strings.Contains(got, "1.0K read · 100 written · 8.2 KB") || strings.ContainsAny(got, "▁█") {
		t.Errorf("one refresh: want the figures, no sparkline yet:\n%s", got)
	}
	known(v.data, "big", 1_500, 100, 8192) // +500
	known(v.data, "big", 1_600, 100, 8192) // +100
	known(v.data, "big", 2_600, 100, 8192) // +1000
	if got := v.View(); !strings.Contains(got, "2.6K read · 100 written · 8.2 KB  ▄▁█") {
		t.Errorf("three refreshes: want a sparkline of what each added:\n%s", got)
	}
	v.data.usage["big"].byDB = map[string]api.Usage{"db000": {RowsRead: 7}}
	if got := v.data.databaseUsage("big", "db000"); got != "7 read · 0 written · 0 B" {
		t.Errorf("databaseUsage = %q", got)
	}
}

func TestSparklineWrapsToANewPeriod(t *testing.T) {
	if got := sparkline([]int64{100, 200, 50}); got != "█▄" {
		t.Errorf("a total that fell (new period) counts as its value: %q", got)
	}
	if got := sparkline([]int64{5, 5, 5}); got != "▁▁" {
		t.Errorf("idle: %q", got)
	}
}

// The first load is the groups, the databases and the locations; the
// plan and the usage come after the groups are on screen.
func TestUsageAndPlanWaitForTheFirstFrame(t *testing.T) {
	h := newHarness(t, withSeed("demo", 200), withoutInit())
	var atFirstFrame []string
	h.afterUpdate = func() {
		if h.m.load.loaded && atFirstFrame == nil {
			atFirstFrame = h.reqs.snapshot()
		}
	}
	h.run(h.m.Init())
	h.waitIdle()
	if slices.ContainsFunc(atFirstFrame, afterFirstFrame) {
		t.Errorf("usage or plan asked for before the first frame: %v", atFirstFrame)
	}
	firstLoadFirst(t, h.reqs.snapshot())
	var after []string
	for _, r := range h.reqs.snapshot() {
		if afterFirstFrame(r) {
			after = append(after, r)
		}
	}
	if !slices.Contains(after, "GET /v1/organizations/demo/subscription") || !slices.Contains(after, "GET /v1/organizations/demo/plans") {
		t.Errorf("plan not asked for: %v", after)
	}
	// Usage: the databases of the rows on screen, no others.
	onScreen := map[string]bool{}
	for pos := h.m.list.offset; pos < h.m.list.offset+h.m.list.height; pos++ {
		for _, d := range h.m.dbs[h.m.groups[h.m.list.visible[pos]].Name] {
			onScreen["GET /v1/organizations/demo/databases/"+d.Name+"/usage"] = true
		}
	}
	n := 0
	for _, r := range after {
		if strings.HasSuffix(r, "/usage") {
			n++
			if !onScreen[r] {
				t.Errorf("usage of a database off screen: %s", r)
			}
		}
	}
	if n != len(onScreen) {
		t.Errorf("%d usage requests for %d databases on screen", n, len(onScreen))
	}
	h.mustShow("206/∞ groups · Scaler")
}

// Scrolling fetches the usage of the rows that come into view, once per
// refresh; r fetches again.
func TestUsageFollowsTheWindow(t *testing.T) {
	h := newHarness(t, withSeed("demo", 200), withSize(120, 30))
	h.waitIdle()
	first := h.m.groups[h.m.list.visible[0]].Name
	if u := h.m.dataset.usage[first]; u == nil || !u.known {
		t.Fatalf("no usage for the first row %s", first)
	}
	h.mustShow("USAGE", " rows · ")
	below := h.m.groups[h.m.list.visible[h.m.list.height+5]].Name
	if u := h.m.dataset.usage[below]; u != nil {
		t.Fatalf("usage of %s, off screen, was fetched", below)
	}
	h.reqs.reset()
	h.press("pgdown", "pgdown")
	if u := h.m.dataset.usage[below]; u == nil || !u.known {
		t.Fatalf("usage of %s not fetched once on screen", below)
	}
	if n := len(h.reqs.snapshot()); n == 0 || n > 3*h.m.list.height {
		t.Errorf("a page down made %d requests", n)
	}
	// Moving within what was fetched asks nothing.
	h.reqs.reset()
	h.press("k", "j")
	if reqs := h.reqs.snapshot(); len(reqs) != 0 {
		t.Errorf("moving over fetched rows sent %v", reqs)
	}
	// A refresh fetches the rows on screen again, once.
	h.press("r")
	h.waitIdle()
	usage := slices.DeleteFunc(h.reqs.snapshot(), func(r string) bool { return !strings.HasSuffix(r, "/usage") })
	if len(usage) == 0 {
		t.Errorf("a refresh fetched no usage: %v", h.reqs.snapshot())
	}
	if u := h.m.dataset.usage[below]; u == nil || len(u.hist) != 2 {
		t.Errorf("history of %s after a refresh: %+v", below, u)
	}
}

// The Starter plan of acme allows one group, which it has: n says so
// before the form, and sends nothing.
func TestCreateRefusedAtThePlanLimit(t *testing.T) {
	h := newHarness(t)
	h.run(h.m.switchOrg("acme"))
	h.waitIdle()
	h.mustShow("1/1 groups · Starter")
	h.reqs.reset()
	h.press("n")
	if h.m.focus.form() != nil {
		t.Fatal("n opened the form at the plan's limit")
	}
	h.mustShow("acme's Starter plan allows 1 group; it has 1. Upgrade the plan or delete a group first.")
	if reqs := h.reqs.snapshot(); slices.ContainsFunc(reqs, func(r string) bool { return strings.HasPrefix(r, "POST") }) {
		t.Errorf("n sent %v", reqs)
	}
}

// A token that may not read the plan: the header says nothing of it and
// n opens the form as before.
func TestPlanUnknownChangesNothing(t *testing.T) {
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/subscription") {
				http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.run(h.m.switchOrg("acme"))
	h.waitIdle()
	h.mustNotShow("1/1", "Starter")
	h.press("n")
	if h.m.focus.form() == nil {
		t.Fatalf("n did not open the form:\n%s", h.screen())
	}
}

// An organization switch and quitting cancel the usage fetches in
// flight; their answers, if any, are dropped.
func TestUsageCancelledOnSwitchAndQuit(t *testing.T) {
	h := newHarness(t)
	ctx := h.m.usage.ctx
	h.run(h.m.switchOrg("acme"))
	if ctx.Err() == nil {
		t.Error("switching organization left the usage fetches running")
	}
	if u := h.m.dataset.usage["analytics"]; u != nil {
		t.Errorf("demo's usage kept in acme: %+v", u)
	}
	h.waitIdle()
	if u := h.m.dataset.usage["production"]; u == nil || !u.known {
		t.Errorf("acme's usage not fetched: %+v", u)
	}
	ctx = h.m.usage.ctx
	h.press("q")
	if ctx.Err() == nil {
		t.Error("quitting left the usage fetches running")
	}
}

// A token that may not read usage: one refusal stops the fetches, the
// cells say "?", and nothing else changes.
func TestUsageRefusedStopsAsking(t *testing.T) {
	h := newHarness(t, withSeed("demo", 50), withSize(120, 30), withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/usage") {
				http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.waitIdle()
	if !h.m.usage.refused {
		t.Fatal("a refused usage request did not stop the fetches")
	}
	h.reqs.reset()
	h.press("pgdown", "pgdown")
	if reqs := slices.DeleteFunc(h.reqs.snapshot(), func(r string) bool { return !strings.HasSuffix(r, "/usage") }); len(reqs) != 0 {
		t.Errorf("usage asked for again after a refusal: %v", reqs)
	}
	h.mustShow("56/∞ groups")
}

// Opening at 10,000 groups (30,000 databases) against a remote API:
// the first load is still 4 requests; then the plan (2) and the usage of
// the databases on screen, however many groups there are.
func TestOpeningTenThousandGroupsBeforeUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 groups")
	}
	h := newHarness(t, withSeed("demo", 10000), remote(), withoutInit())
	var atFirstFrame []string
	h.afterUpdate = func() {
		if h.m.load.loaded && atFirstFrame == nil {
			atFirstFrame = h.reqs.snapshot()
		}
	}
	h.run(h.m.Init())
	h.waitIdle()
	all := h.reqs.snapshot()
	first := slices.DeleteFunc(slices.Clone(all), afterFirstFrame)
	if len(first) > 4 || slices.ContainsFunc(atFirstFrame, afterFirstFrame) {
		t.Errorf("before usage: %v (at the first frame %v), want at most 4 and no usage or plan", first, atFirstFrame)
	}
	firstLoadFirst(t, all)
	after := len(all) - len(first)
	rows := h.m.list.height
	if after > 2+3*rows {
		t.Errorf("%d requests after the first frame for %d rows on screen", after, rows)
	}
	t.Logf("10,006 groups: %d requests before usage, %d after the first frame (%d rows on screen)", len(first), after, rows)
}

// Usage and the plan wait for the locations as well as the groups and
// the databases: sent sooner, they would compete with the locations'
// answer, which n waits for.
func TestUsageWaitsForTheLocations(t *testing.T) {
	h := newHarness(t, withoutInit())
	h.run(tea.Batch(h.m.reload()...))
	if !h.m.load.loaded || !h.m.dbsKnown {
		t.Fatal("groups and databases not loaded")
	}
	if reqs := h.reqs.snapshot(); slices.ContainsFunc(reqs, afterFirstFrame) {
		t.Fatalf("usage or plan asked for before the locations answered: %v", reqs)
	}
	h.run(loadLocationsCmd(h.m.sess.ctx, h.m.sess.client, nil))
	if u := h.m.dataset.usage["analytics"]; u == nil || !u.known {
		t.Errorf("usage not fetched once the locations answered: %+v", u)
	}
	h.mustShow("6/∞ groups · Scaler")
}

// Usage answers come in batches: those already in are one message (one
// redraw), and the ones still out come in the next, delivered by the
// batch's more.
func TestUsageAnswersComeBatched(t *testing.T) {
	out := make(chan usageLoadedMsg, 30)
	for i := range 25 {
		out <- usageLoadedMsg{group: fmt.Sprint("g", i)}
	}
	msg := collectUsage(out, 27, 1, 2)().(usageBatchMsg)
	if len(msg.answers) != 25 || msg.more == nil || msg.gen != 1 || msg.seq != 2 {
		t.Fatalf("first batch: %d answers, more %v, gen %d seq %d; want the 25 in, and more for the 2 out", len(msg.answers), msg.more != nil, msg.gen, msg.seq)
	}
	out <- usageLoadedMsg{group: "late1"}
	out <- usageLoadedMsg{group: "late2"}
	last := msg.more().(usageBatchMsg)
	if len(last.answers) != 2 || last.more != nil || last.answers[1].group != "late2" {
		t.Fatalf("second batch: %+v; want the 2 late ones and no more", last)
	}
}
