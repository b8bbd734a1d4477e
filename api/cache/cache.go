// Package cache shares what dashboards load from the Platform API between
// the dashboards of one process (the sessions of the SSH server): the
// group list, the databases, the locations and the token's expiry. Its
// entries are keyed by what a change touches at the server (Touch), not
// by anything of the dashboard, so that any caller that changes an
// organization can say what to drop.
//
// It depends only on package api (and api/redact): the dashboard and the
// SSH server use it, never the reverse.
package cache

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/redact"
)

// GroupList is one load of an organization's groups, with the index the
// dashboard needs, built once off its update loop. It is immutable once
// built: dashboards that share it hold the same slice and map, and
// replace them (copy on write) rather than change them.
type GroupList struct {
	Groups []api.Group
	ByName map[string]int // group name -> index in Groups
	Err    error          // the groups could not be loaded
}

// GroupDatabases groups dbs by group, each group's sorted by name, in one
// backing array; each slice is capped at its length, so that an append to
// it cannot reach a neighbour's. groups, the number of groups if known
// (0 if not), sizes the map up front.
func GroupDatabases(dbs []api.Database, groups int) map[string][]api.Database {
	// A counting pass and one sort per group rather than one sort of
	// everything: at 30,000 databases in 10,000 groups that is 2-3 times
	// faster, and as fast on input already in order.
	counts := make(map[string]int, groups)
	for i := range dbs {
		counts[dbs[i].Group]++
	}
	backing := make([]api.Database, len(dbs))
	out := make(map[string][]api.Database, len(counts))
	off := 0
	for g, n := range counts {
		out[g] = backing[off : off+n : off+n]
		counts[g] = off // from here on: where the group's next one goes
		off += n
	}
	for i := range dbs {
		at := counts[dbs[i].Group]
		backing[at] = dbs[i]
		counts[dbs[i].Group] = at + 1
	}
	for _, s := range out {
		if len(s) > 1 {
			slices.SortFunc(s, func(a, b api.Database) int { return cmp.Compare(a.Name, b.Name) })
		}
	}
	return out
}

// IndexByName maps each group's name to its index: GroupList.ByName, for
// a list the caller built itself.
func IndexByName(groups []api.Group) map[string]int {
	byName := make(map[string]int, len(groups))
	for i, g := range groups {
		byName[g.Name] = i
	}
	return byName
}

// DefaultTTL is how long a Cache reuses a load: long enough for sessions
// opening together to share one, short enough that a refresh soon after
// shows what changed elsewhere (the turso CLI, another server).
const DefaultTTL = 3 * time.Second

// locationsTTL is how long a Cache reuses the location list, which
// changes when Turso opens a region.
const locationsTTL = 10 * time.Minute

// Cache shares what dashboards load between the dashboards of one process
// (the sessions of the SSH server), keyed by API base URL and
// organization: a load of what another dashboard is already loading joins
// it (one request for all), and a load younger than the TTL is reused
// instead of fetched again. Every dashboard then holds the same immutable
// group list and indexes, not a copy. A dashboard's own change to an
// organization (a create, a delete, ...) drops what it touched of that
// organization (Changed), so the next load of any dashboard fetches it
// again.
//
// A nil *Cache is valid: every load is made for its caller alone.
//
// The clients of a Cache must all use the same token: a load made with
// one client's token is shown to dashboards of another.
type Cache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
}

// New returns a cache that reuses loads for ttl (DefaultTTL if zero or
// negative). Concurrent loads are shared whatever the TTL.
func New(ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Cache{ttl: ttl, now: time.Now, entries: map[cacheKey]*cacheEntry{}}
}

// Touch is what a change may have changed at the server: what Changed
// drops.
type Touch uint8

const (
	Groups    Touch = 1 << iota // the group list
	Databases                   // the databases
	// EveryOrg: not only the client's organization (a transfer changes
	// two).
	EveryOrg
)

type cacheKind int

const (
	cacheGroups cacheKind = iota
	cacheDatabases
	cacheLocations
	cacheToken
	cacheUsage
	cachePlan
)

type cacheKey struct {
	kind      cacheKind
	base, org string
	group     string // cacheUsage only
}

// cacheEntry is the latest load of a key.
type cacheEntry struct {
	// gen counts invalidations: a load started before the latest one is
	// neither joined nor reused.
	gen uint64
	cur *flight
}

// flight is one load, in progress or done.
type flight struct {
	gen     uint64
	started time.Time
	done    chan struct{} // closed when val and keep are set
	val     any
	keep    bool // reusable until the TTL (no error)
	// waiters still waiting; when the last gives up, the load is cancelled.
	waiters int
	cancel  context.CancelFunc
}

// do returns the value for key: that of a load in flight, or of a
// reusable load younger than ttl, or of a new load by fetch. fetch runs
// in its own goroutine, with a context that ends only when every dashboard
// waiting for it has given up; it reports whether its value may be reused
// (false for an error). If ctx ends first, do returns ok false.
func (c *Cache) do(ctx context.Context, key cacheKey, ttl time.Duration, fetch func(context.Context) (val any, keep bool)) (val any, ok bool) {
	c.mu.Lock()
	e := c.entries[key]
	if e == nil {
		if len(c.entries) >= sweepAbove {
			c.sweepLocked()
		}
		e = &cacheEntry{}
		c.entries[key] = e
	}
	f := e.cur
	if f == nil || f.gen != e.gen || f.isDone() && (!f.keep || c.now().Sub(f.started) >= ttl) {
		fctx, cancel := context.WithCancel(context.Background())
		f = &flight{gen: e.gen, started: c.now(), done: make(chan struct{}), cancel: cancel}
		e.cur = f
		go func() {
			defer cancel()
			v, keep := fetch(fctx)
			c.mu.Lock()
			f.val, f.keep = v, keep
			close(f.done)
			c.mu.Unlock()
		}()
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.val, true
	case <-ctx.Done():
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.isDone() {
		return f.val, true
	}
	f.waiters--
	if f.waiters == 0 {
		// Nobody wants it any more: stop it, and let the next load start
		// afresh rather than join a cancelled one.
		f.cancel()
		if e.cur == f {
			e.cur = nil
		}
	}
	return nil, false
}

// sweepAbove is the number of entries from which a new one first drops
// those no caller can reuse: usage is kept per group, and a server up for
// weeks sees every group of every organization its sessions scrolled by.
const sweepAbove = 4096

// sweepLocked drops the entries whose load is done and older than the
// longest TTL any caller reuses it for; with c.mu held.
func (c *Cache) sweepLocked() {
	now := c.now()
	for key, e := range c.entries {
		if f := e.cur; f == nil || f.isDone() && now.Sub(f.started) >= max(c.ttl, locationsTTL) {
			delete(c.entries, key)
		}
	}
}

func (f *flight) isDone() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// Changed records that a change was sent for client's organization,
// whether or not it succeeded (a timeout may still have changed
// something): what it touched of that organization's entries is dropped,
// so the next load fetches it again, and a load in flight (which may
// predate the change) is no longer joined. With EveryOrg, that of every
// organization of the API is. The locations, the token and the plan are
// not touched by any change.
func (c *Cache) Changed(client *api.Client, touched Touch) {
	if c == nil || touched&(Groups|Databases) == 0 {
		return
	}
	base, org := client.BaseURL(), client.Org()
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, e := range c.entries {
		// A group's usage is summed over its databases, and keyed by the
		// group's name: any change to either makes it stale.
		hit := key.kind == cacheGroups && touched&Groups != 0 || key.kind == cacheDatabases && touched&Databases != 0 ||
			key.kind == cacheUsage
		if hit && key.base == base && (key.org == org || touched&EveryOrg != 0) {
			e.gen++
			e.cur = nil
		}
	}
}

// Groups is the groups of client's organization, indexed; shared through
// the cache when there is one. The databases come separately (Databases),
// so that a dashboard can draw the list before they arrive: at 10,000
// groups they are three times the data. The result is shared: never
// change it.
func (c *Cache) Groups(ctx context.Context, client *api.Client) *GroupList {
	if c == nil {
		return fetchGroupList(ctx, client)
	}
	key := cacheKey{kind: cacheGroups, base: client.BaseURL(), org: client.Org()}
	v, ok := c.do(ctx, key, c.ttl, func(ctx context.Context) (any, bool) {
		d := fetchGroupList(ctx, client)
		return d, d.Err == nil
	})
	if !ok {
		return &GroupList{Err: ctx.Err()}
	}
	return v.(*GroupList)
}

func fetchGroupList(ctx context.Context, client *api.Client) (d *GroupList) {
	defer onPanic(client, func(err error) { d = &GroupList{Err: err} })
	groups, err := client.ListGroups(ctx)
	d = &GroupList{Groups: groups, Err: err}
	if err == nil {
		d.ByName = IndexByName(groups)
	}
	return d
}

// DatabaseList is one load of an organization's databases, grouped by
// group (GroupDatabases). Like GroupList, it is immutable once built.
type DatabaseList struct {
	ByGroup map[string][]api.Database // group name -> its databases
	Err     error                     // the databases could not be loaded
}

// Databases is every database of client's organization (one request),
// grouped by group; shared through the cache when there is one. The
// result is shared: never change it.
func (c *Cache) Databases(ctx context.Context, client *api.Client) *DatabaseList {
	fetch := func(ctx context.Context) (d *DatabaseList) {
		defer onPanic(client, func(err error) { d = &DatabaseList{Err: err} })
		dbs, err := client.ListDatabases(ctx)
		if err != nil {
			return &DatabaseList{Err: err}
		}
		return &DatabaseList{ByGroup: GroupDatabases(dbs, 0)}
	}
	if c == nil {
		return fetch(ctx)
	}
	key := cacheKey{kind: cacheDatabases, base: client.BaseURL(), org: client.Org()}
	v, ok := c.do(ctx, key, c.ttl, func(ctx context.Context) (any, bool) {
		d := fetch(ctx)
		return d, d.Err == nil
	})
	if !ok {
		return &DatabaseList{Err: ctx.Err()}
	}
	return v.(*DatabaseList)
}

type locationsResult struct {
	locs []api.Location
	err  error
}

// Locations is the location list, shared through the cache when there is
// one. The list is the same for every organization, and changes only when
// Turso opens a region, so it is reused for longer than the TTL.
func (c *Cache) Locations(ctx context.Context, client *api.Client) ([]api.Location, error) {
	list := func(ctx context.Context) (locs []api.Location, err error) {
		defer onPanic(client, func(e error) { locs, err = nil, e })
		return client.ListLocations(ctx)
	}
	if c == nil {
		return list(ctx)
	}
	key := cacheKey{kind: cacheLocations, base: client.BaseURL()}
	v, ok := c.do(ctx, key, max(c.ttl, locationsTTL), func(ctx context.Context) (any, bool) {
		locs, err := list(ctx)
		return locationsResult{locs, err}, err == nil
	})
	if !ok {
		return nil, ctx.Err()
	}
	r := v.(locationsResult)
	return r.locs, r.err
}

type tokenResult struct {
	exp time.Time
	err error
}

// ValidateToken asks the API when client's token expires; concurrent
// callers share one request.
func (c *Cache) ValidateToken(ctx context.Context, client *api.Client) (time.Time, error) {
	validate := func(ctx context.Context) (exp time.Time, err error) {
		defer onPanic(client, func(e error) { exp, err = time.Time{}, e })
		return client.ValidateToken(ctx)
	}
	if c == nil {
		return validate(ctx)
	}
	key := cacheKey{kind: cacheToken, base: client.BaseURL()}
	v, ok := c.do(ctx, key, c.ttl, func(ctx context.Context) (any, bool) {
		exp, err := validate(ctx)
		return tokenResult{exp, err}, err == nil
	})
	if !ok {
		return time.Time{}, ctx.Err()
	}
	r := v.(tokenResult)
	return r.exp, r.err
}

// PanicError is a panic in a load, turned into the load's error: loads
// run on goroutines of their own (the caller's command, or the cache's),
// where a panic would end the program, or an SSH server with every
// session on it. Msg and Stack have the client's token, and anything
// shaped like a token, taken out, since the caller shows and logs them.
type PanicError struct {
	Msg, Stack string
}

func (e *PanicError) Error() string { return "internal error: " + e.Msg }

// onPanic, deferred, hands fail a PanicError for a panic.
func onPanic(c *api.Client, fail func(error)) {
	if r := recover(); r != nil {
		fail(&PanicError{Msg: redactWith(c, panicText(r)), Stack: redactWith(c, string(debug.Stack()))})
	}
}

// panicText is the message of a panic value, even one whose Error or
// String method panics in turn.
func panicText(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("a panic of type %T", r)
		}
	}()
	return fmt.Sprint(r)
}

func redactWith(c *api.Client, s string) string {
	if c != nil {
		s = c.Redact(s)
	}
	return redact.String(s)
}
