package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

type sortMode int

const (
	sortName sortMode = iota
	sortLocation
	sortDatabases
	// sortStatus puts the groups that need attention first: unhealthy,
	// degraded, provisioning, archived, then healthy.
	sortStatus
	// sortUsage puts the busiest groups first (rows read and written,
	// then storage); groups whose usage is not known yet come last, by
	// name, since usage is fetched only for the rows that were on screen.
	sortUsage
	sortModes
)

func (s sortMode) String() string {
	return [...]string{"name", "location", "databases", "status", "usage"}[s]
}

// groupList is the list component: its filter, sort, the indices into
// the dataset's groups that pass the filter in sort order, the cursor and
// the window drawn. The indices are rebuilt when the data, filter or sort
// change, never in View. It reads the groups from data, which the root
// owns, and draws a preview of the selected group beside the rows with
// preview when the width allows.
type groupList struct {
	c       *common
	data    *dataset
	preview func(g api.Group, w, h int) string
	// paints are the row's styles, compiled (paint.go).
	paints    *rowPaints
	filter    textinput.Model
	filtering bool
	query     string
	sort      sortMode
	order     []int // all groups, sorted
	visible   []int // order, filtered
	cursor    int
	offset    int
	width     int // columns SetSize gave the list
	bodyH     int // rows SetSize gave the list
	height    int // of which rows of groups
	// search holds, for each group, the lowercased text the filter
	// matches (name, status, locations and their names), built on the
	// first filtered keystroke after a load or a change of provisioning,
	// so that a keystroke lowercases nothing.
	search []string
	// natural is the width each column's content needs, measured when
	// the data changes, so that the columns are sized by their content
	// without View reading every group.
	natural colWidths
	// marks are the groups marked for a change of many (marks.go).
	marks markSet
}

func newGroupList(c *common, data *dataset, preview func(g api.Group, w, h int) string) groupList {
	st := c.st
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by name or location"
	ti.PromptStyle = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.TextStyle = st.R.NewStyle().Foreground(st.Palette.Text)
	ti.PlaceholderStyle = st.R.NewStyle().Foreground(st.Palette.Muted)
	ti.Cursor.Style = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.Cursor.TextStyle = st.R.NewStyle()
	ti.CharLimit = 64
	return groupList{c: c, data: data, preview: preview, filter: ti, paints: newRowPaints(c)}
}

// SetSize gives the list the body's w x h cells: the summary line and
// the column header take two rows, the groups the rest.
func (l *groupList) SetSize(w, h int) {
	l.width, l.bodyH = w, h
	l.height = max(h-2, 1)
	l.clamp()
	if l.filtering {
		// The count stays beside the filter while typing: it is the feedback.
		l.filter.Width = max(w-6-lipgloss.Width(l.summary()), 10)
	}
}

// Update handles a key meant for the list (moving, filtering, sorting;
// while the filter is open, every key) and what the open filter's input
// asks for (its cursor blinks). It reports whether msg was the list's:
// a key it leaves goes on to the actions.
func (l *groupList) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if !l.filtering {
			return nil, false
		}
		var cmd tea.Cmd
		l.filter, cmd = l.filter.Update(msg)
		return cmd, true
	}
	if l.filtering {
		return l.updateFilter(km), true
	}
	k := l.c.keys
	if d, ok := navDelta(k, km, max(l.height-1, 1), len(l.visible)); ok {
		l.move(d)
		l.extendRange()
		return nil, true
	}
	if cmd, ok := l.markKey(km); ok {
		return cmd, true
	}
	switch {
	case key.Matches(km, k.Filter):
		return l.openFilter(), true
	case key.Matches(km, k.Sort):
		l.sortBy((l.sort + 1) % sortModes)
		return nil, true
	}
	return nil, false
}

// openFilter gives the keys to the filter's input, with the query in it.
func (l *groupList) openFilter() tea.Cmd {
	l.filtering = true
	l.filter.SetValue(l.query)
	l.filter.CursorEnd()
	return l.filter.Focus()
}

// sortBy sorts the list by s, keeping the cursor on its group: the sort
// key, a command (:sort dbs) and a click on a column's title.
func (l *groupList) sortBy(s sortMode) {
	keep := l.currentName()
	l.sort = s
	l.resort()
	l.refilter(keep)
}

func (l *groupList) updateFilter(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		l.filtering = false
		l.filter.Blur()
		l.setQuery("")
		return nil
	case tea.KeyEnter:
		l.filtering = false
		l.filter.Blur()
		return nil
	case tea.KeyUp, tea.KeyDown:
		// Moving while filtering keeps the filter open.
		if msg.Type == tea.KeyUp {
			l.move(-1)
		} else {
			l.move(1)
		}
		l.extendRange()
		return nil
	}
	var cmd tea.Cmd
	l.filter, cmd = l.filter.Update(msg)
	if v := l.filter.Value(); v != l.query {
		l.setQuery(v)
	}
	return cmd
}

// setQuery filters by q, keeping the cursor on its group when it passes.
func (l *groupList) setQuery(q string) {
	keep := l.currentName()
	l.query = q
	l.filter.SetValue(q)
	l.refilter(keep)
}

// currentName is the name of the group under the cursor, "" when none.
func (l *groupList) currentName() string {
	if i, ok := l.current(); ok {
		return l.data.groups[i].Name
	}
	return ""
}

// selectName puts the cursor on the group named name, if it is visible.
func (l *groupList) selectName(name string) {
	for pos, i := range l.visible {
		if l.data.groups[i].Name == name {
			l.cursor = pos
			l.clamp()
			return
		}
	}
}

// ShortHelp is the list's keys for the footer; the root adds the actions.
func (l *groupList) ShortHelp() []key.Binding {
	if l.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
			key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		}
	}
	k := l.c.keys
	if l.marks.len() > 0 || l.marks.ranging {
		// esc's first meaning while there are marks (handleKey).
		unmark := key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "unmark all"))
		return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.Sort, unmark}
	}
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.Sort}
}

// FullHelp is the list's columns of the full help: moving, then what
// changes the rows shown.
func (l *groupList) FullHelp() [][]key.Binding {
	k := l.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open, k.Back},
		{k.Filter, k.Sort, k.AllOrgs},
		// The list of every organization changes the rows shown too; it
		// goes here, where the column has room at 80x24.
		{k.Mark, k.MarkRange, k.MarkUp, k.MarkDown, k.MarkAll},
	}
}

// current is the index (into the groups) under the cursor.
func (l *groupList) current() (int, bool) {
	if l.cursor < 0 || l.cursor >= len(l.visible) {
		return 0, false
	}
	return l.visible[l.cursor], true
}

// dataChanged forgets what was derived from the previous groups or
// location names, and measures the columns again; resort and refilter
// must follow.
func (l *groupList) dataChanged() {
	l.search = nil
	l.natural = measureColumns(l.data)
	l.marks.prune(func(name string) bool { _, ok := l.data.byName[name]; return ok })
}

// resort sorts all groups by the current mode. Group names are unique, so
// the order is total; the index breaks ties anyway, for a stable result
// whatever the data.
func (l *groupList) resort() {
	groups, dbs := l.data.groups, l.data.dbs
	if cap(l.order) < len(groups) {
		l.order = make([]int, len(groups))
	}
	l.order = l.order[:len(groups)]
	for i := range l.order {
		l.order[i] = i
	}
	byName := func(a, b int) int {
		if c := strings.Compare(groups[a].Name, groups[b].Name); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	switch l.sort {
	case sortName:
		slices.SortFunc(l.order, byName)
	case sortLocation:
		slices.SortFunc(l.order, func(a, b int) int {
			if c := strings.Compare(groups[a].Primary, groups[b].Primary); c != 0 {
				return c
			}
			return byName(a, b)
		})
	case sortDatabases:
		// One map lookup per group, not two per comparison.
		n := make([]int, len(groups))
		for i := range groups {
			n[i] = len(dbs[groups[i].Name])
		}
		slices.SortFunc(l.order, func(a, b int) int {
			if c := cmp.Compare(n[b], n[a]); c != 0 {
				return c
			}
			return byName(a, b)
		})
	case sortStatus:
		h := make([]health, len(groups))
		for i := range groups {
			h[i] = l.data.health(&groups[i])
		}
		slices.SortFunc(l.order, func(a, b int) int {
			if c := cmp.Compare(h[b], h[a]); c != 0 {
				return c
			}
			return byName(a, b)
		})
	case sortUsage:
		// One lookup per group; -1 ranks the unknown below any figure.
		rows, storage := make([]int64, len(groups)), make([]int64, len(groups))
		for i := range groups {
			rows[i], storage[i] = -1, -1
			if u := l.data.usage[groups[i].Name]; u != nil && u.known {
				rows[i], storage[i] = satAdd(u.total.RowsRead, u.total.RowsWritten), u.total.StorageBytes
			}
		}
		slices.SortFunc(l.order, func(a, b int) int {
			if c := cmp.Compare(rows[b], rows[a]); c != 0 {
				return c
			}
			if c := cmp.Compare(storage[b], storage[a]); c != 0 {
				return c
			}
			return byName(a, b)
		})
	}
}

// refilter applies the query to the sorted order, keeping the cursor on
// the group named keep when it is still visible.
func (l *groupList) refilter(keep string) {
	groups := l.data.groups
	q := strings.ToLower(strings.TrimSpace(l.query))
	l.visible = l.visible[:0]
	if q == "" {
		l.visible = append(l.visible, l.order...)
	} else {
		if len(l.search) != len(groups) {
			l.search = make([]string, len(groups))
			for i := range groups {
				l.search[i] = searchText(groups[i], l.data.health(&groups[i]), l.data.locNames)
			}
		}
		for _, i := range l.order {
			if strings.Contains(l.search[i], q) {
				l.visible = append(l.visible, i)
			}
		}
	}
	l.cursor = 0
	if keep != "" {
		for pos, i := range l.visible {
			if groups[i].Name == keep {
				l.cursor = pos
				break
			}
		}
	}
	l.clamp()
}

// searchText is what the filter matches in g, lowercased: the name, its
// status (h: "/degraded"), the locations and their names as the list
// shows them ("lhr", "London, United Kingdom"), separated by a NUL, which
// the filter's input drops (as every control character), so a match never
// spans two of them.
func searchText(g api.Group, h health, locNames map[string]string) string {
	var b strings.Builder
	b.Grow(len(g.Name) + 14 + len(g.Primary) + 40*(len(g.Locations)+1))
	b.WriteString(strings.ToLower(g.Name))
	b.WriteByte(0)
	b.WriteString(strings.ToLower(h.String()))
	add := func(code string) {
		b.WriteByte(0)
		b.WriteString(strings.ToLower(code))
		if n := locNames[code]; n != "" {
			b.WriteByte(0)
			b.WriteString(strings.ToLower(n))
		}
	}
	add(g.Primary)
	for _, l := range g.Locations {
		if l != g.Primary {
			add(l)
		}
	}
	return b.String()
}

func (l *groupList) move(delta int) {
	l.cursor += delta
	l.clamp()
}

func (l *groupList) clamp() {
	if l.cursor >= len(l.visible) {
		l.cursor = len(l.visible) - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	h := max(l.height, 1)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	if maxOff := max(len(l.visible)-h, 0); l.offset > maxOff {
		l.offset = maxOff
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// columns are the list's column widths for a given total width.
type columns struct {
	name, status, primary, others, dbs, version, flags int
	// usage is the USAGE column's width ("1.2M rows · 340 MB"), 0 when
	// it gave way; split: READ, WRITTEN and STORAGE instead, each
	// usageColW wide.
	usage int
	split bool
}

// Widths of the usage columns: the combined cell at its widest ("999M
// rows · 999 MB"), and each of the split ones ("999 MB").
const (
	usageCombinedW = 18
	usageColW      = 7
)

// colWidths is what the content of each column needs, in cells. status is
// the widest status with a provisioning group's spinner and time,
// statusWord the widest word alone.
type colWidths struct {
	name, status, statusWord, primary, primaryCode, others, version int
}

// provisioningCell is the widest STATUS of a provisioning group: "⠋
// Provisioning 9.9s" (shortDuration never takes more than four cells).
const provisioningCell = 2 + len("Provisioning") + 1 + 4

// measureColumns is the width each column's content needs across all
// the groups: one pass, done when the data changes.
func measureColumns(d *dataset) colWidths {
	// The headers' widths, so that a column is never narrower than its
	// title.
	w := colWidths{name: 4, status: 6, statusWord: 6, primary: 7, primaryCode: 7, others: 15, version: 7}
	locW := make(map[string]int, len(d.locNames))
	for code, name := range d.locNames {
		locW[code] = cellWidth(code) + 1 + cellWidth(name)
	}
	for i := range d.groups {
		g := &d.groups[i]
		w.name = max(w.name, cellWidth(g.Name))
		code := cellWidth(g.Primary)
		w.primaryCode = max(w.primaryCode, code)
		if lw, ok := locW[g.Primary]; ok {
			code = lw
		}
		w.primary = max(w.primary, code)
		others := 0
		for _, l := range g.Locations {
			if l != g.Primary {
				others += cellWidth(l) + 2 // ", " between them
			}
		}
		w.others = max(w.others, others-2)
		w.version = max(w.version, cellWidth(g.Version))
		h := d.health(g)
		w.statusWord = max(w.statusWord, len(h.String()))
		if h == healthProvisioning {
			w.status = provisioningCell
		}
	}
	w.status = max(w.status, w.statusWord)
	return w
}

// cellWidth is the cells s takes once made safe for the terminal: its
// length for the ASCII that names and codes are made of.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return ansi.StringWidth(text.Sanitize(s))
		}
	}
	return len(s)
}

// layoutColumns fits the columns in width: each as wide as its content
// when they all fit (the rest of the row is left empty, at its end);
// else the least useful give way first: usage's three columns become
// one, then usage goes, the version goes, the primary's name is cut down
// to its code, the other locations shrink, a provisioning group's time
// goes, the name shrinks, and last the other locations go.
// The status stays: it is what a glance at the list is for.
func layoutColumns(width int, nat colWidths) columns {
	c := columns{dbs: 4, flags: 9, name: nat.name, status: nat.status, primary: nat.primary, others: nat.others, version: nat.version}
	// cursor (2) + six separating spaces; usage's and the version's
	// separators are counted in their widths below.
	avail := width - 2 - 6 - c.dbs - c.flags
	over := func() int { return c.name + c.status + c.primary + c.others + c.version + c.usage - avail }
	// Usage is a figure to compare once in a while; the other columns
	// say what the group is, so usage is the first to give way.
	c.usage, c.split = 3*(usageColW+1), true
	if over() <= 0 {
		return c
	}
	c.usage, c.split = usageCombinedW+1, false
	if over() <= 0 {
		return c
	}
	c.usage = 0
	if over() <= 0 {
		return c
	}
	shrink := func(col *int, floor int) {
		if o := over(); o > 0 && *col > floor {
			*col = max(*col-o, floor)
		}
	}
	avail++ // the version's separator; over() no longer counts its width
	c.version = 0
	shrink(&c.primary, max(nat.primaryCode, 7))
	shrink(&c.others, 8)
	shrink(&c.status, nat.statusWord+2) // the spinner stays
	shrink(&c.name, 8)
	if over() > 0 {
		avail++
		c.others = 0
	}
	shrink(&c.primary, 6)
	return c
}

// renderList draws the visible window of rows: work proportional to the
// window, not to the number of groups. The window is the list's height
// and offset, which relayout keeps.
func (l *groupList) renderList(width int) string {
	st := l.c.st
	var b strings.Builder
	c := layoutColumns(width, l.natural)

	header := "  " + text.Pad("NAME", c.name) + " " + text.Pad("STATUS", c.status) + " " + text.Pad("PRIMARY", c.primary) + " "
	if c.others > 0 {
		header += text.Pad("OTHER LOCATIONS", c.others) + " "
	}
	header += padLeft("DBS", c.dbs)
	switch {
	case c.split:
		header += " " + padLeft("READ", usageColW) + " " + padLeft("WRITTEN", usageColW) + " " + padLeft("STORAGE", usageColW)
	case c.usage > 0:
		header += " " + text.Pad("USAGE", c.usage-1)
	}
	if c.version > 0 {
		header += " " + text.Pad("VERSION", c.version)
	}
	header = text.Pad(header, width)
	b.WriteString(st.ColumnHeader.Render(text.Truncate(header, width)))
	end := min(l.offset+l.height, len(l.visible))
	for pos := l.offset; pos < end; pos++ {
		g := l.data.groups[l.visible[pos]]
		b.WriteByte('\n')
		b.WriteString(l.renderRow(g, c, width, pos == l.cursor, l.marks.has(g.Name)))
	}
	return b.String()
}

func (l *groupList) renderRow(g api.Group, c columns, width int, selected, marked bool) string {
	d := l.data
	primary := text.Sanitize(g.Primary)
	if name := d.locNames[g.Primary]; name != "" {
		primary += " " + text.Sanitize(name)
	}
	var others []string
	for _, loc := range g.Locations {
		if loc != g.Primary {
			others = append(others, text.Sanitize(loc))
		}
	}
	dbs := "?"
	switch {
	case d.dbsKnown:
		dbs = strconv.Itoa(len(d.dbs[g.Name]))
	case d.dbsLoading:
		dbs = "…"
	}
	// Archived is the STATUS column's to say.
	var flags string
	if g.DeleteProtection {
		flags = "protected"
	}
	h, status, short := d.statusCell(&g)
	if cellWidth(status) > c.status {
		status = short
	}
	cursor := "  "
	if selected {
		cursor = "> "
	}
	sel := 0
	if selected {
		sel = 1
	}
	row, statusStyle := l.paints.row[sel], l.paints.health[sel][min(max(h, 0), healthUnhealthy)]
	name := text.Pad(text.Sanitize(g.Name), c.name) + " "
	var line string
	if marked {
		// The gutter's second cell is the mark: the cursor and the mark
		// can both be there, and neither moves the columns.
		line = row.Render(cursor[:1]) + l.paints.mark[sel].Render(markGlyph) + row.Render(name)
	} else {
		line = row.Render(cursor + name)
	}
	line += statusStyle.Render(text.Pad(status, c.status))
	rest := " " + text.Pad(primary, c.primary) + " "
	if c.others > 0 {
		rest += text.Pad(strings.Join(others, ", "), c.others) + " "
	}
	rest += padLeft(dbs, c.dbs)
	switch {
	case c.split:
		r, w, s := d.usageCells(g.Name)
		rest += " " + padLeft(r, usageColW) + " " + padLeft(w, usageColW) + " " + padLeft(s, usageColW)
	case c.usage > 0:
		rest += " " + text.Pad(d.usageCell(g.Name), c.usage-1)
	}
	if c.version > 0 {
		rest += " " + text.Pad(text.Sanitize(g.Version), c.version)
	}
	// The name and status come first and are never cut (the layout
	// leaves them room); the rest is.
	used := 2 + c.name + 1 + c.status
	rest = text.Truncate(rest, max(width-c.flags-1-used, 0)) + " "
	// The flags follow the columns; the rest of the row is padding, so
	// that the selected row's bar spans the width.
	pad := strings.Repeat(" ", max(width-used-ansi.StringWidth(rest)-c.flags, 0))
	flagStyle := l.paints.protected[sel]
	return line + row.Render(rest) + flagStyle.Render(text.Pad(flags, c.flags)) + row.Render(pad)
}

// padLeft right-aligns s in w cells (cells, not bytes: "…" is three
// bytes wide in memory and one on screen).
func padLeft(s string, w int) string {
	n := ansi.StringWidth(s)
	switch {
	case n > w:
		return text.Truncate(s, w)
	case n < w:
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// summary is the line above the list: counts, filter and sort.
func (l *groupList) summary() string {
	n := len(l.data.groups)
	s := plural(n, "group")
	if l.query != "" {
		s = fmt.Sprintf("%d of %s match %q", len(l.visible), plural(n, "group"), text.Sanitize(l.query))
	}
	if n := l.marks.len(); n > 0 {
		s += " · " + strconv.Itoa(n) + " marked"
		if l.marks.ranging {
			s += " (range)"
		}
	}
	return s + " · sorted by " + l.sort.String()
}

// View draws the summary (with the filter's input while it is open),
// then the rows in the window SetSize kept, and, from sidePanelWidth on,
// the preview of the selected group beside them.
func (l *groupList) View() string {
	st, k := l.c.st, l.c.keys
	w, h := l.width, l.bodyH
	var top string
	switch {
	case l.filtering:
		// SetSize sized the filter to leave room for the summary.
		top = " " + l.filter.View() + "  " + st.Muted.Render(l.summary())
	default:
		top = " " + st.Muted.Render(l.summary())
	}
	if len(l.data.groups) == 0 {
		empty := "No groups in " + text.Sanitize(l.data.org) + " yet. Press " + k.New.Help().Key + " to create one."
		if l.c.readOnly {
			empty = "No groups in " + text.Sanitize(l.data.org) + " yet."
		}
		return top + "\n\n " + st.Empty.Render(empty)
	}
	if len(l.visible) == 0 {
		return top + "\n\n " + st.Empty.Render("No group matches. Press "+k.Back.Help().Key+" to clear the filter.")
	}
	listW := l.listWidth()
	list := l.renderList(listW - 1)
	if listW == w {
		return top + "\n" + list
	}
	panel := ""
	if i, ok := l.current(); ok && l.preview != nil {
		panel = st.Panel.Width(w - listW - 2).Height(h - 3).Render(l.preview(l.data.groups[i], w-listW-4, h-3))
	}
	return top + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, fitHeight(list, h-1), " ", panel)
}

// plural is "1 group", "2 groups".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
