package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
)

// The mouse, where the terminal reports it (Options.Mouse; off, the
// terminal keeps its own text selection): a click selects a row of the
// list or a database of the detail, a second click on the same row
// within doubleClick opens it, the wheel scrolls, a click on a column's
// title sorts by it and a click on a key in the footer does what the key
// does. A position is mapped through the layout that relayout kept (the
// header's height, the body's, the list's window), never through a View.

// doubleClick is the most time between two clicks on one row that open it.
const doubleClick = 400 * time.Millisecond

// wheelRows is how far a turn of the wheel scrolls.
const wheelRows = 3

// MouseOptions are the Bubble Tea options of a program whose dashboard
// takes the mouse when on is true: cell motion, in the SGR encoding. Off,
// there are none, so that the program never turns mouse reporting on and
// the terminal's own selection works.
func MouseOptions(on bool) []tea.ProgramOption {
	if !on {
		return nil
	}
	return []tea.ProgramOption{tea.WithMouseCellMotion()}
}

// mouseState is the last click, which a second one on the same row within
// doubleClick makes a double click.
type mouseState struct {
	at time.Time
	// row is what was clicked: a group's name in the list, "db:" and a
	// database's in the detail.
	row string
}

// click records a click on row and reports whether it completes a double
// click; a double click is not the first of the next one.
func (s *mouseState) click(row string, now time.Time) bool {
	double := row != "" && s.row == row && !now.Before(s.at) && now.Sub(s.at) <= doubleClick
	if double {
		*s = mouseState{}
		return true
	}
	s.row, s.at = row, now
	return false
}

// handleMouse routes a mouse event by where it is: the footer's keys, or
// the list or the detail while nothing is open over them.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.tooSmall() || m.sess.quitting {
		return nil
	}
	press := msg.Action == tea.MouseActionPress
	top := m.header.Height()
	if press && msg.Button == tea.MouseButtonLeft && msg.Y == top+m.bodyH+m.footer.Height()-1 {
		return m.clickFooter(msg.X)
	}
	by := msg.Y - top
	if m.allOrgsOn() && by >= 0 && by < m.bodyH && m.focus.top() == nil && press {
		return m.allOrgsMouse(msg, by)
	}
	if by < 0 || by >= m.bodyH || m.focus.top() != nil || !m.load.loaded || !press {
		return nil
	}
	if m.screen == screenDetail {
		return m.detailMouse(msg, by)
	}
	return m.listMouse(msg, by)
}

// listMouse handles a press in the list at body row by: a row, a column's
// title, or the wheel.
func (m *Model) listMouse(msg tea.MouseMsg, by int) tea.Cmd {
	l := &m.list
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		l.scroll(-wheelRows)
		return nil
	case tea.MouseButtonWheelDown:
		l.scroll(wheelRows)
		return nil
	case tea.MouseButtonLeft:
	default:
		return nil
	}
	if by == 1 {
		if s, ok := l.columnAt(msg.X); ok {
			l.sortBy(s)
		}
		return nil
	}
	pos, ok := l.rowAt(msg.X, by)
	if !ok {
		return nil
	}
	l.cursor = pos
	l.clamp()
	if m.mouse.click(l.currentName(), m.now()) {
		// A double click opens the group, as enter does.
		if g, ok := m.selected(); ok {
			m.screen = screenDetail
			m.detail.Open(g.Name)
		}
	}
	return nil
}

// detailMouse handles a press in the detail: the wheel scrolls it (or
// moves the cursor over its databases while they have the focus), a
// click on a database selects it and a double click opens it.
func (m *Model) detailMouse(msg tea.MouseMsg, by int) tea.Cmd {
	v := &m.detail
	switch msg.Button {
	case tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
		d := wheelRows
		if msg.Button == tea.MouseButtonWheelUp {
			d = -d
		}
		if !v.moveDBs(d) {
			v.scrollBy(d)
		}
		return nil
	case tea.MouseButtonLeft:
	default:
		return nil
	}
	db, scroll, ok := v.dbAt(by)
	if !ok {
		return nil
	}
	// The row is in sight: the detail stays where it is drawn (follow
	// would scroll the first row's title into view, and a second click
	// would land on another row).
	v.dbSel.focus, v.dbSel.name, v.dbSel.nextCopy = true, db.Name, 0
	v.scroll = scroll
	if m.mouse.click("db:"+v.name+"/"+db.Name, m.now()) {
		return m.openDBDetail(db)
	}
	return nil
}

// clickFooter does what the key under column x of the footer's keys
// does. The keys' places are those help.ShortHelpView draws them at.
func (m *Model) clickFooter(x int) tea.Cmd {
	h := m.footer.help
	sep := ansi.StringWidth(h.ShortSeparator)
	at := 1 // the footer's margin
	for _, b := range m.footer.keys {
		if !b.Enabled() {
			continue
		}
		if at > 1 {
			at += sep
		}
		w := ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		if x >= at && x < at+w {
			return m.pressBinding(b)
		}
		at += w
	}
	return nil
}

// pressBinding does what b's key does, as if it were typed.
func (m *Model) pressBinding(b key.Binding) tea.Cmd {
	msg, ok := keyMsgFor(b.Keys())
	if !ok {
		return nil
	}
	return m.handleKey(msg)
}

// listWidth is the cells of the list's rows: all of the body, or, with
// the side panel, a little more than half.
func (l *groupList) listWidth() int {
	if l.width >= sidePanelWidth {
		return l.width * 55 / 100
	}
	return l.width
}

// rowAt is the position (in visible) of the row drawn at column x and
// body row by: the summary and the column titles come first, then the
// window from offset.
func (l *groupList) rowAt(x, by int) (int, bool) {
	i := by - 2
	if x < 0 || x >= l.listWidth() || i < 0 || i >= l.height {
		return 0, false
	}
	pos := l.offset + i
	if pos >= len(l.visible) {
		return 0, false
	}
	return pos, true
}

// columnAt is the sort of the column whose title is at column x, from the
// layout renderList draws: NAME, STATUS, PRIMARY (location), DBS and the
// usage columns sort; the other locations and the version do not.
func (l *groupList) columnAt(x int) (sortMode, bool) {
	c := layoutColumns(l.listWidth()-1, l.natural)
	type span struct {
		w    int
		sort sortMode
		ok   bool
	}
	spans := []span{{2, 0, false}, {c.name, sortName, true}, {1, 0, false}, {c.status, sortStatus, true}, {1, 0, false}, {c.primary, sortLocation, true}, {1, 0, false}}
	if c.others > 0 {
		spans = append(spans, span{c.others + 1, 0, false})
	}
	spans = append(spans, span{c.dbs, sortDatabases, true})
	switch {
	case c.split:
		spans = append(spans, span{1 + 3*usageColW + 2, sortUsage, true})
	case c.usage > 0:
		spans = append(spans, span{c.usage, sortUsage, true})
	}
	at := 0
	for _, s := range spans {
		if x >= at && x < at+s.w {
			return s.sort, s.ok
		}
		at += s.w
	}
	return 0, false
}

// scroll moves the list's window by d rows, the cursor with it only as
// far as it must to stay in the window: the wheel scrolls, it does not
// select.
func (l *groupList) scroll(d int) {
	h := max(l.height, 1)
	l.offset = min(max(l.offset+d, 0), max(len(l.visible)-h, 0))
	l.cursor = min(max(l.cursor, l.offset), l.offset+h-1)
	l.clamp()
}

// moveDBs moves the cursor over the databases by d while they have the
// focus; false when they do not.
func (v *detailView) moveDBs(d int) bool {
	dbs := v.data.dbs[v.name]
	if !v.dbSel.focus || len(dbs) == 0 {
		return false
	}
	v.dbSel.name = dbs[min(max(dbCursor(dbs, v.dbSel.name)+d, 0), len(dbs)-1)].Name
	v.dbSel.nextCopy = 0
	v.follow()
	return true
}

// dbAt is the database drawn at body row by of the detail, and the scroll
// it is drawn at: the window render draws, worked out the same way.
func (v *detailView) dbAt(by int) (db api.Database, scroll int, ok bool) {
	g, found := v.group()
	if !found || by < 0 {
		return api.Database{}, 0, false
	}
	d := v.doc(g, v.width-2, true)
	v.markCursor(&d)
	rows := d.window(v.height)
	if by >= rows {
		return api.Database{}, 0, false // the scroll hint
	}
	scroll = min(v.scroll, max(d.len()-rows, 0))
	scroll = cursorInView(&d, scroll, rows)
	j := scroll + by - len(d.head)
	if j < 0 || j >= len(d.dbs) {
		return api.Database{}, 0, false
	}
	return d.dbs[j], scroll, true
}
