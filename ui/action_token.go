package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
)

// actToken creates a token for the group's databases, shown once in the
// token dialog (whose copy key it owns).
var actToken = &action{
	name:       "token",
	binding:    func(k *keys.KeyMap) *key.Binding { return &k.Token },
	more:       func(k *keys.KeyMap) []*key.Binding { return []*key.Binding{&k.Copy} },
	mutation:   true,
	needsGroup: true,
	footer:     onDetail,
	// Tokens are not part of what is cached, nor of the list.
	invalidates: 0,
	init: func(_ *Model, fs *formState, _ api.Group) {
		// The expiration stays empty, meaning never: a pre-filled "never"
		// would be typed onto.
		fs.values.Access = string(api.FullAccess)
	},
	title: "Create a group token",
	form: func(_ *Model, fs *formState, _ api.Group) ([]*huh.Group, string) {
		v := fs.values
		return []*huh.Group{huh.NewGroup(
			huh.NewInput().Key("expiration").Title("Expiration").Value(&v.Expiration).Placeholder("never").
				Description("empty for never, or a duration such as 7d, 2w or 12h").Validate(api.ValidateExpiration),
			huh.NewSelect[string]().Key("access").Title("Access").Value(&v.Access).Options(
				huh.NewOption("Full access (read and write)", string(api.FullAccess)),
				huh.NewOption("Read only", string(api.ReadOnly))),
		)}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		group, c := fs.group, m.sess.client
		opts := api.TokenOptions{Expiration: fs.values.Expiration, Authorization: api.TokenAuthorization(fs.values.Access)}
		return m.startOp("Creating a token for "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.token, r.err = c.CreateGroupToken(ctx, group, opts)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.focus.push(newTokenDialog(m.common, m.opts.Copy, r.group, r.token, r.retry.values.Access, r.retry.values.Expiration))
		return nil
	},
	// Nothing to look at: a token is shown once, and another harms none.
	unknown:   "A token may or may not have been created; creating another is safe.",
	safeAgain: true,
}
