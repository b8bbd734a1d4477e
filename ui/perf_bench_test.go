package ui

import (
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/seed372e9e9a/turso-groups/api"
)

// The benchmarks measure the dashboard alone: the model is built directly
// and given a loaded data set as the load commands build it, no HTTP. Every size
// runs at 10, 1,000 and 10,000 groups (three databases each, so 30,000 at
// the top) to show how the cost grows with the data:
//
//	go test ./ui -run '^$' -bench . -benchmem
//
// The renderer draws in true colour, as a real terminal would: styling
// is part of the cost of a frame.

var benchSizes = []int{10, 1000, 10000}

var benchLocations = []api.Location{
	{Code: "aws-us-east-1", Name: "AWS US East (Virginia)"},
	{Code: "aws-eu-west-1", Name: "AWS EU West (Ireland)"},
	{Code: "aws-ap-south-1", Name: "AWS AP South (Mumbai)"},
	{Code: "aws-us-west-2", Name: "AWS US West (Oregon)"},
	{Code: "fra", Name: "Frankfurt, Germany"},
	{Code: "lhr", Name: "London, United Kingdom"},
	{Code: "sin", Name: "Singapore"},
}

// benchData is n groups shaped like the local API's synthetic ones
// (load-00001, ...; one or two locations; three databases each), in a
// shuffled order: a real API does not promise any.
func benchData(n int) ([]api.Group, []api.Database) {
	groups := make([]api.Group, 0, n)
	dbs := make([]api.Database, 0, 3*n)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("load-%05d", i)
		locs := []string{benchLocations[i%len(benchLocations)].Code}
		if i%3 == 0 {
			locs = append(locs, benchLocations[(i+2)%len(benchLocations)].Code)
		}
		status := make([]api.LocationStatus, len(locs))
		for j, l := range locs {
			status[j] = api.LocationStatus{Name: l, Status: "up"}
		}
		groups = append(groups, api.Group{
			Name:             name,
			UUID:             fmt.Sprintf("6f1c2a52-%04x-4d7e-9a3b-%012x", i%0x10000, i),
			Version:          "v0.24.32",
			Locations:        locs,
			Primary:          locs[0],
			Archived:         i%97 == 0,
			DeleteProtection: i%13 == 0,
			Status:           &api.GroupStatus{Locations: status},
		})
		for _, s := range []string{"c", "a", "b"} {
			db := name + "-" + s
			dbs = append(dbs, api.Database{
				Name: db, ID: strconv.Itoa(i) + s, Hostname: db + "-demo.turso.io", Group: name,
				PrimaryRegion: locs[0], Regions: locs,
			})
		}
	}
	r := rand.New(rand.NewSource(1))
	r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	r.Shuffle(len(dbs), func(i, j int) { dbs[i], dbs[j] = dbs[j], dbs[i] })
	return groups, dbs
}

func benchRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return r
}

// benchModel is a dashboard of w×h with n groups loaded, the cursor on
// the first row. No request is ever sent: the client points nowhere.
func benchModel(b *testing.B, n, w, h int) *Model {
	b.Helper()
	client, err := api.New(api.Options{BaseURL: "http://127.0.0.1:1", Token: "t", Org: "demo"})
	if err != nil {
		b.Fatal(err)
	}
	m := New(Options{Client: client, APIURL: "http://127.0.0.1:1", Local: true, User: "demo", Renderer: benchRenderer()})
	b.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(locationsLoadedMsg{locs: benchLocations})
	groups, dbs := benchData(n)
	gm, dm := loadedMsgs(m.load.loadSeq, m.sess.gen, groups, dbs)
	m.Update(gm)
	m.Update(dm)
	if len(m.list.visible) != n {
		b.Fatalf("loaded %d groups, want %d", len(m.list.visible), n)
	}
	_ = m.View()
	return m
}

func benchSizeName(n int) string { return "groups=" + strconv.Itoa(n) }

// BenchmarkView draws the list screen: 100x30, and 200x50 with the
// selected group's details beside the list.
func BenchmarkView(b *testing.B) {
	for _, size := range []struct{ w, h int }{{100, 30}, {200, 50}} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dx%d", benchSizeName(n), size.w, size.h), func(b *testing.B) {
				m := benchModel(b, n, size.w, size.h)
				// Mid-list, where neither end makes it cheaper.
				m.list.move(n / 2)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkFilterKeystroke is one key typed into the open filter, then
// the frame it leads to (Update + View). The keys alternate between a
// digit and backspace, so the query stays one or two characters long and
// every keystroke refilters the whole list: the worst case.
func BenchmarkFilterKeystroke(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchSizeName(n), func(b *testing.B) {
			m := benchModel(b, n, 100, 30)
			m.Update(keyMsg("/"))
			m.Update(keyMsg("1"))
			keys := []tea.KeyMsg{keyMsg("5"), keyMsg("backspace")}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				m.Update(keys[i%2])
				_ = m.View()
				i++
			}
			if !m.list.filtering || len(m.list.query) == 0 {
				b.Fatalf("the filter closed: %q", m.list.query)
			}
		})
	}
}

// BenchmarkCursorMove is one cursor move and its frame (Update + View):
// one row down, or one page down. At the end of the list the cursor
// goes back to the top, which is a move too.
func BenchmarkCursorMove(b *testing.B) {
	for _, mv := range []struct{ name, key string }{{"down", "down"}, {"pgdown", "pgdown"}} {
		for _, n := range benchSizes {
			b.Run(benchSizeName(n)+"/"+mv.name, func(b *testing.B) {
				m := benchModel(b, n, 100, 30)
				k, top := keyMsg(mv.key), keyMsg("home")
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if m.list.cursor == len(m.list.visible)-1 {
						m.Update(top)
					} else {
						m.Update(k)
					}
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkCursorMoveUsageArriving is a cursor move while usage
// arrives: each iteration, one group on screen gets its figures (as its
// fetch answers) and then a key moves the cursor and the screen is drawn.
// "sorted-by-usage" makes each arrival the last of its batch, so that
// every one resorts all the groups: the worst case of a keystroke that
// waits behind an answer (the budget is 16 ms).
func BenchmarkCursorMoveUsageArriving(b *testing.B) {
	for _, sorted := range []bool{false, true} {
		for _, n := range benchSizes {
			name := benchSizeName(n) + "/by-name"
			if sorted {
				name = benchSizeName(n) + "/sorted-by-usage"
			}
			b.Run(name, func(b *testing.B) {
				m := benchModel(b, n, 120, 30)
				if sorted {
					m.list.sort = sortUsage
					m.list.resort()
					m.list.refilter("")
				}
				k, top := keyMsg("down"), keyMsg("home")
				var i int64
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					i++
					m.usage.inflight = 0 // the last answer of its batch
					row := m.list.visible[m.list.offset+int(i)%max(m.list.height, 1)%max(len(m.list.visible)-m.list.offset, 1)]
					m.Update(usageBatchMsg{gen: m.sess.gen, seq: m.usage.seq, answers: []usageLoadedMsg{{group: m.groups[row].Name,
						total: api.Usage{RowsRead: i * 1000, RowsWritten: i, StorageBytes: i * 4096}}}})
					if m.list.cursor == len(m.list.visible)-1 {
						m.Update(top)
					} else {
						m.Update(k)
					}
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkCursorMoveSidePanel is BenchmarkCursorMove at 200x50, where
// every move also redraws the side panel's details.
func BenchmarkCursorMoveSidePanel(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchSizeName(n), func(b *testing.B) {
			m := benchModel(b, n, 200, 50)
			k, top := keyMsg("down"), keyMsg("home")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if m.list.cursor == len(m.list.visible)-1 {
					m.Update(top)
				} else {
					m.Update(k)
				}
				_ = m.View()
			}
		})
	}
}

// BenchmarkLoadApply indexes and applies a load of n groups and 3n
// databases (index, databases grouped by group, sort): "apply" is that
// and the two Updates, "first-frame" adds the View that follows them. The data comes
// shuffled (no order is promised), or, for "apply-api-order", sorted by
// name as the local API sends it.
func BenchmarkLoadApply(b *testing.B) {
	for _, n := range benchSizes {
		for _, variant := range []string{"apply", "first-frame", "apply-api-order"} {
			b.Run(benchSizeName(n)+"/"+variant, func(b *testing.B) {
				m := benchModel(b, n, 100, 30)
				groups, dbs := benchData(n)
				if variant == "apply-api-order" {
					slices.SortFunc(groups, func(a, b api.Group) int { return strings.Compare(a.Name, b.Name) })
					slices.SortFunc(dbs, func(a, b api.Database) int { return strings.Compare(a.Name, b.Name) })
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					// What a load costs: indexing (in the commands) and
					// applying both messages.
					gm, dm := loadedMsgs(m.load.loadSeq, m.sess.gen, groups, dbs)
					m.Update(gm)
					m.Update(dm)
					if variant == "first-frame" {
						_ = m.View()
					}
				}
			})
		}
	}
}

// BenchmarkSort is one press of the sort key (Update + View): the only
// key that reorders the whole list.
func BenchmarkSort(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchSizeName(n), func(b *testing.B) {
			m := benchModel(b, n, 100, 30)
			k := keyMsg("s")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.Update(k)
				_ = m.View()
			}
		})
	}
}

// BenchmarkViewManyDatabases draws a group that holds many databases:
// in the side panel at 200x50, and on its detail screen scrolled to the
// middle at 100x30. Only the rows on screen may be drawn, so the cost must
// not grow with the group's databases.
func BenchmarkViewManyDatabases(b *testing.B) {
	for _, n := range []int{10, 1000, 30000} {
		for _, detail := range []bool{false, true} {
			name := fmt.Sprintf("databases=%d/side-panel", n)
			w, h := 200, 50
			if detail {
				name = fmt.Sprintf("databases=%d/detail", n)
				w, h = 100, 30
			}
			b.Run(name, func(b *testing.B) {
				m := benchModel(b, 10, w, h)
				g := m.groups[m.list.visible[0]]
				dbs := make([]api.Database, n)
				for i := range dbs {
					db := fmt.Sprintf("%s-db-%05d", g.Name, i)
					dbs[i] = api.Database{Name: db, Hostname: db + "-demo.turso.io", Group: g.Name, PrimaryRegion: g.Primary}
				}
				m.dbs = map[string][]api.Database{g.Name: dbs}
				if detail {
					m.Update(keyMsg("enter"))
					for range n / 20 {
						m.Update(keyMsg("pgdown"))
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkHeldMemory reports the heap a loaded dashboard holds (MB-held,
// after a GC): the decoded groups and databases plus the dashboard's own
// indexes. The data is built first and counted as held, since the
// dashboard keeps it.
func BenchmarkHeldMemory(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchSizeName(n), func(b *testing.B) {
			var held float64
			for b.Loop() {
				b.StopTimer()
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				b.StartTimer()
				m := benchModel(b, n, 100, 30)
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				held = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
				runtime.KeepAlive(m)
				m.Close()
				b.StartTimer()
			}
			b.ReportMetric(held, "MB-held")
		})
	}
}

// A group's detail draws only the database rows in its window; scrolling
// still reaches every row and the actions below them.
func TestDetailOfAGroupWithManyDatabases(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	dbs := make([]api.Database, 500)
	for i := range dbs {
		name := fmt.Sprintf("tenant-%03d", i)
		dbs[i] = api.Database{Name: name, Hostname: name + "-demo.turso.io", Group: "default", PrimaryRegion: "fra"}
	}
	h.m.dbs = map[string][]api.Database{"default": dbs}
	h.press("enter")
	// The actions come before the databases, within reach.
	h.mustShow("Databases  500", "tenant-000", "tenant-003", "rotate tokens", "more · ")
	h.mustNotShow("tenant-499")
	for range 60 {
		h.press("pgdown")
	}
	h.mustShow("tenant-499", "above · ")
	h.mustNotShow("tenant-000", "rotate tokens")
	// The scroll stops at the end: the last database is on the row above
	// the one that says what is above.
	lines := strings.Split(strings.TrimRight(h.screen(), "\n"), "\n")
	if body := lines[len(lines)-4]; !strings.Contains(body, "tenant-499") {
		t.Errorf("the detail does not end at the bottom of the body:\n%s", h.screen())
	}
	h.press("g")
	h.mustShow("tenant-000", "UUID")
}

// BenchmarkSpinnerTurn is one turn of the footer's spinner and the frame
// it leads to (Update + View) on an idle list: while a change is in
// flight a session gets 12 a second, and at 1,000 SSH sessions each was
// a whole redraw.
func BenchmarkSpinnerTurn(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchSizeName(n), func(b *testing.B) {
			m := benchModel(b, n, 120, 30)
			m.ops.pending = map[int]string{1: "Protecting billing"} // the footer shows the spinner
			m.Update(struct{}{})
			tick := spinner.TickMsg{ID: m.footer.spinner.ID()}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.Update(tick)
				_ = m.View()
			}
		})
	}
}
