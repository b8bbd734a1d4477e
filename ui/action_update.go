package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actUpdate moves the group's databases to the latest libSQL version.
var actUpdate = &action{
	name:        "update",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.Update },
	mutation:    true,
	needsGroup:  true,
	invalidates: cache.Groups | cache.Databases,
	title:       "Update databases",
	form: func(_ *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		return []*huh.Group{huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&fs.values.Confirm).
			Title("Update the databases of " + text.Sanitize(g.Name) + " to the latest version?").
			Description("The update causes a short downtime.").Affirmative("Update").Negative("Cancel"))}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		if !fs.values.Confirm {
			return nil
		}
		group, c := fs.group, m.sess.client
		return m.startOp("Updating the databases of "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			// The update answers with nothing: the group is asked for,
			// to show its new version.
			if r.err = c.UpdateGroupDatabases(ctx, group); r.err == nil {
				r.result, r.err = c.GetGroup(ctx, group)
			}
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.applyAnswer(r.result)
		return m.showToast(toastSuccess, "The databases of "+text.Sanitize(r.group)+" are updating to the latest version.")
	},
	unknown: "The update may or may not have started.",
}
