package ui

import (
	"context"
	"fmt"
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

// replicasDeprecated is the turso CLI's word on edge replicas (its
// `group locations` commands print it), said where a location is added so
// that nobody adds one without knowing the feature is on its way out.
const replicasDeprecated = "Edge replicas are deprecated: Turso Cloud no longer offers multi-region replication for new users. See https://tur.so/replicas-deprecated"

// awsPrimary reports whether g's primary is an AWS location, where the
// platform offers no edge replicas (the CLI's location picker hides the
// aws- codes for the same reason).
func awsPrimary(g api.Group) bool { return strings.HasPrefix(g.Primary, "aws-") }

// actAddLocation adds a location, where the group's databases get a
// replica. The feature is deprecated, and absent for AWS groups.
var actAddLocation = &action{
	name:        "add_location",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.AddLocation },
	mutation:    true,
	needsGroup:  true,
	footer:      onDetail,
	invalidates: cache.Groups | cache.Databases,
	// An AWS group is not offered what it cannot have; its key says why.
	detail: func(g api.Group) string {
		if awsPrimary(g) {
			return ""
		}
		return "add location"
	},
	applies: func(m *Model, g api.Group) *refusal {
		if awsPrimary(g) {
			return &refusal{kind: toastError, text: fmt.Sprintf("%s cannot get a new location: its primary, %s, is an AWS location, and AWS groups have no edge replicas.",
				text.Sanitize(g.Name), text.Sanitize(g.Primary))}
		}
		if len(m.locs) == 0 {
			return &refusal{kind: toastError, text: "The locations are not loaded yet; try again in a moment."}
		}
		return nil
	},
	title: "Add a location",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		opts := m.locationOptions(func(code string) bool { return g.HasLocation(code) })
		if len(opts) == 0 {
			return nil, text.Sanitize(g.Name) + " is already in every location."
		}
		v := fs.values
		loc := newListField(v, &v.Location, "location", "Add a location to "+text.Sanitize(g.Name), opts, max(fs.windowSize().Height, 6))
		// Said before the choice is made, in the CLI's words, with its link.
		loc.Description(replicasDeprecated + "\nDatabases of the group get a replica there")
		return []*huh.Group{huh.NewGroup(loc)}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		group, loc, c := fs.group, fs.values.Location, m.sess.client
		return m.startOp("Adding "+loc+" to "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.AddLocation(ctx, group, loc)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.applyAnswer(r.result)
		toast := m.showToast(toastSuccess, fmt.Sprintf("Added %s to %s.", text.Sanitize(r.retry.values.Location), text.Sanitize(r.group)))
		return tea.Batch(toast, m.watch(r.group, r.retry.values.Location))
	},
	unknown: "The location may or may not have been added.",
}

// actRemoveLocation removes a location other than the primary, and the
// replicas there. It stays offered for AWS groups that have replicas:
// removing them is how to get off a deprecated feature.
var actRemoveLocation = &action{
	name:        "remove_location",
	binding:     func(k *keys.KeyMap) *key.Binding { return &k.RemoveLocation },
	mutation:    true,
	needsGroup:  true,
	footer:      onDetail,
	invalidates: cache.Groups | cache.Databases,
	// Left out of the detail's actions (and its footer) when the form
	// would have nothing to offer; the key then says why.
	detail: func(g api.Group) string {
		if len(removableLocations(g)) > 0 {
			return "remove location"
		}
		return ""
	},
	title: "Remove a location",
	form: func(m *Model, fs *formState, g api.Group) ([]*huh.Group, string) {
		v := fs.values
		var opts []huh.Option[string]
		for _, l := range removableLocations(g) {
			opts = append(opts, huh.NewOption(m.plainLocation(l), l))
		}
		if len(opts) == 0 {
			return nil, text.Sanitize(g.Name) + " has only its primary location, which cannot be removed."
		}
		return []*huh.Group{
			huh.NewGroup(huh.NewSelect[string]().Key("location").Title("Remove a location from " + text.Sanitize(g.Name)).
				Description("The primary location (" + text.Sanitize(g.Primary) + ") always stays").Options(opts...).Accessor(bind(v, &v.Location))),
			huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Remove").Negative("Cancel").
				TitleFunc(v.locked(func() string { return "Remove " + text.Sanitize(v.Location) + " from " + text.Sanitize(g.Name) + "?" }), &v.Location).
				Description("The replicas of every database of the group in that location are removed at once.")),
		}, ""
	},
	do: func(m *Model, fs *formState) tea.Cmd {
		if !fs.values.Confirm {
			return nil
		}
		group, loc, c := fs.group, fs.values.Location, m.sess.client
		return m.startOp("Removing "+loc+" from "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.RemoveLocation(ctx, group, loc)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.applyAnswer(r.result)
		return m.showToast(toastSuccess, fmt.Sprintf("Removed %s from %s.", text.Sanitize(r.retry.values.Location), text.Sanitize(r.group)))
	},
	unknown: "The location may or may not have been removed.",
}

// removableLocations are g's locations other than its primary, each once:
// what the remove form offers.
func removableLocations(g api.Group) []string {
	var out []string
	for _, l := range g.Locations {
		if l != g.Primary && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
