package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actUnarchive wakes an archived group, at once: there is nothing to
// choose and nothing lost.
var actUnarchive = &action{
	name:        "unarchive",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.Unarchive },
	mutation:    true,
	needsGroup:  true,
	invalidates: cache.Groups | cache.Databases,
	detail: func(g api.Group) string {
		if g.Archived {
			return "unarchive"
		}
		return ""
	},
	applies: func(_ *Model, g api.Group) *refusal {
		if !g.Archived {
			return &refusal{kind: toastInfo, text: text.Sanitize(g.Name) + " is not archived."}
		}
		return nil
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		name, c := fs.group, m.sess.client
		return m.startOp("Unarchiving "+name, fs.kind, name, nil, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.UnarchiveGroup(ctx, name)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.applyAnswer(r.result)
		toast := m.showToast(toastSuccess, text.Sanitize(r.group)+" is awake again.")
		// Its locations start again, as new ones: each is waited on.
		return tea.Batch(toast, m.watch(r.group, groupLocations(&r.result)...))
	},
	unknown: "The group may or may not have been unarchived.",
}
