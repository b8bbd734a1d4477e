package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actDelete destroys the group and its databases, once its name is typed.
var actDelete = &action{
	name:        "delete",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.Delete },
	bulk:        bulkDelete,
	mutation:    true,
	needsGroup:  true,
	footer:      onList | onDetail,
	invalidates: cache.Groups | cache.Databases,
	applies: func(m *Model, g api.Group) *refusal {
		if !g.DeleteProtection {
			return nil
		}
		// A notice, not a line in the footer: it says what to do instead.
		return &refusal{
			title: "Delete protection is on",
			text: fmt.Sprintf("%s cannot be deleted while its delete protection is on: it protects the group and all its databases.\n\nTo delete it, first press %s to turn protection off, then %s again.",
				text.Sanitize(g.Name), m.keys.Protect.Help().Key, m.keys.Delete.Help().Key),
		}
	},
	title: "Delete group",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		dbs := m.dbs[g.Name]
		desc := "The group and all its databases are destroyed. This cannot be undone."
		if len(dbs) > 0 {
			names := make([]string, 0, min(len(dbs), 5))
			for _, d := range dbs[:min(len(dbs), 5)] {
				names = append(names, text.Sanitize(d.Name))
			}
			more := ""
			if len(dbs) > 5 {
				more = fmt.Sprintf(" and %d more", len(dbs)-5)
			}
			desc = fmt.Sprintf("The group and its %d database(s) (%s%s) are destroyed.\nThis cannot be undone.", len(dbs), strings.Join(names, ", "), more)
		}
		name := g.Name
		return []*huh.Group{huh.NewGroup(huh.NewInput().Key("typed").Value(&fs.values.Typed).
			Title("Type " + text.Sanitize(name) + " to delete it").Description(desc).
			Validate(func(s string) error {
				if s != name {
					return fmt.Errorf("type the group's name exactly, or press esc to keep it")
				}
				return nil
			}))}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		group, c := fs.group, m.sess.client
		return m.startOp("Deleting "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.DeleteGroup(ctx, group)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.leaveGroup(r.group)
		return m.showToast(toastSuccess, "Deleted "+text.Sanitize(r.group)+" and its databases.")
	},
	unknown: "The group may or may not have been deleted.",
}
