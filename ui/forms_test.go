package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// newTestForm is the form host on its own, without a root Model: a form
// of one input, the name, for a stand-in action, in a body of w x h.
func newTestForm(t *testing.T, w, h int) *formState {
	t.Helper()
	fs := &formState{kind: &action{name: "stand-in", title: "Rename group"}, group: "billing", values: &formValues{}}
	v := fs.values
	cmd := fs.open(newCommon(Options{}), []*huh.Group{huh.NewGroup(huh.NewInput().Key("name").Title("New name").Accessor(bind(v, &v.Name)))}, w, h)
	fs.drive(t, cmd, 0)
	return fs
}

// drive runs cmd and hands its messages back to the form, as Bubble Tea
// would; a command that does not answer at once (a cursor's blink) is
// left out.
func (fs *formState) drive(t *testing.T, cmd tea.Cmd, depth int) {
	t.Helper()
	if cmd == nil || depth > 20 {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(100 * time.Millisecond):
		return
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			fs.drive(t, c, depth+1)
		}
		return
	}
	if cmds, ok := sequenceCmds(msg); ok {
		for _, c := range cmds {
			fs.drive(t, c, depth+1)
		}
		return
	}
	if msg == nil {
		return
	}
	next, _ := fs.Update(msg)
	fs.drive(t, next, depth+1)
}

func (fs *formState) press(t *testing.T, keys ...string) huh.FormState {
	t.Helper()
	for _, k := range keys {
		cmd, _ := fs.Update(keyMsg(k))
		fs.drive(t, cmd, 0)
	}
	return fs.form.State
}

func TestFormHostCompletes(t *testing.T) {
	fs := newTestForm(t, 100, 30)
	fs.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ledger")})
	if st := fs.press(t, "enter"); st != huh.StateCompleted {
		t.Fatalf("state %v after enter", st)
	}
	if fs.values.Name != "ledger" {
		t.Errorf("name %q", fs.values.Name)
	}
}

func TestFormHostAbortsOnEsc(t *testing.T) {
	fs := newTestForm(t, 100, 30)
	if st := fs.press(t, "esc"); st != huh.StateAborted {
		t.Fatalf("state %v after esc", st)
	}
}

func TestFormHostDraws(t *testing.T) {
	fs := newTestForm(t, 60, 30)
	fs.err = "Could not rename billing: " + strings.Repeat("the server said no ", 6)
	out := fs.View()
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "Rename group") || !strings.Contains(lines[0], "billing") {
		t.Errorf("title line %q", lines[0])
	}
	if !strings.Contains(out, "New name") {
		t.Errorf("the form is not drawn:\n%s", out)
	}
	// The error wraps above the form rather than being cut.
	if !strings.Contains(lines[1], "Could not rename") || !strings.Contains(lines[2], "said no") {
		t.Errorf("error not wrapped:\n%s", out)
	}
	h := fs.ShortHelp()
	if got := h[len(h)-2].Help(); got.Key != "esc" || got.Desc != "cancel" {
		t.Errorf("short help ends with %v", got)
	}
}

func TestFormHostWindowSize(t *testing.T) {
	fs := newTestForm(t, 100, 30)
	if got := fs.windowSize(); got.Width != 72 || got.Height != 27 {
		t.Errorf("100x30: %+v, want 72x27", got)
	}
	fs.err = "failed"
	if got := fs.windowSize(); got.Height != 25 {
		t.Errorf("with an error: %+v, want a height of 25", got)
	}
	fs.SetSize(10, 3)
	if got := fs.windowSize(); got.Width != 20 || got.Height != 5 {
		t.Errorf("10x3: %+v, want the minimum 20x5", got)
	}
}
