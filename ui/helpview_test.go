package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

func TestHelpViewOpensDrawsAndCloses(t *testing.T) {
	c := newCommon(Options{})
	v := newHelpView(c)
	v.SetSize(100, 30)
	cols := [][]key.Binding{
		{c.keys.Up, c.keys.Down},
		{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "explode"))},
	}
	if _, ok := v.Update(keyMsg("j")); ok {
		t.Fatal("a closed help took a key")
	}
	v.Open(cols)
	out := v.View()
	for _, want := range []string{"Keys", "↑/k", "up", "x", "explode", "Press any key to close."} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	// Quit is the root's: the help leaves it, open.
	if _, ok := v.Update(keyMsg("q")); ok || !v.open {
		t.Fatalf("the help took quit (open %v)", v.open)
	}
	if _, ok := v.Update(keyMsg("j")); !ok || v.open {
		t.Fatalf("a key did not close the help (open %v)", v.open)
	}
}

func TestHelpViewFitsItsWidth(t *testing.T) {
	c := newCommon(Options{})
	v := newHelpView(c)
	v.SetSize(40, 30)
	var col []key.Binding
	for range 3 {
		col = append(col, key.NewBinding(key.WithKeys("x"), key.WithHelp("x", strings.Repeat("long ", 10))))
	}
	v.Open([][]key.Binding{col, col, col})
	for _, l := range strings.Split(v.View(), "\n") {
		if w := len([]rune(l)); w > 40 {
			t.Errorf("line of %d cells at 40: %q", w, l)
		}
	}
}
