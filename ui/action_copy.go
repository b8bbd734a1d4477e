package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actYank copies the selected thing, wherever it is: on the list the
// group's name; in the detail, with a database selected, its libsql://
// URL, and pressed again on the same database its hostname, then its
// name (a cycle, rather than a menu: one key, and the toast says what the
// next press copies); in the detail without one, the group's name.
var actYank = &action{
	name:       "yank",
	binding:    func(k *keys.KeyMap) *key.Binding { return &k.Yank },
	dbAction:   true,
	needsGroup: true,
	// Not in the list's footer, where enter and the filter matter more;
	// the help lists it.
	footer: onDetail,
	do: func(m *Model, fs *formState) tea.Cmd {
		if m.screen == screenDetail {
			if db, ok := m.detail.selectedDB(); ok {
				form := m.detail.dbSel.nextCopy
				m.detail.dbSel.nextCopy = (form + 1) % len(dbCopyForms)
				return m.copyDB(db, form)
			}
		}
		return m.copyText(fs.group, text.Sanitize(fs.group), "")
	},
}

// dbCopyForms are what y copies of a database, in the order of the
// presses: its URL, its hostname, its name.
var dbCopyForms = []string{"URL", "hostname", "name"}

// dbURL is the URL a libSQL client connects to.
func dbURL(db api.Database) string { return "libsql://" + db.Hostname }

// copyDB copies form (an index of dbCopyForms) of db.
func (m *Model) copyDB(db api.Database, form int) tea.Cmd {
	s := dbURL(db)
	switch dbCopyForms[form] {
	case "hostname":
		s = db.Hostname
	case "name":
		s = db.Name
	}
	next := dbCopyForms[(form+1)%len(dbCopyForms)]
	return m.copyText(s, text.Sanitize(s), "the "+next)
}

// copyText sends s to the terminal's clipboard off the update loop (a
// terminal that blocks on the write must not freeze the dashboard).
func (m *Model) copyText(s, what, next string) tea.Cmd {
	copyFn := m.opts.Copy
	if copyFn == nil {
		out := m.r.Output()
		copyFn = func(s string) error { out.Copy(s); return nil }
	}
	return func() tea.Msg { return copiedMsg{err: copyFn(s), what: what, next: next} }
}

// onCopied says what a copy did, in words true of the terminal: OSC 52
// is written either way, but only a terminal known to take it is said to
// have the text (osc52Known).
func (m *Model) onCopied(msg copiedMsg) tea.Cmd {
	if msg.what == "" {
		// The token dialog's copy: the token is not repeated in the footer.
		if msg.err != nil {
			return m.showToast(toastError, "Could not copy the token: "+msg.err.Error())
		}
		if !m.osc52 {
			// Written, but nothing says the terminal took it.
			return m.showToast(toastInfo, "Sent as OSC 52, which your terminal may not support: if pasting fails, select the token with the mouse.")
		}
		return m.showToast(toastSuccess, "Sent the token to the terminal's clipboard (OSC 52).")
	}
	if msg.err != nil {
		return m.showToast(toastError, "Could not copy "+msg.what+": "+msg.err.Error())
	}
	again := ""
	if msg.next != "" {
		again = " " + m.keys.Yank.Help().Key + " again: " + msg.next + "."
	}
	if !m.osc52 {
		return m.showToast(toastInfo, "Sent "+msg.what+" as OSC 52, which your terminal may not support."+again)
	}
	return m.showToast(toastSuccess, "Copied "+msg.what+" to the clipboard (OSC 52)."+again)
}
