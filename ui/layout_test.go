package ui

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
)

// viewState is the part of the model a frame is drawn from, which
// View must leave as it found it.
type viewState struct {
	Screen                       screen
	DetailName                   string
	DetailScroll                 int
	ShowHelp                     bool
	Cursor, Offset, ListHeight   int
	Filtering                    bool
	Query, FilterValue           string
	FilterWidth                  int
	Visible                      []int
	BodyH                        int
	Toast                        toast
	Form                         string // kind, group, error, focus and values
	Notice, TokenDialog, Pending string
	InternalErr                  string
}

func snapshotView(m *Model) viewState {
	l := &m.list
	s := viewState{
		Screen: m.screen, DetailName: m.detail.name, DetailScroll: m.detail.scroll, ShowHelp: m.focus.help() != nil,
		Cursor: l.cursor, Offset: l.offset, ListHeight: l.height, Filtering: l.filtering,
		Query: l.query, FilterValue: l.filter.Value(), FilterWidth: l.filter.Width,
		Visible: slices.Clone(l.visible), BodyH: m.bodyH, Toast: m.footer.toast, InternalErr: m.internalErr,
		Pending: fmt.Sprint(m.ops.pending),
	}
	if fs := m.focus.form(); fs != nil {
		v := fs.values
		v.mu.Lock()
		s.Form = fmt.Sprintf("%s %q %q focus=%s %q %q %q %v %v %q %q %q %q", fs.kind.name, fs.group, fs.err,
			fs.form.GetFocusedField().GetKey(), v.Name, v.Location, v.ExtMode, v.Extensions, v.Confirm, v.Expiration, v.Access, v.Org, v.Typed)
		v.mu.Unlock()
	}
	if m.focus.notice() != nil {
		s.Notice = fmt.Sprint(*m.focus.notice())
	}
	if m.focus.tokenDialog() != nil {
		s.TokenDialog = fmt.Sprint(*m.focus.tokenDialog())
	}
	return s
}

// View reads the model and writes nothing: drawn twice with nothing in
// between, on every screen and at sizes it was not drawn at before (a
// resize is when a View that sized the list would change it), the model
// is as it was.
func TestViewChangesNothing(t *testing.T) {
	screens := viewScreens()
	screens["filtered"] = viewScreen{func(h *harness) { h.press("/"); h.typeText("e"); h.press("enter", "j") }, "match"}
	screens["detail-scrolled"] = viewScreen{func(h *harness) {
		h.selectGroup("edge-cache")
		h.press("enter", "j", "j", "j")
	}, "cache-global"}
	screens["list-bottom"] = viewScreen{func(h *harness) { h.press("G") }, "6 groups"}
	for _, name := range slices.Sorted(maps.Keys(screens)) {
		sc := screens[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withSeed("demo", 40))
			sc.setup(h)
			h.screen()
			for _, sz := range [][2]int{{120, 40}, {160, 45}, {50, 12}, {80, 16}, {testWidth, testHeight}} {
				h.resize(sz[0], sz[1])
				before := snapshotView(h.m)
				first := h.m.View()
				second := h.m.View()
				if after := snapshotView(h.m); !reflect.DeepEqual(before, after) {
					t.Fatalf("%dx%d: View changed the model:\nbefore %+v\nafter  %+v", sz[0], sz[1], before, after)
				}
				if first != second {
					t.Fatalf("%dx%d: two Views with nothing in between differ:\n%s\n---\n%s", sz[0], sz[1], first, second)
				}
			}
		})
	}
}
