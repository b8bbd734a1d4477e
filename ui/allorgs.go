package ui

import (
	"cmp"
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

// The list of every organization's groups (O, :all-orgs, --all-orgs).
//
// Group names are unique only within an organization, and most of the
// dashboard (the dataset's index, the databases, usage, provisioning, the
// changes in flight, the marks) keys a group by its name, for the one
// organization of the session. Rather than key all of that by
// (organization, name), this view keeps one dataset per organization (an
// orgSlot) and a row is a (slot, index) pair: within a slot, a name is a
// key again. The slot of the session's organization is the root's dataset
// itself, so what the session loads and what an action answers is in
// this list as it is in the single list.
//
// An action on a row makes the row's organization the session's first
// (switchOrgSeeded: the switch, with that organization's groups as this
// view loaded them, so that nothing waits for a load), then runs as it
// does in the single list: with a client for that organization (same
// token), its answer landing in the session's dataset, hence in the row,
// and the shared cache told of the change for that organization. Marks,
// and so the changes of many, stay in the single list: they are refused
// here, in words.

// orgSlot is one organization of the view: its groups, and whether they
// are loading or could not be loaded.
type orgSlot struct {
	slug string
	// data is the organization's groups. The session's organization's is
	// the root's dataset; another's is one of its own, made from its load.
	data *dataset
	// loading: its groups have not arrived yet. errText: why they could
	// not be loaded, in words with the server's message ("" when they
	// were); the last groups loaded, if any, stay listed.
	loading bool
	errText string
	// named are the slot's rows sorted by name, and widths what its
	// columns need: derived from built (the groups as they were then) at
	// builtLocs location names, as slot builtSlot.
	built     []api.Group
	builtLocs int
	builtSlot int
	named     []orgRow
	widths    allOrgsWidths
}

// orgRow is one row: a group of an organization, as the index of the
// organization's slot and of the group in the slot's groups. name is the
// group's, kept beside them so that sorting 11,000 rows compares strings
// at hand rather than reaching into each slot's groups.
type orgRow struct {
	name      string
	slot, idx int
}

// orgSort is the order of the view's rows.
type orgSort int

const (
	orgSortOrg orgSort = iota
	orgSortName
	orgSortLocation
	orgSortStatus
	orgSortModes
)

func (s orgSort) String() string {
	return [...]string{"organization", "name", "location", "status"}[s]
}

// orgSortKeys are the words :sort takes in this view.
var orgSortKeys = map[string]orgSort{
	"org": orgSortOrg, "organization": orgSortOrg, "name": orgSortName,
	"location": orgSortLocation, "status": orgSortStatus,
}

// maxOrgNotes is how many organizations' "loading…" or "could not load"
// lines the view shows above its rows; more are counted on one line.
const maxOrgNotes = 3

// allOrgsView is the list of every organization's groups: its slots, the
// rows in sort order and those that pass the filter, the cursor and the
// window drawn. Like groupList, what View reads is derived when the data,
// filter or sort change, never in View.
type allOrgsView struct {
	c      *common
	paints *rowPaints
	// on: the view is shown in place of the single list.
	on bool
	// gen counts the openings, so that a load of an earlier one is
	// dropped.
	gen int
	// listing: the organizations are being fetched; listErr: why they
	// could not be, in words.
	listing bool
	listErr string
	slots   []*orgSlot
	// session is the index of the session's organization's slot, -1 when
	// none is.
	session int
	// seen is the session's groups when the rows were last built: a new
	// slice there (a load, an action's answer) builds them again.
	seen     []api.Group
	seenLocs int
	locNames map[string]string
	// single is the root's single list, whose sorted order (when by
	// name) and column widths of the session's groups the session's slot
	// takes rather than work them out again.
	single *groupList

	rows []orgRow // every row, sorted
	// base is where each slot's rows start in the slots' order, which
	// sorting leaves alone: search is indexed by it.
	base    []int
	visible []int // indices into rows that pass the filter, in order
	// search is each row's lowercased text for the filter (its
	// organization, then what the single list's filter matches), built on
	// the first filtered keystroke after the rows change.
	search    []string
	filter    textinput.Model
	filtering bool
	query     string
	sort      orgSort
	cursor    int
	offset    int
	width     int
	bodyH     int
	height    int
	// notes are the lines above the rows about organizations still
	// loading or that failed, built with the rows.
	notes   []string
	natural allOrgsWidths
}

// allOrgsWidths is what each column's content needs, in cells.
type allOrgsWidths struct{ org, name, status, primary, primaryCode, others, version int }

func newAllOrgsView(c *common) allOrgsView {
	st := c.st
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by organization, name or location"
	ti.PromptStyle = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.TextStyle = st.R.NewStyle().Foreground(st.Palette.Text)
	ti.PlaceholderStyle = st.R.NewStyle().Foreground(st.Palette.Muted)
	ti.Cursor.Style = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.Cursor.TextStyle = st.R.NewStyle()
	ti.CharLimit = 64
	return allOrgsView{c: c, filter: ti, paints: newRowPaints(c), session: -1}
}

// slotOf is the index of the slot of org, -1 if there is none.
func (v *allOrgsView) slotOf(org string) int {
	return slices.IndexFunc(v.slots, func(s *orgSlot) bool { return s.slug == org })
}

// group is the group of row r.
func (v *allOrgsView) group(r orgRow) *api.Group { return &v.slots[r.slot].data.groups[r.idx] }

// current is the row under the cursor.
func (v *allOrgsView) current() (orgRow, bool) {
	if v.cursor < 0 || v.cursor >= len(v.visible) {
		return orgRow{}, false
	}
	return v.rows[v.visible[v.cursor]], true
}

// currentKey is the organization and name of the group under the cursor.
func (v *allOrgsView) currentKey() (org, name string) {
	if r, ok := v.current(); ok {
		return v.slots[r.slot].slug, r.name
	}
	return "", ""
}

// selectKey puts the cursor on org's group name, if it is visible.
func (v *allOrgsView) selectKey(org, name string) bool {
	for pos, i := range v.visible {
		if r := v.rows[i]; r.name == name && v.slots[r.slot].slug == org {
			v.cursor = pos
			v.clamp()
			return true
		}
	}
	return false
}

// SetSize gives the view the body's w x h cells: the summary, the notes
// and the column header take their rows, the groups the rest.
func (v *allOrgsView) SetSize(w, h int) {
	v.width, v.bodyH = w, h
	v.height = max(h-2-v.noteLines(), 1)
	v.clamp()
	if v.filtering {
		v.filter.Width = max(w-6-lipgloss.Width(v.summary()), 10)
	}
}

// noteLines is how many lines the notes take.
func (v *allOrgsView) noteLines() int {
	if len(v.notes) > maxOrgNotes {
		return maxOrgNotes + 1
	}
	return len(v.notes)
}

// Update handles a key meant for the view (moving, filtering, sorting;
// while the filter is open, every key) and the open filter's own
// messages. It reports whether msg was the view's.
func (v *allOrgsView) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if !v.filtering {
			return nil, false
		}
		var cmd tea.Cmd
		v.filter, cmd = v.filter.Update(msg)
		return cmd, true
	}
	if v.filtering {
		return v.updateFilter(km), true
	}
	k := v.c.keys
	if d, ok := navDelta(k, km, max(v.height-1, 1), len(v.visible)); ok {
		v.move(d)
		return nil, true
	}
	switch {
	case key.Matches(km, k.Filter):
		v.filtering = true
		v.filter.SetValue(v.query)
		v.filter.CursorEnd()
		return v.filter.Focus(), true
	case key.Matches(km, k.Sort):
		v.sortBy((v.sort + 1) % orgSortModes)
		return nil, true
	}
	return nil, false
}

func (v *allOrgsView) updateFilter(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		v.filtering = false
		v.filter.Blur()
		v.setQuery("")
		return nil
	case tea.KeyEnter:
		v.filtering = false
		v.filter.Blur()
		return nil
	case tea.KeyUp:
		v.move(-1)
		return nil
	case tea.KeyDown:
		v.move(1)
		return nil
	}
	var cmd tea.Cmd
	v.filter, cmd = v.filter.Update(msg)
	if q := v.filter.Value(); q != v.query {
		v.setQuery(q)
	}
	return cmd
}

// setQuery filters by q, keeping the cursor on its group when it passes.
func (v *allOrgsView) setQuery(q string) {
	org, name := v.currentKey()
	v.query = q
	v.filter.SetValue(q)
	v.refilter(org, name)
}

// sortBy sorts the rows by s, keeping the cursor on its group.
func (v *allOrgsView) sortBy(s orgSort) {
	org, name := v.currentKey()
	v.sort = s
	v.resort()
	v.refilter(org, name)
}

func (v *allOrgsView) move(d int) {
	v.cursor += d
	v.clamp()
}

func (v *allOrgsView) clamp() {
	v.cursor = min(v.cursor, len(v.visible)-1)
	v.cursor = max(v.cursor, 0)
	h := max(v.height, 1)
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+h {
		v.offset = v.cursor - h + 1
	}
	v.offset = max(min(v.offset, len(v.visible)-h), 0)
}

// rebuild derives the rows, their widths and the notes from the slots,
// keeping the cursor on its group: after a load or a change of any
// organization, never per keystroke. A slot's own rows and widths are
// derived again only when its groups changed (derive), so an answer in
// the session's organization does not measure or sort the others'.
func (v *allOrgsView) rebuild() {
	org, name := v.currentKey()
	v.base = v.base[:0]
	n := 0
	for si, s := range v.slots {
		v.base = append(v.base, n)
		if !sameGroups(s.built, s.data.groups) || s.builtLocs != len(v.locNames) || s.builtSlot != si {
			v.derive(si)
		}
		n += len(s.named)
	}
	v.search = nil
	w := allOrgsWidths{org: 3}
	for _, s := range v.slots {
		sw := s.widths
		w = allOrgsWidths{
			org: max(w.org, cellWidth(s.slug)), name: max(w.name, sw.name), status: max(w.status, sw.status),
			primary: max(w.primary, sw.primary), primaryCode: max(w.primaryCode, sw.primaryCode),
			others: max(w.others, sw.others), version: max(w.version, sw.version),
		}
	}
	v.natural = w
	v.notes = v.notes[:0]
	for _, s := range v.slots {
		switch {
		case s.errText != "":
			v.notes = append(v.notes, text.Sanitize(s.slug)+": could not load: "+s.errText)
		case s.loading:
			v.notes = append(v.notes, text.Sanitize(s.slug)+": loading…")
		}
	}
	v.resort()
	v.refilter(org, name)
}

// derive makes slot si's rows, sorted by name, and measures its columns.
// The session's slot takes both from the single list, which has just
// done the work for the same groups (dataChanged and resort run on every
// change of them): its order when it is sorted by name, and its widths.
func (v *allOrgsView) derive(si int) {
	s := v.slots[si]
	groups := s.data.groups
	s.built, s.builtLocs, s.builtSlot = groups, len(v.locNames), si
	s.named = slices.Grow(s.named[:0], len(groups))
	l := v.single
	fromList := l != nil && l.data == s.data && len(l.order) == len(groups)
	if fromList && l.sort == sortName {
		for _, i := range l.order {
			s.named = append(s.named, orgRow{groups[i].Name, si, i})
		}
	} else {
		for i := range groups {
			s.named = append(s.named, orgRow{groups[i].Name, si, i})
		}
		slices.SortFunc(s.named, func(a, b orgRow) int {
			if c := strings.Compare(a.name, b.name); c != 0 {
				return c
			}
			return cmp.Compare(a.idx, b.idx)
		})
	}
	if fromList {
		n := l.natural
		s.widths = allOrgsWidths{name: n.name, status: n.statusWord, primary: n.primary, primaryCode: n.primaryCode, others: n.others, version: n.version}
		return
	}
	s.widths = measureSlot(s.data, v.locNames)
}

// resort puts every slot's rows in the current order: by organization,
// the slots' rows one after the other (the slots are in the order of
// their slugs, and each slot's rows by name); else sorted again, with
// the name, the organization and the index breaking ties, for a total
// order whatever the data.
func (v *allOrgsView) resort() {
	v.rows = v.rows[:0]
	for _, s := range v.slots {
		v.rows = append(v.rows, s.named...)
	}
	rows := v.rows
	byName := func(a, b orgRow) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(a.slot, b.slot); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	}
	switch v.sort {
	case orgSortOrg:
		// Already in order.
	case orgSortName:
		slices.SortFunc(rows, byName)
	case orgSortLocation:
		slices.SortFunc(rows, func(a, b orgRow) int {
			if c := strings.Compare(v.group(a).Primary, v.group(b).Primary); c != 0 {
				return c
			}
			return byName(a, b)
		})
	case orgSortStatus:
		// One health per row, not two per comparison; rows are sorted
		// through their positions, so that the figures follow them.
		pos := make([]int, len(rows))
		h := make([]health, len(rows))
		for i, r := range rows {
			pos[i], h[i] = i, v.slots[r.slot].data.health(v.group(r))
		}
		slices.SortFunc(pos, func(a, b int) int {
			if c := cmp.Compare(h[b], h[a]); c != 0 {
				return c
			}
			return byName(rows[a], rows[b])
		})
		sorted := make([]orgRow, len(rows))
		for i, p := range pos {
			sorted[i] = rows[p]
		}
		copy(rows, sorted)
	}
}

// orgQuery splits a filter into the organization it names with "org:"
// (lowercased; "" for any) and the text the rows must contain.
func orgQuery(q string) (org, rest string) {
	var words []string
	for _, f := range strings.Fields(strings.ToLower(q)) {
		if s, ok := strings.CutPrefix(f, "org:"); ok {
			org = s
			continue
		}
		words = append(words, f)
	}
	return org, strings.Join(words, " ")
}

// refilter applies the query to the sorted rows, keeping the cursor on
// the group name of org when it is still visible.
func (v *allOrgsView) refilter(org, name string) {
	qOrg, q := orgQuery(v.query)
	v.visible = v.visible[:0]
	// Whether each organization passes "org:", once per slot, not per row.
	orgOK := make([]bool, len(v.slots))
	for i, s := range v.slots {
		orgOK[i] = qOrg == "" || strings.Contains(strings.ToLower(s.slug), qOrg)
	}
	if q != "" && len(v.search) != len(v.rows) {
		// By the row's place in the slots, not in the sort: the text is
		// built once per load, not per sort.
		v.search = make([]string, len(v.rows))
		for _, r := range v.rows {
			d := v.slots[r.slot].data
			g := v.group(r)
			v.search[v.base[r.slot]+r.idx] = strings.ToLower(v.slots[r.slot].slug) + "\x00" + searchText(*g, d.health(g), v.locNames)
		}
	}
	for i, r := range v.rows {
		if !orgOK[r.slot] {
			continue
		}
		if q != "" && !strings.Contains(v.search[v.base[r.slot]+r.idx], q) {
			continue
		}
		v.visible = append(v.visible, i)
	}
	v.cursor = 0
	if name != "" {
		for pos, i := range v.visible {
			if r := v.rows[i]; r.name == name && v.slots[r.slot].slug == org {
				v.cursor = pos
				break
			}
		}
	}
	v.clamp()
}

// measureSlot is the width each column's content needs across an
// organization's groups.
func measureSlot(d *dataset, locNames map[string]string) allOrgsWidths {
	w := allOrgsWidths{name: 4, status: 6, primary: 7, primaryCode: 7, others: 15, version: 7}
	for i := range d.groups {
		g := &d.groups[i]
		w.name = max(w.name, cellWidth(g.Name))
		code := cellWidth(g.Primary)
		w.primaryCode = max(w.primaryCode, code)
		if n := locNames[g.Primary]; n != "" {
			code += 1 + cellWidth(n)
		}
		w.primary = max(w.primary, code)
		others := 0
		for _, l := range g.Locations {
			if l != g.Primary {
				others += cellWidth(l) + 2
			}
		}
		w.others = max(w.others, others-2)
		w.version = max(w.version, cellWidth(g.Version))
		w.status = max(w.status, len(d.health(g).String()))
	}
	return w
}

// allOrgsColumns are the view's column widths at a width; 0 drops one.
type allOrgsColumns struct{ org, name, status, primary, others, version, flags int }

// layout fits the columns in width as layoutColumns does the single
// list's: the version goes first, then the primary's name, the other
// locations, and the name and the organization shrink last.
func (v *allOrgsView) layout(width int) allOrgsColumns {
	n := v.natural
	c := allOrgsColumns{org: n.org, name: n.name, status: n.status, primary: n.primary, others: n.others, version: n.version, flags: 9}
	// The cursor's two cells and a space after each column but the flags.
	avail := width - 2 - 6 - c.flags
	over := func() int { return c.org + c.name + c.status + c.primary + c.others + c.version - avail }
	if over() <= 0 {
		return c
	}
	shrink := func(col *int, floor int) {
		if o := over(); o > 0 && *col > floor {
			*col = max(*col-o, floor)
		}
	}
	avail++
	c.version = 0
	shrink(&c.primary, max(n.primaryCode, 7))
	shrink(&c.others, 8)
	shrink(&c.name, 8)
	shrink(&c.org, 6)
	if over() > 0 {
		avail++
		c.others = 0
	}
	shrink(&c.primary, 6)
	return c
}

// summary is the line above the rows: counts, filter and sort.
func (v *allOrgsView) summary() string {
	s := plural(len(v.rows), "group") + " in " + plural(len(v.slots), "organization")
	if v.query != "" {
		s = strconv.Itoa(len(v.visible)) + " of " + plural(len(v.rows), "group") + " match " + strconv.Quote(text.Sanitize(v.query))
	}
	return s + " · sorted by " + v.sort.String()
}

// View draws the summary (with the filter's input while it is open), the
// notes, then the rows in the window SetSize kept: work proportional to
// the window, not to the number of groups.
func (v *allOrgsView) View() string {
	st, k := v.c.st, v.c.keys
	switch {
	case v.listErr != "":
		return " " + st.Error.Render(ansi.Wrap(v.listErr, max(v.width-2, 10), "")) + "\n\n " +
			st.Muted.Render("Press "+k.Refresh.Help().Key+" to retry, "+k.AllOrgs.Help().Key+" to go back to one organization.")
	case v.listing:
		return " Loading your organizations…"
	}
	top := " " + st.Muted.Render(v.summary())
	if v.filtering {
		top = " " + v.filter.View() + "  " + st.Muted.Render(v.summary())
	}
	var b strings.Builder
	b.WriteString(top)
	for i, n := range v.notes {
		if i == maxOrgNotes {
			b.WriteString("\n " + st.Muted.Render("and "+plural(len(v.notes)-maxOrgNotes, "more organization")+" loading or failed"))
			break
		}
		style := st.Muted
		if strings.Contains(n, ": could not load: ") {
			style = st.Error
		}
		b.WriteString("\n " + style.Render(text.Truncate(n, max(v.width-2, 1))))
	}
	if len(v.visible) == 0 {
		msg := "No groups in any organization yet."
		if v.query != "" {
			msg = "No group matches. Press " + k.Back.Help().Key + " to clear the filter."
		}
		b.WriteString("\n\n " + st.Empty.Render(msg))
		return b.String()
	}
	width := v.width - 1
	c := v.layout(width)
	header := "  " + text.Pad("ORG", c.org) + " " + text.Pad("NAME", c.name) + " " + text.Pad("STATUS", c.status) + " " + text.Pad("PRIMARY", c.primary)
	if c.others > 0 {
		header += " " + text.Pad("OTHER LOCATIONS", c.others)
	}
	if c.version > 0 {
		header += " " + text.Pad("VERSION", c.version)
	}
	b.WriteByte('\n')
	b.WriteString(st.ColumnHeader.Render(text.Truncate(text.Pad(header, width), width)))
	end := min(v.offset+v.height, len(v.visible))
	for pos := v.offset; pos < end; pos++ {
		b.WriteByte('\n')
		b.WriteString(v.renderRow(v.rows[v.visible[pos]], c, width, pos == v.cursor))
	}
	return b.String()
}

// renderRow draws one row with the single list's compiled styles.
func (v *allOrgsView) renderRow(r orgRow, c allOrgsColumns, width int, selected bool) string {
	s := v.slots[r.slot]
	g := v.group(r)
	sel := 0
	cursor := "  "
	if selected {
		sel, cursor = 1, "> "
	}
	h := s.data.health(g)
	row, statusStyle := v.paints.row[sel], v.paints.health[sel][min(max(h, 0), healthUnhealthy)]
	primary := text.Sanitize(g.Primary)
	if n := v.locNames[g.Primary]; n != "" {
		primary += " " + text.Sanitize(n)
	}
	line := row.Render(cursor+text.Pad(text.Sanitize(s.slug), c.org)+" "+text.Pad(text.Sanitize(g.Name), c.name)+" ") +
		statusStyle.Render(text.Pad(h.String(), c.status))
	rest := " " + text.Pad(primary, c.primary)
	if c.others > 0 {
		var others []string
		for _, l := range g.Locations {
			if l != g.Primary {
				others = append(others, text.Sanitize(l))
			}
		}
		rest += " " + text.Pad(strings.Join(others, ", "), c.others)
	}
	if c.version > 0 {
		rest += " " + text.Pad(text.Sanitize(g.Version), c.version)
	}
	used := 2 + c.org + 1 + c.name + 1 + c.status
	rest = text.Truncate(rest, max(width-c.flags-1-used, 0)) + " "
	flags := ""
	if g.DeleteProtection {
		flags = "protected"
	}
	pad := strings.Repeat(" ", max(width-used-ansi.StringWidth(rest)-c.flags, 0))
	return line + row.Render(rest) + v.paints.protected[sel].Render(text.Pad(flags, c.flags)) + row.Render(pad)
}

// ShortHelp is the view's keys for the footer.
func (v *allOrgsView) ShortHelp() []key.Binding {
	if v.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
			key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		}
	}
	k := v.c.keys
	back := key.NewBinding(key.WithKeys(k.AllOrgs.Keys()...), key.WithHelp(k.AllOrgs.Help().Key, "one organization"))
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.Sort, back}
}
