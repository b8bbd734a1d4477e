package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
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
	if got := fs.windowSize(); got.Width != 96 || got.Height != 27 {
		t.Errorf("100x30: %+v, want 96x27", got)
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

// A validation message stays on one line when the terminal has room
// (it wrapped at 72 columns in a 120-column one), and where it must
// wrap, its next line starts under its text, not under the mark.
func TestFormValidationMessageUsesTheWidth(t *testing.T) {
	const msg = "✗ only lowercase letters, digits and hyphens are allowed (a space at position 3 is not)"
	h := newHarness(t, withSize(120, 35))
	h.press("n")
	h.typeText("my group")
	h.mustShow(msg)

	h = newHarness(t, withSize(80, 24))
	h.press("n")
	h.typeText("my group")
	lines := strings.Split(h.screen(), "\n")
	for i, l := range lines {
		first := strings.Index(l, "✗ only")
		if first < 0 {
			continue
		}
		next := lines[i+1]
		text := strings.TrimLeft(next[strings.Index(next, "┃")+len("┃"):], " ")
		col, want := ansi.StringWidth(next[:strings.Index(next, text)]), ansi.StringWidth(l[:first]+"✗ ")
		if !strings.HasPrefix(text, "position 3 is not)") || col != want {
			t.Fatalf("continuation %q is not under the message's text (column %d, want %d):\n%s", next, col, want, h.screen())
		}
		return
	}
	t.Fatalf("no validation message:\n%s", h.screen())
}

// The footer under a filtered list gives esc one meaning at a time, and
// esc does what it says: it ends the filter before it cancels the form.
func TestFormEscHasOneMeaning(t *testing.T) {
	h := newHarness(t, withSize(120, 35))
	footer := func() string {
		lines := strings.Split(strings.TrimRight(h.screen(), "\n"), "\n")
		return lines[len(lines)-1]
	}
	esc := func(want string) {
		t.Helper()
		f := footer()
		if n := strings.Count(f, "esc "); n != 1 || !strings.Contains(f, "esc "+want) {
			t.Fatalf("footer %q: want esc once, meaning %q", f, want)
		}
	}
	h.press("n")
	h.typeText("ok")
	h.press("tab")
	esc("cancel")
	h.press("/")
	h.typeText("lhr")
	esc("stop filtering")
	h.press("esc")
	if h.m.focus.form() == nil {
		t.Fatal("esc while filtering cancelled the form")
	}
	h.mustShow("lhr — London")
	h.mustNotShow("aws-us-east-2")
	esc("clear filter")
	h.press("esc")
	h.mustShow("ams — Amsterdam")
	esc("cancel")
	h.press("esc")
	if h.m.focus.form() != nil {
		t.Fatal("esc did not cancel the form")
	}
}

// The location list keeps its title while filtered, the filter shown
// after it as the filter.
func TestFormListKeepsItsTitleWhileFiltered(t *testing.T) {
	h := newHarness(t, withSize(120, 35))
	h.press("n")
	h.typeText("ok")
	h.press("tab", "/")
	h.typeText("lhr")
	h.mustShow("Primary location  filter /lhr", "lhr — London")
	h.press("esc") // stops typing; the list stays filtered
	h.mustShow("Primary location  filter /lhr", "lhr — London")
}

// The location list takes the rows the body has, and its title says
// where the cursor is, so that the options above the chosen one are not
// hidden without a sign.
func TestFormListUsesTheRowsAndSaysWhere(t *testing.T) {
	h := newHarness(t, withSize(120, 35))
	h.press("n")
	n := len(h.m.locs)
	h.mustShow(fmt.Sprintf("Primary location  7/%d", n))
	if got := strings.Count(h.screen(), " — "); got < 15 {
		t.Fatalf("%d locations shown in a 35-row terminal:\n%s", got, h.screen())
	}
	h.typeText("ok")
	h.press("tab", "down")
	h.mustShow(fmt.Sprintf("Primary location  8/%d", n))

	h = newHarness(t, withSize(120, 35))
	h.selectGroup("default")
	h.press("a")
	if got := strings.Count(h.screen(), " — "); got < 20 {
		t.Fatalf("%d locations offered in a 35-row terminal:\n%s", got, h.screen())
	}
	h.mustShow("Add a location to default  1/")
}
