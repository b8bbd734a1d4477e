package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// tokenDialog shows a freshly minted group token. The API never shows a
// token twice, so it stays until the user closes it, and c copies it.
type tokenDialog struct {
	group, token, access, expiration string
}

func (m *Model) updateTokenDialog(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Copy):
		tok := m.tokenDialog.token
		copyFn := m.opts.Copy
		if copyFn == nil {
			out := m.st.R.Output()
			copyFn = func(s string) error { out.Copy(s); return nil }
		}
		return func() tea.Msg { return copiedMsg{err: copyFn(tok)} }
	case key.Matches(msg, m.keys.Back), msg.Type == tea.KeyEnter, key.Matches(msg, m.keys.Quit):
		// Closing forgets the token: it exists only on the user's screen
		// and clipboard.
		m.tokenDialog = nil
	}
	return nil
}
