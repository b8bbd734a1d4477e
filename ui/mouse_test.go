package ui

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// at is where s first appears on the screen: its column and row.
func (h *harness) at(s string) (x, y int) {
	h.t.Helper()
	for y, line := range strings.Split(h.screen(), "\n") {
		if i := strings.Index(line, s); i >= 0 {
			return len([]rune(line[:i])), y
		}
	}
	h.t.Fatalf("%q is not on the screen:\n%s", s, h.screen())
	return 0, 0
}

// click presses and releases the left button at x, y.
func (h *harness) click(x, y int) {
	h.t.Helper()
	h.send(tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	h.send(tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionRelease})
}

// wheel turns the wheel once at x, y.
func (h *harness) wheel(x, y int, down bool) {
	h.t.Helper()
	b := tea.MouseButtonWheelUp
	if down {
		b = tea.MouseButtonWheelDown
	}
	h.send(tea.MouseMsg{X: x, Y: y, Button: b, Action: tea.MouseActionPress})
}

// clock makes the dashboard's clock one the test moves.
func (h *harness) clock() *time.Time {
	now := fixedNow
	h.m.common.now = func() time.Time { return now }
	return &now
}

func TestMouseClickSelectsTheRowUnderIt(t *testing.T) {
	h := newHarness(t, withSeed("demo", 40))
	// Scrolled: the row under the click is found through the offset.
	h.press("G")
	if h.m.list.offset == 0 {
		t.Fatal("the list did not scroll")
	}
	x, y := h.at("load-00030")
	h.click(x+2, y)
	if got := h.m.currentName(); got != "load-00030" {
		t.Fatalf("the click at row %d selected %q", y, got)
	}
	if h.m.screen != screenList {
		t.Fatal("a single click opened the group")
	}
	// The summary, the column titles and the header select nothing.
	for _, y := range []int{0, 1, 2} {
		h.click(4, y)
		if got := h.m.currentName(); got != "load-00030" {
			t.Fatalf("a click on row %d selected %q", y, got)
		}
	}
}

func TestMouseDoubleClickOpens(t *testing.T) {
	h := newHarness(t)
	now := h.clock()
	x, y := h.at("edge-cache")
	h.click(x, y)
	*now = now.Add(500 * time.Millisecond)
	h.click(x, y)
	if h.m.screen != screenList {
		t.Fatal("two clicks 500 ms apart opened the group")
	}
	*now = now.Add(300 * time.Millisecond)
	h.click(x, y)
	if h.m.screen != screenDetail || h.m.detail.name != "edge-cache" {
		t.Fatalf("a double click did not open edge-cache:\n%s", h.screen())
	}
	// Two clicks on different rows are not a double click.
	h.press("esc")
	x2, y2 := h.at("billing")
	h.click(x2, y2)
	h.click(x, y)
	if h.m.screen != screenList || h.m.currentName() != "edge-cache" {
		t.Fatalf("clicks on two rows: screen %v on %q", h.m.screen, h.m.currentName())
	}
}

func TestMouseWheelScrollsTheList(t *testing.T) {
	h := newHarness(t, withSeed("demo", 40))
	_, y := h.at("analytics")
	h.wheel(10, y, true)
	if h.m.list.offset != wheelRows || h.m.list.cursor != wheelRows {
		t.Fatalf("wheel down: offset %d cursor %d", h.m.list.offset, h.m.list.cursor)
	}
	h.mustNotShow("analytics")
	h.wheel(10, y, false)
	if h.m.list.offset != 0 {
		t.Fatalf("wheel up: offset %d", h.m.list.offset)
	}
	// The cursor stays where it is when it is still in the window.
	if h.m.list.cursor != wheelRows {
		t.Fatalf("wheel up moved the cursor to %d", h.m.list.cursor)
	}
}

func TestMouseWheelScrollsTheDetailAndItsDatabases(t *testing.T) {
	h := newHarness(t, withSize(80, 18))
	h.selectGroup("edge-cache")
	h.press("enter")
	h.wheel(10, 5, true)
	if h.m.detail.scroll == 0 {
		t.Fatalf("the wheel did not scroll the detail:\n%s", h.screen())
	}
	h.mustShow("above")
	h.press("tab")
	first := h.m.detail.dbSel.name
	h.wheel(10, 5, true)
	dbs := h.m.dbs["edge-cache"]
	if got := h.m.detail.dbSel.name; got == first || got != dbs[min(dbCursor(dbs, first)+wheelRows, len(dbs)-1)].Name {
		t.Fatalf("the wheel over the databases moved from %s to %s", first, got)
	}
}

func TestMouseClickOnADatabaseSelectsAndOpens(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("edge-cache")
	h.press("enter")
	x, y := h.at("cache-sa")
	h.click(x, y)
	if db, ok := h.m.detail.selectedDB(); !ok || db.Name != "cache-sa" {
		t.Fatalf("the click selected %+v (%v)", db, ok)
	}
	h.click(x, y)
	if _, ok := h.m.focus.top().(*dbDetail); !ok {
		t.Fatalf("a double click on the database did not open it:\n%s", h.screen())
	}
}

func TestMouseClickOnAColumnTitleSorts(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		title string
		want  sortMode
	}{{"DBS", sortDatabases}, {"STATUS", sortStatus}, {"PRIMARY", sortLocation}, {"NAME", sortName}} {
		x, y := h.at(c.title)
		h.click(x+1, y)
		if h.m.list.sort != c.want {
			t.Errorf("a click on %s sorted by %s", c.title, h.m.list.sort)
		}
	}
	h.mustShow("sorted by name")
}

func TestMouseClickOnAFooterKey(t *testing.T) {
	h := newHarness(t)
	x, y := h.at("? help")
	h.click(x, y)
	if h.m.focus.help() == nil {
		t.Fatalf("a click on ? help did not open the help:\n%s", h.screen())
	}
}

// Off, the program gets no mouse option at all: mouse reporting is
// never turned on.
func TestMouseOptions(t *testing.T) {
	if o := MouseOptions(false); len(o) != 0 {
		t.Fatalf("mouse off: %d options", len(o))
	}
	o := MouseOptions(true)
	if len(o) != 1 || !strings.Contains(funcName(o[0]), "WithMouseCellMotion") {
		t.Fatalf("mouse on: %v", o)
	}
}

func funcName(f any) string {
	return runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
}

// Any mouse event, anywhere (off the screen, absurd coordinates, every
// button), on every screen, changes nothing at the server and panics
// nowhere: in a read-only dashboard, a click on a footer key is refused
// as its key is.
func TestMouseAnywhereIsHarmless(t *testing.T) {
	h := newHarness(t, readOnly(), withSeed("demo", 5))
	buttons := []tea.MouseButton{tea.MouseButtonLeft, tea.MouseButtonRight, tea.MouseButtonMiddle, tea.MouseButtonWheelUp, tea.MouseButtonWheelDown, tea.MouseButtonWheelLeft, tea.MouseButtonBackward}
	coords := []int{-100000, -1, 0, 1, 2, 3, 5, 20, 28, 29, 30, 99, 100, 101, 1 << 30}
	screens := [][]string{nil, {"enter"}, {"enter", "tab"}, {"?"}, {":"}, {"/"}}
	for _, keys := range screens {
		h.press("esc", "esc", "esc")
		h.press(keys...)
		for _, b := range buttons {
			for _, x := range coords {
				for _, y := range coords {
					for _, a := range []tea.MouseAction{tea.MouseActionPress, tea.MouseActionRelease, tea.MouseActionMotion} {
						h.send(tea.MouseMsg{X: x, Y: y, Button: b, Action: a})
					}
				}
			}
		}
	}
	if h.m.internalErr != "" {
		t.Fatalf("a mouse event panicked: %s", h.m.internalErr)
	}
	if h.quits != 0 || h.m.sess.quitting {
		t.Fatal("a click quit") // no coordinate above lands on "q quit"
	}
	if m := h.mutations(); len(m) != 0 {
		t.Fatalf("mouse events sent %v", m)
	}
	h.resize(40, 10) // too small: nothing but quitting
	h.send(tea.MouseMsg{X: 1, Y: 9, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if h.quits != 0 {
		t.Fatal("a click on a too small screen quit")
	}
}
