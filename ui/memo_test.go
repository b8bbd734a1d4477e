package ui

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/charmbracelet/bubbles/spinner"
)

// turn sends one turn of the footer's spinner.
func (h *harness) turn() {
	h.t.Helper()
	h.update(spinner.TickMsg{ID: h.m.footer.spinner.ID(), Time: time.Now()})
}

// A turn of the spinner redraws what shows it and nothing else: the body
// of an idle list is the one drawn before (not drawn again), while the
// footer's "Refreshing…", the loading screen and a provisioning row turn.
func TestSpinnerTurnRedrawsOnlyWhatShowsIt(t *testing.T) {
	h := newHarness(t)
	before := h.m.View()
	body := h.m.memo.top
	h.turn()
	if after := h.m.View(); after != before || unsafe.StringData(h.m.memo.top) != unsafe.StringData(body) {
		t.Fatal("an idle list's body was drawn again for a turn of the spinner")
	}
	h.press("j")
	if h.m.View() == before || unsafe.StringData(h.m.memo.top) == unsafe.StringData(body) {
		t.Fatal("a key did not redraw the body: the memo outlived a message")
	}

	// The footer's spinner, while a refresh is out.
	h.m.load.loading = true
	h.send(struct{}{}) // relayout: the footer says "Refreshing…"
	frame := h.screen()
	if !strings.Contains(frame, "Refreshing…") {
		t.Fatalf("no refresh in the footer:\n%s", frame)
	}
	h.turn()
	if h.screen() == frame {
		t.Error("the footer's spinner did not turn")
	}
	h.m.load.loading = false

	// A provisioning row shows the spinner's frame: the body turns too.
	p := newHarness(t, withProvisionDelay(300*time.Millisecond))
	p.holdWaits = true
	p.createGroup("fresh", "fra")
	row := p.rowOf("fresh")
	p.turn()
	if p.rowOf("fresh") == row {
		t.Errorf("the provisioning row did not turn: %q", row)
	}

	// The loading screen.
	l := newHarness(t, withoutInit())
	l.send(struct{}{})
	loading := l.screen()
	if !strings.Contains(loading, "Loading the groups") {
		t.Fatalf("not loading:\n%s", loading)
	}
	l.m.load.loading = true
	l.turn()
	if l.screen() == loading {
		t.Error("the loading screen's spinner did not turn")
	}
}
