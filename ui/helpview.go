package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/seed372e9e9a/turso-groups/ui/styles"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// helpView is the full help component: the keys in columns, over the
// body, until a key closes it. The columns come from the root when it
// opens, as they hold the actions of the registry; they cannot change
// while it is open. SetSize lays them out for the window: as they are
// when they fit, else poured into as many narrower columns as the width
// takes, and scrolled when even those are taller than the body, so that
// no key is ever cut to "…".
type helpView struct {
	c    *common
	help help.Model // styled once
	cols [][]key.Binding
	// quit is the root's: the quit key quits from the help, as it does
	// from the list it covers.
	quit func() tea.Cmd
	// lines is the columns drawn for the width, kept by SetSize; rows is
	// how many of them the body shows, from top.
	lines     []string
	rows, top int
}

// helpChrome is the help's lines besides the keys: the title and a blank
// line above them, a blank line and the closing line below.
const helpChrome = 4

// newHelpView opens a help of cols; quit (nil: none) is what the quit key does.
func newHelpView(c *common, cols [][]key.Binding, quit func() tea.Cmd) *helpView {
	v := &helpView{c: c, help: newHelp(c.st), cols: cols, quit: quit}
	v.SetSize(c.width, c.height)
	return v
}

// SetSize lays the keys out in the body's w x h cells.
func (v *helpView) SetSize(w, h int) {
	v.lines = strings.Split(layoutHelp(v.help, v.cols, max(w-2, 10)), "\n")
	for i, l := range v.lines {
		// Only a key too wide for the window on its own is cut.
		v.lines[i] = text.Truncate(l, max(w-2, 10))
	}
	v.rows = max(h-helpChrome, 1)
	v.top = min(v.top, max(len(v.lines)-v.rows, 0))
}

// layoutHelp draws cols within width: as given when they fit, else the
// same keys, in order, in the fewest rows whose columns fit (a column
// never splits a key from its description). At a width where not even
// one column fits, SetSize cuts the lines.
func layoutHelp(h help.Model, cols [][]key.Binding, width int) string {
	h.Width = 0 // measured here, never cut with "…"
	out := h.FullHelpView(cols)
	if lipgloss.Width(out) <= width {
		return out
	}
	var all []key.Binding
	for _, c := range cols {
		for _, b := range c {
			if b.Enabled() {
				all = append(all, b)
			}
		}
	}
	for rows := 1; rows < len(all); rows++ {
		var poured [][]key.Binding
		for i := 0; i < len(all); i += rows {
			poured = append(poured, all[i:min(i+rows, len(all))])
		}
		if out := h.FullHelpView(poured); lipgloss.Width(out) <= width {
			return out
		}
	}
	return h.FullHelpView([][]key.Binding{all})
}

// Update scrolls a help taller than the body with the moving keys, and
// closes it on any other key; the quit key quits as well.
func (v *helpView) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	if key.Matches(km, v.c.keys.Quit) && v.quit != nil {
		return v.quit(), true
	}
	if len(v.lines) > v.rows {
		if d, ok := navDelta(v.c.keys, km, v.rows, len(v.lines)); ok {
			v.top = max(min(v.top+d, len(v.lines)-v.rows), 0)
			return nil, false
		}
	}
	return nil, true
}

// ShortHelp is how to leave the help, and to scroll it when it is taller
// than the body.
func (v *helpView) ShortHelp() []key.Binding {
	if len(v.lines) > v.rows {
		return []key.Binding{v.c.keys.Down, v.c.keys.Up, anyKeyCloses, v.c.keys.Quit}
	}
	return []key.Binding{anyKeyCloses, v.c.keys.Quit}
}

// anyKeyCloses is the footer's line for a dialog that any key closes.
var anyKeyCloses = key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "close"))

// View draws the keys that fit, and says when there are more.
func (v *helpView) View() string {
	st := v.c.st
	end := min(v.top+v.rows, len(v.lines))
	closing := "Press any key to close."
	if v.top > 0 || end < len(v.lines) {
		closing = fmt.Sprintf("Keys %d-%d of %d lines: %s %s scroll, any other key closes.",
			v.top+1, end, len(v.lines), v.c.keys.Down.Help().Key, v.c.keys.Up.Help().Key)
	}
	return st.PanelTitle.Render(" Keys") + "\n\n" + indent(strings.Join(v.lines[v.top:end], "\n"), 1) + "\n\n " + st.Muted.Render(closing)
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
