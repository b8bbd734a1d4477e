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
	c    *common
	help help.Model // styled once; SetSize sets its width
	cols [][]key.Binding
	// quit is the root's: the quit key quits from the help, as it does
	// from the list it covers.
	quit  func() tea.Cmd
	width int
}

// newHelpView opens a help of cols; quit (nil: none) is what the quit key does.
func newHelpView(c *common, cols [][]key.Binding, quit func() tea.Cmd) *helpView {
	v := &helpView{c: c, help: newHelp(c.st), cols: cols, quit: quit}
	v.SetSize(c.width, c.height)
	return v
}

// SetSize gives the help the body's w x h cells; it is a handful of
// rows, which fitScreen cuts on a short terminal.
func (v *helpView) SetSize(w, _ int) {
	v.width = w
	v.help.Width = max(w-2, 10)
}

// Update closes the help on any key; the quit key quits as well.
func (v *helpView) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	if key.Matches(km, v.c.keys.Quit) && v.quit != nil {
		return v.quit(), true
	}
	return nil, true
}

// ShortHelp is how to leave the help.
func (v *helpView) ShortHelp() []key.Binding { return []key.Binding{anyKeyCloses, v.c.keys.Quit} }

// anyKeyCloses is the footer's line for a dialog that any key closes.
var anyKeyCloses = key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "close"))

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
