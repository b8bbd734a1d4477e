package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actRename gives the group a new name (the turso CLI's group rename);
// its databases go with it.
var actRename = &action{
	name:       "rename",
	binding:    func(k *keys.KeyMap) *key.Binding { return &k.Rename },
	mutation:   true,
	needsGroup: true,
	// The databases change too: they name their group.
	invalidates: cache.Groups | cache.Databases,
	init: func(_ *Model, fs *formState, g api.Group) {
		// The name to edit, as the key (e) suggests.
		fs.values.Name = g.Name
	},
	title: "Rename group",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		v, current := fs.values, g.Name
		// Copied, as for the create form: the list may change while the
		// form is open, and the server has the last word.
		taken := make(map[string]bool, len(m.groups))
		for _, g := range m.groups {
			taken[g.Name] = true
		}
		org := text.Sanitize(m.sess.client.Org())
		if org == "" {
			org = "you"
		}
		hint := m.groupNameHint(v)
		return []*huh.Group{huh.NewGroup(huh.NewInput().Key("name").Title("New name for "+text.Sanitize(current)).
			Accessor(bind(v, &v.Name)).CharLimit(api.MaxGroupNameLen+8).
			Validate(func(s string) error {
				if err := api.ValidateGroupName(s); err != nil {
					return err
				}
				if s == current {
					return errors.New("that is its name already: type another, or press esc")
				}
				if taken[s] {
					return fmt.Errorf("%s already has a group named %s", org, s)
				}
				return nil
			}).
			DescriptionFunc(func() string {
				if v.locked(func() string { return v.Name })() == current {
					return "type the new name; its databases go with it"
				}
				return hint()
			}, &v.Name))}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		old, name, c := fs.group, fs.values.Name, m.sess.client
		return m.startOp("Renaming "+old+" to "+name, fs.kind, old, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.RenameGroup(ctx, old, name)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.renameGroup(r.group, r.result)
		return m.showToast(toastSuccess, fmt.Sprintf("Renamed %s to %s.", text.Sanitize(r.group), text.Sanitize(r.result.Name)))
	},
	failText: func(r opDoneMsg) string {
		if api.IsConflict(r.err) {
			return fmt.Sprintf("A group named %s already exists (%s). Choose another name.", text.Sanitize(r.retry.values.Name), text.Sanitize(serverMessage(r.err)))
		}
		return ""
	},
	unknown: "The group may or may not have been renamed.",
}

// renameGroup puts the renamed group g in the place of old, with old's
// databases, and keeps the cursor (and the detail) on it.
func (m *Model) renameGroup(old string, g api.Group) {
	i, ok := m.byName[old]
	if !ok || g.Name == "" {
		return // gone meanwhile: the next load says where it is
	}
	if g.UUID == "" && g.Primary == "" {
		// An answer without the group: it is the listed one, renamed.
		name := g.Name
		g = m.groups[i]
		g.Name = name
	}
	groups := slices.Clone(m.groups)
	groups[i] = g
	// Copies: the map and its slices may be shared with other dashboards.
	m.dbs = maps.Clone(m.dbs)
	if dbs, ok := m.dbs[old]; ok {
		moved := slices.Clone(dbs)
		for j := range moved {
			moved[j].Group = g.Name
		}
		delete(m.dbs, old)
		m.dbs[g.Name] = moved
	}
	if m.detail.name == old {
		m.detail.name = g.Name
	}
	m.setGroups(groups)
	m.selectGroup(g.Name)
}
