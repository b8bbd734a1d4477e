package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/styles"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

type sortMode int

const (
	sortName sortMode = iota
	sortLocation
	sortDatabases
	sortModes
)

func (s sortMode) String() string {
	return [...]string{"name", "location", "databases"}[s]
}

// listState is the group list: its filter, sort, the indices into the
// model's groups that pass the filter in sort order, and the cursor. The
// indices are rebuilt when the data, filter or sort change, never in View.
type listState struct {
	filter    textinput.Model
	filtering bool
	query     string
	sort      sortMode
	order     []int // all groups, sorted
	visible   []int // order, filtered
	cursor    int
	offset    int
	height    int // rows relayout gave the list
	// search holds, for each group, the lowercased text the filter
	// matches (name, primary, locations), built on the first filtered
	// keystroke after a load, so that a keystroke lowercases nothing.
	search []string
}

func newListState(st styles.Styles) listState {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by name or location"
	ti.PromptStyle = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.TextStyle = st.R.NewStyle().Foreground(st.Palette.Text)
	ti.PlaceholderStyle = st.R.NewStyle().Foreground(st.Palette.Muted)
	ti.Cursor.Style = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.Cursor.TextStyle = st.R.NewStyle()
	ti.CharLimit = 64
	return listState{filter: ti}
}

// current is the index (into the groups) under the cursor.
func (l *listState) current() (int, bool) {
	if l.cursor < 0 || l.cursor >= len(l.visible) {
		return 0, false
	}
	return l.visible[l.cursor], true
}

// dataChanged forgets what was derived from the previous groups; resort
// and refilter must follow.
func (l *listState) dataChanged() { l.search = nil }

// resort sorts all groups by the current mode. Group names are unique, so
// the order is total; the index breaks ties anyway, for a stable result
// whatever the data.
func (l *listState) resort(groups []api.Group, dbs map[string][]api.Database) {
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
	}
}

// refilter applies the query to the sorted order, keeping the cursor on
// the group named keep when it is still visible.
func (l *listState) refilter(groups []api.Group, keep string) {
	q := strings.ToLower(strings.TrimSpace(l.query))
	l.visible = l.visible[:0]
	if q == "" {
		l.visible = append(l.visible, l.order...)
	} else {
		if len(l.search) != len(groups) {
			l.search = make([]string, len(groups))
			for i := range groups {
				l.search[i] = searchText(groups[i])
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

// searchText is what the filter matches in g, lowercased: the name and
// the locations, separated by a NUL, which the filter's input drops (as
// every control character), so a match never spans two of them.
func searchText(g api.Group) string {
	var b strings.Builder
	b.Grow(len(g.Name) + len(g.Primary) + 16*len(g.Locations))
	b.WriteString(strings.ToLower(g.Name))
	b.WriteByte(0)
	b.WriteString(strings.ToLower(g.Primary))
	for _, l := range g.Locations {
		b.WriteByte(0)
		b.WriteString(strings.ToLower(l))
	}
	return b.String()
}

func (l *listState) move(delta int) {
	l.cursor += delta
	l.clamp()
}

func (l *listState) clamp() {
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
	name, primary, others, dbs, version, flags int
}

func layoutColumns(width int) columns {
	c := columns{dbs: 4, version: 9, flags: 9}
	// cursor (2) + five separating spaces
	rest := width - 2 - 5 - c.dbs - c.version - c.flags
	if rest < 24 {
		// Narrow: drop the version, then the other locations.
		rest += c.version + 1
		c.version = 0
	}
	c.name = max(rest*36/100, 8)
	c.primary = max(rest*36/100, 6)
	c.others = max(rest-c.name-c.primary, 0)
	return c
}

// renderList draws the visible window of rows: work proportional to the
// window, not to the number of groups. The window is the list's height
// and offset, which relayout keeps.
func (m *Model) renderList(width int) string {
	l := &m.list
	st := m.st
	var b strings.Builder
	c := layoutColumns(width)

	header := "  " + text.Pad("NAME", c.name) + " " + text.Pad("PRIMARY", c.primary) + " " + text.Pad("OTHER LOCATIONS", c.others) + " " + padLeft("DBS", c.dbs)
	if c.version > 0 {
		header += " " + text.Pad("VERSION", c.version)
	}
	header += " " + text.Pad("", c.flags)
	b.WriteString(st.ColumnHeader.Render(text.Truncate(header, width)))
	end := min(l.offset+l.height, len(l.visible))
	for pos := l.offset; pos < end; pos++ {
		g := m.groups[l.visible[pos]]
		b.WriteByte('\n')
		b.WriteString(m.renderRow(g, c, width, pos == l.cursor))
	}
	return b.String()
}

func (m *Model) renderRow(g api.Group, c columns, width int, selected bool) string {
	st := m.st
	primary := text.Sanitize(g.Primary)
	if name := m.locNames[g.Primary]; name != "" {
		primary += " " + text.Sanitize(name)
	}
	var others []string
	for _, l := range g.Locations {
		if l != g.Primary {
			others = append(others, text.Sanitize(l))
		}
	}
	dbs := "?"
	switch {
	case m.dbsKnown:
		dbs = strconv.Itoa(len(m.dbs[g.Name]))
	case m.dbsLoading:
		dbs = "…"
	}
	var flags string
	switch {
	case g.Archived && g.DeleteProtection:
		flags = "arch·prot"
	case g.Archived:
		flags = "archived"
	case g.DeleteProtection:
		flags = "protected"
	}
	cursor := "  "
	if selected {
		cursor = "> "
	}
	line := cursor + text.Pad(text.Sanitize(g.Name), c.name) + " " + text.Pad(primary, c.primary) + " " +
		text.Pad(strings.Join(others, ", "), c.others) + " " + padLeft(dbs, c.dbs)
	if c.version > 0 {
		line += " " + text.Pad(text.Sanitize(g.Version), c.version)
	}
	line = text.Truncate(line, width-c.flags-1)
	line = text.Pad(line, width-c.flags-1) + " "
	flagStyle := st.Protected
	if g.Archived {
		flagStyle = st.Archived
	}
	if selected {
		return st.SelectedRow.Render(line) + flagStyle.Inherit(st.SelectedRow).Render(text.Pad(flags, c.flags))
	}
	return st.Row.Render(line) + flagStyle.Render(text.Pad(flags, c.flags))
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

// listSummary is the line above the list: counts, filter and sort.
func (m *Model) listSummary() string {
	l := &m.list
	s := plural(len(m.groups), "group")
	if l.query != "" {
		s = fmt.Sprintf("%d of %s match %q", len(l.visible), plural(len(m.groups), "group"), text.Sanitize(l.query))
	}
	return s + " · sorted by " + l.sort.String()
}

// plural is "1 group", "2 groups".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
