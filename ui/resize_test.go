package ui

import (
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// resizes goes from tiny, through the edges of the layout, to huge and
// back to the size the tests are written for.
var resizes = [][2]int{
	{1, 1}, {10, 3}, {30, 8}, {59, 14}, {60, 15}, {61, 16}, {400, 120}, {139, 40}, {140, 40},
	{80, 24}, {2, 50}, {200, 2}, {1, 1}, {testWidth, testHeight},
}

// resizeThrough resizes through every size in resizes, checking that each
// frame fits the terminal, that the same form stays open on the same
// field, and that check still holds.
func (h *harness) resizeThrough(check func() error) {
	h.t.Helper()
	if h.m.focus.form() == nil {
		h.t.Fatal("no form is open")
	}
	kind, field := h.m.focus.form().kind, h.m.focus.form().form.GetFocusedField().GetKey()
	for _, sz := range resizes {
		h.resize(sz[0], sz[1])
		lines := strings.Split(h.m.View(), "\n")
		if len(lines) > sz[1] {
			h.t.Fatalf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				h.t.Fatalf("%dx%d: line %d is %d wide: %q", sz[0], sz[1], i+1, w, l)
			}
		}
		if h.m.focus.form() == nil || h.m.focus.form().kind != kind {
			h.t.Fatalf("%dx%d: the form closed", sz[0], sz[1])
		}
		if f := h.m.focus.form().form.GetFocusedField().GetKey(); f != field {
			h.t.Fatalf("%dx%d: focus moved from %s to %s", sz[0], sz[1], field, f)
		}
		if err := check(); err != nil {
			h.t.Fatalf("%dx%d: %v", sz[0], sz[1], err)
		}
	}
	h.mustNotShowJargonOrPanic() // and no panic was recovered on the way
}

type formErr string

func (e formErr) Error() string { return string(e) }

func TestResizeMidCreateForm(t *testing.T) {
	t.Parallel()
	var b bodies
	h := newHarness(t, withHandler(b.wrap))
	h.press("n")
	h.typeText("orders-eu")
	v := h.m.focus.form().values
	h.resizeThrough(func() error {
		if v.Name != "orders-eu" {
			return formErr("the name is " + v.Name)
		}
		return nil
	})
	h.mustShow("> orders-eu", "✓ orders-eu is a valid name")
	h.press("enter")
	h.pick("fra")
	h.press("j", "j", "enter") // Extensions: Choose…
	h.press("x")               // vector
	h.resizeThrough(func() error {
		if v.Name != "orders-eu" || v.Location != "fra" || v.ExtMode != extChoose {
			return formErr("the form holds " + v.Name + " at " + v.Location + ", " + v.ExtMode)
		}
		return nil
	})
	// uuid is eighth; vector is still chosen.
	h.press("j", "j", "j", "j", "j", "j", "j", "x", "enter")
	if !slices.Equal(v.Extensions, []string{"vector", "uuid"}) {
		t.Fatalf("extensions %v, want vector, uuid", v.Extensions)
	}
	h.resizeThrough(func() error { return nil })
	h.mustShow("Create orders-eu at fra?", "Extensions: vector, uuid")
	h.press("enter")
	h.waitIdle()
	h.mustHaveCreated("orders-eu", &b)
}

func TestResizeMidTokenForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.selectGroup("default")
	h.press("t", "ctrl+u")
	h.typeText("7d")
	v := h.m.focus.form().values
	h.resizeThrough(func() error {
		if v.Expiration != "7d" {
			return formErr("the expiration is " + v.Expiration)
		}
		return nil
	})
	h.press("enter")
	h.resizeThrough(func() error {
		if v.Expiration != "7d" {
			return formErr("the expiration is " + v.Expiration)
		}
		return nil
	})
	h.pick("Read only")
	h.press("enter") // no read ATTACH
	h.waitIdle()
	if h.m.focus.tokenDialog() == nil {
		t.Fatalf("no token dialog:\n%s", h.screen())
	}
	h.mustShow("Token for default", "read only, expires in 7d")
}

func TestResizeMidDeleteForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.selectGroup("staging")
	h.press("d")
	h.typeText("stag")
	v := h.m.focus.form().values
	h.resizeThrough(func() error {
		if v.Typed != "stag" {
			return formErr("typed " + v.Typed)
		}
		return nil
	})
	h.mustShow("Type staging to delete it", "> stag")
	h.typeText("ing")
	h.press("enter")
	h.waitIdle()
	if _, ok := h.serverGroup("demo", "staging"); ok {
		t.Fatalf("staging was not deleted:\n%s", h.screen())
	}
	h.mustShow("Deleted staging and its databases.")
}

func TestResizeMidRemoveLocationForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.selectGroup("edge-cache")
	h.press("x")
	h.pick("syd")
	v := h.m.focus.form().values
	h.resizeThrough(func() error {
		if v.Location != "syd" {
			return formErr("the location is " + v.Location)
		}
		return nil
	})
	h.mustShow("Remove syd from edge-cache?")
	h.press("y")
	h.waitIdle()
	if g, _ := h.serverGroup("demo", "edge-cache"); g.HasLocation("syd") || !g.HasLocation("sin") {
		t.Fatalf("locations on the server: %v", g.Locations)
	}
}

// absurdSizes are terminal sizes a client may claim: a frame must not
// cost in proportion to them. They grow, so that a regression fails on
// the first (tens of megabytes) before the next would take gigabytes.
var absurdSizes = [][2]int{{2000, 2000}, {10000, 10000}, {65535, 65535}, {65535, 30}, {100, 65535}, {30, 65535}}

// maxFrameAlloc bounds what one resize and one frame may allocate at any
// size. A frame at the cap (MaxWidth x MaxHeight) allocates about 1 MB;
// before the cap, 2000x2000 took 60 MB a frame and 10000x10000 about 1.5 GB.
const maxFrameAlloc = 8 << 20

// Whatever size a terminal claims, every screen is drawn within the cap
// (MaxWidth x MaxHeight), still shows what it shows at a normal size, and
// a resize and a frame allocate at most maxFrameAlloc. Not parallel: it
// measures the process's allocations.
func TestViewCostIsBoundedAtAbsurdSizes(t *testing.T) {
	screens := viewScreens()
	names := slices.Sorted(maps.Keys(screens))
	for _, name := range names {
		sc := screens[name]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			sc.setup(h)
			h.mustShow(sc.shows)
			for _, sz := range absurdSizes {
				w, hh := sz[0], sz[1]
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				h.resize(w, hh)
				v := h.m.View()
				runtime.ReadMemStats(&after)
				if n := after.TotalAlloc - before.TotalAlloc; n > maxFrameAlloc {
					t.Fatalf("%dx%d: a resize and a frame allocated %d MB, want at most %d MB", w, hh, n>>20, maxFrameAlloc>>20)
				}
				lines := strings.Split(v, "\n")
				if len(lines) > MaxHeight {
					t.Fatalf("%dx%d: %d lines, want at most %d", w, hh, len(lines), MaxHeight)
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > MaxWidth {
						t.Fatalf("%dx%d: line %d is %d wide, want at most %d", w, hh, i+1, lw, MaxWidth)
					}
				}
				if w < minWidth || hh < minHeight {
					// Too small names the terminal's own size.
					if want := fmt.Sprintf("Terminal too small: %dx%d.", w, hh); !strings.Contains(ansi.Strip(v), want) {
						t.Fatalf("%dx%d: %q, want %q", w, hh, ansi.Strip(v), want)
					}
					continue
				}
				if !strings.Contains(ansi.Strip(v), sc.shows) {
					t.Fatalf("%dx%d: the screen no longer shows %q:\n%s", w, hh, sc.shows, tail(ansi.Strip(v), 2000))
				}
			}
		})
	}
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Below the minimum size only the message is drawn, and keys act on
// nothing there but quitting: p once turned protection on, at 50x12, for
// a group nobody could see, and a hidden form took what was typed. What
// is open waits, as it was, for the window to be large enough.
func TestTooSmallActsOnNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.selectGroup("default")
	h.reqs.reset()
	h.resize(50, 12)
	h.mustShow("Terminal too small: 50x12.", "q or ctrl+c quits.")
	before := snapshotView(h.m)
	for _, k := range []string{"p", "u", "d", "n", "a", "t", "m", "o", "r", "s", "j", "G", "enter", "/", "?", "esc"} {
		h.press(k)
	}
	h.typeText("pj")
	if after := snapshotView(h.m); !reflect.DeepEqual(before, after) {
		t.Fatalf("keys changed the hidden list:\nbefore %+v\nafter  %+v", before, after)
	}
	if r := h.reqs.snapshot(); len(r) != 0 {
		t.Fatalf("keys sent %v while the window was too small", r)
	}
	if g, _ := h.serverGroup("demo", "default"); g.DeleteProtection {
		t.Fatal("p turned delete protection on for a group that was not drawn")
	}
	h.resize(testWidth, testHeight)
	h.mustShow("> default")

	// A form keeps its values and its focus behind the message.
	h.press("n")
	h.typeText("orders")
	h.resize(50, 12)
	h.typeText("xyz")
	h.press("backspace", "tab", "enter", "esc", "ctrl+u")
	if h.m.focus.form() == nil || h.m.focus.form().kind != actCreate {
		t.Fatal("keys closed the hidden form")
	}
	if f := h.m.focus.form().form.GetFocusedField().GetKey(); f != "name" || h.m.focus.form().values.Name != "orders" {
		t.Fatalf("the hidden form holds %q, focus on %s; want orders, on name", h.m.focus.form().values.Name, f)
	}
	h.resize(testWidth, testHeight)
	h.typeText("-eu")
	h.mustShow("> orders-eu")

	// q quits, even over a form, where it would otherwise be typed.
	h.resize(50, 12)
	h.press("q")
	if h.quits != 1 || !h.m.sess.quitting {
		t.Fatalf("q did not quit while the window was too small (quits %d)", h.quits)
	}
}

// The help screen hides the list: a key closes it and does nothing else.
func TestHelpHidesTheList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.selectGroup("default")
	h.reqs.reset()
	for _, k := range []string{"p", "j", "d", "n", "/"} {
		h.press("?")
		h.mustShow("Press any key to close")
		h.press(k)
		if h.m.focus.help() != nil || h.m.focus.form() != nil || h.m.list.filtering || h.m.currentName() != "default" {
			t.Fatalf("%s behind the help acted on the list:\n%s", k, h.screen())
		}
	}
	if r := h.reqs.snapshot(); len(r) != 0 {
		t.Fatalf("keys behind the help sent %v", r)
	}
}
