package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actSwitchOrg points the dashboard at another organization. It changes
// nothing at the server, so it works in a read-only dashboard, and
// before the groups have loaded (the way out of an organization that
// fails to load).
var actSwitchOrg = &action{
	name:    "switch_org",
	binding: func(k *keys.KeyMap) *key.Binding { return &k.SwitchOrg },
	anytime: true,
	orgs:    true,
	footer:  onList | onNotLoaded,
	init: func(m *Model, fs *formState, _ api.Group) {
		fs.values.Org = m.sess.client.Org()
	},
	title: "Switch organization",
	form: func(m *Model, fs *formState, _ api.Group) ([]*huh.Group, string) {
		var opts []huh.Option[string]
		for _, o := range m.orgs {
			opts = append(opts, huh.NewOption(orgOptionLabel(o), o.Slug))
		}
		// The host's title already says "Switch organization": the
		// field's says from which.
		title := "Organization"
		if cur := text.Sanitize(m.sess.client.Org()); cur != "" {
			title = "Switch from " + cur + " to…"
		}
		return []*huh.Group{huh.NewGroup(huh.NewSelect[string]().Key("org").Title(title).
			Options(opts...).Value(&fs.values.Org))}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		if m.all.on {
			// The list of every organization has its groups already.
			return m.switchOrgSeeded(fs.values.Org)
		}
		return m.switchOrg(fs.values.Org)
	},
}
