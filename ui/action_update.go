package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// actUpdate moves the group's databases to the latest libSQL version.
// The turso CLI removed `group update` on 2026-04-16 (91cb97e), though the
// spec still lists the route: where the platform no longer serves it, the
// dashboard says so rather than show a bare 404.
var actUpdate = &action{
	name:        "update",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.Update },
	bulk:        bulkUpdate,
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
			updateDatabases(ctx, c, group, r)
			if removed := (*updateRemovedError)(nil); errors.As(r.err, &removed) {
				// Nothing to try again: the confirmation does not reopen.
				r.retry = nil
			}
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.applyAnswer(r.result)
		return m.showToast(toastSuccess, "The databases of "+text.Sanitize(r.group)+" are updating to the latest version.")
	},
	unknown: "The update may or may not have started.",
}

// updateDatabases is the update of group's databases, for one group or
// many (bulkUpdate): it writes the group as it is afterwards, or why not,
// into r.
func updateDatabases(ctx context.Context, c *api.Client, group string, r *opDoneMsg) {
	// The update answers with nothing: the group is asked for, to show
	// its new version.
	if r.err = c.UpdateGroupDatabases(ctx, group); r.err == nil {
		r.result, r.err = c.GetGroup(ctx, group)
		return
	}
	if !updateRouteGone(r.err) {
		return
	}
	// A 404 is also what a group that is gone gets: only if the group is
	// still there is it the route that is missing.
	if api.IsNotFound(r.err) {
		if _, err := c.GetGroup(ctx, group); err != nil {
			if api.IsNotFound(err) {
				// Its words ("group not found"), not the route's.
				r.err = err
			}
			return
		}
	}
	r.err = &updateRemovedError{status: api.StatusOf(r.err), err: r.err}
}

// updateRouteGone reports an answer to the update that says the platform
// does not serve it: no such route (404), method (405), gone (410), not
// implemented (501), or a 400 saying it is not supported.
func updateRouteGone(err error) bool {
	switch api.StatusOf(err) {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusGone, http.StatusNotImplemented:
		return true
	case http.StatusBadRequest:
		msg := strings.ToLower(serverMessage(err))
		return strings.Contains(msg, "not supported") || strings.Contains(msg, "unsupported") || strings.Contains(msg, "no longer")
	}
	return false
}

// updateRemovedError is an update the platform no longer offers. It does
// not unwrap to the API's error on purpose: its 404 is not the group's,
// which must not be dropped from the list as a group that is gone.
type updateRemovedError struct {
	status int
	err    error
}

func (e *updateRemovedError) Error() string { return e.err.Error() }
