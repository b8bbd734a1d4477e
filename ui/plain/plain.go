// Package plain writes groups for scripts and pipes: an aligned table, or
// JSON in the shape README's "Scripting" section documents. It never
// writes colour, cursor movement or any other control sequence, and text
// from the API can bring none in: a table's cells go through
// text.Sanitize, and JSON escapes every control and format character
// (\u001b, \u009b, \u202e...) so that its values still read back exactly.
package plain

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// List is the JSON document `turso-groups list --json` prints.
type List struct {
	// Groups are the organization's groups, sorted by name; never null.
	Groups []ListGroup `json:"groups"`
}

// ListGroup is one group of List.
type ListGroup struct {
	Name    string `json:"name"`
	Primary string `json:"primary"`
	// Locations are the group's location codes, the primary first; never
	// null.
	Locations []string `json:"locations"`
	// Status is api.Group.Health: Healthy, Degraded, Unhealthy or Archived.
	Status  string `json:"status"`
	Version string `json:"version"`
	// Databases is how many databases the group has.
	Databases        int  `json:"databases"`
	Archived         bool `json:"archived"`
	DeleteProtection bool `json:"delete_protection"`
}

// Group is the JSON document `turso-groups show GROUP --json` prints.
type Group struct {
	Name    string `json:"name"`
	UUID    string `json:"uuid"`
	Primary string `json:"primary"`
	// Status is api.Group.Health: Healthy, Degraded, Unhealthy or Archived.
	Status   string `json:"status"`
	Version  string `json:"version"`
	Archived bool   `json:"archived"`
	// DeleteProtection comes from the group's configuration when the API
	// has it, else from the group.
	DeleteProtection bool `json:"delete_protection"`
	// Locations are the group's locations, the primary first; never null.
	Locations []Location `json:"locations"`
	// Databases are the group's databases, sorted by name; never null.
	Databases []Database `json:"databases"`
}

// Location is one location of a Group.
type Location struct {
	Name string `json:"name"`
	// Status is the API's word for it ("up", "down"), "" when it gave none.
	Status  string `json:"status"`
	Primary bool   `json:"primary"`
}

// Database is one database of a Group.
type Database struct {
	Name     string `json:"name"`
	Hostname string `json:"hostname"`
	// Region is the database's primary region.
	Region string `json:"region"`
}

// CountDatabases is how many of dbs each group has, by group name.
func CountDatabases(dbs []api.Database) map[string]int {
	n := make(map[string]int)
	for i := range dbs {
		n[dbs[i].Group]++
	}
	return n
}

// locations are g's location codes with its primary first, whether or not
// the API listed it among them (older answers did not), never nil.
func locations(g *api.Group) []string {
	out := make([]string, 0, len(g.Locations)+1)
	if g.Primary != "" {
		out = append(out, g.Primary)
	}
	for _, l := range g.Locations {
		if l != g.Primary {
			out = append(out, l)
		}
	}
	return out
}

// NewListGroup is g as List shows it, with the number of its databases.
func NewListGroup(g *api.Group, databases int) ListGroup {
	return ListGroup{
		Name:             g.Name,
		Primary:          g.Primary,
		Locations:        locations(g),
		Status:           g.Health(),
		Version:          g.Version,
		Databases:        databases,
		Archived:         g.Archived,
		DeleteProtection: g.DeleteProtection,
	}
}

// NewGroup is g as `show` prints it: protected is its delete protection
// (from its configuration), dbs the organization's databases, of which
// those of g are kept.
func NewGroup(g api.Group, protected bool, dbs []api.Database) Group {
	status := map[string]string{}
	if g.Status != nil {
		for _, l := range g.Status.Locations {
			status[l.Name] = l.Status
		}
	}
	out := Group{
		Name: g.Name, UUID: g.UUID, Primary: g.Primary, Status: g.Health(), Version: g.Version,
		Archived: g.Archived, DeleteProtection: protected,
		Locations: []Location{}, Databases: []Database{},
	}
	for _, l := range locations(&g) {
		out.Locations = append(out.Locations, Location{Name: l, Status: status[l], Primary: l == g.Primary})
	}
	for _, d := range dbs {
		if d.Group == g.Name {
			out.Databases = append(out.Databases, Database{Name: d.Name, Hostname: d.Hostname, Region: d.PrimaryRegion})
		}
	}
	slices.SortFunc(out.Databases, func(a, b Database) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// listHeader is the table's header row, in the order of ListGroup's
// fields.
var listHeader = []string{"NAME", "PRIMARY", "LOCATIONS", "STATUS", "VERSION", "DATABASES", "ARCHIVED", "PROTECTED"}

// WriteListTable writes groups (in the order given) as an aligned table,
// a row each under a header, with counts the number of databases by group
// (CountDatabases). An empty value is "-", so that every row has as many
// whitespace-separated fields as the header.
func WriteListTable(w io.Writer, groups []api.Group, counts map[string]int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	// Two passes: the widths first, then the rows, straight to the
	// writer; the cells of a row are made again rather than kept, which
	// costs less than holding 10,000 rows of them.
	widths := make([]int, len(listHeader))
	for i, h := range listHeader {
		widths[i] = len(h)
	}
	var cells [8]string
	for i := range groups {
		listCells(&cells, &groups[i], counts)
		for c, s := range cells {
			widths[c] = max(widths[c], width(s))
		}
	}
	writeRow(bw, listHeader, widths)
	for i := range groups {
		listCells(&cells, &groups[i], counts)
		writeRow(bw, cells[:], widths)
	}
	return bw.Flush()
}

// listCells fills cells with g's row, sanitized.
func listCells(cells *[8]string, g *api.Group, counts map[string]int) {
	cells[0] = cell(g.Name)
	cells[1] = cell(g.Primary)
	cells[2] = cell(strings.Join(locations(g), ","))
	cells[3] = g.Health()
	cells[4] = cell(g.Version)
	cells[5] = strconv.Itoa(counts[g.Name])
	cells[6] = yesNo(g.Archived)
	cells[7] = yesNo(g.DeleteProtection)
}

// cell is s made safe for a terminal, "-" when empty. Spaces inside it
// (Sanitize turns tabs and newlines into them) are kept: a hostile name
// may cost a script a column, never the terminal its state.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return text.Sanitize(s)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// width is how many terminal cells s takes.
func width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// writeRow writes cells padded to widths, two spaces apart, without
// trailing spaces.
func writeRow(bw *bufio.Writer, cells []string, widths []int) {
	for i, s := range cells {
		bw.WriteString(s)
		if i == len(cells)-1 {
			break
		}
		for n := widths[i] - width(s) + 2; n > 0; n-- {
			bw.WriteByte(' ')
		}
	}
	bw.WriteByte('\n')
}

// WriteListJSON writes groups (in the order given) as a List, indented by
// two spaces, one group at a time: the bytes are those of
// json.MarshalIndent(List{...}, "", "  ") without HTML escaping, and with
// every control and format character escaped (see writeInert).
func WriteListJSON(w io.Writer, groups []api.Group, counts map[string]int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if len(groups) == 0 {
		bw.WriteString("{\n  \"groups\": []\n}\n")
		return bw.Flush()
	}
	bw.WriteString("{\n  \"groups\": [\n")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	for i := range groups {
		buf.Reset()
		if err := enc.Encode(NewListGroup(&groups[i], counts[groups[i].Name])); err != nil {
			return fmt.Errorf("encode group %q: %w", groups[i].Name, err)
		}
		bw.WriteString("    ")
		writeInert(bw, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		if i < len(groups)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("  ]\n}\n")
	return bw.Flush()
}

// WriteGroupJSON writes g indented by two spaces, with every control and
// format character escaped (see writeInert).
func WriteGroupJSON(w io.Writer, g Group) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		return fmt.Errorf("encode group %q: %w", g.Name, err)
	}
	bw := bufio.NewWriter(w)
	writeInert(bw, buf.Bytes())
	return bw.Flush()
}

// WriteGroupTable writes g for people: its fields a line each, then its
// locations and its databases as aligned tables.
func WriteGroupTable(w io.Writer, g Group) error {
	bw := bufio.NewWriter(w)
	fields := [][]string{
		{"Name:", cell(g.Name)},
		{"UUID:", cell(g.UUID)},
		{"Primary:", cell(g.Primary)},
		{"Status:", g.Status},
		{"Version:", cell(g.Version)},
		{"Archived:", yesNo(g.Archived)},
		{"Delete protection:", yesNo(g.DeleteProtection)},
		{"Databases:", strconv.Itoa(len(g.Databases))},
	}
	writeTable(bw, fields)
	bw.WriteByte('\n')
	rows := [][]string{{"LOCATION", "STATUS", "PRIMARY"}}
	for _, l := range g.Locations {
		rows = append(rows, []string{cell(l.Name), cell(l.Status), yesNo(l.Primary)})
	}
	writeTable(bw, rows)
	bw.WriteByte('\n')
	rows = [][]string{{"DATABASE", "HOSTNAME", "REGION"}}
	for _, d := range g.Databases {
		rows = append(rows, []string{cell(d.Name), cell(d.Hostname), cell(d.Region)})
	}
	writeTable(bw, rows)
	return bw.Flush()
}

// writeTable writes rows aligned in columns.
func writeTable(bw *bufio.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, s := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], width(s))
		}
	}
	for _, r := range rows {
		writeRow(bw, r, widths)
	}
}

// writeInert writes encoded JSON with every character that could act on
// a terminal escaped as \uXXXX: DEL, the C1 controls (U+0080-U+009F, CSI
// U+009B among them), the format characters (the bidi overrides...) and
// the line and paragraph separators. encoding/json already escapes the C0
// controls (ESC is \u001b). Such characters only occur inside strings, so
// the document means the same: it parses to the same values.
func writeInert(bw *bufio.Writer, b []byte) {
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x7f {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		if !unsafeRune(r) {
			i += size
			continue
		}
		bw.Write(b[start:i])
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			fmt.Fprintf(bw, `\u%04x\u%04x`, r1, r2)
		} else {
			fmt.Fprintf(bw, `\u%04x`, r)
		}
		i += size
		start = i
	}
	bw.Write(b[start:])
}

// unsafeRune reports whether r must not reach a terminal as itself.
func unsafeRune(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError ||
		unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}

// Error is err with its text made safe for a terminal (text.Sanitize): an
// error from the API carries the server's own words, which a hostile
// server could fill with escape sequences. errors.Is and errors.As see
// err through it. Error(nil) is nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	return safeError{err}
}

type safeError struct{ err error }

func (e safeError) Error() string { return text.Sanitize(e.err.Error()) }
func (e safeError) Unwrap() error { return e.err }
