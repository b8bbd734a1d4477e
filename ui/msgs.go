package ui

import (
	"context"
	"log/slog"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/listcache"
)

// groupsLoadedMsg carries one load of the group list; the databases come
// in their own databasesLoadedMsg. seq and gen identify the request, so a
// superseded answer is dropped.
type groupsLoadedMsg struct {
	seq, gen int
	// data is the load indexed, off the update loop, or its error. It may
	// be shared with other dashboards (Options.Cache), so it is never
	// changed.
	data *cache.GroupList
}

// databasesLoadedMsg carries the databases of a load (same seq and gen as
// its groupsLoadedMsg), which may arrive before or after the groups.
type databasesLoadedMsg struct {
	seq, gen int
	data     *cache.DatabaseList
}

// cachedGroupsMsg carries the list Options.ListCache kept of the
// organization of generation gen, indexed off the update loop, or why
// there is none.
type cachedGroupsMsg struct {
	gen    int
	groups []api.Group
	byName map[string]int
	saved  time.Time
	err    error
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
	then *action
	err  error
}

// opDoneMsg is the result of a mutation started by startOp.
type opDoneMsg struct {
	id, gen int
	// org is the organization the change was made in: the view of
	// every organization reloads it when the session has left it.
	org    string
	kind   *action
	group  string    // the group acted on
	result api.Group // the group as the server answered, when it did
	config *api.GroupConfig
	token  string
	db     api.Database // the database created or deleted
	err    error
	retry  *formState // the form to reopen, with its values, on failure
}

// userLoadedMsg is who is signed in; an error leaves the header without
// a name (the loads say what is wrong).
type userLoadedMsg struct {
	gen  int
	user api.User
	err  error
}

// freshTickMsg is the time to say again how old the list is.
type freshTickMsg struct{ gen int }

// refreshTickMsg fires the optional periodic refresh.
type refreshTickMsg struct{ gen int }

// clearToastMsg hides the toast it was scheduled for.
type clearToastMsg struct{ id int }

// copiedMsg reports the outcome of a clipboard copy.
type copiedMsg struct {
	err error
	// what was copied, as the toast names it; "" is the token dialog's
	// token, which is not repeated on screen. next says what the copy key
	// copies if pressed again ("" for nothing else).
	what, next string
}

// opKey names a change in flight: its kind and group, in the
// organization of generation gen (a group of the same name elsewhere is
// another group).
type opKey struct {
	gen   int
	kind  *action
	group string
}

// loadGroupListCmd fetches the groups of the organization: one request,
// whatever their number. It runs beside loadDatabasesCmd and each answers
// with its own message, so the list is drawn as soon as the groups are in
// and the databases (the larger answer) fill in after. With a cache,
// dashboards loading the same organization at once share the request, and
// a load younger than the cache's TTL is reused.
func loadGroupListCmd(ctx context.Context, c *api.Client, shared *cache.Cache, seq, gen int) tea.Cmd {
	return func() tea.Msg {
		return groupsLoadedMsg{seq: seq, gen: gen, data: shared.Groups(ctx, c)}
	}
}

// loadDatabasesCmd fetches every database of the organization in one
// request (the API pages only if it hands back a cursor).
func loadDatabasesCmd(ctx context.Context, c *api.Client, shared *cache.Cache, seq, gen int) tea.Cmd {
	return func() tea.Msg {
		return databasesLoadedMsg{seq: seq, gen: gen, data: shared.Databases(ctx, c)}
	}
}

// loadCachedCmd reads the list kept on disk for org at apiURL.
func loadCachedCmd(store *listcache.Store, c *api.Client, apiURL, org string, gen int) tea.Cmd {
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = cachedGroupsMsg{gen: gen, err: err} })
		e, err := store.Load(apiURL, org)
		if err != nil {
			return cachedGroupsMsg{gen: gen, err: err}
		}
		return cachedGroupsMsg{gen: gen, groups: e.Groups, byName: cache.IndexByName(e.Groups), saved: e.Saved}
	}
}

// saveListCmd writes a loaded list to disk for the next start, off the
// update loop; groups is only read (it may be shared). It answers
// nothing: a list that could not be saved is logged, since the dashboard
// works as well without it.
func saveListCmd(store *listcache.Store, c *api.Client, logger *slog.Logger, apiURL, org string, groups []api.Group, at time.Time) tea.Cmd {
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { logger.Error("saving the list for the next start", "err", err) })
		if err := store.Save(apiURL, org, groups, at); err != nil {
			logger.Warn("the list could not be saved for the next start", "err", redactWith(c, err.Error()))
		}
		return nil
	}
}

func loadLocationsCmd(ctx context.Context, c *api.Client, shared *cache.Cache) tea.Cmd {
	return func() tea.Msg {
		locs, err := shared.Locations(ctx, c)
		return locationsLoadedMsg{locs: locs, err: err}
	}
}

func validateTokenCmd(ctx context.Context, c *api.Client, shared *cache.Cache, gen int) tea.Cmd {
	return func() tea.Msg {
		exp, err := shared.ValidateToken(ctx, c)
		return tokenValidatedMsg{gen: gen, exp: exp, err: err}
	}
}

// loadUserCmd asks who is signed in, for the header.
func loadUserCmd(ctx context.Context, c *api.Client, gen int) tea.Cmd {
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = userLoadedMsg{gen: gen, err: err} })
		u, err := c.CurrentUser(ctx)
		return userLoadedMsg{gen: gen, user: u, err: err}
	}
}

// freshAfter brings the list's "updated … ago" up to date.
func freshAfter(gen int) tea.Cmd {
	return tea.Tick(freshEvery, func(time.Time) tea.Msg { return freshTickMsg{gen: gen} })
}

// loadOrgsCmd fetches the organizations (and the user, whose personal
// organization is among them) for the org switcher and transfers.
func loadOrgsCmd(ctx context.Context, c *api.Client, then *action) tea.Cmd {
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = orgsLoadedMsg{err: err, then: then} })
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
