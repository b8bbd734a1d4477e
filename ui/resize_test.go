package ui

import (
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
	if h.m.form == nil {
		h.t.Fatal("no form is open")
	}
	kind, field := h.m.form.kind, h.m.form.form.GetFocusedField().GetKey()
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
		if h.m.form == nil || h.m.form.kind != kind {
			h.t.Fatalf("%dx%d: the form closed", sz[0], sz[1])
		}
		if f := h.m.form.form.GetFocusedField().GetKey(); f != field {
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
	v := h.m.form.values
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
	v := h.m.form.values
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
	h.waitIdle()
	if h.m.tokenDialog == nil {
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
	v := h.m.form.values
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
	v := h.m.form.values
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
