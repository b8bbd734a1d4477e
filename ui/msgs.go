package ui

import (
	"context"
	"sync"
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
// the organization: two requests, whatever the number of groups.
func loadGroupsCmd(ctx context.Context, c *api.Client, seq, gen int) tea.Cmd {
	return func() tea.Msg {
		msg := groupsLoadedMsg{seq: seq, gen: gen}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg.dbs, msg.dbErr = c.ListDatabases(ctx)
		}()
		msg.groups, msg.err = c.ListGroups(ctx)
		wg.Wait()
		return msg
	}
}

func loadLocationsCmd(ctx context.Context, c *api.Client) tea.Cmd {
	return func() tea.Msg {
		locs, err := c.ListLocations(ctx)
		return locationsLoadedMsg{locs: locs, err: err}
	}
}

func validateTokenCmd(ctx context.Context, c *api.Client, gen int) tea.Cmd {
	return func() tea.Msg {
		exp, err := c.ValidateToken(ctx)
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
