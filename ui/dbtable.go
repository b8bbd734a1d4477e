package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
)

// dbSelection is the detail's cursor over its group's databases. The
// detail has two modes, as lazygit's panes: the movement keys scroll the
// text, or, once the databases key (tab) has moved the focus to the
// database rows, they move this cursor, which the database actions (open,
// copy, delete) act on. Only the rows in the window are ever drawn
// (detailDoc.lines), so thousands of databases cost what a screen does.
type dbSelection struct {
	focus bool
	// name is the database under the cursor. The rows are sorted by name
	// (cache.GroupDatabases; a created one is inserted in its place), so
	// its row is found by binary search: a load that adds or removes
	// databases above it does not move the cursor to another database,
	// and when it is gone, the cursor is on the row that took its place.
	name string
	// nextCopy is what the copy key copies next of the selected database
	// (an index of dbCopyForms): a move of the cursor starts again at
	// the URL.
	nextCopy int
}

// dbKey handles the databases key and, while the rows have the focus, the
// movement keys; it reports whether km was one of them.
func (v *detailView) dbKey(km tea.KeyMsg) bool {
	k := v.c.keys
	n := len(v.data.dbs[v.name])
	if key.Matches(km, k.Databases) {
		// With no rows there is nothing to move to: the key is still
		// taken, so that it does not fall through to an action.
		v.dbSel.focus = !v.dbSel.focus && n > 0
		v.dbSel.nextCopy = 0
		if v.dbSel.name == "" && n > 0 {
			v.dbSel.name = v.data.dbs[v.name][0].Name
		}
		v.follow()
		return true
	}
	if !v.dbSel.focus {
		return false
	}
	if n == 0 {
		v.dbSel.focus = false
		return false
	}
	d, ok := navDelta(k, km, max(v.height-2, 1), n)
	if !ok {
		return false
	}
	dbs := v.data.dbs[v.name]
	v.dbSel.name = dbs[min(max(dbCursor(dbs, v.dbSel.name)+d, 0), n-1)].Name
	v.dbSel.nextCopy = 0
	v.follow()
	return true
}

// leaveDBs gives the keys back to scrolling; false when the rows did not
// have them (back then leaves the detail).
func (v *detailView) leaveDBs() bool {
	if !v.dbSel.focus {
		return false
	}
	v.dbSel.focus = false
	return true
}

// selectedDB is the database under the cursor, while the rows have the
// focus.
func (v *detailView) selectedDB() (api.Database, bool) {
	dbs := v.data.dbs[v.name]
	if !v.dbSel.focus || len(dbs) == 0 {
		return api.Database{}, false
	}
	return dbs[dbCursor(dbs, v.dbSel.name)], true
}

// dbCursor is the row of the database named name in dbs (not empty), or
// of the one after where it would be, or the last: O(log n), so View may
// call it.
func dbCursor(dbs []api.Database, name string) int {
	i, _ := slices.BinarySearchFunc(dbs, name, func(d api.Database, name string) int { return strings.Compare(d.Name, name) })
	return min(i, len(dbs)-1)
}

// selectDB puts the cursor on the database named name, if the group has
// it (a database just created), and scrolls to it.
func (v *detailView) selectDB(name string) {
	dbs := v.data.dbs[v.name]
	if len(dbs) > 0 && dbs[dbCursor(dbs, name)].Name == name {
		v.dbSel = dbSelection{focus: true, name: name}
		v.follow()
	}
}

// follow scrolls the detail so that the cursor's row is in the window;
// at the first row, the table's title and header come into view with it.
func (v *detailView) follow() {
	g, ok := v.group()
	if !ok || !v.dbSel.focus {
		return
	}
	doc := v.doc(g, max(v.width-2, 10), true)
	if len(doc.dbs) == 0 {
		return
	}
	cursor := dbCursor(doc.dbs, v.dbSel.name)
	row := len(doc.head) + cursor
	rows := doc.window(v.height)
	top := row
	if cursor == 0 {
		top = max(len(doc.head)-2, 0)
	}
	if top < v.scroll {
		v.scroll = top
	}
	if row >= v.scroll+rows {
		v.scroll = row - rows + 1
	}
	v.scroll = min(max(v.scroll, 0), max(doc.len()-rows, 0))
}

// markCursor tells d which row to draw as selected: View's part, which
// reads the cursor and writes only the document it draws.
func (v *detailView) markCursor(d *detailDoc) {
	if !v.dbSel.focus || len(d.dbs) == 0 {
		return
	}
	d.cursor = dbCursor(d.dbs, v.dbSel.name)
	d.sel = v.c.st.SelectedRow.Render
}

// cursorInView is the scroll at which d's selected row is drawn: a load
// can move the row out of the window that follow kept it in, and View
// must still show it (without writing the scroll, which the next key's
// follow puts right).
func cursorInView(d *detailDoc, scroll, rows int) int {
	if d.cursor < 0 {
		return scroll
	}
	row := len(d.head) + d.cursor
	switch {
	case row < scroll:
		return row
	case row >= scroll+rows:
		return row - rows + 1
	}
	return scroll
}
