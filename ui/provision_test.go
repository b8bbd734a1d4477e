package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
)

// releaseWaits runs the held waits (each blocks until its location is
// ready, or its context ends) and delivers their answers.
func (h *harness) releaseWaits() {
	h.t.Helper()
	held := h.held
	h.held = nil
	for _, c := range held {
		h.send(c())
	}
}

// setClock moves the dashboard's clock.
func (h *harness) setClock(t time.Time) { h.m.common.now = func() time.Time { return t } }

// createGroup fills in and sends the create form.
func (h *harness) createGroup(name, loc string) {
	h.t.Helper()
	h.press("n")
	h.typeText(name)
	h.press("enter")
	h.pick(loc)
	h.press("enter") // extensions: none
	h.press("enter") // confirm
	h.mustShow("Created " + name + " at " + loc + ".")
}

// After a create, the new group's location is waited on: the list and
// the detail say "Provisioning" with a spinner and the time it has
// taken, a refresh meanwhile keeps it so, and once the wait answers the
// group is Healthy and the detail says how long it took, without a key
// being pressed.
func TestLiveProvisioning(t *testing.T) {
	h := newHarness(t, withProvisionDelay(300*time.Millisecond))
	h.holdWaits = true
	h.createGroup("fresh", "fra")
	if len(h.held) != 1 {
		t.Fatalf("%d waits started, want 1 (fra)", len(h.held))
	}
	row := h.rowOf("fresh")
	if !strings.Contains(row, "Provisioning") || !strings.Contains(row, "0.0s") {
		t.Errorf("the new group's row: %q, want it provisioning, with its time", row)
	}
	h.setClock(fixedNow.Add(1500 * time.Millisecond))
	h.send(struct{}{}) // any message: relayout brings the time up to date
	if row := h.rowOf("fresh"); !strings.Contains(row, "Provisioning 1.5s") {
		t.Errorf("1.5 s later the row says %q", row)
	}
	h.press("enter")
	h.mustShow("Provisioning (fra)", "provisioning 1.5s")

	// A refresh answers while the location is still provisioning: it
	// keeps the state, and starts no second wait.
	h.press("esc", "r")
	h.waitIdle()
	if row := h.rowOf("fresh"); !strings.Contains(row, "Provisioning 1.5s") {
		t.Errorf("after a refresh the row says %q", row)
	}
	if len(h.held) != 1 {
		t.Errorf("the refresh started %d more waits", len(h.held)-1)
	}

	h.setClock(fixedNow.Add(2 * time.Second))
	start := time.Now()
	h.releaseWaits()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the wait took %v", took)
	}
	if row := h.rowOf("fresh"); !strings.Contains(row, "Healthy") {
		t.Errorf("once ready the row says %q", row)
	}
	if h.m.busy() {
		t.Error("still busy after the wait answered: the spinner would go on")
	}
	h.press("enter")
	h.mustShow("ready in 2.0s")
	h.mustNotShow("Provisioning")

	// A refresh after the wait: the server agrees, and nothing is left
	// to say.
	h.press("esc", "r")
	if got := h.m.dataset.prov["fresh"]; len(got) != 0 {
		t.Errorf("after a later refresh the dashboard still holds %v", got)
	}
	if row := h.rowOf("fresh"); !strings.Contains(row, "Healthy") {
		t.Errorf("after a later refresh the row says %q", row)
	}
}

// Adding a location waits on it alone; the detail names it while the
// primary is ready.
func TestAddLocationProvisions(t *testing.T) {
	h := newHarness(t, withProvisionDelay(200*time.Millisecond))
	h.holdWaits = true
	h.selectGroup("default")
	h.press("enter", "a")
	h.pick("ams")
	h.mustShow("Added ams to default.")
	h.mustShow("Provisioning (ams)")
	h.releaseWaits()
	h.mustShow("Healthy", "ready in")
	h.mustNotShow("Provisioning")
}

// A location the server reports as provisioning (added elsewhere) is
// waited on after the load that shows it.
func TestProvisioningSeenAtALoadIsWaitedOn(t *testing.T) {
	h := newHarness(t, withProvisionDelay(200*time.Millisecond))
	h.holdWaits = true
	other, err := api.New(api.Options{BaseURL: h.srv.URL, Token: apiToken, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.AddLocation(context.Background(), "default", "ams"); err != nil {
		t.Fatal(err)
	}
	h.press("r")
	if len(h.held) != 1 {
		t.Fatalf("%d waits after the load, want 1", len(h.held))
	}
	if row := h.rowOf("default"); !strings.Contains(row, "Provisioning") {
		t.Errorf("row: %q", row)
	}
	h.releaseWaits()
	if row := h.rowOf("default"); !strings.Contains(row, "Healthy") {
		t.Errorf("once ready the row says %q", row)
	}
}

// Quitting cancels the waits: the request ends at once rather than when
// the location is ready, and its answer changes nothing.
func TestQuitCancelsTheWaits(t *testing.T) {
	h := newHarness(t, withProvisionDelay(time.Hour))
	h.holdWaits = true
	h.createGroup("fresh", "fra")
	h.press("q")
	if h.quits != 1 {
		t.Fatalf("quits %d", h.quits)
	}
	start := time.Now()
	for _, c := range h.held {
		msg := c()
		w, ok := msg.(waitDoneMsg)
		if !ok || !errors.Is(w.err, context.Canceled) {
			t.Errorf("the wait answered %#v, want a cancelled one", msg)
		}
		h.send(msg)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the cancelled wait took %v", took)
	}
}

// Switching organization cancels the waits of the one left.
func TestSwitchOrgCancelsTheWaits(t *testing.T) {
	h := newHarness(t, withProvisionDelay(time.Hour))
	h.holdWaits = true
	h.createGroup("fresh", "fra")
	h.m.switchOrg("acme")
	for _, c := range h.held {
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case msg := <-done:
			if w, ok := msg.(waitDoneMsg); !ok || !errors.Is(w.err, context.Canceled) {
				t.Errorf("the wait answered %#v, want a cancelled one", msg)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the wait went on after the organization switch")
		}
	}
	if h.m.waiting() != 0 {
		t.Errorf("still waiting on %d locations of the old organization", h.m.waiting())
	}
}
