// Package keys is the dashboard's one KeyMap: every action, its default
// keys and help text, and the rebinding a config file asks for. The help
// view is built from it, so a rebound key is shown as rebound.
package keys

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap holds a binding per action. ForceQuit (ctrl+c) cannot be rebound.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Back, Filter, Sort, Refresh       key.Binding
	Help, Quit, ForceQuit                   key.Binding
	New, AddLocation, RemoveLocation        key.Binding
	Protect, Token, Copy, Rotate            key.Binding
	Transfer, Unarchive, Update, Delete     key.Binding
	SwitchOrg, Rename, Activity             key.Binding
	// Command opens the command line, where every action is also a
	// command with completion (":create orders lhr").
	Command key.Binding
	// Databases moves the detail's focus between scrolling and its
	// database rows; NewDatabase, DeleteDatabase and Yank act on what is
	// selected there.
	Databases, NewDatabase, DeleteDatabase, Yank key.Binding
	// Mark, MarkRange, MarkUp, MarkDown and MarkAll mark groups of the
	// list, for the changes that apply to many at once.
	Mark, MarkRange, MarkUp, MarkDown, MarkAll key.Binding
	// AllOrgs turns the list of every organization's groups on and off.
	AllOrgs key.Binding
}

// Default is the key map users of k9s and lazygit expect: vim keys and
// arrows, single letters for actions, esc back, q and ctrl+c quit.
func Default() KeyMap {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	k := KeyMap{
		Up:             b("up", "up", "k"),
		Down:           b("down", "down", "j"),
		PageUp:         b("page up", "pgup", "ctrl+u", "b"),
		PageDown:       b("page down", "pgdown", "ctrl+d", "f"),
		Top:            b("top", "home", "g"),
		Bottom:         b("bottom", "end", "G"),
		Open:           b("details", "enter"),
		Back:           b("back", "esc"),
		Filter:         b("filter", "/"),
		Sort:           b("sort", "s"),
		Refresh:        b("refresh", "r"),
		Help:           b("help", "?"),
		Quit:           b("quit", "q"),
		ForceQuit:      b("quit", "ctrl+c"),
		New:            b("new group", "n"),
		AddLocation:    b("add location", "a"),
		RemoveLocation: b("remove location", "x"),
		Protect:        b("delete protection", "p"),
		Token:          b("create token", "t"),
		Copy:           b("copy token", "c"),
		Rotate:         b("rotate tokens", "R"),
		Transfer:       b("transfer", "m"),
		Unarchive:      b("unarchive", "u"),
		Update:         b("update databases", "U"),
		Delete:         b("delete", "d"),
		SwitchOrg:      b("switch org", "o"),
		// e as in "edit the name": r and R are taken, and n is new.
		Rename: b("rename", "e"),
		// ! as in "what happened?": every letter near it is taken, and a
		// shifted symbol is hard to press by accident.
		Activity: b("activity", "!"),
		// : as in vim and k9s.
		Command: b("command", ":"),
		// tab moves between panes in lazygit; here between the detail's
		// text and its database rows.
		Databases: b("databases", "tab"),
		// N and D: the group's n and d, shifted, for what is inside it.
		NewDatabase:    b("new database", "N"),
		DeleteDatabase: b("delete database", "D"),
		// y as in vim's yank, as k9s and lazygit copy.
		Yank: b("copy", "y"),
		// space marks as in ranger, mc and nnn, V starts a range as vim's
		// visual line mode and lazygit's range select, shift+arrows
		// extend a selection as in most lists, and ctrl+a is "all".
		// J and K are the shifted j and k, for terminals that do not
		// tell shift+arrows apart.
		Mark:      b("mark", " "),
		MarkRange: b("mark a range", "V"),
		MarkUp:    b("mark up", "shift+up", "K"),
		MarkDown:  b("mark down", "shift+down", "J"),
		MarkAll:   b("mark all shown", "ctrl+a"),
		// O: the shifted o, which switches to one organization; this
		// shows them all.
		AllOrgs: b("all orgs", "O"),
	}
	// Arrows read better than their names in the help.
	k.Up.SetHelp("↑/k", "up")
	k.Down.SetHelp("↓/j", "down")
	k.Top.SetHelp("g/home", "top")
	k.Bottom.SetHelp("G/end", "bottom")
	k.PageUp.SetHelp("pgup/b/ctrl+u", "page up")
	k.PageDown.SetHelp("pgdown/f/ctrl+d", "page down")
	k.Mark.SetHelp("space", "mark")
	k.MarkUp.SetHelp("shift+↑/K", "mark up")
	k.MarkDown.SetHelp("shift+↓/J", "mark down")
	return k
}

// bindings maps the config file's action names to the bindings.
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "page_up": &k.PageUp, "page_down": &k.PageDown, "top": &k.Top, "bottom": &k.Bottom,
		"open": &k.Open, "back": &k.Back, "filter": &k.Filter, "sort": &k.Sort, "refresh": &k.Refresh,
		"help": &k.Help, "quit": &k.Quit, "new": &k.New, "add_location": &k.AddLocation,
		"remove_location": &k.RemoveLocation, "protect": &k.Protect, "token": &k.Token, "copy": &k.Copy,
		"rotate": &k.Rotate, "transfer": &k.Transfer, "unarchive": &k.Unarchive, "update": &k.Update,
		"delete": &k.Delete, "switch_org": &k.SwitchOrg, "rename": &k.Rename,
		"activity": &k.Activity, "command": &k.Command,
		"databases": &k.Databases, "new_database": &k.NewDatabase, "delete_database": &k.DeleteDatabase, "yank": &k.Yank,
		"mark": &k.Mark, "mark_range": &k.MarkRange, "mark_up": &k.MarkUp, "mark_down": &k.MarkDown, "mark_all": &k.MarkAll,
		"all_orgs": &k.AllOrgs,
	}
}

// Actions lists the action names a config file may rebind.
func Actions() []string {
	var k KeyMap
	names := make([]string, 0, 32)
	for n := range k.bindings() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Rebind applies overrides (action -> keys). An unknown action, an empty
// key list or ctrl+c is an error; the help text follows the new keys.
func (k *KeyMap) Rebind(overrides map[string][]string) error {
	bs := k.bindings()
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		keys := overrides[name]
		b, ok := bs[name]
		if !ok {
			return fmt.Errorf("unknown key action %q (known: %s)", name, strings.Join(Actions(), ", "))
		}
		if len(keys) == 0 {
			return fmt.Errorf("key action %q: give at least one key", name)
		}
		match := make([]string, len(keys))
		for i, kk := range keys {
			if kk == "ctrl+c" {
				return fmt.Errorf("key action %q: ctrl+c always quits and cannot be rebound", name)
			}
			// Bubble Tea names the space bar " ", which a config file
			// cannot show plainly: "space" is written, " " matched.
			match[i] = kk
			if kk == "space" {
				match[i] = " "
			}
		}
		*b = key.NewBinding(key.WithKeys(match...), key.WithHelp(strings.Join(keys, "/"), b.Help().Desc))
	}
	return nil
}

// Conflict is a key that two actions share.
type Conflict struct {
	// Key is the key; First and Second the actions, in the order of their
	// config names.
	Key, First, Second string
}

// Conflicts lists keys bound to more than one action that can be active at
// the same time, so a config mistake is reported rather than silently
// shadowing an action.
func (k *KeyMap) Conflicts() []string {
	var out []string
	for _, c := range k.ConflictList() {
		out = append(out, fmt.Sprintf("%q is bound to both %s and %s", c.Key, c.First, c.Second))
	}
	return out
}

// ConflictList is Conflicts with the key and the actions apart, for a
// caller that reports each action where it was set.
func (k *KeyMap) ConflictList() []Conflict {
	owner := map[string]string{}
	var out []Conflict
	bs := k.bindings()
	names := make([]string, 0, len(bs))
	for n := range bs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, kk := range bs[n].Keys() {
			if o, ok := owner[kk]; ok {
				out = append(out, Conflict{Key: kk, First: o, Second: n})
				continue
			}
			owner[kk] = n
		}
	}
	return out
}
