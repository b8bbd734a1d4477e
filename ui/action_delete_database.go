package ui

import (
	"context"
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actDeleteDatabase destroys the database under the detail's cursor,
// once its name is typed, as a group's delete asks.
var actDeleteDatabase = &action{
	name:        "delete_database",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.DeleteDatabase },
	mutation:    true,
	dbAction:    true,
	needsGroup:  true,
	ownNotFound: true,
	footer:      onDetail,
	invalidates: cache.Databases,
	applies: func(m *Model, g api.Group) *refusal {
		if _, ok := m.selectedDatabase(); ok {
			return nil
		}
		k := m.keys
		if m.screen == screenList {
			return &refusal{kind: toastInfo, text: fmt.Sprintf("Open the group (%s), select a database (%s), then press %s.", k.Open.Help().Key, k.Databases.Help().Key, k.DeleteDatabase.Help().Key)}
		}
		if len(m.dbs[g.Name]) == 0 {
			return &refusal{kind: toastInfo, text: text.Sanitize(g.Name) + " has no databases to delete."}
		}
		return &refusal{kind: toastInfo, text: fmt.Sprintf("Select a database first: %s moves to the databases, %s %s chooses one.", k.Databases.Help().Key, k.Down.Help().Key, k.Up.Help().Key)}
	},
	init: func(m *Model, fs *formState, _ api.Group) {
		db, _ := m.selectedDatabase()
		fs.values.Database = db.Name
	},
	title: "Delete database",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		name := fs.values.Database
		desc := fmt.Sprintf("%s of group %s is destroyed with its data. This cannot be undone.", text.Sanitize(name), text.Sanitize(g.Name))
		return []*huh.Group{huh.NewGroup(huh.NewInput().Key("typed").Value(&fs.values.Typed).
			Title("Type " + text.Sanitize(name) + " to delete it").Description(desc).
			Validate(func(s string) error {
				if s != name {
					return fmt.Errorf("type the database's name exactly, or press esc to keep it")
				}
				return nil
			}))}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		group, name, c := fs.group, fs.values.Database, m.sess.client
		return m.startOp("Deleting database "+name, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.db = api.Database{Name: name, Group: group}
			r.err = c.DeleteDatabase(ctx, name)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.dropDatabase(r.group, r.db.Name)
		return m.showToast(toastSuccess, "Deleted database "+text.Sanitize(r.db.Name)+" of "+text.Sanitize(r.group)+".")
	},
	failText: func(r opDoneMsg) string {
		if api.IsNotFound(r.err) {
			return fmt.Sprintf("%s is no longer there (%s).", text.Sanitize(r.db.Name), text.Sanitize(serverMessage(r.err)))
		}
		return ""
	},
	unknown: "The database may or may not have been deleted.",
}

// selectedDatabase is the database under the detail's cursor, when the
// detail is on screen.
func (m *Model) selectedDatabase() (api.Database, bool) {
	if m.screen != screenDetail {
		return api.Database{}, false
	}
	return m.detail.selectedDB()
}

// dropDatabase takes a deleted database out of its group's list; the
// cursor, kept by name, lands on the database that took its place.
func (m *Model) dropDatabase(group, name string) {
	dbs := m.dbs[group]
	i := slices.IndexFunc(dbs, func(d api.Database) bool { return d.Name == name })
	if i < 0 {
		return
	}
	m.setGroupDBs(group, slices.Delete(slices.Clone(dbs), i, i+1))
	if len(m.dbs[group]) == 0 && m.detail.name == group {
		m.detail.dbSel = dbSelection{}
	}
}
