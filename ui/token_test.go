package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
)

// borderRunes are what a box is drawn with: none may share a line with
// the token, or a mouse selection of it would copy them.
const borderRunes = "│╭╮╰╯─┃┏┓┗┛━|"

// tokenRows returns the lines of out that hold part of the token, and
// the token as those lines spell it.
func tokenRows(out, tok string) (rows []string, spelled string) {
	for _, l := range strings.Split(out, "\n") {
		plain := ansi.Strip(l)
		if f := strings.TrimSpace(plain); f != "" && strings.Contains(tok, f) && len(f) > 8 {
			rows = append(rows, plain)
			spelled += f
		}
	}
	return rows, spelled
}

func TestTokenDialogCopiesAndCloses(t *testing.T) {
	var copied []string
	c := newCommon(Options{})
	tok := strings.Repeat("eyJhbGciOiJFZERTQSJ9", 12)
	d := newTokenDialog(c, func(s string) error { copied = append(copied, s); return nil }, "default", tok,
		api.TokenOptions{Authorization: api.ReadOnly, Expiration: "7d", AttachDatabases: []string{"main", "events"}})
	d.SetSize(80, 20)
	out := d.View()
	for _, want := range []string{"Token for default", "read only, expires in 7d", "Read ATTACH of 2 databases: main, events", "shown once"} {
		if !strings.Contains(out, want) {
			t.Errorf("dialog lacks %q:\n%s", want, out)
		}
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

// TestTokenDialogSelectableToken: the token's lines hold the token and
// nothing else (no border, no indent), on one line when the width allows,
// else wrapped, never cut, and the words say what a mouse selection gives.
func TestTokenDialogSelectableToken(t *testing.T) {
	tok := strings.Repeat("eyJhbGciOiJFZERTQSJ9", 12) // 240 characters
	for _, c := range []struct {
		width, lines int
	}{{300, 1}, {240, 1}, {80, 3}, {60, 4}} {
		d := newTokenDialog(newCommon(Options{}), func(string) error { return nil }, "g", tok, api.TokenOptions{})
		d.SetSize(c.width, 20)
		out := d.View()
		rows, spelled := tokenRows(out, tok)
		if spelled != tok || len(rows) != c.lines {
			t.Errorf("width %d: token on %d lines as %q, want %d lines:\n%s", c.width, len(rows), spelled, c.lines, out)
		}
		for _, r := range rows {
			if strings.ContainsAny(r, borderRunes) || strings.HasPrefix(r, " ") {
				t.Errorf("width %d: token line %q has a border or an indent", c.width, r)
			}
			if n := ansi.StringWidth(r); n > c.width {
				t.Errorf("width %d: token line of %d cells", c.width, n)
			}
		}
		flat := strings.Join(strings.Fields(ansi.Strip(out)), " ")
		if wrapped := strings.Contains(flat, "line breaks"); wrapped != (c.lines > 1) && !strings.Contains(flat, "join its") {
			t.Errorf("width %d (%d lines): the words do not say whether the token is wrapped: %s", c.width, c.lines, flat)
		}
	}
}

// TestTokenDialogHonestAboutOSC52: "copied" only where the terminal is
// known to take OSC 52; elsewhere, select with the mouse.
func TestTokenDialogHonestAboutOSC52(t *testing.T) {
	tok := strings.Repeat("x", 50)
	for _, c := range []struct {
		name     string
		env      map[string]string
		want     []string
		wantNot  []string
		toast    string
		toastNot string
	}{
		{"known", map[string]string{"TERM": "xterm-kitty"},
			[]string{"Press c to copy it to the clipboard (OSC 52)", "or select it with the mouse"}, []string{"may not support"},
			"Sent the token to the terminal's clipboard (OSC 52).", "may not"},
		{"unknown", map[string]string{"TERM": "xterm-256color"},
			[]string{"Select the token with the mouse to copy it.", "which your terminal may not support"}, []string{"copy it to the clipboard"},
			"your terminal may not support", "Sent the token to the terminal's clipboard"},
		{"no environment", nil,
			[]string{"Select the token with the mouse"}, nil,
			"select the token with the mouse", "Sent the token to the terminal's clipboard"},
	} {
		getenv := func(k string) string { return c.env[k] }
		if c.env == nil {
			getenv = nil
		}
		// No request is ever sent: the client points nowhere.
		client, err := api.New(api.Options{BaseURL: "http://127.0.0.1:1", Token: "t", Org: "demo"})
		if err != nil {
			t.Fatal(err)
		}
		m := New(Options{Client: client, Getenv: getenv, Copy: func(string) error { return nil }})
		t.Cleanup(m.Close)
		d := newTokenDialog(m.common, func(string) error { return nil }, "g", tok, api.TokenOptions{})
		d.SetSize(100, 20)
		flat := strings.Join(strings.Fields(ansi.Strip(d.View())), " ")
		for _, w := range c.want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: dialog lacks %q: %s", c.name, w, flat)
			}
		}
		for _, w := range c.wantNot {
			if strings.Contains(flat, w) {
				t.Errorf("%s: dialog says %q: %s", c.name, w, flat)
			}
		}
		m.Update(copiedMsg{})
		toast := m.footer.toast.text
		if !strings.Contains(toast, c.toast) || strings.Contains(toast, c.toastNot) {
			t.Errorf("%s: after copying, the footer says %q", c.name, toast)
		}
	}
}

func TestTokenDialogSaysWhenCopyFails(t *testing.T) {
	d := newTokenDialog(newCommon(Options{}), func(string) error { return errors.New("no clipboard") }, "g", "tok", api.TokenOptions{Authorization: api.FullAccess})
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
