package ui

import (
	"slices"
	"testing"

	"github.com/seed372e9e9a/turso-groups/ui/keys"
)

// Every action of the registry says all that the dashboard asks of it:
// a field left out would otherwise show as an empty title, an empty
// "may or may not" text or a key that does nothing.
func TestActionRegistry(t *testing.T) {
	km := keys.Default()
	names := map[string]bool{}
	bound := map[string]string{}
	for _, a := range actions {
		if names[a.name] {
			t.Errorf("two actions are named %q", a.name)
		}
		names[a.name] = true
		if !slices.Contains(keys.Actions(), a.name) {
			t.Errorf("%s: not an action name of the key map (%v)", a.name, keys.Actions())
		}
		b := a.binding(&km)
		if len(b.Keys()) == 0 || b.Help().Desc == "" {
			t.Errorf("%s: its binding has no key or no help", a.name)
		}
		for _, k := range b.Keys() {
			if o, ok := bound[k]; ok {
				t.Errorf("%s and %s are both bound to %q", o, a.name, k)
			}
			bound[k] = a.name
		}
		if a.do == nil {
			t.Errorf("%s: does nothing", a.name)
		}
		if (a.form == nil) != (a.title == "") {
			t.Errorf("%s: a form needs a title, and a title a form", a.name)
		}
		if a.mutation && (a.done == nil || a.unknown == "") {
			t.Errorf("%s: a change needs its done and its unknown text", a.name)
		}
		if a.anytime && a.mutation {
			t.Errorf("%s: a change cannot work before the groups load (read-only mode is checked after)", a.name)
		}
	}
}
