package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// detailDoc is the detail of a group as screen lines, each at most width
// cells: every field, the locations and the actions are drawn up front
// (a handful of lines), but a database row only when it is in the
// window asked for, since a group can hold thousands of databases.
type detailDoc struct {
	head []string       // fields and locations, then the databases' title
	dbs  []api.Database // one row each, drawn on demand
	tail []string       // the actions
	// row widths of the databases table
	width, nameW, hostW int
}

// detailDoc builds the detail of g for a width of width cells.
func (m *Model) detailDoc(g api.Group, width int, withActions bool) detailDoc {
	st := m.st
	d := detailDoc{width: width}
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
	field("UUID", orDash(text.Sanitize(g.UUID)))
	field("Primary", m.locationLabel(g.Primary))
	field("Version", orDash(text.Sanitize(g.Version)))
	field("Archived", yesNo(g.Archived))
	field("Delete protection", yesNo(g.DeleteProtection))
	add("")
	add(st.PanelTitle.Render("Locations"))
	locs := g.Locations
	if len(locs) == 0 && g.Primary != "" {
		locs = []string{g.Primary}
	}
	for _, l := range locs {
		line := "  " + m.locationLabel(l)
		if l == g.Primary {
			line += st.Success.Render("  ★ primary")
		}
		if s := locationStatus(g, l); s != "" && s != "up" {
			line += "  " + st.Error.Render(text.Sanitize(s))
		}
		add(line)
	}
	add("")
	dbs := m.dbs[g.Name]
	switch {
	case !m.dbsKnown && m.dbsLoading:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  loading…"))
	case !m.dbsKnown:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  (could not be loaded)"))
	case len(dbs) == 0:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  none"))
	default:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  "+strconv.Itoa(len(dbs))))
		d.nameW, d.hostW = 20, max(width-20-12-6, 10)
		add(st.ColumnHeader.Render("  " + text.Pad("NAME", d.nameW) + " " + text.Pad("HOSTNAME", d.hostW) + " REGION"))
		d.dbs = dbs
	}
	if withActions && !m.readOnly {
		d.tail = append(d.tail, "", text.Truncate(st.PanelTitle.Render("Actions"), width))
		for _, line := range wrapWords(m.actionsFor(g), width-2) {
			d.tail = append(d.tail, text.Truncate("  "+line, width))
		}
	}
	return d
}

// len is the number of lines of the whole detail.
func (d *detailDoc) len() int { return len(d.head) + len(d.dbs) + len(d.tail) }

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
		case j < len(d.dbs):
			db := &d.dbs[j]
			out = append(out, text.Truncate("  "+text.Pad(text.Sanitize(db.Name), d.nameW)+" "+text.Pad(text.Sanitize(db.Hostname), d.hostW)+" "+text.Sanitize(db.PrimaryRegion), d.width))
		default:
			out = append(out, d.tail[j-len(d.dbs)])
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
func (m *Model) locationLabel(code string) string {
	if code == "" {
		return "—"
	}
	s := text.Sanitize(code)
	if n := m.locNames[code]; n != "" {
		s += "  " + m.st.Muted.Render(text.Sanitize(n))
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

// renderDetail draws the detail screen of the group, scrolled.
func (m *Model) renderDetail(width, height int) string {
	g, ok := m.selected()
	if !ok {
		return m.st.Empty.Render("This group is no longer in " + m.orgLabel() + ". Press " + m.keys.Back.Help().Key + " to go back.")
	}
	d := m.detailDoc(g, width, true)
	// View stays pure: the scroll is clamped here for drawing, and in
	// Update (scrollDetail) for keeping.
	scroll := min(m.detailScroll, max(d.len()-height, 0))
	return strings.Join(d.lines(scroll, scroll+height), "\n")
}

// preview is the list's side panel: the top h lines of g's detail at w
// cells, without the actions, which apply from the detail screen.
func (m *Model) preview(g api.Group, w, h int) string {
	d := m.detailDoc(g, w, false)
	return strings.Join(d.lines(0, h), "\n")
}
