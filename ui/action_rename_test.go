package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

// e renames the selected group: at the server (its databases with it)
// and on screen, where the cursor stays on it under its new name.
func TestRenameGroup(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("staging")
	h.press("e")
	if h.m.focus.form() == nil || h.m.focus.form().kind != actRename {
		t.Fatalf("e did not open the rename form:\n%s", h.screen())
	}
	h.mustShow("Rename group", "New name for staging")
	if v := h.m.focus.form().values.Name; v != "staging" {
		t.Errorf("the name to edit is %q, want staging", v)
	}
	h.press("ctrl+u")
	h.typeText("stage-2")
	h.press("enter")
	h.waitIdle()

	if _, ok := h.serverGroup("demo", "stage-2"); !ok {
		t.Fatalf("stage-2 is not at the server:\n%s", h.screen())
	}
	if _, ok := h.serverGroup("demo", "staging"); ok {
		t.Error("staging is still at the server")
	}
	for _, d := range h.store.Databases("demo") {
		if d.Name == "staging-app" && d.Group != "stage-2" {
			t.Errorf("staging-app is in group %q at the server, want stage-2", d.Group)
		}
	}
	if slices.Contains(h.listed(), "staging") || !slices.Contains(h.listed(), "stage-2") {
		t.Errorf("the list is %v", h.listed())
	}
	if h.m.currentName() != "stage-2" {
		t.Errorf("the cursor is on %q, want stage-2", h.m.currentName())
	}
	if dbs := h.m.dbs["stage-2"]; len(dbs) != 1 || dbs[0].Name != "staging-app" {
		t.Errorf("the renamed group's databases: %v", dbs)
	}
	h.mustShow("Renamed staging to stage-2.")
	if row := h.rowOf("stage-2"); !strings.HasPrefix(strings.TrimSpace(row), ">") {
		t.Errorf("stage-2 is not the selected row: %q\n%s", row, h.screen())
	}
	// From the detail, which follows the group to its new name.
	h.press("enter", "e", "ctrl+u")
	h.typeText("stage-3")
	h.press("enter")
	h.waitIdle()
	if h.m.screen != screenDetail || h.m.detail.name != "stage-3" {
		t.Fatalf("the detail did not follow the rename: %v %q\n%s", h.m.screen, h.m.detail.name, h.screen())
	}
	h.mustShow("stage-3", "staging-app")
}

// A name the list already holds, or the group's own, is refused in the
// form, before anything is sent.
func TestRenameRefusesAListedName(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("staging")
	h.reqs.reset()
	h.press("e")
	h.press("enter") // its own name
	if h.m.focus.form() == nil {
		t.Fatalf("its own name was sent:\n%s", h.screen())
	}
	h.mustShow("that is its name already")
	h.press("ctrl+u")
	h.typeText("default")
	h.press("enter")
	if h.m.focus.form() == nil {
		t.Fatalf("a taken name was sent:\n%s", h.screen())
	}
	h.mustShow("already has a group named default")
	h.waitIdle()
	if m := h.mutations(); len(m) != 0 {
		t.Fatalf("sent %v", m)
	}
}

// A name taken at the server since the list loaded: the server's refusal
// is shown in the form, which keeps what was typed, and nothing changes.
func TestRenameTakenAtTheServer(t *testing.T) {
	h := newHarness(t)
	if _, err := h.m.sess.client.CreateGroup(context.Background(), api.CreateGroupRequest{Name: "late-comer", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	h.selectGroup("staging")
	h.press("e", "ctrl+u")
	h.typeText("late-comer")
	h.press("enter")
	h.waitIdle()
	if h.m.focus.form() == nil || h.m.focus.form().kind != actRename {
		t.Fatalf("the form did not reopen:\n%s", h.screen())
	}
	if v := h.m.focus.form().values.Name; v != "late-comer" {
		t.Errorf("what was typed is lost: %q", v)
	}
	h.mustRead("A group named late-comer already exists (group already exists). Choose another name.")
	if _, ok := h.serverGroup("demo", "staging"); !ok {
		t.Error("staging is gone from the server")
	}
	if !slices.Contains(h.listed(), "staging") {
		t.Errorf("staging left the list: %v", h.listed())
	}
}
