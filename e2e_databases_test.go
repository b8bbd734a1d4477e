package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// TestEndToEndDatabasesInTmux drives the built binary in tmux against a
// separate local API: it creates a database in a group from the group's
// detail, copies its URL with y (the OSC 52 sequence is read from what the
// dashboard wrote to the pane, which tmux's pipe-pane hands over raw),
// and deletes it, checking the server after each step, then finds both
// changes in the activity view.
func TestEndToEndDatabasesInTmux(t *testing.T) {
	requireTmux(t)
	url, server := startE2EAPI(t, "demo")
	ctx := context.Background()
	s := startTmux(t, "e2e-db", url)
	dir := t.TempDir()
	raw := filepath.Join(dir, "pane.raw")
	s.tmux("pipe-pane", "-t", "e2e", "-o", "cat >> "+raw)

	// Open default (the filter puts it under the cursor) and create a
	// database in it.
	s.keys("/")
	s.typeText("default")
	s.keys("Enter", "Enter")
	s.waitFor("Databases  2")
	s.keys("N")
	s.waitFor("Name of the new database in default")
	s.typeText("e2e-db")
	s.waitFor("e2e-db is a valid name")
	s.keys("Enter")
	s.waitFor("Create e2e-db in default?")
	s.keys("Enter")
	s.waitFor("Created e2e-db in default")
	db, err := server.GetDatabase(ctx, "e2e-db")
	if err != nil || db.Group != "default" {
		t.Fatalf("after create: %+v, %v", db, err)
	}
	s.waitFor("▸ e2e-db")

	// y copies its URL: inside tmux the dashboard cannot know that the
	// terminal takes OSC 52, and says that it was sent.
	s.keys("y")
	s.waitFor("as OSC 52, which your terminal may not support")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("libsql://"+db.Hostname))
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(raw)
		if regexp.MustCompile(regexp.QuoteMeta(want) + "(\x07|\x1b\\\\)").Match(b) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no OSC 52 sequence for libsql://%s in the pane's output (%d bytes)", db.Hostname, len(b))
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Delete it, its name typed.
	s.keys("D")
	s.waitFor("Type e2e-db to delete it")
	s.typeText("e2e-db")
	s.keys("Enter")
	s.waitFor("Deleted database e2e-db of default")
	if _, err := server.GetDatabase(ctx, "e2e-db"); !api.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}

	// Both are in the group's activity, newest first.
	s.keys("!")
	s.waitFor("Activity of default")
	s.waitFor("deleted database e2e-db")
	s.waitFor("created database e2e-db in group default")
	s.keys("Escape")
	s.keys("q")
}
