package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

// newTestDetail is a detail view on its own, without a root Model, of a
// group "big" in fra and lhr holding n databases, sized w x h.
func newTestDetail(t *testing.T, n, w, h int) *detailView {
	t.Helper()
	data := newDataset()
	data.org = "demo"
	data.locNames["fra"] = "Frankfurt"
	g := api.Group{Name: "big", Primary: "fra", Locations: []string{"fra", "lhr"}, DeleteProtection: true}
	data.groups = []api.Group{g}
	data.byName["big"] = 0
	for i := range n {
		data.dbs["big"] = append(data.dbs["big"], api.Database{Name: fmt.Sprintf("db%03d", i), Hostname: "h", PrimaryRegion: "fra"})
	}
	data.dbsKnown = true
	v := newDetailView(newCommon(Options{}), data, func(g api.Group) []string { return []string{"d delete " + g.Name} })
	v.SetSize(w, h)
	v.Open("big")
	return &v
}

func (v *detailView) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		v.Update(keyMsg(k))
	}
}

func TestDetailViewScrolls(t *testing.T) {
	v := newTestDetail(t, 100, 100, 20)
	doc := v.doc(v.data.groups[0], 98, true)
	last := doc.len() - doc.window(20) // the last row says what is above
	for _, s := range []struct {
		keys   []string
		scroll int
	}{
		{[]string{"j", "j"}, 2},
		{[]string{"k", "k", "k"}, 0},
		{[]string{"pgdown"}, 19},
		{[]string{"G"}, last},
		{[]string{"j"}, last}, // no further than the last page
		{[]string{"pgup"}, last - 19},
		{[]string{"g"}, 0},
	} {
		v.press(t, s.keys...)
		if v.scroll != s.scroll {
			t.Fatalf("after %v: scroll %d, want %d", s.keys, v.scroll, s.scroll)
		}
	}
	if _, ok := v.Update(keyMsg("d")); ok {
		t.Error("the detail took an action's key")
	}
	v.press(t, "G")
	v.Open("big")
	if v.scroll != 0 {
		t.Errorf("Open kept the scroll: %d", v.scroll)
	}
}

func TestDetailViewDraws(t *testing.T) {
	v := newTestDetail(t, 3, 100, 30)
	out := v.View()
	for _, want := range []string{"big", "delete protected", "fra  Frankfurt", "★ primary", "Databases  3", "db002", "Actions", "d delete big"} {
		if !strings.Contains(out, want) {
			t.Errorf("detail lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n") + 1; n > 30 {
		t.Errorf("drew %d lines in 30", n)
	}
	v.c.readOnly = true
	if out := v.View(); strings.Contains(out, "Actions") {
		t.Errorf("a read-only detail lists actions:\n%s", out)
	}
	// The window drawn follows the scroll, clamped in View as in Update.
	v = newTestDetail(t, 100, 100, 10)
	v.scroll = 1 << 20
	if out := v.View(); !strings.Contains(out, "db099") || strings.Count(out, "\n") != 9 {
		t.Errorf("scrolled past the end:\n%s", out)
	}
}

func TestDetailViewDatabaseStates(t *testing.T) {
	v := newTestDetail(t, 0, 100, 30)
	for _, s := range []struct {
		known, loading bool
		want           string
	}{
		{true, false, "Databases  none"},
		{false, true, "Databases  loading…"},
		{false, false, "Databases  (could not be loaded)"},
	} {
		v.data.dbsKnown, v.data.dbsLoading = s.known, s.loading
		if out := v.View(); !strings.Contains(out, s.want) {
			t.Errorf("known=%v loading=%v: lacks %q:\n%s", s.known, s.loading, s.want, out)
		}
	}
}

func TestDetailViewGroupGone(t *testing.T) {
	v := newTestDetail(t, 3, 100, 30)
	v.Open("gone")
	if _, ok := v.group(); ok {
		t.Fatal("a group that is not in the data was found")
	}
	v.press(t, "j") // nothing to scroll, and no panic
	if out := v.View(); !strings.Contains(out, "This group is no longer in demo. Press esc to go back.") {
		t.Errorf("gone group:\n%s", out)
	}
}

func TestDetailViewPreview(t *testing.T) {
	v := newTestDetail(t, 100, 100, 30)
	p := v.preview(v.data.groups[0], 40, 8)
	if n := strings.Count(p, "\n") + 1; n != 8 || strings.Contains(p, "Actions") {
		t.Errorf("preview of %d lines:\n%s", n, p)
	}
}
