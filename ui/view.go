package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// Minimum terminal size for the dashboard; below it a message says so.
const (
	minWidth  = 60
	minHeight = 15
	// sidePanelWidth is the width from which the list shows the selected
	// group's details beside it.
	sidePanelWidth = 140
)

// MaxWidth and MaxHeight cap the area the dashboard draws in. A frame
// costs memory and time in proportion to its cells (the list pads its
// rows to the width, the side panel fills its height), and a terminal
// size is whatever a client says: an SSH client that claims 65535x65535
// would otherwise make every frame gigabytes. A larger terminal gets a
// MaxWidth x MaxHeight dashboard in its top-left corner, so a frame is
// at most 100,000 cells whatever the size.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

// view is View without the guard against panics.
func (m *Model) view() string {
	if m.sess.quitting {
		return ""
	}
	w, h := m.width, m.height
	if m.tooSmall() {
		// The size the terminal has, not the capped one it is drawn at.
		return fitScreen(fmt.Sprintf("Terminal too small: %dx%d.\nturso-groups needs at least %dx%d.\n%s or ctrl+c quits.",
			m.termW, m.termH, minWidth, minHeight, m.keys.Quit.Help().Key), w, h)
	}
	footer := m.footer.View()
	top, lines := m.memoTop(w, h, lipgloss.Height(footer))
	if lines >= h {
		return top
	}
	return top + "\n" + fitScreen(footer, w, h-lines)
}

// tooSmall reports a window in which only the message that says so is
// drawn; keys then act on nothing but quitting.
func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

// relayout sizes what the screen's parts get from the window and from
// the content that takes rows (header lines, a wrapped message in the
// footer), so that View only reads: a View that sized the list as it drew
// it made the cursor and page keys depend on whether a frame had been
// drawn since the last change. Update calls it after every message; it
// reports whether the body's height changed.
func (m *Model) relayout() bool {
	w := m.width
	before := m.bodyH
	// The client can change under the list and the header (an
	// organization switch).
	m.org = m.orgLabel()
	m.header.stale = m.load.stale != nil
	m.header.bodyTells = !m.load.loaded && api.IsUnauthorized(m.load.loadErr)
	m.provLabels()
	m.header.SetSize(w, 0)
	m.footer.SetSize(w, m.footerInput())
	m.bodyH = max(m.height-m.header.Height()-m.footer.Height(), 1)
	m.focus.SetSize(w, m.bodyH)
	// A docked overlay (the command line) takes the body's last rows.
	under := m.bodyH
	if d, ok := m.focus.top().(docked); ok {
		under = max(m.bodyH-d.rows(), 1)
	}
	m.list.SetSize(w, under)
	m.syncAllOrgs(false)
	m.all.SetSize(w, under)
	m.detail.SetSize(w, under)
	return m.bodyH != before
}

// footerInput is what the footer shows that the root knows: what is in
// flight, whether a refresh is, and the keys that apply now.
func (m *Model) footerInput() statusInput {
	_, underForm := m.focus.top().(*formState)
	in := statusInput{
		refreshing: m.load.loading && m.load.loaded,
		underForm:  underForm,
		keys:       m.shortHelp(),
		status:     m.statusText(),
	}
	if len(m.ops.pending) > 0 {
		labels := make([]string, 0, len(m.ops.pending))
		for _, l := range m.ops.pending {
			labels = append(labels, text.Sanitize(l))
		}
		in.pending = pendingSummary(labels)
	}
	return in
}

// frameMemo is the last frame's header and body, fitted to the screen,
// and what they were drawn for. Update invalidates it on every message
// but a turn of the spinner that the body does not show: they depend on
// nothing else that changes without a message. So a turn costs the
// footer's line, not the frame (at 1,000 SSH sessions, 12 turns a
// second each while a change is in flight).
type frameMemo struct {
	top          string // header and body, fitScreen'd
	lines        int    // top's lines
	w, h, footer int
	valid        bool
	// spins: the body showed the spinner (loading, provisioning).
	spins bool
}

// memoTop is the header and the body above a footer of footerH lines,
// fitted to w x h, and their lines; the same string again when nothing
// they show has changed since they were drawn. An overlay's body is never
// kept: it may show its own clock or cursor.
func (m *Model) memoTop(w, h, footerH int) (string, int) {
	if m.memo.valid && m.memo.w == w && m.memo.h == h && m.memo.footer == footerH {
		return m.memo.top, m.memo.lines
	}
	header := m.header.View()
	bodyH := h - lipgloss.Height(header) - footerH
	m.dataset.spinDrawn = false
	top := fitScreen(header+"\n"+fitHeight(m.viewBody(w, bodyH), bodyH), w, h)
	m.memo = frameMemo{top: top, lines: strings.Count(top, "\n") + 1, w: w, h: h, footer: footerH,
		valid: m.focus.top() == nil, spins: !m.load.loaded || m.dataset.spinDrawn}
	return top, m.memo.lines
}

func (m *Model) viewBody(w, h int) string {
	if d, ok := m.focus.top().(docked); ok {
		rows := d.rows()
		return fitHeight(m.viewUnder(w), max(h-rows, 1)) + "\n" + d.View()
	}
	if o := m.focus.top(); o != nil {
		return o.View()
	}
	return m.viewUnder(w)
}

// viewUnder is the body under the overlays: the list or the detail, or
// the loading screen or its error.
func (m *Model) viewUnder(w int) string {
	st := m.st
	if m.allOrgsOn() {
		// Whatever the session's own load did: the view says it on its
		// organization's line, beside the others' rows.
		return m.all.View()
	}
	if !m.load.loaded {
		switch {
		case m.load.loadErr != nil:
			// Wrapped, not cut: the end often says what to do (log in again).
			return indent(st.Error.Render(ansi.Wrap("Could not load the groups: "+m.describe(m.load.loadErr), max(w-2, 10), "")), 1) +
				"\n\n " + st.Muted.Render("Press "+m.keys.Refresh.Help().Key+" to retry, "+m.keys.Quit.Help().Key+" to quit.")
		default:
			return " " + m.footer.spinner.View() + " Loading the groups of " + text.Sanitize(m.orgLabel()) + "…"
		}
	}
	if m.screen == screenDetail {
		return m.detail.View()
	}
	return m.list.View()
}

// fullHelp is the columns of the full help: the list's moving and its
// own keys, then the keys that change nothing (and those of the actions
// that change nothing), then the changes, seven a column.
func (m *Model) fullHelp() [][]key.Binding {
	k := m.keys
	cols := m.list.FullHelp()
	// The databases key belongs to the detail, whose keys have no column
	// of their own: it goes with the other keys that change the view.
	view := append(append(cols[1], k.Refresh, k.Databases, k.Command), m.actionBindings(func(a *action) bool { return !a.mutation })...)
	cols[1] = append(view, k.Help, k.Quit, k.ForceQuit)
	for changes := m.actionBindings(func(a *action) bool { return a.mutation }); len(changes) > 0; {
		n := min(len(changes), helpColumn)
		cols = append(cols, changes[:n])
		changes = changes[n:]
	}
	return cols
}

// helpColumn is how many changes a column of the full help lists.
const helpColumn = 7

// shortHelp is the keys that apply now.
func (m *Model) shortHelp() []key.Binding {
	k := m.keys
	if o := m.focus.top(); o != nil {
		return o.ShortHelp()
	}
	switch {
	case m.list.filtering:
		return m.list.ShortHelp()
	case m.allOrgsOn():
		return append(append(m.all.ShortHelp(), m.footerBindings(onList)...), k.Help, k.Quit)
	case !m.load.loaded:
		return append(append([]key.Binding{k.Refresh}, m.footerBindings(onNotLoaded)...), k.Quit)
	case m.screen == screenDetail:
		// The footer drops keys from the front when narrow: back stays.
		return append(append(m.footerBindings(onDetail), m.detail.ShortHelp()...), k.Help, k.Quit)
	}
	return append(append(m.list.ShortHelp(), m.footerBindings(onList)...), k.Help, k.Quit)
}

// statusText is the footer's right end: the organization, the API and
// how fresh the list is.
func (m *Model) statusText() string {
	where := "local API"
	if !m.opts.Local {
		where = text.Sanitize(hostOf(m.opts.APIURL))
	}
	s := m.org + " · " + where
	switch {
	case m.fresh != "" && m.load.cached:
		s += " · cached " + m.fresh
	case m.fresh != "":
		s += " · updated " + m.fresh
	}
	return s
}

// pendingSummary names one operation in flight, and counts the others. The
// labels come from a map, so the one named is the shortest label, sorted
// alphabetically among equals, to keep the footer steady between frames.
func pendingSummary(labels []string) string {
	first := labels[0]
	for _, l := range labels[1:] {
		if len(l) < len(first) || (len(l) == len(first) && l < first) {
			first = l
		}
	}
	if len(labels) == 1 {
		return first + "…"
	}
	return fmt.Sprintf("%s… (+%d more)", first, len(labels)-1)
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly h lines.
func fitHeight(s string, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// fitScreen guarantees no line is wider than w and there are at most h
// lines, whatever a component drew.
func fitScreen(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}
