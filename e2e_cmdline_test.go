package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rowY is the screen row (from 0) of the list row of group name.
func (s *tmuxSession) rowY(name string) int {
	s.t.Helper()
	for y, line := range strings.Split(s.screen(), "\n") {
		if f := strings.Fields(strings.TrimLeft(line, " >")); len(f) > 0 && f[0] == name {
			return y
		}
	}
	s.t.Fatalf("no row of %s:\n%s", name, s.screen())
	return 0
}

// click sends a left click at the screen's column x and row y (from 0)
// as a terminal reports it in the SGR encoding: press, then release.
func (s *tmuxSession) click(x, y int) {
	s.typeText(fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", x+1, y+1, x+1, y+1))
}

// mouseFlags is what the pane's program asked of the mouse: tmux's
// flags for any-motion, button (cell motion) and SGR reporting.
func (s *tmuxSession) mouseFlags() string {
	return strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}"))
}

// TestCommandLineAndMouseInTmux drives the command line (with tab
// completion) and the mouse (SGR clicks) of the built binary in tmux.
func TestCommandLineAndMouseInTmux(t *testing.T) {
	requireTmux(t)
	url, server := startE2EAPI(t, "demo")
	s := startTmux(t, "cmd", url)
	// any is tmux's "some mouse mode is on".
	if got := s.mouseFlags(); got != "111" {
		t.Errorf("mouse flags (any, button, sgr) %q, want 111", got)
	}

	// :ren<tab> completes the command, st<tab> the group (tmux's capture
	// drops the spaces that end a line).
	s.keys(":")
	s.typeText("ren")
	s.keys("Tab")
	s.waitFor(":rename\n")
	s.waitFor("analytics  billing  default")
	s.typeText("st")
	s.keys("Tab")
	s.waitFor(":rename staging\n")
	s.typeText("stage2")
	s.keys("Enter")
	s.waitFor("Renamed staging to stage2")
	if _, err := server.GetGroup(context.Background(), "stage2"); err != nil {
		t.Fatalf("after :rename: %v", err)
	}

	// A mistake keeps the prompt and what was typed.
	s.keys(":")
	s.typeText("sort bogus")
	s.keys("Enter")
	s.waitFor(`no sort key "bogus"`)
	s.waitFor(":sort bogus")
	s.keys("Escape")

	// A click selects the row under it; a second one opens it.
	y := s.rowY("edge-cache")
	s.click(4, y)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasPrefix(strings.Split(s.screen(), "\n")[y], "> edge-cache") {
		if time.Now().After(deadline) {
			t.Fatalf("the click on row %d did not select edge-cache:\n%s", y, s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.click(4, y)
	s.waitFor("cache-global")
	s.waitFor("UUID")
	s.keys("q")
}

// TestNoMouseInTmux: with --no-mouse the program never asks for mouse
// reporting, so the terminal's own selection works.
func TestNoMouseInTmux(t *testing.T) {
	requireTmux(t)
	url, _ := startE2EAPI(t, "demo")
	s := startTmux(t, "nomouse", url, "--no-mouse")
	if got := s.mouseFlags(); got != "000" {
		t.Errorf("--no-mouse: mouse flags (any, button, sgr) %q, want 000", got)
	}
	s.keys("q")
}

// TestAllOrgsInTmux starts the built binary with --all-orgs over the
// local API's two organizations: both organizations' rows are listed,
// with the ORG column; a change on acme's row is made in acme; O goes
// back to one organization's list and comes back.
func TestAllOrgsInTmux(t *testing.T) {
	requireTmux(t)
	url, server := startE2EAPI(t, "acme")
	s := startTmuxAt(t, "allorgs", url, 100, 30, "7 groups in 2 organizations", "--all-orgs")
	row := func(org, name string) string {
		for _, line := range strings.Split(s.screen(), "\n") {
			if f := strings.Fields(strings.TrimLeft(line, " >")); len(f) > 1 && f[0] == org && f[1] == name {
				return line
			}
		}
		return ""
	}
	scr := s.screen()
	if !strings.Contains(scr, "ORG  NAME") || row("acme", "production") == "" || row("demo", "billing") == "" || row("demo", "staging") == "" {
		t.Fatalf("both organizations' rows with the ORG column:\n%s", scr)
	}
	// acme's production is the first row, sorted by organization.
	s.keys("g", "p")
	s.waitFor("Delete protection is on for production.")
	if g, err := server.GetGroup(context.Background(), "production"); err != nil || !g.DeleteProtection {
		t.Fatalf("acme's production at the server: %+v, %v", g, err)
	}
	if !strings.Contains(row("acme", "production"), "protected") {
		t.Fatalf("the row does not show the change:\n%s", s.screen())
	}
	s.keys("/")
	s.typeText("org:demo")
	s.keys("Enter")
	s.waitFor(`6 of 7 groups match "org:demo"`)
	// The filter left the cursor on demo's first row: back in one
	// organization's list, it is demo's (the session went to acme for
	// the change), on that row.
	s.keys("Escape", "O")
	s.waitFor("6 groups · sorted by name")
	if !strings.Contains(s.screen(), "> analytics") {
		t.Fatalf("the cursor is not on analytics:\n%s", s.screen())
	}
	s.keys("O")
	s.waitFor("7 groups in 2 organizations")
}
