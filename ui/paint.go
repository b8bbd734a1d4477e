package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// paint is a style reduced to the escape codes it puts around a line of
// text, for the list's cells: lipgloss's Render measures, splits and
// re-styles its input on every call, and a screen of rows called it five
// times a row, half of a keystroke's time at 1,000 SSH sessions. Only for
// styles without size, padding, margins, borders or alignment, and for
// text of one line without tabs (sanitized names and padded cells), for
// which Render only wraps the text in the codes.
type paint struct{ pre, post string }

// paintOf compiles s by rendering a sentinel and keeping what is around it.
func paintOf(s lipgloss.Style) paint {
	r := s.Render("\x00")
	i := strings.IndexByte(r, 0)
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], post: r[i+1:]}
}

// Render is s in the style's codes (around "" too, as lipgloss does).
func (p paint) Render(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// rowPaints are the list row's styles, compiled once per dashboard (the
// styles are its terminal's): plain and selected.
type rowPaints struct {
	row, protected, mark [2]paint
	health               [2][healthUnhealthy + 1]paint
}

func newRowPaints(c *common) *rowPaints {
	st := c.st
	p := &rowPaints{}
	for sel, row := range []lipgloss.Style{st.Row, st.SelectedRow} {
		p.row[sel] = paintOf(row)
		p.protected[sel] = paintOf(st.Protected.Inherit(row))
		p.mark[sel] = paintOf(st.Title.Inherit(row))
		for h := range p.health[sel] {
			p.health[sel][h] = paintOf(healthStyle(st, health(h)).Inherit(row))
		}
	}
	return p
}
