package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

// openDatabases opens group's detail and moves the focus to its
// databases.
func (h *harness) openDatabases(group string) {
	h.t.Helper()
	h.selectGroup(group)
	h.press("enter", "tab")
	if !h.m.detail.dbSel.focus {
		h.t.Fatalf("tab did not select the databases of %s:\n%s", group, h.screen())
	}
}

// TestDatabaseCursor: tab moves the detail's focus to its databases,
// j and k move the cursor there, esc gives the keys back to scrolling,
// and a second esc leaves the detail.
func TestDatabaseCursor(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("enter")
	h.mustShow("tab databases")
	h.press("tab")
	db, ok := h.m.detail.selectedDB()
	if !ok || db.Name != h.m.dbs["default"][0].Name {
		t.Fatalf("selected %v %v:\n%s", db, ok, h.screen())
	}
	h.mustShow("▸ " + db.Name)
	h.press("esc")
	if h.m.detail.dbSel.focus || h.m.screen != screenDetail {
		t.Fatal("esc did not give the keys back to scrolling")
	}
	h.mustNotShow("▸ ")
	h.press("esc")
	if h.m.screen != screenList {
		t.Fatal("the second esc did not leave the detail")
	}
}

// TestYankCopies: y copies the group's name on the list, and in the
// detail with a database selected its URL, then its hostname and its
// name; the words say that OSC 52 was sent, not that it arrived.
func TestYankCopies(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("y")
	h.mustShow("Sent default as OSC 52, which your terminal may not support.")
	h.press("enter", "tab")
	db, _ := h.m.detail.selectedDB()
	h.press("y", "y", "y", "y")
	want := []string{"default", "libsql://" + db.Hostname, db.Hostname, db.Name, "libsql://" + db.Hostname}
	if !slices.Equal(h.copied, want) {
		t.Errorf("copied %q, want %q", h.copied, want)
	}
	h.mustShow("y again: the")
}

// TestCreateDatabaseNameAsTyped: the form checks the name as it is
// typed, with the API's rule and against the organization's names.
func TestCreateDatabaseNameAsTyped(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("enter", "N")
	h.mustShow("Name of the new database in default", "unique in the organization")
	h.typeText("Bad")
	h.mustShow("✗ use lowercase letters")
	h.press("backspace", "backspace", "backspace")
	h.typeText("events")
	h.mustShow("✗ a database named events already exists (in analytics)")
	h.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	h.typeText("orders")
	h.mustShow("✓ orders is a valid name")
}

// TestCreateThenDeleteDatabase against the local API: the new database
// is listed under its group and selected, y copies its URL, and typing
// its name deletes it.
func TestCreateThenDeleteDatabase(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("enter", "N")
	h.typeText("orders")
	h.press("enter", "enter")
	h.waitIdle()
	db, ok := h.m.detail.selectedDB()
	if !ok || db.Name != "orders" || db.Group != "default" || db.Hostname == "" {
		t.Fatalf("selected %+v %v:\n%s", db, ok, h.screen())
	}
	h.mustShow("Created orders in default: libsql://"+db.Hostname, "▸ orders")
	if _, err := h.m.sess.client.GetDatabase(h.m.sess.ctx, "orders"); err != nil {
		t.Fatalf("not created at the server: %v", err)
	}
	h.press("y")
	if len(h.copied) != 1 || h.copied[0] != "libsql://"+db.Hostname {
		t.Errorf("copied %q", h.copied)
	}
	h.press("D")
	h.mustShow("Type orders to delete it")
	h.typeText("order")
	h.press("enter")
	h.mustShow("type the database's name exactly")
	h.typeText("s")
	h.press("enter")
	h.waitIdle()
	h.mustShow("Deleted database orders of default.")
	if slices.ContainsFunc(h.m.dbs["default"], func(d api.Database) bool { return d.Name == "orders" }) {
		t.Error("orders still listed")
	}
	if _, err := h.m.sess.client.GetDatabase(h.m.sess.ctx, "orders"); !api.IsNotFound(err) {
		t.Errorf("still at the server: %v", err)
	}
}

// TestDeleteDatabaseRefused: the server's reason is shown, and the form
// comes back with it; the database stays listed.
func TestDeleteDatabaseRefused(t *testing.T) {
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/databases/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"error":"database is delete protected"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.openDatabases("default")
	db, _ := h.m.detail.selectedDB()
	h.press("D")
	h.typeText(db.Name)
	h.press("enter")
	h.waitIdle()
	h.mustShow("database is delete protected")
	if !slices.ContainsFunc(h.m.dbs["default"], func(d api.Database) bool { return d.Name == db.Name }) {
		t.Error("the database left the list")
	}
	if !h.m.hasGroup("default") {
		t.Error("the group left the list")
	}
}

// TestDatabaseActionsReadOnly: a read-only dashboard refuses create and
// delete with its usual words, and still copies.
func TestDatabaseActionsReadOnly(t *testing.T) {
	h := newHarness(t, readOnly())
	h.openDatabases("default")
	for _, k := range []string{"N", "D"} {
		h.press(k)
		h.mustShow("This dashboard is read-only")
		if h.m.focus.form() != nil {
			t.Fatalf("%s opened a form", k)
		}
	}
	h.press("y")
	if len(h.copied) != 1 || !strings.HasPrefix(h.copied[0], "libsql://") {
		t.Errorf("copied %q", h.copied)
	}
}

// TestDatabaseDetail: enter on a database opens its screen, which
// fetches the database and its usage; esc goes back to the cursor.
func TestDatabaseDetail(t *testing.T) {
	h := newHarness(t)
	h.openDatabases("default")
	db, _ := h.m.detail.selectedDB()
	h.press("enter")
	h.mustShow("database of default", "libsql://"+db.Hostname, "Usage this month", "Rows read", "Storage", "Instances")
	h.mustNotShow("loading…")
	h.press("y")
	if len(h.copied) != 1 || h.copied[0] != "libsql://"+db.Hostname {
		t.Errorf("copied %q", h.copied)
	}
	h.press("esc")
	if h.m.focus.top() != nil || !h.m.detail.dbSel.focus {
		t.Fatalf("esc did not go back to the databases:\n%s", h.screen())
	}
}

// TestDatabaseDetailLoadingAndFailed: the usage says it is loading until
// the answer comes, and says why when the API refuses it; the fields
// stay.
func TestDatabaseDetailLoadingAndFailed(t *testing.T) {
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/usage") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"error":"usage is not available on this plan"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.openDatabases("default")
	db, _ := h.m.detail.selectedDB()
	cmd := h.m.openDBDetail(db)
	h.mustShow("Usage this month  loading…", "libsql://"+db.Hostname)
	h.run(cmd)
	h.mustShow("could not be loaded", "usage is not available on this plan", "libsql://"+db.Hostname)
	h.mustNotShow("loading…")
}
