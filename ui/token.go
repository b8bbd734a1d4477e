package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// tokenDialog is the token dialog component: a freshly minted group
// token. The API never shows a token twice, so it stays until the user
// closes it, and the copy key copies it. The root holds it while it is
// open and forgets it, and the token, when Update says it closed.
type tokenDialog struct {
	c *common
	// copy writes the token to the terminal's clipboard.
	copy                             func(s string) error
	group, token, access, expiration string
	width                            int
}

func newTokenDialog(c *common, copyFn func(string) error, group, token, access, expiration string) *tokenDialog {
	if copyFn == nil {
		out := c.r.Output()
		copyFn = func(s string) error { out.Copy(s); return nil }
	}
	return &tokenDialog{c: c, copy: copyFn, group: group, token: token, access: access, expiration: expiration, width: c.width}
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

// View draws the token, wrapped, never cut: it is shown this once.
func (d *tokenDialog) View() string {
	st, k := d.c.st, d.c.keys
	access := "full access"
	if d.access == "read-only" {
		access = "read only"
	}
	exp := "never expires"
	if d.expiration != "" && d.expiration != "never" {
		exp = "expires in " + text.Sanitize(d.expiration)
	}
	width := min(d.width-4, 100)
	body := st.DialogTitle.Render("Token for "+text.Sanitize(d.group)) + st.Muted.Render("  "+access+", "+exp) + "\n\n" +
		st.Token.Render(ansi.Hardwrap(text.SanitizeWhole(d.token), width-4, true)) + "\n\n" +
		st.Warning.Render("This token is shown once: it cannot be retrieved again.") + "\n" +
		st.Muted.Render("Press "+k.Copy.Help().Key+" to copy it, "+k.Back.Help().Key+" to close.")
	return st.Dialog.Width(width).Render(body)
}
