package ui

import (
	"slices"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// TestTokenFormOptions: the form offers what the platform mints, says as
// it is typed whether an expiration parses, and lists the organization's
// databases for read ATTACH; the token minted carries the choices.
func TestTokenFormOptions(t *testing.T) {
	h := newHarness(t, withSize(80, 24))
	h.selectGroup("default")
	h.press("t")
	h.mustShow("Expiration", "never (or empty), or 7d as the turso CLI writes it", "2w1d30m",
		"Full access (read and write)", "Read only",
		"Read ATTACH", "lets the token ATTACH other databases of the organization, read-only", "No other databases", "Choose databases…")
	h.typeText("2w1")
	h.mustShow("✗ not a duration")
	h.typeText("d30m")
	h.mustShow("✓ expires in 15 days 30 minutes")
	h.press("enter", "enter", "down", "enter")
	// Every database of the organization, from the dataset, with its group.
	h.mustShow("Databases the token may ATTACH, read-only", "events  (analytics)", "main  (default)", "invoices  (billing)")
	h.press("/")
	h.typeText("inv")
	h.press("enter", " ", "esc") // esc clears the filter, the form stays
	h.press("/")
	h.typeText("ev")
	h.press("enter", " ", "enter")
	h.waitIdle()
	d := h.m.focus.tokenDialog()
	if d == nil {
		t.Fatalf("no token dialog:\n%s", h.screen())
	}
	h.mustShow("Read ATTACH of 2 databases: events, invoices", "expires in 2w1d30m")
	claims, err := h.store.VerifyGroupToken("demo", "default", d.token)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := claims["p"].(map[string]any)
	roa, _ := p["roa"].(map[string]any)
	ns, _ := roa["ns"].([]any)
	if !slices.Equal(ns, []any{"events", "invoices"}) || claims["a"] != "rw" || claims["exp"] == nil {
		t.Errorf("claims %v", claims)
	}
}

// TestTokenFormAttachWithoutDatabases: before the databases are loaded,
// read ATTACH is not offered, and the form says why.
func TestTokenFormAttachWithoutDatabases(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.m.dbs, h.m.dbsKnown = map[string][]api.Database{}, false
	h.press("t")
	h.mustShow("not offered until the databases are loaded")
	h.mustNotShow("Choose databases…")
	h.press("enter", "enter")
	h.waitIdle()
	if h.m.focus.tokenDialog() == nil {
		t.Fatalf("no token dialog:\n%s", h.screen())
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour:                   "1 day",
		15*24*time.Hour + 30*time.Minute: "15 days 30 minutes",
		90 * time.Minute:                 "1 hour 30 minutes",
		time.Second:                      "1 second",
		time.Millisecond:                 "1ms",
		2*time.Hour + 3*time.Second:      "2 hours 3 seconds",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
