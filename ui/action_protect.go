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

// actProtect turns delete protection on or off, at once: it is undone by
// the same key.
var actProtect = &action{
	name:        "protect",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.Protect },
	bulk:        bulkProtect,
	mutation:    true,
	needsGroup:  true,
	footer:      onDetail,
	invalidates: cache.Groups | cache.Databases,
	detail: func(g api.Group) string {
		if g.DeleteProtection {
			return "turn protection off"
		}
		return "turn protection on"
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		g, _ := m.groupByName(fs.group)
		on, name, c := !g.DeleteProtection, g.Name, m.sess.client
		label := "Turning delete protection on for " + name
		if !on {
			label = "Turning delete protection off for " + name
		}
		return m.startOp(label, fs.kind, name, nil, func(ctx context.Context, r *opDoneMsg) {
			cfg, err := c.SetDeleteProtection(ctx, name, on)
			r.config, r.err = &cfg, err
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		if g, ok := m.groupByName(r.group); ok && r.config != nil {
			g.DeleteProtection = r.config.DeleteProtection
			m.upsertGroup(g)
		}
		state := "off"
		if r.config != nil && r.config.DeleteProtection {
			state = "on"
		}
		return m.showToast(toastSuccess, "Delete protection is "+state+" for "+text.Sanitize(r.group)+".")
	},
	unknown: "Delete protection may or may not have changed.",
}
