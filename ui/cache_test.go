package ui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// twin is a second dashboard on h's API, the two sharing the cache
// shared (h's dashboard gets it too); neither has loaded yet.
func twin(t *testing.T, h *harness, shared *cache.Cache) *harness {
	t.Helper()
	h.m.opts.Cache = shared
	o := h.m.opts
	o.Copy = nil
	b := &harness{t: t, store: h.store, emu: h.emu, srv: h.srv, reqs: h.reqs, w: h.w, h: h.h}
	b.m = New(o)
	t.Cleanup(b.m.Close)
	b.send(tea.WindowSizeMsg{Width: b.w, Height: b.h})
	return b
}

// countReqs counts the requests whose "METHOD path" ends with suffix.
func countReqs(h *harness, suffix string) int {
	n := 0
	for _, p := range h.reqs.snapshot() {
		if strings.HasSuffix(p, suffix) {
			n++
		}
	}
	return n
}

// loadTogether runs the dashboards' Init at the same time, as sessions
// opening at once do, then feeds each its messages.
func loadTogether(hs ...*harness) {
	cmds := make([]tea.Cmd, len(hs))
	for i, h := range hs {
		cmds[i] = h.m.Init()
	}
	msgs := make([][]tea.Msg, len(hs))
	var wg sync.WaitGroup
	for i := range hs {
		wg.Go(func() {
			// The batch's API commands run concurrently, as the program
			// runs them; timers and blinks are left out.
			batch := cmds[i]().(tea.BatchMsg)
			out := make([]tea.Msg, len(batch))
			var inner sync.WaitGroup
			for j, c := range batch {
				// (Names by substring: inlining prefixes the caller's.)
				if name := cmdName(c); strings.Contains(name, "loadGroupListCmd") || strings.Contains(name, "loadDatabasesCmd") || strings.Contains(name, "loadLocationsCmd") {
					inner.Go(func() { out[j] = c() })
				}
			}
			inner.Wait()
			msgs[i] = out
		})
	}
	wg.Wait()
	for i, h := range hs {
		for _, msg := range msgs[i] {
			if msg != nil {
				h.send(msg)
			}
		}
	}
}

func sameSlice[T any](a, b []T) bool { return unsafe.SliceData(a) == unsafe.SliceData(b) }

func sameMap(a, b any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// Two dashboards opening at once with one cache make one groups request
// and one databases request between them, and hold the same data, not a
// copy each; their lists, cursors and filters stay their own.
func TestCacheSharesConcurrentLoads(t *testing.T) {
	// The latency keeps the first load in flight while the second starts.
	a := newHarness(t, withoutInit(), withFaults(emulator.Faults{Latency: 100 * time.Millisecond}))
	b := twin(t, a, cache.New(time.Minute))
	loadTogether(a, b)
	for _, h := range []*harness{a, b} {
		h.mustShow("6 groups", "analytics", "staging")
		h.waitIdle()
	}
	for path, want := range map[string]int{"/groups": 1, "/databases": 1, "/v1/locations": 1} {
		if n := countReqs(a, path); n != want {
			t.Errorf("%d requests to …%s, want %d: %v", n, path, want, a.reqs.snapshot())
		}
	}
	if !sameSlice(a.m.groups, b.m.groups) {
		t.Error("the dashboards hold two copies of the groups")
	}
	if !sameMap(a.m.byName, b.m.byName) || !sameMap(a.m.dbs, b.m.dbs) {
		t.Error("the dashboards hold two copies of the indexes")
	}
	if !sameSlice(a.m.dbs["analytics"], b.m.dbs["analytics"]) || len(a.m.dbs["analytics"]) != 3 {
		t.Errorf("databases of analytics: %v and %v", a.m.dbs["analytics"], b.m.dbs["analytics"])
	}
	if !sameSlice(a.m.locs, b.m.locs) || len(a.m.locs) == 0 {
		t.Error("the dashboards hold two copies of the locations")
	}

	// Per-dashboard state stays per dashboard.
	a.press("j", "j", "s")
	b.press("/")
	b.typeText("edge")
	b.press("enter")
	if a.m.currentName() == b.m.currentName() || sameSlice(a.m.list.visible, b.m.list.visible) {
		t.Errorf("cursor/visible shared: a on %s, b on %s", a.m.currentName(), b.m.currentName())
	}
	a.mustShow("6 groups · sorted by location")
	a.mustNotShow("match")
	b.mustShow(`1 of 6 groups match "edge"`, "sorted by name")
}

// A refresh within the TTL reuses the other dashboard's load rather than
// make a request. (That a load older than the TTL is fetched again, the
// cache's own tests check with a clock of their own.)
func TestCacheReusesAFreshLoad(t *testing.T) {
	a := newHarness(t, withoutInit())
	b := twin(t, a, cache.New(time.Minute))
	a.run(a.m.Init())
	b.run(b.m.Init())
	if n := countReqs(a, "/groups"); n != 1 {
		t.Fatalf("%d groups requests for two dashboards within the TTL, want 1", n)
	}
	b.press("r")
	b.waitIdle()
	if n := countReqs(a, "/groups"); n != 1 || !sameSlice(a.m.groups, b.m.groups) {
		t.Fatalf("b's refresh made a request (%d in all) rather than reuse a's fresh load", n)
	}
	b.mustShow("6 groups")
}

// A dashboard's change reaches the other at its next refresh: the change
// drops the cached load, even within the TTL. The changing dashboard
// copies what it changes: the other's data is untouched until it reloads.
func TestCacheChangeIsSeenByTheOther(t *testing.T) {
	a := newHarness(t, withoutInit())
	b := twin(t, a, cache.New(time.Hour))
	a.run(a.m.Init())
	b.run(b.m.Init())
	shared := b.m.dbs

	a.selectGroup("staging")
	a.press("d")
	a.typeText("staging")
	a.press("enter")
	a.waitIdle()
	a.mustShow("5 groups", "Deleted staging")
	if _, ok := b.m.dbs["staging"]; !ok || !sameMap(b.m.dbs, shared) {
		t.Fatal("a's delete changed b's databases in place")
	}
	b.mustShow("6 groups", "staging")

	a.selectGroup("analytics")
	a.press("p")
	a.waitIdle()
	a.mustShow("Delete protection is on for analytics")
	if strings.Contains(b.rowOf("analytics"), "protected") {
		t.Fatal("a's change reached b before its refresh")
	}
	groups := countReqs(a, "/groups")
	b.press("r")
	b.waitIdle()
	b.mustShow("5 groups")
	if b.rowOf("staging") != "" || !strings.Contains(b.rowOf("analytics"), "protected") {
		t.Fatalf("b's refresh does not show a's changes:\n%s", b.screen())
	}
	if countReqs(a, "/groups") != groups+1 {
		t.Errorf("b's refresh after a change made %d groups requests, want 1", countReqs(a, "/groups")-groups)
	}
}

// Two dashboards with one cache showing the same rows ask for their usage
// and the plan once between them, and hold the same figures; a change to
// the organization's databases makes the next fetch ask again.
func TestCacheSharesUsageAndPlan(t *testing.T) {
	a := newHarness(t, withoutInit())
	shared := cache.New(time.Minute)
	b := twin(t, a, shared)
	a.run(a.m.Init())
	a.waitIdle()
	usage, plan := countReqs(a, "/usage"), countReqs(a, "/subscription")
	if usage == 0 || plan != 1 {
		t.Fatalf("a made %d usage and %d subscription requests, want some and 1", usage, plan)
	}
	b.run(b.m.Init())
	b.waitIdle()
	if n, p := countReqs(a, "/usage"), countReqs(a, "/subscription"); n != usage || p != plan {
		t.Fatalf("b asked again: usage %d → %d, subscription %d → %d requests", usage, n, plan, p)
	}
	ua, ub := a.m.dataset.usage["analytics"], b.m.dataset.usage["analytics"]
	if ua == nil || ub == nil || !ua.known || !ub.known || ua.total != ub.total || !sameMap(ua.byDB, ub.byDB) {
		t.Fatalf("analytics' usage: a %+v, b %+v; want the same figures", ua, ub)
	}
	if b.m.plan == nil || *b.m.plan != *a.m.plan {
		t.Fatalf("plans: a %+v, b %+v", a.m.plan, b.m.plan)
	}

	shared.Changed(b.m.sess.client, cache.Databases)
	b.press("r")
	b.waitIdle()
	if n := countReqs(a, "/usage"); n <= usage {
		t.Fatalf("after a change to the databases, b's refresh reused the old usage (%d requests in all)", n)
	}
}
