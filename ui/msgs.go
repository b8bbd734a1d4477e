package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
)

// groupsLoadedMsg carries one load of the group list and the databases.
// seq and gen identify the request, so a superseded answer is dropped.
type groupsLoadedMsg struct {
	seq, gen int
	groups   []api.Group
	dbs      []api.Database
	err      error // the groups could not be loaded
	dbErr    error // only the databases could not be loaded
	// data is the load indexed, off the update loop; loadGroupsCmd always
	// sets it, and it may be shared with other dashboards (Options.Cache),
	// so it is never changed. Nil means: index groups and dbs.
	data *groupData
}

// locationsLoadedMsg carries the location list.
type locationsLoadedMsg struct {
	locs []api.Location
	err  error
}

// tokenValidatedMsg is the answer of /v1/auth/validate.
type tokenValidatedMsg struct {
	gen int
	exp time.Time
	err error
}

// orgsLoadedMsg carries the user's organizations; then says what to open
// once they are there.
type orgsLoadedMsg struct {
	orgs []api.Organization
	user api.User
	then formKind
	err  error
}

// opDoneMsg is the result of a mutation started by startOp.
type opDoneMsg struct {
	id, gen int
	kind    opKind
	group   string    // the group acted on
	result  api.Group // the group as the server answered, when it did
	config  *api.GroupConfig
	token   string
	err     error
	retry   *formState // the form to reopen, with its values, on failure
}

// refreshTickMsg fires the optional periodic refresh.
type refreshTickMsg struct{ gen int }

// clearToastMsg hides the toast it was scheduled for.
type clearToastMsg struct{ id int }

// copiedMsg reports the outcome of a clipboard copy.
type copiedMsg struct{ err error }

type opKind int

const (
	opCreate opKind = iota
	opDelete
	opAddLocation
	opRemoveLocation
	opProtect
	opToken
	opRotate
	opTransfer
	opUnarchive
	opUpdate
)

// loadGroupsCmd fetches the groups and, in parallel, all the databases of
// the organization: two requests, whatever the number of groups. With a
// cache, dashboards loading the same organization at once share those two
// requests, and a load younger than the cache's TTL is reused.
func loadGroupsCmd(ctx context.Context, c *api.Client, cache *Cache, seq, gen int) tea.Cmd {
	return func() tea.Msg {
		d := cache.loadGroups(ctx, c)
		return groupsLoadedMsg{seq: seq, gen: gen, groups: d.groups, err: d.err, dbErr: d.dbErr, data: d}
	}
}

func loadLocationsCmd(ctx context.Context, c *api.Client, cache *Cache) tea.Cmd {
	return func() tea.Msg {
		locs, err := cache.loadLocations(ctx, c)
		return locationsLoadedMsg{locs: locs, err: err}
	}
}

func validateTokenCmd(ctx context.Context, c *api.Client, cache *Cache, gen int) tea.Cmd {
	return func() tea.Msg {
		exp, err := cache.validateToken(ctx, c)
		return tokenValidatedMsg{gen: gen, exp: exp, err: err}
	}
}

// loadOrgsCmd fetches the organizations (and the user, whose personal
// organization is among them) for the org switcher and transfers.
func loadOrgsCmd(ctx context.Context, c *api.Client, then formKind) tea.Cmd {
	return func() tea.Msg {
		orgs, err := c.ListOrganizations(ctx)
		if err != nil {
			return orgsLoadedMsg{err: err, then: then}
		}
		u, _ := c.CurrentUser(ctx)
		return orgsLoadedMsg{orgs: orgs, user: u, then: then}
	}
}

func clearToastAfter(id int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return clearToastMsg{id: id} })
}

func refreshAfter(gen int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return refreshTickMsg{gen: gen} })
}
