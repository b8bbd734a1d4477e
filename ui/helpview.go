package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/ui/styles"
)

// helpView is the full help component: the keys in columns, over the
// body, until a key closes it. The columns come from the root when it
// opens, as they hold the actions of the registry; they cannot change
// while it is open.
type helpView struct {
	c     *common
	help  help.Model // styled once; SetSize sets its width
	open  bool
	cols  [][]key.Binding
	width int
}

func newHelpView(c *common) helpView { return helpView{c: c, help: newHelp(c.st)} }

// Open shows cols.
func (v *helpView) Open(cols [][]key.Binding) { v.open, v.cols = true, cols }

// Close hides the help.
func (v *helpView) Close() { v.open, v.cols = false, nil }

// SetSize gives the help the body's w x h cells; it is a handful of
// rows, which fitScreen cuts on a short terminal.
func (v *helpView) SetSize(w, _ int) {
	v.width = w
	v.help.Width = max(w-2, 10)
}

// Update closes the help on any key but quit, which it leaves to the
// root, and reports whether msg was the help's.
func (v *helpView) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || !v.open || key.Matches(km, v.c.keys.Quit) {
		return nil, false
	}
	v.Close()
	return nil, true
}

// View draws the columns.
func (v *helpView) View() string {
	st := v.c.st
	return st.PanelTitle.Render(" Keys") + "\n\n" + indent(v.help.FullHelpView(v.cols), 1) + "\n\n " + st.Muted.Render("Press any key to close.")
}

// newHelp is the help view, styled for st's terminal.
func newHelp(st styles.Styles) help.Model {
	h := help.New()
	h.ShortSeparator = " · "
	h.Styles = help.Styles{
		Ellipsis: st.HelpSep, ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.HelpSep,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.HelpSep,
	}
	return h
}
