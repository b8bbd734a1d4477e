package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// quitCmd reports whether cmd is (or batches) tea.Quit.
func quitCmd(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if quitCmd(c) {
				return true
			}
		}
	}
	return false
}

func TestQuitKeys(t *testing.T) {
	cases := []struct {
		name  string
		setup []string
		key   string
	}{
		{"q on the list", nil, "q"},
		{"q on the detail", []string{"enter"}, "q"},
		{"q on the help", []string{"?"}, "q"},
		{"ctrl+c on the list", nil, "ctrl+c"},
		{"ctrl+c in the create form", []string{"n"}, "ctrl+c"},
		{"ctrl+c in the filter", []string{"/"}, "ctrl+c"},
		{"ctrl+c in the delete form", []string{"d"}, "ctrl+c"},
		{"ctrl+c on the notice", []string{"j", "d"}, "ctrl+c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.press(c.setup...)
			if h.ctxDone() {
				t.Fatal("the context ended before quitting")
			}
			_, cmd := h.m.Update(keyMsg(c.key))
			if !quitCmd(cmd) {
				t.Fatalf("%s did not return tea.Quit", c.key)
			}
			if !h.ctxDone() {
				t.Fatal("quitting did not cancel the model's context")
			}
			if v := h.m.View(); v != "" {
				t.Fatalf("View after quitting: %q", v)
			}
		})
	}
}

func (h *harness) ctxDone() bool { return h.m.sess.ctx.Err() != nil }

// In the create form's name, q is a letter.
func TestQInAFormIsText(t *testing.T) {
	h := newHarness(t)
	h.press("n")
	h.press("q")
	h.typeText("quiz")
	if h.quits != 0 || h.ctxDone() {
		t.Fatal("q in the name field quit")
	}
	if h.m.focus.form() == nil || h.m.focus.form().values.Name != "qquiz" {
		t.Fatalf("name = %q, want qquiz", h.m.focus.form().values.Name)
	}
	h.mustShow("> qquiz")
	// Same in the filter.
	h.press("esc", "/", "q")
	if h.quits != 0 || h.m.list.query != "q" {
		t.Fatalf("q in the filter: quits=%d query=%q", h.quits, h.m.list.query)
	}
}

// Quitting ends the requests in flight at once, instead of leaving them to
// the API's pace (here five seconds each).
func TestQuitCancelsRequestsInFlight(t *testing.T) {
	// The wrapper reads request bodies before the emulator's latency, so
	// that the server notices the client hanging up (net/http watches the
	// connection only once the body is read) and the test's server shuts
	// down at once too.
	var b bodies
	h := newHarness(t, withHandler(b.wrap))
	h.selectGroup("default")
	// Answers come after a minute: a request that ends within the bounds
	// below was cancelled, not answered.
	h.emu.SetFaults(emulator.Faults{Latency: time.Minute})
	h.reqs.reset()

	// A refresh and a mutation, run in the background as the program
	// would run them.
	results := make(chan tea.Msg, 8)
	started := 0
	for _, k := range []string{"r", "p"} {
		_, cmd := h.m.Update(keyMsg(k))
		batch, ok := cmd().(tea.BatchMsg)
		if !ok {
			t.Fatalf("%s did not return a batch", k)
		}
		for _, c := range batch {
			name := cmdName(c)
			if strings.Contains(name, "loadGroupListCmd") || strings.Contains(name, "loadDatabasesCmd") || strings.Contains(name, "startOp") {
				started++
				go func() { results <- c() }()
			}
		}
	}
	if started != 3 {
		t.Fatalf("started %d API commands, want 3 (groups, databases, protection)", started)
	}
	// Wait until the three requests (groups, databases, protection) are
	// at the server.
	deadline := time.Now().Add(5 * time.Second)
	for len(h.reqs.snapshot()) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("requests never reached the server: %v", h.reqs.snapshot())
		}
		time.Sleep(5 * time.Millisecond)
	}

	start := time.Now()
	_, cmd := h.m.Update(keyMsg("ctrl+c"))
	if !quitCmd(cmd) {
		t.Fatal("ctrl+c did not quit")
	}
	h.awaitCancelled(results, started, start)
	if h.m.focus.form() != nil {
		t.Error("a cancelled request reopened its form")
	}
	if g, _ := h.serverGroup("demo", "default"); g.DeleteProtection {
		t.Error("the cancelled request changed the server")
	}
}

// resultErr is the error an API command's message carries.
func resultErr(msg tea.Msg) error {
	switch msg := msg.(type) {
	case groupsLoadedMsg:
		return msg.data.Err
	case databasesLoadedMsg:
		return msg.data.Err
	case locationsLoadedMsg:
		return msg.err
	case opDoneMsg:
		return msg.err
	}
	return nil
}

// awaitCancelled takes the results of n API commands that were in flight
// when the user quit at start: each must end cancelled, long before the
// server's minute of latency (typically within milliseconds; 10 s is the
// bound, for a busy machine), and delivering them afterwards must change
// nothing.
func (h *harness) awaitCancelled(results <-chan tea.Msg, n int, start time.Time) {
	h.t.Helper()
	const bound = 10 * time.Second
	timeout := time.After(bound)
	for i := 0; i < n; i++ {
		select {
		case msg := <-results:
			if err := resultErr(msg); !errors.Is(err, context.Canceled) {
				h.t.Errorf("%T ended with %v, want context.Canceled", msg, err)
			}
			h.send(msg)
		case <-timeout:
			h.t.Fatalf("a request was still running %s after quitting", bound)
		}
	}
	h.t.Logf("the requests ended %s after quitting", time.Since(start))
}
