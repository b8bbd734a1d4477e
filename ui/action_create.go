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

// actCreate creates a group: its name, primary location and extensions.
var actCreate = &action{
	name:        "new",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.New },
	mutation:    true,
	footer:      onList,
	invalidates: cache.Groups | cache.Databases,
	applies: func(m *Model, _ api.Group) *refusal {
		// Said before the form rather than after a 402: the plan is known
		// once the first groups are in, unless the token may not read it.
		if why := m.atGroupLimit(); why != "" {
			return &refusal{kind: toastError, text: why}
		}
		if len(m.locs) == 0 {
			return &refusal{kind: toastError, text: "The locations are not loaded yet; try again in a moment (" + m.keys.Refresh.Help().Key + " reloads)."}
		}
		return nil
	},
	init: func(m *Model, fs *formState, _ api.Group) {
		// What was typed into a form closed unsent comes back with it.
		if d := m.focus.draft(fs.kind); d != nil {
			fs.values = d
		} else {
			fs.values.ExtMode = extNone
			fs.values.Location = m.defaultLocation()
			// Creating is not destructive: the confirmation defaults to yes.
			fs.values.Confirm = true
		}
		m.focus.keepDraft(fs.kind, fs.values)
	},
	title: "New group",
	form:  createForm,
	do: func(m *Model, fs *formState) tea.Cmd {
		v, c := fs.values, m.sess.client
		if !v.Confirm {
			return nil
		}
		req := api.CreateGroupRequest{Name: v.Name, Location: v.Location}
		if ext := v.extensions(); !ext.IsZero() {
			req.Extensions = &ext
		}
		return m.startOp("Creating "+v.Name, fs.kind, v.Name, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.CreateGroup(ctx, req)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		if m.focus.draft(r.kind) == r.retry.values {
			m.focus.keepDraft(r.kind, nil)
		}
		m.upsertGroup(r.result)
		m.list.setQuery(m.list.query)
		m.selectGroup(r.result.Name)
		toast := m.showToast(toastSuccess, fmt.Sprintf("Created %s at %s.", text.Sanitize(r.group), text.Sanitize(r.result.Primary)))
		return tea.Batch(toast, m.watch(r.result.Name, r.result.Primary))
	},
	failText: func(r opDoneMsg) string {
		if api.IsConflict(r.err) {
			return fmt.Sprintf("A group named %s already exists (%s). Choose another name.", text.Sanitize(r.group), text.Sanitize(serverMessage(r.err)))
		}
		return ""
	},
	unknown: "The group may or may not have been created.",
}

// createForm asks for the name, the primary location and the extensions,
// then for a confirmation that sums them up.
func createForm(m *Model, fs *formState, _ api.Group) ([]*huh.Group, string) {
	v := fs.values
	name := huh.NewInput().Key("name").Title("Name").Accessor(bind(v, &v.Name)).CharLimit(api.MaxGroupNameLen+8).
		Placeholder("e.g. orders").Validate(api.ValidateGroupName).
		DescriptionFunc(m.groupNameHint(v), []any{&v.Name, &v.Width})
	// The list takes the rows the other two fields and their gaps leave.
	rows := fs.windowSize().Height - 3 - 1 - 1 - 5
	loc := newListField(v, &v.Location, "location", "Primary location", m.locationOptions(nil), max(rows, 6))
	ext := huh.NewSelect[string]().Key("extmode").Title("Extensions").
		Description("SQLite extensions enabled for new databases of the group").
		Options(huh.NewOption("None", extNone), huh.NewOption("All of them", extAll), huh.NewOption("Choose…", extChoose)).
		Accessor(bind(v, &v.ExtMode))
	pick := huh.NewMultiSelect[string]().Key("extensions").Title("Choose extensions").
		Description("space toggles; choosing none means no extensions").
		Options(huh.NewOptions(api.ExtensionNames...)...).Accessor(bind(v, &v.Extensions)).Height(len(api.ExtensionNames) + 1)
	confirm := huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Create").Negative("Cancel").
		TitleFunc(v.locked(func() string {
			return fmt.Sprintf("Create %s at %s?", orDash(text.Sanitize(v.Name)), orDash(text.Sanitize(v.Location)))
		}), []any{&v.Name, &v.Location}).
		DescriptionFunc(v.locked(func() string { return "Extensions: " + v.extensions().String() }), []any{&v.ExtMode, &v.Extensions})
	return []*huh.Group{
		huh.NewGroup(name, loc, ext),
		huh.NewGroup(pick).WithHideFunc(func() bool { return v.ExtMode != extChoose }),
		huh.NewGroup(confirm),
	}, ""
}

// groupNameHint is the description under a group name being typed: what
// is wrong with it, or that it will do.
func (m *Model) groupNameHint(v *formValues) func() string {
	// The names listed now, copied: huh may ask for the description off
	// the update loop, and the list can change meanwhile. The server has
	// the last word; this only warns before the round trip.
	taken := make(map[string]bool, len(m.groups))
	for _, g := range m.groups {
		taken[g.Name] = true
	}
	org := text.Sanitize(m.sess.client.Org())
	return v.locked(func() string {
		if v.Name == "" {
			return "lowercase letters, digits and hyphens; 1 to 32 characters"
		}
		if err := api.ValidateGroupName(v.Name); err != nil {
			return hang("✗ ", strings.TrimPrefix(err.Error(), "invalid group name: "), v.Width)
		}
		if taken[v.Name] {
			if org == "" {
				return hang("✗ ", "you already have a group named "+v.Name, v.Width)
			}
			return hang("✗ ", org+" already has a group named "+v.Name, v.Width)
		}
		return hang("✓ ", v.Name+" is a valid name", v.Width)
	})
}
