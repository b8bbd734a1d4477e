package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
)

// TestDBCursorMovesAndFollows: tab selects the first database, j, G and
// k move the cursor, and the window follows it so that its row is drawn.
func TestDBCursorMovesAndFollows(t *testing.T) {
	v := newTestDetail(t, 1000, 80, 20)
	if _, ok := v.selectedDB(); ok {
		t.Fatal("a database is selected before tab")
	}
	v.press(t, "tab")
	if db, ok := v.selectedDB(); !ok || db.Name != "db000" {
		t.Fatalf("selected %v %v", db, ok)
	}
	screen := ansi.Strip(v.View())
	if !strings.Contains(screen, "▸ db000") || !strings.Contains(screen, "Databases  1000") {
		t.Fatalf("the first row is not drawn selected with its title:\n%s", screen)
	}
	v.press(t, "j", "j")
	if db, _ := v.selectedDB(); db.Name != "db002" {
		t.Errorf("j j: %s", db.Name)
	}
	v.press(t, "G")
	screen = ansi.Strip(v.View())
	if db, _ := v.selectedDB(); db.Name != "db999" || !strings.Contains(screen, "▸ db999") {
		t.Fatalf("G: %s\n%s", db.Name, screen)
	}
	v.press(t, "k")
	if db, _ := v.selectedDB(); db.Name != "db998" || !strings.Contains(ansi.Strip(v.View()), "▸ db998") {
		t.Errorf("k: %s", db.Name)
	}
	v.press(t, "g")
	if db, _ := v.selectedDB(); db.Name != "db000" || !strings.Contains(ansi.Strip(v.View()), "▸ db000") {
		t.Errorf("g: %s", db.Name)
	}
	v.press(t, "tab")
	if _, ok := v.selectedDB(); ok || strings.Contains(ansi.Strip(v.View()), "▸") {
		t.Error("tab again did not give the keys back to scrolling")
	}
}

// TestDBWindowDrawsOnlyTheWindow: with 1,000 databases the detail draws
// the rows of its window and no more, whatever the cursor.
func TestDBWindowDrawsOnlyTheWindow(t *testing.T) {
	v := newTestDetail(t, 1000, 80, 24)
	v.press(t, "tab")
	for _, k := range []string{"f", "f", "f", "G"} {
		v.press(t, k)
		lines := strings.Split(ansi.Strip(v.View()), "\n")
		if len(lines) != 24 {
			t.Fatalf("%s: %d lines drawn", k, len(lines))
		}
		rows := 0
		for _, l := range lines {
			if strings.Contains(l, " db") && strings.Contains(l, "fra") {
				rows++
			}
		}
		if rows == 0 || rows > 23 {
			t.Errorf("%s: %d rows drawn", k, rows)
		}
		if !strings.Contains(lines[23], "above") {
			t.Errorf("%s: the last line does not say what is above: %q", k, lines[23])
		}
	}
}

// TestDBCursorWithoutDatabases: tab does nothing in a group without
// databases, and a cursor on a list that a load shortened is clamped.
func TestDBCursorWithoutDatabases(t *testing.T) {
	v := newTestDetail(t, 0, 80, 24)
	v.press(t, "tab")
	if _, ok := v.selectedDB(); ok || v.dbSel.focus {
		t.Error("tab focused an empty table")
	}
	v = newTestDetail(t, 10, 80, 24)
	v.press(t, "tab", "G")
	v.data.dbs["big"] = v.data.dbs["big"][:3]
	if db, ok := v.selectedDB(); !ok || db.Name != "db002" {
		t.Errorf("after the list shrank: %v %v", db, ok)
	}
	_ = v.View()
}

func TestCopyTexts(t *testing.T) {
	h := newHarness(t)
	db := h.m.dbs["default"][0]
	for form, want := range []string{"libsql://" + db.Hostname, db.Hostname, db.Name} {
		h.copied = nil
		h.run(h.m.copyDB(db, form))
		if len(h.copied) != 1 || h.copied[0] != want {
			t.Errorf("form %d: copied %q, want %q", form, h.copied, want)
		}
	}
	h.m.osc52 = true
	h.run(h.m.copyDB(db, 0))
	h.mustShow("Copied libsql://" + db.Hostname + " to the clipboard (OSC 52).")
}

// humanBytes is usage.go's, tested with it.
func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestDBCursorKeepsItsDatabase: a load that adds a database above the
// cursor leaves it on the same database; one that removes it puts it on
// the database that took its place.
func TestDBCursorKeepsItsDatabase(t *testing.T) {
	v := newTestDetail(t, 10, 80, 24)
	v.press(t, "tab", "j", "j", "j", "j", "j")
	dbs := v.data.dbs["big"]
	grown := append([]api.Database{dbs[0], {Name: "db000a", Hostname: "h"}}, dbs[1:]...)
	v.data.dbs = map[string][]api.Database{"big": grown}
	if db, _ := v.selectedDB(); db.Name != "db005" {
		t.Errorf("after a database was added above: %s", db.Name)
	}
	if !strings.Contains(ansi.Strip(v.View()), "▸ db005") {
		t.Error("db005 is not drawn selected")
	}
	shrunk := append(append([]api.Database{}, grown[:6]...), grown[7:]...) // without db005
	v.data.dbs = map[string][]api.Database{"big": shrunk}
	if db, _ := v.selectedDB(); db.Name != "db006" {
		t.Errorf("after it was removed: %s", db.Name)
	}
}
