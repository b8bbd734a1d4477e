package keys

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "ctrl+x":
		return tea.KeyMsg{Type: tea.KeyCtrlX}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestDefaultsHaveNoConflicts(t *testing.T) {
	k := Default()
	if c := k.Conflicts(); len(c) > 0 {
		t.Errorf("default conflicts: %v", c)
	}
	if !key.Matches(press("n"), k.New) || !key.Matches(press("R"), k.Rotate) || key.Matches(press("r"), k.Rotate) {
		t.Error("defaults do not match their keys")
	}
}

func TestRebind(t *testing.T) {
	k := Default()
	if err := k.Rebind(map[string][]string{"new": {"ctrl+x", "+"}}); err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("ctrl+x"), k.New) || key.Matches(press("n"), k.New) {
		t.Error("rebinding did not replace the keys")
	}
	if h := k.New.Help(); h.Key != "ctrl+x/+" || h.Desc != "new group" {
		t.Errorf("help after rebinding = %+v", h)
	}
	for _, bad := range []map[string][]string{{"launch": {"l"}}, {"new": {}}, {"quit": {"ctrl+c"}}} {
		k := Default()
		if err := k.Rebind(bad); err == nil {
			t.Errorf("Rebind(%v) accepted", bad)
		}
	}
	// "space" in a config file is the space bar, which Bubble Tea names " ".
	k = Default()
	if err := k.Rebind(map[string][]string{"mark": {"space", "x"}}); err != nil {
		t.Fatal(err)
	}
	if !key.Matches(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}, k.Mark) || k.Mark.Help().Key != "space/x" {
		t.Errorf("mark rebound to space: keys %q, help %+v", k.Mark.Keys(), k.Mark.Help())
	}
	k = Default()
	if !key.Matches(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}, k.Mark) || !key.Matches(tea.KeyMsg{Type: tea.KeyCtrlA}, k.MarkAll) ||
		!key.Matches(tea.KeyMsg{Type: tea.KeyShiftDown}, k.MarkDown) || !key.Matches(press("V"), k.MarkRange) {
		t.Error("the mark keys' defaults do not match their keys")
	}
	k.Rebind(map[string][]string{"delete": {"n"}})
	if c := k.Conflicts(); len(c) != 1 || !strings.Contains(c[0], `"n"`) {
		t.Errorf("conflicts = %v", c)
	}
}

func TestActionsAreTheConfigNames(t *testing.T) {
	got := strings.Join(Actions(), ",")
	want := "activity,add_location,all_orgs,back,bottom,command,copy,databases,delete,delete_database,down,filter,help,mark,mark_all,mark_down,mark_range,mark_up,new,new_database,open,page_down,page_up,protect,quit,refresh,remove_location,rename,rotate,sort,switch_org,token,top,transfer,unarchive,up,update,yank"
	if got != want {
		t.Errorf("Actions() = %s", got)
	}
}
