package ui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actTransfer moves the group, with its databases, to another
// organization of the user.
var actTransfer = &action{
	name:       "transfer",
	binding:    func(k *keys.KeyMap) *key.Binding { return &k.Transfer },
	bulk:       bulkTransfer,
	mutation:   true,
	needsGroup: true,
	orgs:       true,
	// Two organizations change: the one it leaves and the one it joins.
	invalidates: cache.Groups | cache.Databases | cache.EveryOrg,
	title:       "Transfer group",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		v := fs.values
		var opts []huh.Option[string]
		for _, o := range m.orgs {
			if o.Slug != m.sess.client.Org() && !(o.Personal() && m.sess.client.Org() == "") {
				opts = append(opts, huh.NewOption(orgOptionLabel(o), o.Slug))
			}
		}
		if len(opts) == 0 {
			return nil, "You have no other organization to transfer " + text.Sanitize(g.Name) + " to."
		}
		return []*huh.Group{
			huh.NewGroup(huh.NewSelect[string]().Key("org").Title("Transfer " + text.Sanitize(g.Name) + " to").Options(opts...).Accessor(bind(v, &v.Org))),
			huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Transfer").Negative("Cancel").
				TitleFunc(v.locked(func() string { return "Transfer " + text.Sanitize(g.Name) + " to " + text.Sanitize(v.Org) + "?" }), &v.Org).
				Description("Its databases move too. Existing URLs and tokens keep working for now,\nbut applications should switch to the new ones soon.")),
		}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		if !fs.values.Confirm {
			return nil
		}
		group, to, c := fs.group, fs.values.Org, m.sess.client
		return m.startOp("Transferring "+group+" to "+to, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.TransferGroup(ctx, group, to)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.leaveGroup(r.group)
		return m.showToast(toastSuccess, fmt.Sprintf("Transferred %s to %s.", text.Sanitize(r.group), text.Sanitize(r.retry.values.Org)))
	},
	unknown: "The group may or may not have been transferred.",
}
