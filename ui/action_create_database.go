package ui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actCreateDatabase creates a database in the selected group. The group
// is sent with the request, so the CLI's "more than one database group,
// specify --group" cannot happen: the database goes where the user is.
var actCreateDatabase = &action{
	name:        "new_database",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.NewDatabase },
	mutation:    true,
	dbAction:    true,
	needsGroup:  true,
	footer:      onDetail,
	invalidates: cache.Databases,
	init: func(m *Model, fs *formState, _ api.Group) {
		// Creating is not destructive: the confirmation defaults to yes.
		fs.values.Confirm = true
	},
	title: "New database",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		v := fs.values
		group := text.Sanitize(g.Name)
		name := huh.NewInput().Key("name").Title("Name of the new database in "+group).Accessor(bind(v, &v.Name)).
			CharLimit(api.MaxDatabaseNameLen+8).Placeholder("e.g. orders").
			Validate(m.databaseNameCheck()).
			DescriptionFunc(m.databaseNameHint(v), []any{&v.Name, &v.Width})
		confirm := huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Create").Negative("Cancel").
			TitleFunc(v.locked(func() string {
				return fmt.Sprintf("Create %s in %s?", orDash(text.Sanitize(v.Name)), group)
			}), []any{&v.Name}).
			Description("At the group's primary location, " + orDash(text.Sanitize(g.Primary)) + ", and its replicas.")
		return []*huh.Group{huh.NewGroup(name, confirm)}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		v, c, group := fs.values, m.sess.client, fs.group
		if !v.Confirm {
			return nil
		}
		g, _ := m.groupByName(group)
		name, primary := v.Name, g.Primary
		return m.startOp("Creating database "+name, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			var d api.CreatedDatabase
			d, r.err = c.CreateDatabase(ctx, name, group)
			r.db = api.Database{Name: d.Name, ID: d.ID, Hostname: d.Hostname, Group: group, PrimaryRegion: primary}
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		if m.hasGroup(r.group) {
			// In its place by name, as loads sort them (dbSelection).
			dbs := m.dbs[r.group]
			i, _ := slices.BinarySearchFunc(dbs, r.db.Name, func(d api.Database, name string) int { return strings.Compare(d.Name, name) })
			m.setGroupDBs(r.group, slices.Insert(slices.Clone(dbs), i, r.db))
			if m.screen == screenDetail && m.detail.name == r.group {
				m.detail.selectDB(r.db.Name)
			}
		}
		return m.showToast(toastSuccess, fmt.Sprintf("Created %s in %s: %s", text.Sanitize(r.db.Name), text.Sanitize(r.group), text.Sanitize(dbURL(r.db))))
	},
	failText: func(r opDoneMsg) string {
		if api.IsConflict(r.err) {
			return fmt.Sprintf("The organization already has a database named %s (%s). Choose another name.", text.Sanitize(r.retry.values.Name), text.Sanitize(serverMessage(r.err)))
		}
		return ""
	},
	unknown: "The database may or may not have been created.",
}

// setGroupDBs replaces the databases of group: on a copy of the map,
// which a load may share with other dashboards (api/cache).
func (m *Model) setGroupDBs(group string, dbs []api.Database) {
	m.dbs = maps.Clone(m.dbs)
	if m.dbs == nil {
		m.dbs = map[string][]api.Database{}
	}
	m.dbs[group] = dbs
}

// takenDatabaseNames are the organization's database names as loaded:
// names are unique across the organization, whatever the group.
func (m *Model) takenDatabaseNames() map[string]string {
	taken := map[string]string{}
	for g, dbs := range m.dbs {
		for _, d := range dbs {
			taken[d.Name] = g
		}
	}
	return taken
}

// databaseNameCheck refuses a name the API would refuse, or one the
// organization has: the form cannot be sent with it.
func (m *Model) databaseNameCheck() func(string) error {
	taken := m.takenDatabaseNames()
	return func(s string) error {
		if err := api.ValidateDatabaseName(s); err != nil {
			return err
		}
		if g, ok := taken[s]; ok {
			return fmt.Errorf("a database named %s already exists (in %s)", text.Sanitize(s), text.Sanitize(g))
		}
		return nil
	}
}

// databaseNameHint is the description under a database name being typed:
// what is wrong with it, or that it will do. The names are a copy made
// when the form opens, since huh may ask off the update loop; the server
// has the last word.
func (m *Model) databaseNameHint(v *formValues) func() string {
	taken := m.takenDatabaseNames()
	known := m.dbsKnown
	return v.locked(func() string {
		if v.Name == "" {
			return fmt.Sprintf("lowercase letters, digits and hyphens; 1 to %d characters; unique in the organization", api.MaxDatabaseNameLen)
		}
		if err := api.ValidateDatabaseName(v.Name); err != nil {
			return hang("✗ ", strings.TrimPrefix(err.Error(), "invalid database name: "), v.Width)
		}
		if g, ok := taken[v.Name]; ok {
			return hang("✗ ", "a database named "+text.Sanitize(v.Name)+" already exists (in "+text.Sanitize(g)+")", v.Width)
		}
		if !known {
			return hang("✓ ", text.Sanitize(v.Name)+" is a valid name (the databases are not loaded: the server will say if it is taken)", v.Width)
		}
		return hang("✓ ", text.Sanitize(v.Name)+" is a valid name", v.Width)
	})
}
