package ui

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// initMsgs runs the first load's commands and returns their messages by
// kind, so a test can deliver them in the order it wants. dbs runs in the
// background: the test may hold its request at the server.
func initMsgs(t *testing.T, h *harness) (groups, locs tea.Msg, dbs chan tea.Msg) {
	t.Helper()
	batch, ok := h.m.Init()().(tea.BatchMsg)
	if !ok {
		t.Fatal("Init did not return a batch")
	}
	dbs = make(chan tea.Msg, 1)
	for _, c := range batch {
		switch name := cmdName(c); {
		case strings.Contains(name, "loadGroupListCmd"):
			groups = c()
		case strings.Contains(name, "loadDatabasesCmd"):
			go func() { dbs <- c() }()
		case strings.Contains(name, "loadLocationsCmd"):
			locs = c()
		}
	}
	if groups == nil || locs == nil {
		t.Fatal("Init has no groups or locations command")
	}
	return groups, locs, dbs
}

// holdDatabases keeps every databases request waiting until release is
// closed; fail makes it answer 400 with a message instead.
func holdDatabases(release chan struct{}, fail bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/databases") {
				<-release
				if fail {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprint(w, `{"error":"databases are on holiday"}`)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// The list is drawn from the groups alone: at 10,000 groups the databases
// are three times the data, and the list must not wait for them.
func TestGroupsShowBeforeDatabases(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, withoutInit(), withSize(200, 40), withHandler(holdDatabases(release, false)))
	groups, locs, dbs := initMsgs(t, h)
	h.send(groups)
	h.send(locs)

	if got := h.listed(); len(got) != 6 {
		t.Fatalf("listed %v before the databases, want the 6 groups", got)
	}
	if row := h.rowOf("analytics"); !strings.Contains(row, " … ") {
		t.Fatalf("the DBS column does not say pending: %q", row)
	}
	h.selectGroup("analytics")
	h.mustShow("Databases  loading…")
	if h.m.busy() {
		// Nothing shows a spinner for the databases ("loading…" and "…"
		// say it): its turns would be redraws nobody sees.
		t.Error("the spinner turns while only the databases load")
	}

	close(release)
	h.send(<-dbs)
	if row := h.rowOf("analytics"); strings.Contains(row, " … ") || !strings.Contains(row, " 3 ") {
		t.Fatalf("the DBS column did not fill in: %q", row)
	}
	h.mustNotShow("loading…")
	if h.m.busy() {
		t.Error("still busy after both answers")
	}
}

// Sorted by databases, the order follows the counts once they arrive.
func TestDatabasesArrivingResort(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, withoutInit(), withHandler(holdDatabases(release, false)))
	h.m.list.sort = sortDatabases
	groups, locs, dbs := initMsgs(t, h)
	h.send(groups)
	h.send(locs)
	close(release)
	h.send(<-dbs)
	got := h.listed()
	for i := 1; i < len(got); i++ {
		a, b := len(h.m.dbs[got[i-1]]), len(h.m.dbs[got[i]])
		if a < b {
			t.Fatalf("sorted by databases, %s (%d) comes before %s (%d): %v", got[i-1], a, got[i], b, got)
		}
	}
}

// A databases error is told once, with the server's words, whichever
// answer comes first; when the groups failed too, their error says it.
func TestDatabasesErrorIsTold(t *testing.T) {
	for _, dbsFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("dbsFirst=%v", dbsFirst), func(t *testing.T) {
			release := make(chan struct{})
			close(release)
			h := newHarness(t, withoutInit(), withHandler(holdDatabases(release, true)))
			groups, locs, dbs := initMsgs(t, h)
			d := <-dbs
			if dbsFirst {
				h.send(d)
				h.send(groups)
			} else {
				h.send(groups)
				h.send(d)
			}
			h.send(locs)
			h.mustShow("Could not load the databases: Databases are on holiday")
			if len(h.listed()) != 6 {
				t.Fatalf("the groups are not listed:\n%s", h.screen())
			}
			if row := h.rowOf("analytics"); !strings.Contains(row, "?") {
				t.Fatalf("the DBS column does not say unknown: %q", row)
			}
		})
	}
}

// A failed load of the locations is told; once r loads them, the message
// goes, since it is no longer true.
func TestLocationsErrorGoesWhenTheyLoad(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if fail.Load() && r.URL.Path == "/v1/locations" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":"no locations today"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.mustShow("Could not load the locations: No locations today")
	fail.Store(false)
	h.press("r")
	h.waitIdle()
	if len(h.m.locs) == 0 {
		t.Fatal("r did not load the locations")
	}
	h.mustNotShow("Could not load the locations")
}

// TestSwitchForgetsTheOldDatabases: after switching organizations, until
// the new organization's databases arrive, its rows say the count is
// pending ("…", right-aligned under DBS), not 0 from the old one's data.
func TestSwitchForgetsTheOldDatabases(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	h := newHarness(t, withSize(200, 40), withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/organizations/acme/databases") {
				<-release
			}
			next.ServeHTTP(w, r)
		})
	}))
	batch, ok := h.m.switchOrg("acme")().(tea.BatchMsg)
	if !ok {
		t.Fatal("switchOrg did not return a batch")
	}
	for _, c := range batch {
		if strings.Contains(cmdName(c), "loadGroupListCmd") {
			h.send(c())
		}
	}
	row := h.rowOf("production")
	if !strings.Contains(row, " … ") {
		t.Fatalf("before acme's databases arrive the row says %q, want the count pending", row)
	}
	var header string
	for _, line := range strings.Split(h.screen(), "\n") {
		if strings.Contains(line, "DBS") {
			header = line
		}
	}
	dbsEnd := ansi.StringWidth(header[:strings.Index(header, "DBS")+len("DBS")])
	pendingEnd := ansi.StringWidth(row[:strings.Index(row, " … ")+len(" …")])
	if dbsEnd != pendingEnd {
		t.Fatalf("the pending count ends at cell %d, the DBS heading at %d:\n%s\n%s", pendingEnd, dbsEnd, header, row)
	}
}
