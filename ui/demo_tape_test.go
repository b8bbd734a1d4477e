package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/ui/internal/tape"
)

// TestDemoTape replays ../demo.tape into the dashboard against the local
// API: the shell lines before the dashboard starts and after it quits are
// skipped, every keystroke in between is sent as VHS would type it (one
// rune at a time), every Wait must match the screen at that point, and the
// server must end up as the tape shows. Renaming a key without updating the
// tape fails here.
func TestDemoTape(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "demo.tape"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmds, err := tape.Parse(f)
	if err != nil {
		t.Fatalf("demo.tape: %v", err)
	}

	var b bodies
	h := newHarness(t, withHandler(b.wrap))
	var launching, running, quit bool
	var final string
	for _, c := range cmds {
		if quit {
			break
		}
		switch c.Kind {
		case tape.Type:
			if !running {
				// A shell command; the one that starts the dashboard must
				// use the local API, as the README says.
				if strings.HasPrefix(c.Text, "turso-groups") {
					if !strings.Contains(c.Text, "--local") {
						t.Fatalf("demo.tape:%d: the demo must run with --local: %q", c.Line, c.Text)
					}
					launching = true
				}
				continue
			}
			if c.Text == "q" && h.m.focus.form() == nil && !h.m.list.filtering {
				final = h.screen()
			}
			for _, r := range c.Text {
				h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		case tape.Key:
			if !running {
				if launching && c.Key == "enter" {
					running = true
				}
				continue
			}
			for range c.Count {
				h.send(tapeKey(c.Key))
			}
		case tape.Wait:
			if !running {
				continue
			}
			if !c.Pattern.MatchString(h.screen()) {
				t.Fatalf("demo.tape:%d: Wait /%s/ never matched; the screen was:\n%s", c.Line, c.Pattern, h.screen())
			}
		}
		if running && h.m.sess.quitting {
			quit = true
		}
	}
	if !running {
		t.Fatal("demo.tape never starts turso-groups")
	}
	if !quit {
		t.Fatal("demo.tape never quits the dashboard")
	}

	// Every step it shows really happened on the server.
	g, ok := h.serverGroup("demo", "orders")
	if !ok {
		t.Fatal("the group the tape creates is not on the server")
	}
	if g.Primary != "lhr" || !slices.Equal(g.Locations, []string{"lhr", "ams"}) || !g.DeleteProtection {
		t.Errorf("orders = %+v; the tape creates it at lhr, adds ams and turns protection on", g)
	}
	if created := string(b.get("POST /v1/organizations/demo/groups")); !strings.Contains(created, `"extensions":["vector","uuid"]`) {
		t.Errorf("the create request chose extensions %s; the tape picks vector and uuid", created)
	}
	if _, ok := h.serverGroup("demo", "staging"); ok {
		t.Error("the tape deletes staging, but it is still on the server")
	}
	requireGolden(t, "demo_final", final)
}

// tapeKey is the key message of a key named as package tape names them.
func tapeKey(k string) tea.KeyMsg {
	if strings.HasPrefix(k, "ctrl+") && len(k) == len("ctrl+")+1 {
		return tea.KeyMsg{Type: tea.KeyType(k[len(k)-1] - 'a' + 1)}
	}
	return keyMsg(k)
}
