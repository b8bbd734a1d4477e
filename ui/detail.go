package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// detailLines renders every field of g, its locations and its databases,
// one string per screen line, each at most width cells.
func (m *Model) detailLines(g api.Group, width int, withActions bool) []string {
	st := m.st
	var lines []string
	add := func(s string) { lines = append(lines, text.Truncate(s, width)) }
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
	status := map[string]string{}
	if g.Status != nil {
		for _, s := range g.Status.Locations {
			status[s.Name] = s.Status
		}
	}
	for _, l := range locs {
		line := "  " + m.locationLabel(l)
		if l == g.Primary {
			line += st.Success.Render("  ★ primary")
		}
		if s := status[l]; s != "" && s != "up" {
			line += "  " + st.Error.Render(text.Sanitize(s))
		}
		add(line)
	}
	add("")
	dbs := m.dbs[g.Name]
	switch {
	case !m.dbsKnown:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  (could not be loaded)"))
	case len(dbs) == 0:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  none"))
	default:
		add(st.PanelTitle.Render("Databases") + st.Muted.Render("  "+strconv.Itoa(len(dbs))))
		nameW, hostW := 20, max(width-20-12-6, 10)
		add(st.ColumnHeader.Render("  " + text.Pad("NAME", nameW) + " " + text.Pad("HOSTNAME", hostW) + " REGION"))
		for _, d := range dbs {
			add("  " + text.Pad(text.Sanitize(d.Name), nameW) + " " + text.Pad(text.Sanitize(d.Hostname), hostW) + " " + text.Sanitize(d.PrimaryRegion))
		}
	}
	if withActions && !m.opts.ReadOnly {
		add("")
		add(st.PanelTitle.Render("Actions"))
		for _, line := range wrapWords(m.actionsFor(g), width-2) {
			add("  " + line)
		}
	}
	return lines
}

// actionsFor lists the actions that apply to g, with their keys.
func (m *Model) actionsFor(g api.Group) []string {
	k := m.keys
	acts := []string{
		k.AddLocation.Help().Key + " add location",
	}
	if len(g.Locations) > 1 {
		acts = append(acts, k.RemoveLocation.Help().Key+" remove location")
	}
	if g.DeleteProtection {
		acts = append(acts, k.Protect.Help().Key+" turn protection off")
	} else {
		acts = append(acts, k.Protect.Help().Key+" turn protection on")
	}
	acts = append(acts, k.Token.Help().Key+" create token", k.Rotate.Help().Key+" rotate tokens", k.Transfer.Help().Key+" transfer")
	if g.Archived {
		acts = append(acts, k.Unarchive.Help().Key+" unarchive")
	}
	acts = append(acts, k.Update.Help().Key+" update databases", k.Delete.Help().Key+" delete")
	return acts
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
		return m.st.Empty.Render("This group is no longer in " + m.orgLabel() + ". Press esc to go back.")
	}
	lines := m.detailLines(g, width, true)
	// View stays pure: the scroll is clamped here for drawing, and in
	// Update (scrollDetail) for keeping.
	scroll := min(m.detailScroll, max(len(lines)-height, 0))
	end := min(scroll+height, len(lines))
	return strings.Join(lines[scroll:end], "\n")
}
