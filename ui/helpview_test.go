package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func TestHelpViewDrawsAndCloses(t *testing.T) {
	c := newCommon(Options{})
	cols := [][]key.Binding{
		{c.keys.Up, c.keys.Down},
		{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "explode"))},
	}
	quits := 0
	v := newHelpView(c, cols, func() tea.Cmd { quits++; return tea.Quit })
	v.SetSize(100, 30)
	out := v.View()
	for _, want := range []string{"Keys", "↑/k", "up", "x", "explode", "Press any key to close."} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	if _, closed := v.Update(tea.WindowSizeMsg{Width: 10, Height: 10}); closed {
		t.Fatal("a message that is not a key closed the help")
	}
	if cmd, closed := v.Update(keyMsg("j")); !closed || cmd != nil || quits != 0 {
		t.Fatalf("j: closed %v, quits %d", closed, quits)
	}
	// The quit key quits from the help, as from the list under it.
	if cmd, closed := v.Update(keyMsg("q")); !closed || cmd == nil || quits != 1 {
		t.Fatalf("q: closed %v, quits %d", closed, quits)
	}
	if h := v.ShortHelp(); len(h) == 0 || h[0].Help().Key != "any key" {
		t.Errorf("short help %v", h)
	}
}

func TestHelpViewFitsItsWidth(t *testing.T) {
	c := newCommon(Options{})
	var col []key.Binding
	for range 3 {
		col = append(col, key.NewBinding(key.WithKeys("x"), key.WithHelp("x", strings.Repeat("long ", 10))))
	}
	v := newHelpView(c, [][]key.Binding{col, col, col}, nil)
	v.SetSize(40, 30)
	for _, l := range strings.Split(v.View(), "\n") {
		if w := len([]rune(l)); w > 40 {
			t.Errorf("line of %d cells at 40: %q", w, l)
		}
	}
}

// A help taller than the body scrolls with the moving keys and says
// where it is; any other key still closes it.
func TestHelpViewScrollsWhenTaller(t *testing.T) {
	c := newCommon(Options{})
	var col []key.Binding
	for i := range 20 {
		col = append(col, key.NewBinding(key.WithKeys("x"), key.WithHelp(string(rune('a'+i)), "action")))
	}
	v := newHelpView(c, [][]key.Binding{col}, nil)
	v.SetSize(30, 10) // 6 rows of keys
	if out := v.View(); !strings.Contains(out, "Keys 1-6 of 20") || strings.Contains(out, "g action") {
		t.Fatalf("first page:\n%s", out)
	}
	if _, closed := v.Update(keyMsg("j")); closed {
		t.Fatal("j closed a help that scrolls")
	}
	if out := v.View(); !strings.Contains(out, "Keys 2-7 of 20") || !strings.Contains(out, "g action") {
		t.Fatalf("after j:\n%s", out)
	}
	v.Update(keyMsg("G"))
	if out := v.View(); !strings.Contains(out, "Keys 15-20 of 20") {
		t.Fatalf("after G:\n%s", out)
	}
	if _, closed := v.Update(keyMsg("x")); !closed {
		t.Fatal("another key did not close it")
	}
}

// At 80x24 every key of the dashboard is in the help, none cut to "…",
// and the footer keeps help and quit.
func TestHelpAt80x24ShowsEveryKey(t *testing.T) {
	h := newHarness(t)
	h.resize(80, 24)
	h.mustShow("? help · q quit")
	h.press("?")
	h.mustShow("m transfer", "u unarchive", "U update databases", "d delete", "e rename", "pgup/b/ctrl+u", "pgdown/f/ctrl+d")
	if strings.Contains(h.screen(), "…") {
		t.Fatalf("the help cuts a key:\n%s", h.screen())
	}
}
