package ui

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// detailDoc is the detail of a group as screen lines, each at most width
// cells: every field, the locations and the actions are drawn up front
// (a handful of lines), but a database row only when it is in the
// window asked for, since a group can hold thousands of databases.
type detailDoc struct {
	head []string       // fields, locations and actions, then the databases' title
	dbs  []api.Database // one row each, drawn on demand
	// row widths of the databases table
	width, nameW, hostW int
	// cursor is the database row under the cursor, -1 for none; sel
	// draws it.
	cursor int
	sel    func(...string) string
}

// detailView is the detail component: the group it shows, by name (its
// data changes under it with every load), and how far it is scrolled. It
// reads the groups from data, which the root owns, and the lines of
// actions for a group from actions, which knows the action registry.
type detailView struct {
	c       *common
	data    *dataset
	actions func(g api.Group) []string
	name    string
	scroll  int
	// dbSel is the cursor over the group's databases (dbtable.go).
	dbSel dbSelection
	// width and height are the cells SetSize gave the detail.
	width, height int
}

func newDetailView(c *common, data *dataset, actions func(g api.Group) []string) detailView {
	return detailView{c: c, data: data, actions: actions}
}

// Open shows the group named name from its top.
func (v *detailView) Open(name string) { v.name, v.scroll, v.dbSel = name, 0, dbSelection{} }

// SetSize gives the detail the body's w x h cells.
func (v *detailView) SetSize(w, h int) { v.width, v.height = w, h }

// group is the group shown; false when it has left the organization.
func (v *detailView) group() (api.Group, bool) {
	i, ok := v.data.byName[v.name]
	if !ok {
		return api.Group{}, false
	}
	return v.data.groups[i], true
}

// Update scrolls on a movement key, and reports whether msg was one: any
// other goes on to the actions.
func (v *detailView) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	if v.dbKey(km) {
		return nil, true
	}
	// scroll clamps to the document, so "all the way" can be larger than
	// any document.
	d, ok := navDelta(v.c.keys, km, max(v.height-1, 1), math.MaxInt32)
	if ok {
		v.scrollBy(d)
	}
	return nil, ok
}

func (v *detailView) scrollBy(d int) {
	g, ok := v.group()
	if !ok {
		return
	}
	doc := v.doc(g, max(v.width-2, 10), true)
	v.scroll = min(max(v.scroll+d, 0), max(doc.len()-doc.window(v.height), 0))
}

// ShortHelp is the detail's own keys for the footer; the root puts the
// actions that apply before them. Its full help is the list's movement
// column.
func (v *detailView) ShortHelp() []key.Binding {
	k := v.c.keys
	if v.dbSel.focus {
		return []key.Binding{k.Open, k.Databases, k.Back}
	}
	if len(v.data.dbs[v.name]) > 0 {
		return []key.Binding{k.Databases, k.Back}
	}
	return []key.Binding{k.Back}
}

// View draws the detail of the group, scrolled.
func (v *detailView) View() string {
	return indent(v.render(v.width-2, v.height), 1)
}

// doc builds the detail of g for a width of width cells.
func (v *detailView) doc(g api.Group, width int, withActions bool) detailDoc {
	st, data := v.c.st, v.data
	d := detailDoc{width: width, cursor: -1}
	add := func(s string) { d.head = append(d.head, text.Truncate(s, width)) }
	field := func(label, value string) {
		add(st.Label.Render(text.Pad(label, 18)) + st.Value.Render(value))
	}
	title := st.Title.Render(text.Sanitize(g.Name))
	if g.Archived {
		title += "  " + st.Archived.Render("archived")
	}
	if g.DeleteProtection {
		title += "  " + st.Protected.Render("delete protected")
	}
	add(title)
	add("")
	field("Status", v.statusLine(&g))
	field("UUID", orDash(text.Sanitize(g.UUID)))
	field("Primary", v.locationLabel(g.Primary))
	field("Version", orDash(text.Sanitize(g.Version)))
	field("Archived", yesNo(g.Archived))
	field("Delete protection", yesNo(g.DeleteProtection))
	field("Usage", data.usageLine(g.Name))
	add("")
	add(st.PanelTitle.Render("Locations"))
	locs := g.Locations
	if len(locs) == 0 && g.Primary != "" {
		locs = []string{g.Primary}
	}
	for _, l := range locs {
		line := "  " + v.locationLabel(l)
		if l == g.Primary {
			line += st.Success.Render("  ★ primary")
		}
		p := data.prov[g.Name][l]
		switch s := locationStatus(g, l); {
		case s == locDown:
			line += "  " + st.Error.Render("down")
		case p != nil && p.label != "":
			style := st.Warning
			if p.ready {
				style = st.Success
			} else if p.err != nil {
				style = st.Error
			}
			line += "  " + style.Render(text.Sanitize(p.label))
		case s == locProvisioning:
			line += "  " + st.Warning.Render("provisioning")
		case s != "" && s != "up":
			line += "  " + st.Error.Render(text.Sanitize(s))
		}
		add(line)
	}
	add("")
	// The actions come before the databases, which can be thousands of
	// lines: below them, they would be out of reach.
	if withActions && !v.c.readOnly && v.actions != nil {
		add(st.PanelTitle.Render("Actions"))
		for _, line := range wrapWords(v.actions(g), width-2) {
			add("  " + line)
		}
		add("")
	}
	dbs := data.dbs[g.Name]
	switch {
	case !data.dbsKnown && data.dbsLoading:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  loading…"))
	case !data.dbsKnown:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  (could not be loaded)"))
	case len(dbs) == 0:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  none"))
	default:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  "+strconv.Itoa(len(dbs))))
		d.nameW, d.hostW = 20, max(width-20-12-6, 10)
		add(st.ColumnHeader.Render("  " + text.Pad("NAME", d.nameW) + " " + text.Pad("HOSTNAME", d.hostW) + " REGION"))
		d.dbs = dbs
	}
	return d
}

// statusLine is the group's status, with the locations that make it so:
// "Degraded (down: ams)", "Provisioning (lhr, ams)".
func (v *detailView) statusLine(g *api.Group) string {
	h := v.data.health(g)
	var locs []string
	switch h {
	case healthUnhealthy, healthDegraded:
		locs = locationsWhere(g, func(l string) bool { return locationStatus(*g, l) == locDown })
	case healthProvisioning:
		locs = locationsWhere(g, func(l string) bool { return v.data.provisioning(g, l) })
	}
	s := healthStyle(v.c.st, h).Render(h.String())
	if len(locs) > 0 {
		for i := range locs {
			locs[i] = text.Sanitize(locs[i])
		}
		what := ""
		if h != healthProvisioning {
			what = "down: "
		}
		s += " " + v.c.st.Muted.Render("("+what+strings.Join(locs, ", ")+")")
	}
	return s
}

// len is the number of lines of the whole detail.
func (d *detailDoc) len() int { return len(d.head) + len(d.dbs) }

// window is how many of the detail's lines fit in height rows: all of
// them, or one fewer, the last row then saying that there is more.
func (d *detailDoc) window(height int) int {
	if d.len() > height {
		return max(height-1, 1)
	}
	return height
}

// lines draws lines [from, to) of the detail: work proportional to the
// window, whatever the number of databases.
func (d *detailDoc) lines(from, to int) []string {
	from, to = max(from, 0), min(to, d.len())
	if from >= to {
		return nil
	}
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		switch j := i - len(d.head); {
		case j < 0:
			out = append(out, d.head[i])
		default:
			db := &d.dbs[j]
			mark := "  "
			if j == d.cursor {
				mark = "▸ "
			}
			line := text.Truncate(mark+text.Pad(text.Sanitize(db.Name), d.nameW)+" "+text.Pad(text.Sanitize(db.Hostname), d.hostW)+" "+text.Sanitize(db.PrimaryRegion), d.width)
			if j == d.cursor && d.sel != nil {
				line = d.sel(text.Pad(line, d.width))
			}
			out = append(out, line)
		}
	}
	return out
}

// locationStatus is the health the API reports for location l of g, ""
// when it reports none.
func locationStatus(g api.Group, l string) string {
	if g.Status == nil {
		return ""
	}
	// The last entry wins, as it would in a map built from the list.
	s := ""
	for _, ls := range g.Status.Locations {
		if ls.Name == l {
			s = ls.Status
		}
	}
	return s
}

// wrapWords joins items with " · " into lines of at most width cells.
func wrapWords(items []string, width int) []string {
	var lines []string
	var cur string
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case ansi.StringWidth(cur)+3+ansi.StringWidth(it) <= width:
			cur += " · " + it
		default:
			lines = append(lines, cur)
			cur = it
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// locationLabel is "code  Name" when the name is known.
func (v *detailView) locationLabel(code string) string {
	if code == "" {
		return "—"
	}
	s := text.Sanitize(code)
	if n := v.data.locNames[code]; n != "" {
		s += "  " + v.c.st.Muted.Render(text.Sanitize(n))
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// render draws the detail of the group, scrolled, in width x height.
func (v *detailView) render(width, height int) string {
	g, ok := v.group()
	if !ok {
		return v.c.st.Empty.Render("This group is no longer in " + v.data.org + ". Press " + v.c.keys.Back.Help().Key + " to go back.")
	}
	d := v.doc(g, width, true)
	v.markCursor(&d)
	// View stays pure: the scroll is clamped here for drawing, and in
	// Update (scrollBy) for keeping.
	rows := d.window(height)
	scroll := min(v.scroll, max(d.len()-rows, 0))
	scroll = cursorInView(&d, scroll, rows)
	out := strings.Join(d.lines(scroll, scroll+rows), "\n")
	if rows < height {
		out += "\n" + v.scrollHint(scroll, rows, d.len())
	}
	return out
}

// scrollHint is the last row of a detail taller than the body: how much
// is above and below, and the keys that scroll.
func (v *detailView) scrollHint(scroll, rows, total int) string {
	k := v.c.keys
	var parts []string
	if scroll > 0 {
		parts = append(parts, "↑ "+strconv.Itoa(scroll)+" above")
	}
	if below := total - scroll - rows; below > 0 {
		parts = append(parts, "↓ "+strconv.Itoa(below)+" more")
	}
	if v.dbSel.focus {
		parts = append(parts, k.Down.Help().Key+" "+k.Up.Help().Key+" select · "+k.Databases.Help().Key+" scroll")
	} else {
		parts = append(parts, k.Down.Help().Key+" "+k.Up.Help().Key+" scroll")
		if len(v.data.dbs[v.name]) > 0 {
			parts = append(parts, k.Databases.Help().Key+" select a database")
		}
	}
	return v.c.st.Muted.Render(text.Truncate(strings.Join(parts, " · "), max(v.width-2, 1)))
}

// preview is the list's side panel: the top h lines of g's detail at w
// cells, without the actions, which apply from the detail screen.
func (v *detailView) preview(g api.Group, w, h int) string {
	d := v.doc(g, w, false)
	return strings.Join(d.lines(0, h), "\n")
}
