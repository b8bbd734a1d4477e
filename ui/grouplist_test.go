package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

// newTestList is a group list on its own, without a root Model: n groups
// g00.. (every third in lhr, the others in fra), g00 holding the most
// databases, sized w x h.
func newTestList(t *testing.T, n, w, h int) *groupList {
	t.Helper()
	c := newCommon(Options{})
	data := newDataset()
	data.org = "demo"
	for i := range n {
		g := api.Group{Name: fmt.Sprintf("g%02d", i), Primary: "fra"}
		if i%3 == 0 {
			g.Primary = "lhr"
		}
		data.groups = append(data.groups, g)
		data.byName[g.Name] = i
		data.dbs[g.Name] = make([]api.Database, n-i)
	}
	data.dbsKnown = true
	l := newGroupList(c, data, nil)
	l.dataChanged()
	l.resort()
	l.refilter("")
	l.SetSize(w, h)
	return &l
}

// press sends each key (harness_test.go's names) to the list alone.
func (l *groupList) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		l.Update(keyMsg(k))
	}
}

func TestGroupListMoves(t *testing.T) {
	l := newTestList(t, 30, 100, 12) // 10 rows of groups
	for _, s := range []struct {
		keys   []string
		cursor int
		offset int
	}{
		{[]string{"j", "j"}, 2, 0},
		{[]string{"k", "k", "k"}, 0, 0}, // stops at the top
		{[]string{"pgdown"}, 9, 0},      // a page is the rows less one
		{[]string{"pgdown"}, 18, 9},
		{[]string{"G"}, 29, 20},
		{[]string{"j"}, 29, 20}, // stops at the bottom
		{[]string{"pgup"}, 20, 20},
		{[]string{"g"}, 0, 0},
	} {
		l.press(t, s.keys...)
		if l.cursor != s.cursor || l.offset != s.offset {
			t.Fatalf("after %v: cursor %d offset %d, want %d %d", s.keys, l.cursor, l.offset, s.cursor, s.offset)
		}
	}
	if l.currentName() != "g00" {
		t.Errorf("current %q, want g00", l.currentName())
	}
}

func TestGroupListLeavesOtherKeys(t *testing.T) {
	l := newTestList(t, 3, 100, 12)
	for _, k := range []string{"enter", "d", "?", "q"} {
		if _, ok := l.Update(keyMsg(k)); ok {
			t.Errorf("%s: the list took a key that is not its own", k)
		}
	}
}

func TestGroupListFilter(t *testing.T) {
	l := newTestList(t, 30, 100, 12)
	l.press(t, "/", "1")
	if !l.filtering || l.query != "1" {
		t.Fatalf("filtering %v query %q", l.filtering, l.query)
	}
	// g01, g10..g19, g21
	if got := len(l.visible); got != 12 {
		t.Fatalf("%d groups match 1, want 12", got)
	}
	if s := l.summary(); !strings.HasPrefix(s, `12 of 30 groups match "1"`) {
		t.Errorf("summary %q", s)
	}
	// While typing, j is text, not a move.
	l.press(t, "j")
	if l.query != "1j" || len(l.visible) != 0 {
		t.Errorf("query %q, %d visible", l.query, len(l.visible))
	}
	if v := l.View(); !strings.Contains(v, "No group matches.") {
		t.Errorf("no match not said:\n%s", v)
	}
	l.press(t, "backspace", "enter")
	if l.filtering || l.query != "1" {
		t.Fatalf("enter: filtering %v query %q", l.filtering, l.query)
	}
	l.press(t, "j") // moves in the applied filter
	if l.currentName() != "g10" {
		t.Errorf("cursor on %s, want g10", l.currentName())
	}
	// By location too; esc clears the filter and keeps the cursor on its
	// group.
	l.press(t, "/", "backspace", "l", "h", "r")
	if len(l.visible) != 10 {
		t.Errorf("%d groups in lhr, want 10", len(l.visible))
	}
	l.press(t, "esc")
	if l.filtering || l.query != "" || len(l.visible) != 30 {
		t.Errorf("esc: filtering %v query %q, %d visible", l.filtering, l.query, len(l.visible))
	}
}

func TestGroupListSort(t *testing.T) {
	l := newTestList(t, 6, 100, 12)
	l.selectName("g04")
	order := func() []string {
		var names []string
		for _, i := range l.visible {
			names = append(names, l.data.groups[i].Name)
		}
		return names
	}
	for _, s := range []struct {
		mode sortMode
		want []string
	}{
		{sortLocation, []string{"g01", "g02", "g04", "g05", "g00", "g03"}},
		{sortDatabases, []string{"g00", "g01", "g02", "g03", "g04", "g05"}},
		{sortStatus, []string{"g00", "g01", "g02", "g03", "g04", "g05"}},
		// no usage known yet: by name (TestSortByUsage ranks figures)
		{sortUsage, []string{"g00", "g01", "g02", "g03", "g04", "g05"}},
		{sortName, []string{"g00", "g01", "g02", "g03", "g04", "g05"}},
	} {
		l.press(t, "s")
		if l.sort != s.mode || !slices.Equal(order(), s.want) {
			t.Errorf("sorted by %s: %v, want %s %v", l.sort, order(), s.mode, s.want)
		}
		if l.currentName() != "g04" {
			t.Errorf("sorted by %s: cursor moved to %s", l.sort, l.currentName())
		}
	}
}

func TestGroupListSetSizeClamps(t *testing.T) {
	l := newTestList(t, 30, 100, 32)
	l.press(t, "G")
	if l.cursor != 29 || l.offset != 0 {
		t.Fatalf("cursor %d offset %d", l.cursor, l.offset)
	}
	// Smaller: the cursor stays in the window.
	l.SetSize(100, 7)
	if l.height != 5 || l.offset != 25 {
		t.Errorf("height %d offset %d, want 5 25", l.height, l.offset)
	}
	// Larger again: no empty rows below the last group.
	l.SetSize(100, 22)
	if l.offset != 10 {
		t.Errorf("offset %d, want 10", l.offset)
	}
	// Too few rows for the summary and the column header: one row still.
	l.SetSize(100, 1)
	if l.height != 1 || l.offset != 29 {
		t.Errorf("height %d offset %d, want 1 29", l.height, l.offset)
	}
	if got := strings.Count(l.View(), "\n"); got != 2 {
		t.Errorf("drew %d lines, want 3", got+1)
	}
}

func TestGroupListViewDrawsTheWindow(t *testing.T) {
	l := newTestList(t, 30, 100, 7)
	l.press(t, "j", "j")
	lines := strings.Split(l.View(), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines, want 7:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[0], "30 groups · sorted by name") || !strings.Contains(lines[1], "NAME") {
		t.Errorf("summary or column header missing:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(strings.TrimSpace(lines[4]), "> g02") {
		t.Errorf("cursor row %q", lines[4])
	}
	empty := newTestList(t, 0, 100, 7)
	if v := empty.View(); !strings.Contains(v, "No groups in demo yet. Press n to create one.") {
		t.Errorf("empty list:\n%s", v)
	}
	empty.c.readOnly = true
	if v := empty.View(); strings.Contains(v, "Press") {
		t.Errorf("a read-only empty list offers to create:\n%s", v)
	}
}

func TestGroupListHelp(t *testing.T) {
	l := newTestList(t, 3, 100, 12)
	if got := len(l.ShortHelp()); got != 5 {
		t.Errorf("short help has %d keys, want 5", got)
	}
	l.press(t, "/")
	if h := l.ShortHelp(); len(h) != 3 || h[0].Help().Desc != "apply" {
		t.Errorf("filtering short help %v", h)
	}
	if cols := l.FullHelp(); len(cols) != 3 || len(cols[0]) != 8 || len(cols[2]) != 5 {
		t.Errorf("full help %d columns", len(cols))
	}
}

// The columns take the width their content needs, and when the window
// is narrow the least useful give way first: the version, then the
// primary's name (its code stays), then the other locations.
func TestColumnsFitTheirContent(t *testing.T) {
	data := newDataset()
	data.locNames = map[string]string{"aws-us-east-1": "AWS US East (Virginia)", "fra": "Frankfurt, Germany"}
	data.groups = []api.Group{
		{Name: "analytics", Primary: "aws-us-east-1", Locations: []string{"aws-us-east-1", "aws-eu-west-1"}, Version: "v0.24.32"},
		{Name: "default", Primary: "fra", Locations: []string{"fra", "lhr"}, Version: "v0.24.32"},
	}
	nat := measureColumns(data)
	if nat.name != len("analytics") || nat.primary != len("aws-us-east-1 AWS US East (Virginia)") || nat.primaryCode != len("aws-us-east-1") ||
		nat.others != 15 || nat.version != 8 {
		t.Fatalf("measured %+v", nat)
	}
	wide := layoutColumns(200, nat)
	if wide.name != nat.name || wide.primary != nat.primary || wide.others != nat.others || wide.version != nat.version {
		t.Errorf("at 200 the columns are not their content's width: %+v", wide)
	}
	// 2 + 9 + 1 + 7 (status) + 1 + 36 + 1 + 15 + 1 + 4 + 1 + 9 (flags) = 87: no version.
	at79 := layoutColumns(87, nat)
	if at79.version != 0 || at79.primary != nat.primary || at79.name != nat.name || at79.others != nat.others {
		t.Errorf("at 79 only the version should go: %+v", at79)
	}
	narrow := layoutColumns(60, nat)
	if narrow.version != 0 || narrow.name != nat.name || narrow.primary >= nat.primary || narrow.primary < nat.primaryCode {
		t.Errorf("at 60 the primary's name should be cut first, to its code: %+v", narrow)
	}
	for _, w := range []int{20, 40, 60, 79, 100, 200} {
		c := layoutColumns(w, nat)
		used := 2 + c.name + 1 + c.status + 1 + c.primary + 1 + c.dbs + 1 + c.flags
		if c.others > 0 {
			used += c.others + 1
		}
		if c.version > 0 {
			used += c.version + 1
		}
		used += c.usage // its separators included
		if c.status < nat.statusWord {
			t.Errorf("at %d the status is cut: %+v", w, c)
		}
		if w >= 60 && used > w {
			t.Errorf("at %d the columns take %d: %+v", w, used, c)
		}
	}
}

// The filter matches the location names the list shows, not only codes.
func TestFilterMatchesLocationNames(t *testing.T) {
	l := newTestList(t, 6, 100, 12)
	l.data.locNames = map[string]string{"lhr": "London, United Kingdom", "fra": "Frankfurt, Germany"}
	l.dataChanged()
	for q, want := range map[string]int{"london": 2, "Frank": 4, "germany": 4, "kingdom": 2, "g0": 6, "paris": 0} {
		l.setQuery(q)
		if len(l.visible) != want {
			t.Errorf("/%s: %d groups, want %d", q, len(l.visible), want)
		}
	}
}
