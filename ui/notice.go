package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// notice is the notice component: a message box that needs the user's
// attention (why a delete cannot proceed, say); any key closes it. It
// is an overlay on the root's focus stack while it is open.
type notice struct {
	c           *common
	title, body string
	width       int
}

func newNotice(c *common, title, body string) *notice {
	// A notice can open in View (a panic recovered there), before the
	// next SetSize: it starts at the size of the screen.
	return &notice{c: c, title: title, body: body, width: c.width}
}

// SetSize gives the notice the body's width.
func (n *notice) SetSize(w, _ int) { n.width = w }

// Update reports whether msg closes the notice: any key does.
func (n *notice) Update(msg tea.Msg) (cmd tea.Cmd, closed bool) {
	_, ok := msg.(tea.KeyMsg)
	return nil, ok
}

// ShortHelp is how to close it.
func (n *notice) ShortHelp() []key.Binding { return []key.Binding{anyKeyCloses} }

// View draws the box.
func (n *notice) View() string {
	st := n.c.st
	return st.Dialog.Width(min(n.width-4, 76)).Render(st.DialogTitle.Render(n.title) + "\n\n" + n.body + "\n\n" + st.Muted.Render("Press any key to close."))
}
