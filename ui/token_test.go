package ui

import (
	"errors"
	"strings"
	"testing"
)

func TestTokenDialogCopiesAndCloses(t *testing.T) {
	var copied []string
	c := newCommon(Options{})
	tok := strings.Repeat("eyJhbGciOiJFZERTQSJ9", 12)
	d := newTokenDialog(c, func(s string) error { copied = append(copied, s); return nil }, "default", tok, "read-only", "7d")
	d.SetSize(80, 20)
	out := d.View()
	for _, want := range []string{"Token for default", "read only, expires in 7d", "shown once", "Press c to copy it, esc to close."} {
		if !strings.Contains(out, want) {
			t.Errorf("dialog lacks %q:\n%s", want, out)
		}
	}
	// Wrapped, never cut: the token's lines, joined, are the token.
	var drawn strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Trim(l, "│ "); strings.HasPrefix(f, "eyJ") || (drawn.Len() > 0 && drawn.Len() < len(tok) && f != "") {
			drawn.WriteString(f)
		}
	}
	if drawn.String() != tok {
		t.Errorf("token drawn as %q:\n%s", drawn.String(), out)
	}
	cmd, closed := d.Update(keyMsg("c"))
	if closed || cmd == nil {
		t.Fatalf("c: closed %v, cmd %v", closed, cmd)
	}
	if msg, ok := cmd().(copiedMsg); !ok || msg.err != nil || len(copied) != 1 || copied[0] != tok {
		t.Fatalf("copy: %v, copied %q", msg, copied)
	}
	if _, closed := d.Update(keyMsg("j")); closed {
		t.Error("j closed the dialog")
	}
	for _, k := range []string{"esc", "enter", "q"} {
		if _, closed := d.Update(keyMsg(k)); !closed {
			t.Errorf("%s did not close the dialog", k)
		}
	}
	if h := d.ShortHelp(); len(h) != 2 || h[1].Help().Desc != "close" {
		t.Errorf("short help %v", h)
	}
}

func TestTokenDialogSaysWhenCopyFails(t *testing.T) {
	d := newTokenDialog(newCommon(Options{}), func(string) error { return errors.New("no clipboard") }, "g", "tok", "full-access", "")
	cmd, _ := d.Update(keyMsg("c"))
	if msg := cmd().(copiedMsg); msg.err == nil {
		t.Error("a failed copy said nothing")
	}
	if out := d.View(); !strings.Contains(out, "full access, never expires") {
		t.Errorf("dialog:\n%s", out)
	}
}

func TestNoticeClosesOnAnyKey(t *testing.T) {
	c := newCommon(Options{})
	n := newNotice(c, "Cannot delete", "billing is delete protected.")
	if n.width != c.width {
		t.Errorf("a new notice is %d wide, the screen %d", n.width, c.width)
	}
	n.SetSize(70, 20)
	out := n.View()
	for _, want := range []string{"Cannot delete", "billing is delete protected.", "Press any key to close."} {
		if !strings.Contains(out, want) {
			t.Errorf("notice lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if w := len([]rune(l)); w > 70 {
			t.Errorf("line of %d cells at a width of 70: %q", w, l)
		}
	}
	if _, closed := n.Update(clearToastMsg{}); closed {
		t.Error("a message that is not a key closed the notice")
	}
	if _, closed := n.Update(keyMsg("x")); !closed {
		t.Error("a key did not close the notice")
	}
}
