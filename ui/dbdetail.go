package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// dbDetail is a database's own screen, opened with enter on a database
// of the group's detail: what the list knows of it at once, then the
// database as the API has it now and its usage this month, fetched as it
// opens. It is an overlay: back closes it onto the group's detail, with
// the cursor where it was.
type dbDetail struct {
	c  *common
	db api.Database
	// locNames names the locations, as the dataset has them.
	locNames map[string]string
	// loading until the answer (info) arrives.
	loading bool
	info    dbInfoMsg
	copy    func(db api.Database) tea.Cmd
	width   int
	height  int
}

// dbInfoMsg answers the fetch of a database and its usage, for the
// dialog it was made for (dropped when that one has closed).
type dbInfoMsg struct {
	gen      int
	to       *dbDetail
	db       api.Database
	dbErr    error
	usage    api.DatabaseUsage
	usageErr error
}

// openDBDetail opens db's screen and fetches what it shows.
func (m *Model) openDBDetail(db api.Database) tea.Cmd {
	d := &dbDetail{c: m.common, db: db, locNames: m.locNames, loading: true, width: m.width, height: m.bodyH}
	d.copy = func(db api.Database) tea.Cmd { return m.copyDB(db, 0) }
	m.focus.push(d)
	ctx, client, gen, name := m.sess.ctx, m.sess.client, m.sess.gen, db.Name
	return func() tea.Msg {
		r := dbInfoMsg{gen: gen, to: d}
		func() {
			// A panic is the answer's error, so the screen does not stay
			// "loading…".
			defer onPanic(client, func(err error) { r.dbErr, r.usageErr = err, err })
			r.db, r.dbErr = client.GetDatabase(ctx, name)
			// Zero times: the API's default period, the current month.
			r.usage, r.usageErr = client.DatabaseUsage(ctx, name, time.Time{}, time.Time{})
		}()
		return r
	}
}

// onDBInfo hands the answer to the screen it was fetched for, if it is
// still open.
func (m *Model) onDBInfo(msg dbInfoMsg) tea.Cmd {
	if msg.gen != m.sess.gen {
		return nil
	}
	for _, o := range m.focus.open {
		if o == msg.to {
			msg.to.loading, msg.to.info = false, msg
			if msg.dbErr == nil && msg.db.Name != "" {
				msg.to.db = msg.db
			}
		}
	}
	return nil
}

// SetSize gives the screen the body's cells.
func (d *dbDetail) SetSize(w, h int) { d.width, d.height = w, h }

// Update closes on back, enter or quit, and copies the URL on the copy
// key.
func (d *dbDetail) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, false
	}
	k := d.c.keys
	switch {
	case key.Matches(km, k.Yank):
		return d.copy(d.db), false
	case key.Matches(km, k.Back), key.Matches(km, k.Open), key.Matches(km, k.Quit):
		return nil, true
	}
	return nil, false
}

// ShortHelp is copy and back.
func (d *dbDetail) ShortHelp() []key.Binding {
	y := d.c.keys.Yank
	y.SetHelp(y.Help().Key, "copy URL")
	return []key.Binding{y, d.c.keys.Back}
}

// View draws the fields, then the usage; a handful of lines, cut to the
// height.
func (d *dbDetail) View() string {
	st := d.c.st
	width := max(d.width-2, 10)
	var lines []string
	add := func(s string) { lines = append(lines, text.Truncate(s, width)) }
	field := func(label, value string) {
		add(st.Label.Render(text.Pad(label, 18)) + st.Value.Render(value))
	}
	db := d.db
	add(st.Title.Render(text.Sanitize(db.Name)) + st.Muted.Render("  database of "+text.Sanitize(db.Group)))
	add("")
	field("Name", text.Sanitize(db.Name))
	field("URL", orDash(text.Sanitize(urlOf(db))))
	field("Hostname", orDash(text.Sanitize(db.Hostname)))
	field("Group", orDash(text.Sanitize(db.Group)))
	field("ID", orDash(text.Sanitize(db.ID)))
	primary := orDash(text.Sanitize(db.PrimaryRegion))
	if n := d.locNames[db.PrimaryRegion]; n != "" {
		primary += "  " + st.Muted.Render(text.Sanitize(n))
	}
	field("Primary", primary)
	regions := make([]string, len(db.Regions))
	for i, r := range db.Regions {
		regions[i] = text.Sanitize(r)
	}
	field("Regions", orDash(strings.Join(regions, ", ")))
	var blocked []string
	if db.BlockReads {
		blocked = append(blocked, "reads")
	}
	if db.BlockWrites {
		blocked = append(blocked, "writes")
	}
	if len(blocked) > 0 {
		field("Blocked", st.Warning.Render(strings.Join(blocked, ", ")))
	}
	field("Delete protection", yesNo(db.DeleteProtection))
	if d.info.dbErr != nil {
		add(st.Warning.Render("  as last listed: " + describe(d.info.dbErr)))
	}
	add("")
	switch u := d.info.usage; {
	case d.loading:
		add(st.PanelTitle.Render("Usage this month") + st.Muted.Render("  loading…"))
	case d.info.usageErr != nil:
		add(st.PanelTitle.Render("Usage this month") + st.Muted.Render("  could not be loaded"))
		add("  " + st.Error.Render(describe(d.info.usageErr)))
	default:
		add(st.PanelTitle.Render("Usage this month"))
		field("  Storage", humanBytes(u.Total.StorageBytes))
		field("  Rows read", groupDigits(u.Total.RowsRead))
		field("  Rows written", groupDigits(u.Total.RowsWritten))
		field("  Bytes synced", humanBytes(u.Total.BytesSynced))
		field("  Instances", strconv.Itoa(len(u.Instances)))
	}
	if len(lines) > d.height {
		lines = lines[:max(d.height, 0)]
	}
	return indent(strings.Join(lines, "\n"), 1)
}

// urlOf is db's libsql:// URL, "" without a hostname.
func urlOf(db api.Database) string {
	if db.Hostname == "" {
		return ""
	}
	return dbURL(db)
}

// groupDigits writes n with thousands separated: 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
