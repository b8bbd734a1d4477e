package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/ui/keys"
)

// command types line into the command line and presses enter.
func (h *harness) command(line string) {
	h.t.Helper()
	h.press(":")
	if _, ok := h.m.focus.top().(*cmdLine); !ok {
		h.t.Fatalf(": opened no command line:\n%s", h.screen())
	}
	h.typeText(line)
	h.press("enter")
}

// prompt is the open command line, failing the test when there is none.
func (h *harness) prompt() *cmdLine {
	h.t.Helper()
	cl, ok := h.m.focus.top().(*cmdLine)
	if !ok {
		h.t.Fatalf("no command line is open:\n%s", h.screen())
	}
	return cl
}

func TestCommandCreateActsAtOnce(t *testing.T) {
	h := newHarness(t)
	h.command("create orders lhr")
	h.waitIdle()
	if h.m.focus.top() != nil {
		t.Fatalf("something is open after :create orders lhr:\n%s", h.screen())
	}
	g, ok := h.serverGroup("demo", "orders")
	if !ok || g.Primary != "lhr" {
		t.Fatalf("the server has %+v, %v", g, ok)
	}
	h.mustShow("Created orders at lhr")
	if h.m.currentName() != "orders" {
		t.Errorf("the cursor is on %q, not the new group", h.m.currentName())
	}
}

func TestCommandCreateWithNameOnlyOpensTheForm(t *testing.T) {
	h := newHarness(t)
	h.command("new orders")
	fs := h.m.focus.form()
	if fs == nil || fs.kind != actCreate || fs.values.Name != "orders" {
		t.Fatalf("no create form with the name:\n%s", h.screen())
	}
	if _, ok := h.serverGroup("demo", "orders"); ok {
		t.Fatal("created before the form was sent")
	}
}

func TestCommandRename(t *testing.T) {
	h := newHarness(t)
	h.command("rename staging stage2")
	h.waitIdle()
	if _, ok := h.serverGroup("demo", "staging"); ok {
		t.Fatal("staging is still there")
	}
	if _, ok := h.serverGroup("demo", "stage2"); !ok {
		t.Fatal("no stage2 at the server")
	}
	h.mustShow("Renamed staging to stage2")
}

func TestCommandProtectSelectedAndNamed(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.command("protect")
	if g, _ := h.serverGroup("demo", "default"); !g.DeleteProtection {
		t.Fatal(":protect did not protect the selected group")
	}
	h.command("protect staging")
	if g, _ := h.serverGroup("demo", "staging"); !g.DeleteProtection {
		t.Fatal(":protect staging did not protect staging")
	}
	if h.m.currentName() != "staging" {
		t.Errorf("the cursor is on %q: a named group is selected", h.m.currentName())
	}
	// In the detail, a named group is shown, and acted on.
	h.press("enter")
	h.command("protect default")
	if g, _ := h.serverGroup("demo", "default"); g.DeleteProtection {
		t.Fatal(":protect default did not toggle it off")
	}
	if h.m.screen != screenDetail || h.m.detail.name != "default" {
		t.Errorf("the detail shows %q", h.m.detail.name)
	}
}

func TestCommandOrgSortFilterQuit(t *testing.T) {
	h := newHarness(t)
	h.command("sort dbs")
	if h.m.list.sort != sortDatabases {
		t.Fatalf(":sort dbs sorted by %s", h.m.list.sort)
	}
	h.mustShow("sorted by databases")
	h.command("filter edge")
	if got := h.listed(); !slices.Equal(got, []string{"edge-cache"}) {
		t.Fatalf(":filter edge lists %v", got)
	}
	h.command("org acme")
	if h.m.sess.client.Org() != "acme" {
		t.Fatalf(":org acme left the org at %q", h.m.sess.client.Org())
	}
	h.mustShow("production")
	h.command("q")
	if h.quits != 1 {
		t.Fatalf(":q did not quit")
	}
}

func TestCommandErrorsKeepWhatWasTyped(t *testing.T) {
	cases := []struct{ line, want string }{
		{"frobnicate", `unknown command "frobnicate"`},
		{"rename nosuch other", `no group named "nosuch"`},
		{"rename staging default", "already has a group named default"},
		{"create Bad_Name lhr", "invalid group name"},
		{"create orders xyz", `no location "xyz"`},
		{"sort bogus", `no sort key "bogus"`},
		{"protect default extra", "at most 1 argument"},
		{"org nosuch", `no organization "nosuch"`},
		{"refresh now", "takes no argument"},
	}
	h := newHarness(t)
	h.command("org demo") // the organizations are loaded: :org checks against them
	for _, c := range cases {
		h.command(c.line)
		cl := h.prompt()
		if cl.input.Value() != c.line {
			t.Errorf("%s: the prompt holds %q", c.line, cl.input.Value())
		}
		if !strings.Contains(h.screen(), c.want) {
			t.Errorf("%s: the screen does not say %q:\n%s", c.line, c.want, h.screen())
		}
		h.press("esc")
		if h.m.focus.top() != nil {
			t.Fatalf("esc did not close the command line")
		}
	}
	if len(h.mutations()) != 0 {
		t.Errorf("a refused command sent %v", h.mutations())
	}
}

func TestCommandCompletion(t *testing.T) {
	h := newHarness(t)
	h.press(":")
	h.typeText("ren")
	h.press("tab")
	if got := h.prompt().input.Value(); got != "rename " {
		t.Fatalf(":ren<tab> gave %q", got)
	}
	// The candidates for the group are listed under the prompt.
	h.mustShow("analytics", "billing", "default")
	h.typeText("st")
	h.press("tab")
	if got := h.prompt().input.Value(); got != "rename staging " {
		t.Fatalf("rename st<tab> gave %q", got)
	}
	h.press("esc")

	// Several candidates that agree no further: tab cycles through them.
	h.press(":")
	h.typeText("sort d")
	h.press("tab")
	if got := h.prompt().input.Value(); got != "sort databases" {
		t.Fatalf("sort d<tab> gave %q", got)
	}
	h.press("tab")
	if got := h.prompt().input.Value(); got != "sort dbs" {
		t.Fatalf("the second tab gave %q", got)
	}
	h.press("enter")
	if h.m.list.sort != sortDatabases {
		t.Fatal("the completed :sort dbs did not sort")
	}

	// Locations from the loaded list, organizations from the loaded ones.
	h.press(":")
	h.typeText("create orders lh")
	h.press("tab")
	if got := h.prompt().input.Value(); got != "create orders lhr " {
		t.Fatalf("create orders lh<tab> gave %q", got)
	}
	h.press("esc", ":")
	h.typeText("org ac")
	h.press("tab")
	if got := h.prompt().input.Value(); got != "org acme " {
		t.Fatalf("org ac<tab> gave %q", got)
	}
}

func TestCommandHistory(t *testing.T) {
	h := newHarness(t)
	h.command("sort dbs")
	h.command("filter edge")
	h.press(":")
	h.typeText("half")
	for _, step := range []struct{ key, want string }{
		{"up", "filter edge"}, {"up", "sort dbs"}, {"up", "sort dbs"}, {"down", "filter edge"}, {"down", "half"},
	} {
		h.press(step.key)
		if got := h.prompt().input.Value(); got != step.want {
			t.Fatalf("%s: %q, want %q", step.key, got, step.want)
		}
	}
}

func TestCommandReadOnlyRefusesChanges(t *testing.T) {
	h := newHarness(t, readOnly())
	h.command("protect default")
	if !strings.Contains(h.screen(), "This dashboard is read-only") {
		t.Fatalf("no read-only refusal:\n%s", h.screen())
	}
	if h.prompt().input.Value() != "protect default" {
		t.Error("the refused command is gone from the prompt")
	}
	if g, _ := h.serverGroup("demo", "default"); g.DeleteProtection {
		t.Fatal("a read-only dashboard changed a group")
	}
	_, cands, _ := h.m.completions("")
	if slices.Contains(cands, "delete") || !slices.Contains(cands, "activity") {
		t.Errorf("read-only completions: %v", cands)
	}
	h.press("esc")
	h.command("sort status")
	if h.m.list.sort != sortStatus {
		t.Error("a read-only dashboard refused :sort")
	}
}

// Every action of the registry is a command, named after it, and so is
// every key of the key map that does something on its own (moving one row
// or a page is left to the keys).
func TestEveryKeyHasACommand(t *testing.T) {
	h := newHarness(t, withoutInit())
	for _, a := range actions {
		c, ok := h.m.lookupCommand(commandName(a))
		if !ok || c.act != a || c.name != commandName(a) {
			t.Errorf("action %s has no command of its name", a.name)
		}
	}
	exempt := []string{"up", "down", "page_up", "page_down", "copy", "command"}
	for _, name := range keys.Actions() {
		if slices.Contains(exempt, name) {
			continue
		}
		if _, ok := h.m.lookupCommand(strings.ReplaceAll(name, "_", "-")); !ok {
			t.Errorf("key %s has no command", name)
		}
	}
}

// keyMsgFor makes every default key into the message a terminal sends
// for it, which the key map then matches.
func TestKeyMsgForEveryDefaultKey(t *testing.T) {
	km := keys.Default()
	for _, b := range []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom, km.Open, km.Back,
		km.Filter, km.Sort, km.Refresh, km.Help, km.Quit, km.Command, km.Databases, km.New, km.Yank, km.Activity} {
		for _, k := range b.Keys() {
			msg, ok := keyMsgFor([]string{k})
			if !ok || msg.String() != k || !key.Matches(msg, b) {
				t.Errorf("%q became %q (%v)", k, msg.String(), ok)
			}
		}
	}
	if msg, ok := keyMsgFor([]string{"alt+x"}); !ok || msg.String() != "alt+x" {
		t.Errorf("alt+x became %q", msg.String())
	}
}

// With thousands of groups, completion lists the first names in order,
// and says there are more.
func TestCommandCompletionOfManyGroups(t *testing.T) {
	h := newHarness(t, withSeed("demo", 2000))
	_, cands, more := h.m.completions("open load-")
	if len(cands) != maxCandidates || !more || cands[0] != "load-00001" || !slices.IsSorted(cands) {
		t.Fatalf("%d candidates from %q, more %v", len(cands), cands[0], more)
	}
	_, cands, _ = h.m.completions("open load-0199")
	if len(cands) != 10 || cands[9] != "load-01999" {
		t.Fatalf("load-0199: %v", cands)
	}
}

// An action's command without a group acts on the marked groups, as its
// key does; with a group named, on that group alone.
func TestCommandWithMarks(t *testing.T) {
	h := newHarness(t)
	h.command("mark-all")
	if n := h.m.list.marks.len(); n != 6 {
		t.Fatalf(":mark-all marked %d groups, want the 6", n)
	}
	h.command("protect analytics")
	h.waitIdle()
	if h.m.list.marks.len() != 6 {
		t.Error("a command naming a group took the marks as if it had acted on them")
	}
	if g, _ := h.serverGroup("demo", "analytics"); !g.DeleteProtection {
		t.Fatal(":protect analytics did not protect analytics")
	}
	if g, _ := h.serverGroup("demo", "edge-cache"); g.DeleteProtection {
		t.Fatal(":protect analytics acted on another marked group")
	}
	h.command("protect")
	h.mustShow("Delete protection of 6 groups")
}
