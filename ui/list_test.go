package ui

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestLoadShowsTheGroups(t *testing.T) {
	h := newHarness(t)
	h.waitIdle()
	h.mustShow("6 groups · sorted by name")
	if got, want := h.listed(), []string{"analytics", "billing", "default", "edge-cache", "legacy", "staging"}; !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	for name, want := range map[string][]string{
		// primary with its name, other locations, databases, version, badge
		"default":    {"fra Frankfurt, Germany", "lhr", " 2 ", "v0.24.32"},
		"edge-cache": {"ams Amsterdam", "sin, syd, gru", " 4 "},
		"analytics":  {"aws-us-east-1", "aws-eu-west-1", " 3 "},
		"legacy":     {"lhr London", " 1 ", "v0.23.7", "Archived"},
		"billing":    {"aws-us-west-2", " 2 ", "protected"},
		"staging":    {"aws-us-east-2", " 1 ", "v0.24.28"},
	} {
		row := h.rowOf(name)
		if row == "" {
			t.Fatalf("no row for %s:\n%s", name, h.screen())
		}
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("row of %s lacks %q: %q", name, w, row)
			}
		}
	}
	for _, name := range []string{"default", "analytics", "edge-cache", "staging"} {
		if row := h.rowOf(name); strings.Contains(row, "Archived") || strings.Contains(row, "protected") || !strings.Contains(row, "Healthy") {
			t.Errorf("row of %s has a badge it should not: %q", name, row)
		}
	}
	// The cursor starts on the first row.
	if row := h.rowOf("analytics"); !strings.HasPrefix(row, "> ") {
		t.Errorf("cursor not on the first row: %q", row)
	}
}

// The first load asks for the groups, all databases and the locations (and
// validates the token against a remote API): never one request per group.
func TestFirstLoadRequestsDoNotGrowWithGroups(t *testing.T) {
	for _, local := range []bool{true, false} {
		counts := map[int]int{}
		for _, n := range []int{0, 200} {
			opts := []option{withSeed("demo", n)}
			if !local {
				opts = append(opts, remote())
			}
			h := newHarness(t, opts...)
			h.waitIdle()
			if len(h.m.groups) != 6+n {
				t.Fatalf("loaded %d groups, want %d", len(h.m.groups), 6+n)
			}
			// Usage and the plan are asked for once the list is on
			// screen (TestUsageAndPlanWaitForTheFirstFrame): not part
			// of the first load.
			reqs := slices.DeleteFunc(h.reqs.snapshot(), afterFirstFrame)
			counts[n] = len(reqs)
			want := []string{"GET /v1/locations", "GET /v1/organizations/demo/databases", "GET /v1/organizations/demo/groups"}
			if !local {
				want = append(want, "GET /v1/auth/validate")
			}
			slices.Sort(reqs)
			slices.Sort(want)
			if !slices.Equal(reqs, want) {
				t.Errorf("local=%v, %d groups: requests %v, want %v", local, 6+n, reqs, want)
			}
			if len(reqs) > 4 {
				t.Errorf("first load made %d requests, want at most 4", len(reqs))
			}
		}
		if counts[0] != counts[200] {
			t.Errorf("local=%v: %d requests for 6 groups but %d for 206", local, counts[0], counts[200])
		}
	}
}

func TestFilter(t *testing.T) {
	h := newHarness(t)
	h.press("/")
	if !h.m.list.filtering {
		t.Fatal("/ did not open the filter")
	}
	h.typeText("lh") // default and legacy are in lhr
	if got := h.listed(); !slices.Equal(got, []string{"default", "legacy"}) {
		t.Fatalf("filter lh: %v", got)
	}
	h.mustShow("/lh")
	h.typeText("r")
	if got := h.listed(); !slices.Equal(got, []string{"default", "legacy"}) {
		t.Fatalf("filter lhr: %v", got)
	}
	h.press("enter")
	if h.m.list.filtering {
		t.Fatal("enter did not close the filter")
	}
	h.mustShow(`2 of 6 groups match "lhr"`)
	if h.rowOf("analytics") != "" || h.rowOf("legacy") == "" {
		t.Fatalf("filtered list shows the wrong rows:\n%s", h.screen())
	}
	// Keys are actions again once the filter is applied.
	h.press("j")
	if h.m.currentName() != "legacy" {
		t.Fatalf("j in the applied filter: cursor on %s", h.m.currentName())
	}
	// By name too, and case-insensitively.
	h.press("/", "ctrl+u")
	h.typeText("EDGE")
	if got := h.listed(); !slices.Equal(got, []string{"edge-cache"}) {
		t.Fatalf("filter EDGE: %v", got)
	}
	// No match says so.
	h.typeText("zzz")
	h.mustShow("No group matches")
	// esc clears the filter.
	h.press("esc")
	if h.m.list.filtering || h.m.list.query != "" || len(h.listed()) != 6 {
		t.Fatalf("esc did not clear the filter: filtering=%v query=%q listed=%v", h.m.list.filtering, h.m.list.query, h.listed())
	}
	h.mustShow("6 groups · sorted by name")
	// esc on the list clears an applied filter as well.
	h.press("/")
	h.typeText("stag")
	h.press("enter", "esc")
	if len(h.listed()) != 6 {
		t.Fatalf("esc on the list kept the filter: %v", h.listed())
	}
}

func TestSortCycles(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	orders := []struct {
		label string
		want  []string
	}{
		// by primary location code, then name
		{"location", []string{"edge-cache", "analytics", "staging", "billing", "default", "legacy"}},
		// most databases first, then name
		{"databases", []string{"edge-cache", "analytics", "billing", "default", "legacy", "staging"}},
		// needing attention first: legacy is archived, the rest healthy
		{"status", []string{"legacy", "analytics", "billing", "default", "edge-cache", "staging"}},
		// busiest first: rows read and written this month, from the
		// databases' usage (every row is on screen, so all are known)
		{"usage", []string{"edge-cache", "analytics", "billing", "default", "staging", "legacy"}},
		{"name", []string{"analytics", "billing", "default", "edge-cache", "legacy", "staging"}},
	}
	for _, o := range orders {
		h.press("s")
		h.mustShow("sorted by " + o.label)
		if got := h.listed(); !slices.Equal(got, o.want) {
			t.Errorf("sorted by %s: %v, want %v", o.label, got, o.want)
		}
		// The screen follows the model's order.
		var onScreen []string
		for _, line := range strings.Split(h.screen(), "\n") {
			for _, name := range o.want {
				if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), ">")); len(f) > 0 && f[0] == name {
					onScreen = append(onScreen, name)
				}
			}
		}
		if !slices.Equal(onScreen, o.want) {
			t.Errorf("sorted by %s, the screen shows %v", o.label, onScreen)
		}
		// The cursor stays on the same group.
		if h.m.currentName() != "default" {
			t.Errorf("sorted by %s: cursor moved to %s", o.label, h.m.currentName())
		}
	}
}

func TestCursorMoves(t *testing.T) {
	h := newHarness(t)
	steps := []struct {
		key  string
		want string
	}{
		{"j", "billing"}, {"j", "default"}, {"k", "billing"}, {"G", "staging"}, {"j", "staging"},
		{"g", "analytics"}, {"k", "analytics"}, {"down", "billing"}, {"up", "analytics"}, {"end", "staging"}, {"home", "analytics"},
	}
	for _, s := range steps {
		h.press(s.key)
		if got := h.m.currentName(); got != s.want {
			t.Fatalf("after %s: cursor on %s, want %s", s.key, got, s.want)
		}
		if row := h.rowOf(s.want); !strings.HasPrefix(row, "> ") {
			t.Fatalf("after %s: row of %s is not marked: %q", s.key, s.want, row)
		}
	}
}

// Keys typed quickly can arrive as one message; each is still a move.
func TestFastKeysMoveOncePerRune(t *testing.T) {
	h := newHarness(t)
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	if got := h.m.currentName(); got != "default" {
		t.Fatalf(`"jj" put the cursor on %s, want default (two rows down)`, got)
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjk")})
	if got := h.m.currentName(); got != "edge-cache" {
		t.Fatalf(`"jjk" put the cursor on %s, want edge-cache`, got)
	}
}

func TestDetail(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("enter")
	if h.m.screen != screenDetail {
		t.Fatal("enter did not open the detail")
	}
	g, _ := h.serverGroup("demo", "default")
	h.mustShow(
		"UUID              "+g.UUID,
		"fra  Frankfurt, Germany  ★ primary",
		"lhr  London, United Kingdom",
		"Databases  2",
		"main                 main-demo.turso.io",
		"sessions             sessions-demo.turso.io",
		"d delete",
	)
	if strings.Contains(h.screen(), "lhr  London, United Kingdom  ★") {
		t.Error("lhr is marked primary")
	}
	// Scrolling keeps within the content.
	h.press("j", "j", "k", "g")
	h.mustShow("UUID")
	h.press("esc")
	if h.m.screen != screenList {
		t.Fatal("esc did not go back to the list")
	}
	h.mustShow("6 groups")
	if h.m.currentName() != "default" {
		t.Errorf("back on the list, cursor on %s", h.m.currentName())
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 groups", 1: "1 group", 2: "2 groups"} {
		if got := plural(n, "group"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestDetailScrollKeys: the detail screen of a group longer than the
// window scrolls with the same keys as the list: G (bottom) shows its last
// database, g (top) its name again, pgdown a page.
func TestDetailScrollKeys(t *testing.T) {
	h := newHarness(t, withSize(80, 15))
	h.selectGroup("edge-cache")
	h.press("enter")
	h.mustShow("edge-cache")
	h.mustNotShow("cache-sa")
	h.press("G")
	h.mustShow("cache-sa")
	h.press("g")
	h.mustNotShow("cache-sa")
	h.press("pgdown")
	if h.m.detail.scroll < 2 {
		t.Fatalf("pgdown scrolled %d rows", h.m.detail.scroll)
	}
}

// After a row leaves the list (a delete, a transfer), the cursor stays at
// its position, on the row that took the place of the one that left, or
// on the last row; it used to jump to the top.
func TestCursorStaysWhereARowLeft(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	del := func(name string) {
		t.Helper()
		h.selectGroup(name)
		h.press("d")
		h.typeText(name)
		h.press("enter")
		h.waitIdle()
		if _, ok := h.serverGroup(serverOrg(h.m), name); ok {
			t.Fatalf("%s was not deleted:\n%s", name, h.screen())
		}
	}
	del("default") // the third of six
	if got := h.m.currentName(); got != "edge-cache" {
		t.Fatalf("after deleting default the cursor is on %q, want edge-cache, which took its place", got)
	}
	del("staging") // the last
	if got := h.m.currentName(); got != "legacy" {
		t.Fatalf("after deleting the last row the cursor is on %q, want legacy, the new last", got)
	}

	// acme's plan has room for one group: free it, and transfer there.
	h.switchTo("acme")
	del("production")
	h.switchTo("demo")
	h.selectGroup("edge-cache") // the third of four
	h.press("m")
	h.pick("acme")
	h.press("y")
	h.waitIdle()
	h.mustShow("Transferred edge-cache to acme.")
	if got := h.m.currentName(); got != "legacy" {
		t.Fatalf("after transferring edge-cache the cursor is on %q, want legacy, which took its place", got)
	}
}
