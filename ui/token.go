package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// tokenDialog is the token dialog component: a freshly minted group
// token. The API never shows a token twice, so it stays until the user
// closes it, and the copy key copies it. The root holds it while it is
// open and forgets it, and the token, when Update says it closed.
type tokenDialog struct {
	c *common
	// copy writes the token to the terminal's clipboard.
	copy         func(s string) error
	group, token string
	// opts are what the token was asked for, to say what it grants.
	opts  api.TokenOptions
	width int
}

func newTokenDialog(c *common, copyFn func(string) error, group, token string, opts api.TokenOptions) *tokenDialog {
	if copyFn == nil {
		out := c.r.Output()
		copyFn = func(s string) error { out.Copy(s); return nil }
	}
	return &tokenDialog{c: c, copy: copyFn, group: group, token: token, opts: opts, width: c.width}
}

// SetSize gives the dialog the body's width.
func (d *tokenDialog) SetSize(w, _ int) { d.width = w }

// Update copies the token on the copy key; closed reports that a key
// closed the dialog (back, enter, quit: quitting from here would lose
// the token by surprise).
func (d *tokenDialog) Update(msg tea.Msg) (cmd tea.Cmd, closed bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	k := d.c.keys
	switch {
	case key.Matches(km, k.Copy):
		tok, copyFn := d.token, d.copy
		return func() tea.Msg { return copiedMsg{err: copyFn(tok)} }, false
	case key.Matches(km, k.Back), km.Type == tea.KeyEnter, key.Matches(km, k.Quit):
		return nil, true
	}
	return nil, false
}

// ShortHelp is copy and close.
func (d *tokenDialog) ShortHelp() []key.Binding {
	back := d.c.keys.Back
	back.SetHelp(back.Help().Key, "close")
	return []key.Binding{d.c.keys.Copy, back}
}

// grants says what the token allows, in words.
func (d *tokenDialog) grants() string {
	access := "full access"
	if d.opts.Authorization == api.ReadOnly {
		access = "read only"
	}
	exp := "never expires"
	if e := d.opts.Expiration; e != "" && e != "never" && e != "none" && e != "default" {
		exp = "expires in " + text.Sanitize(e)
	}
	return access + ", " + exp
}

// tokenLines is the token cut into lines of at most width cells: one
// line when it fits, so that a mouse selection of it is the token.
func tokenLines(tok string, width int) []string {
	return strings.Split(ansi.Hardwrap(tok, max(width, 10), true), "\n")
}

// View draws a bordered box that says what the token is and that it is
// shown once, then the token outside the box, on lines of its own with
// nothing before it, so that selecting it with the mouse copies the token
// and no border; then how to copy it, in words true of this terminal.
func (d *tokenDialog) View() string {
	st, k := d.c.st, d.c.keys
	boxW := min(d.width-2, 100)
	inner := boxW - st.Dialog.GetHorizontalPadding()
	box := st.DialogTitle.Render("Token for "+text.Sanitize(d.group)) + st.Muted.Render("  "+d.grants())
	if dbs := d.opts.AttachDatabases; len(dbs) > 0 {
		names := make([]string, len(dbs))
		for i, db := range dbs {
			names[i] = text.Sanitize(db)
		}
		box += "\n" + text.Truncate("Read ATTACH of "+plural(len(dbs), "database")+": "+strings.Join(names, ", "), inner)
	}
	box += "\n" + st.Warning.Render(ansi.Wrap("This token is shown once: it cannot be retrieved again.", inner, ""))

	lines := tokenLines(text.SanitizeWhole(d.token), d.width)
	var b strings.Builder
	b.WriteString(st.Dialog.Width(boxW).Render(box) + "\n\n")
	for _, l := range lines {
		b.WriteString(st.Token.Render(l) + "\n")
	}
	b.WriteString("\n")
	copyKey, back := k.Copy.Help().Key, k.Back.Help().Key
	var how string
	switch {
	case d.c.osc52 && len(lines) == 1:
		how = fmt.Sprintf("Press %s to copy it to the clipboard (OSC 52), or select it with the mouse. %s closes.", copyKey, back)
	case d.c.osc52:
		how = fmt.Sprintf("Press %s to copy it to the clipboard (OSC 52): the token is wrapped over %d lines, and a mouse selection would hold the line breaks. %s closes.", copyKey, len(lines), back)
	case len(lines) == 1:
		how = fmt.Sprintf("Select the token with the mouse to copy it. %s sends it to the clipboard as OSC 52, which your terminal may not support. %s closes.", copyKey, back)
	default:
		how = fmt.Sprintf("Select the token with the mouse and join its %d lines, or widen the window to put it on one line. %s sends it to the clipboard as OSC 52, which your terminal may not support. %s closes.", len(lines), copyKey, back)
	}
	b.WriteString(indent(st.Muted.Render(ansi.Wrap(how, max(d.width-2, 10), "")), 1))
	return b.String()
}
