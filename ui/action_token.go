package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// Read-attach choices of the token form.
const (
	attachNone   = "none"
	attachChoose = "choose"
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
		fs.values.AttachMode = attachNone
	},
	title: "Create a group token",
	form:  tokenForm,
	do: func(m *Model, fs *formState) tea.Cmd {
		group, c := fs.group, m.sess.client
		opts := fs.values.tokenOptions()
		return m.startOp("Creating a token for "+group, fs.kind, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.token, r.err = c.CreateGroupToken(ctx, group, opts)
		})
	},
	done: func(m *Model, r opDoneMsg) tea.Cmd {
		m.focus.push(newTokenDialog(m.common, m.opts.Copy, r.group, r.token, r.retry.values.tokenOptions()))
		return nil
	},
	// Nothing to look at: a token is shown once, and another harms none.
	unknown:   "A token may or may not have been created; creating another is safe.",
	safeAgain: true,
}

// tokenOptions is what the token form's choices ask of the API.
func (v *formValues) tokenOptions() api.TokenOptions {
	v.mu.Lock()
	defer v.mu.Unlock()
	o := api.TokenOptions{Expiration: v.Expiration, Authorization: api.TokenAuthorization(v.Access)}
	if v.AttachMode == attachChoose {
		o.AttachDatabases = slices.Clone(v.Attach)
	}
	return o
}

// tokenForm asks what the platform lets a group token be: when it
// expires, whether it may write, and which databases of the organization
// it may ATTACH read-only (chosen on a second page, only if asked for).
func tokenForm(m *Model, fs *formState, _ api.Group) ([]*huh.Group, string) {
	v := fs.values
	exp := huh.NewInput().Key("expiration").Title("Expiration").Accessor(bind(v, &v.Expiration)).Placeholder("never").
		Validate(api.ValidateExpiration).
		DescriptionFunc(expirationHint(v), []any{&v.Expiration, &v.Width})
	access := huh.NewSelect[string]().Key("access").Title("Access").Accessor(bind(v, &v.Access)).Options(
		huh.NewOption("Full access (read and write)", string(api.FullAccess)),
		huh.NewOption("Read only", string(api.ReadOnly)))
	fields := []huh.Field{exp, access}
	dbOpts := m.attachOptions()
	switch {
	case len(dbOpts) > 0:
		fields = append(fields, huh.NewSelect[string]().Key("attachmode").Title("Read ATTACH").
			Description("lets the token ATTACH other databases of the organization, read-only").
			Options(huh.NewOption("No other databases", attachNone), huh.NewOption("Choose databases…", attachChoose)).
			Accessor(bind(v, &v.AttachMode)))
	case !m.dbsKnown:
		// Said rather than hidden: the option exists, the list does not yet.
		access.Description("Read ATTACH of other databases: not offered until the databases are loaded")
	}
	// The list takes the window less its title, description, filter and gaps.
	rows := fs.windowSize().Height - 4
	pick := huh.NewMultiSelect[string]().Key("attach").Title("Databases the token may ATTACH, read-only").
		Description("space toggles, / filters; choosing none means no read ATTACH").
		Options(dbOpts...).Filterable(true).Accessor(bind(v, &v.Attach)).Height(max(min(rows, len(dbOpts)+2), 4))
	return []*huh.Group{
		huh.NewGroup(fields...),
		huh.NewGroup(pick).WithHideFunc(func() bool {
			v.mu.Lock()
			defer v.mu.Unlock()
			return v.AttachMode != attachChoose || len(dbOpts) == 0
		}),
	}, ""
}

// attachOptions are the organization's databases, by name, each with its
// group: the choices of read ATTACH.
func (m *Model) attachOptions() []huh.Option[string] {
	var dbs []api.Database
	for _, list := range m.dbs {
		dbs = append(dbs, list...)
	}
	slices.SortFunc(dbs, func(a, b api.Database) int { return strings.Compare(a.Name, b.Name) })
	opts := make([]huh.Option[string], 0, len(dbs))
	for i, d := range dbs {
		if d.Name == "" || (i > 0 && dbs[i-1].Name == d.Name) {
			continue
		}
		opts = append(opts, huh.NewOption(text.Sanitize(d.Name)+"  ("+text.Sanitize(d.Group)+")", d.Name))
	}
	return opts
}

// expirationHint is the description under the expiration being typed:
// both ways of writing it, then what the typed text means or what is
// wrong with it, by the API's own rule (api.ParseExpiration).
func expirationHint(v *formValues) func() string {
	return v.locked(func() string {
		// Two lines, broken where the meaning breaks rather than where
		// the width happens to fall.
		const how = "never (or empty), or 7d as the turso CLI writes it,\nor any duration the API takes: 2w1d30m (w, d, h, m, s)"
		if v.Expiration == "" {
			return hang("", how, v.Width)
		}
		d, err := api.ParseExpiration(v.Expiration)
		switch {
		case err != nil:
			return hang("✗ ", "not a duration: write never, 7d or 2w1d30m (w, d, h, m, s)", v.Width)
		case d == 0:
			return hang("✓ ", "never expires", v.Width)
		}
		return hang("✓ ", "expires in "+humanDuration(d), v.Width)
	})
}

// humanDuration is d in days, hours, minutes and seconds, the larger
// units first and zeros left out: "15 days 30 minutes".
func humanDuration(d time.Duration) string {
	var parts []string
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if n := int(d / u.d); n > 0 {
			parts = append(parts, plural(n, u.name))
			d -= time.Duration(n) * u.d
		}
	}
	if len(parts) == 0 {
		return fmt.Sprint(d)
	}
	return strings.Join(parts, " ")
}
