package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actRotate invalidates every token of the group's databases.
var actRotate = &action{
	name:       "rotate",
	binding:    func(k *keys.KeyMap) *key.Binding { return &k.Rotate },
	bulk:       bulkRotate,
	mutation:   true,
	needsGroup: true,
	// Tokens are not part of what is cached, nor of the list.
	invalidates: 0,
	title:       "Rotate group tokens",
	form: func(_ *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		return []*huh.Group{huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&fs.values.Confirm).
			Title("Rotate the tokens of " + text.Sanitize(g.Name) + "?").
			Description("Every token of every database in the group stops working at once:\napplications using them fail until they get new tokens.").
			Affirmative("Rotate").Negative("Cancel"))}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		if !fs.values.Confirm {
			return nil
		}
		group, c := fs.group, m.sess.client
		return m.startOp("Rotating the tokens of "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.err = c.RotateGroupTokens(ctx, group)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		return m.showToast(toastSuccess, "Rotated the tokens of "+text.Sanitize(r.group)+": every earlier token is now invalid.")
	},
	unknown:   "The tokens may or may not have been rotated; rotating them again is safe.",
	safeAgain: true,
}
