package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// stateVersion is the file format version; a file with another version is
// refused rather than guessed at.
const stateVersion = 1

// signingKeyLen is the size of a group's HMAC signing key.
const signingKeyLen = 32

// state is everything the emulator knows, in memory. Maps make lookups cheap;
// the file form (fileState) uses sorted slices so the file is stable.
//
// Records (groupRec, dbRec) are immutable once they are in a state: a
// write replaces a record with a changed copy (putGroup, putDB) and never
// changes one in place. That lets the committed state readers see and the
// writers' state (see Store) share every record they have in common, and
// lets a record cache its own file encoding.
type state struct {
	Generation uint64
	User       userRec
	Orgs       map[string]*orgRec
}

// userRec is the one user; it owns every organization.
type userRec struct {
	Username  string `json:"username"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	AvatarURL string `json:"avatar_url"`
	Plan      string `json:"plan"`
}

// orgRec is an organization with its groups and databases.
type orgRec struct {
	ID           string
	Slug         string
	Name         string
	Type         string // personal or team
	PlanID       string
	PlanTimeline string
	Overages     bool
	Groups       map[string]*groupRec
	Databases    map[string]*dbRec
	// Audit is the audit log, oldest first, at most maxAuditEntries. Like
	// the records, the slice is never changed in place: addAudit makes a
	// new one, so states may share it.
	Audit []*auditRec

	// groupList and dbList are the values of Groups and Databases sorted by
	// name, kept up to date by the setters so that neither a listing nor a
	// flush sorts (or looks up) 10,000 names each time.
	groupList []*groupRec
	dbList    []*dbRec
	// jr records every change made through the setters; set only on the
	// writers' copy of the state, nil elsewhere.
	jr *journal
}

// groupRec is a group as stored, with what the API never shows (extensions,
// signing key, creation time).
type groupRec struct {
	Name             string         `json:"name"`
	UUID             string         `json:"uuid"`
	Version          string         `json:"version"`
	Locations        []string       `json:"locations"` // primary first
	Archived         bool           `json:"archived"`
	DeleteProtection bool           `json:"delete_protection"`
	Extensions       api.Extensions `json:"extensions"`
	SigningKey       []byte         `json:"signing_key"` // base64 in the file
	CreatedAt        time.Time      `json:"created_at"`
	// Provisioning holds, for each location that is not ready yet, when
	// it will be. It is in the state file so that every process sharing
	// the file reports the same; an entry whose time has passed means
	// ready, and is dropped by the next change to the group.
	Provisioning map[string]time.Time `json:"provisioning,omitempty"`

	// enc caches the record's JSON, so that a flush re-encodes only the
	// records that changed. Records are immutable, so it never goes stale;
	// clone clears it. Only the flusher touches it, under Store.wmu.
	enc []byte
	// api caches the record's API JSON for readers; see apiCache.
	api *apiCache
}

// dbRec is a database; its hostname and regions are derived from its org and
// group when served, so moving a group never leaves them stale.
type dbRec struct {
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	Group     string    `json:"group"`
	CreatedAt time.Time `json:"created_at"`
	// Usage is the baseline its usage figures grow from (see usage.go);
	// nil in files written before usage existed, and then derived.
	Usage *usageRec `json:"usage,omitempty"`

	enc []byte    // cached JSON, as groupRec.enc
	api *apiCache // cached API JSON, valid for one org and group record
}

// apiCache holds a record's API JSON, so that listing 10,000 groups copies
// bytes instead of encoding each group again. Readers fill it on first use
// and may race to do so; they compute the same bytes, and the atomic makes
// the race harmless. A database's API JSON shows its org's slug and its
// group's locations, so it is kept with the org slug and the group record
// it was made from, and made again when either changed (group records are
// immutable, so a different pointer is the only way a group changes).
//
// Every record in a state has its own apiCache: reindex and the setters
// give one to records that have none, before any reader can see them, and
// clone and inGroup drop the one they copied.
type apiCache struct{ p atomic.Pointer[apiCached] }

type apiCached struct {
	slug string
	g    *groupRec
	b    []byte
}

// apiJSON returns json.Marshal(g.apiGroup(now)), cached once no location
// is provisioning at now: before that the status changes with the clock,
// after it never again (records are immutable and time moves on).
func (g *groupRec) apiJSON(now time.Time) ([]byte, error) {
	if c := g.api.p.Load(); c != nil {
		return c.b, nil
	}
	b, err := json.Marshal(g.apiGroup(now))
	if err != nil {
		return nil, err
	}
	if !g.provisioningAt(now) {
		g.api.p.Store(&apiCached{b: b})
	}
	return b, nil
}

// dbJSON returns json.Marshal(o.apiDatabase(d)), cached.
func (o *orgRec) dbJSON(d *dbRec) ([]byte, error) {
	g := o.Groups[d.Group]
	if c := d.api.p.Load(); c != nil && c.slug == o.Slug && c.g == g {
		return c.b, nil
	}
	b, err := json.Marshal(o.apiDatabase(d))
	if err != nil {
		return nil, err
	}
	d.api.p.Store(&apiCached{slug: o.Slug, g: g, b: b})
	return b, nil
}

// fileState is the JSON file. Version and Generation come first so that a
// reader can learn the generation from the first bytes (see readGeneration).
type fileState struct {
	Version       int       `json:"version"`
	Generation    uint64    `json:"generation"`
	User          userRec   `json:"user"`
	Organizations []orgFile `json:"organizations"`
}

type orgFile struct {
	ID           string     `json:"id"`
	Slug         string     `json:"slug"`
	Name         string     `json:"name"`
	Type         string     `json:"type"`
	PlanID       string     `json:"plan_id"`
	PlanTimeline string     `json:"plan_timeline"`
	Overages     bool       `json:"overages"`
	Groups       []groupRec `json:"groups"`
	Databases    []dbRec    `json:"databases"`
	AuditLogs    []auditRec `json:"audit_logs,omitempty"`
}

// plan describes what an organization's plan allows.
type plan struct {
	Name      string
	Price     string
	MaxGroups int // 0 = unlimited
	Locations int
	Databases int
}

// plans are the plans the emulator knows, in the order /plans lists them.
// Only the group limit is enforced; the rest is for display.
var plans = []plan{
	{Name: "starter", Price: "0", MaxGroups: 1, Locations: 3, Databases: 500},
	{Name: "scaler", Price: "29", Locations: 6, Databases: 10000},
	{Name: "pro", Price: "417", Locations: 16, Databases: 100000},
	{Name: "enterprise", Price: "custom", Locations: 35, Databases: 1000000},
}

// unlimitedQuota is what quotas.groups says for unlimited plans: the spec
// wants an integer, and a huge one keeps "count < quota" checks working.
const unlimitedQuota = math.MaxInt32

func planByName(name string) (plan, bool) {
	for _, p := range plans {
		if p.Name == name {
			return p, true
		}
	}
	return plan{}, false
}

// groupLimit is how many groups the org's plan allows; 0 means unlimited.
// An unknown plan is treated as unlimited rather than locking the user out.
func (o *orgRec) groupLimit() int {
	p, _ := planByName(o.PlanID)
	return p.MaxGroups
}

func (o *orgRec) atGroupLimit() bool {
	limit := o.groupLimit()
	return limit > 0 && len(o.Groups) >= limit
}

// personalOrg returns the user's personal organization, which the
// user-scoped routes (/v1/groups, /v1/databases) act on.
func (st *state) personalOrg() *orgRec {
	if o, ok := st.Orgs[st.User.Username]; ok && o.Type == "personal" {
		return o
	}
	for _, o := range st.Orgs {
		if o.Type == "personal" {
			return o
		}
	}
	return nil
}

// Location statuses the local API reports in status.locations[].status.
// The turso CLI acts only on "down"; "provisioning" is this API's word for
// a location that is not ready yet (the real API's words for it are not
// documented), which the CLI shows as healthy and this dashboard as
// provisioning.
const (
	StatusUp           = "up"
	StatusProvisioning = "provisioning"
)

// apiGroup renders a group the way the Platform API and the CLI show it,
// as it is at now.
func (g *groupRec) apiGroup(now time.Time) api.Group {
	locs := append([]string(nil), g.Locations...)
	status := make([]api.LocationStatus, len(locs))
	for i, l := range locs {
		s := StatusUp
		if g.readyAt(l).After(now) {
			s = StatusProvisioning
		}
		status[i] = api.LocationStatus{Name: l, Status: s}
	}
	return api.Group{
		Name:             g.Name,
		UUID:             g.UUID,
		Version:          g.Version,
		Locations:        locs,
		Primary:          g.primary(),
		Archived:         g.Archived,
		DeleteProtection: g.DeleteProtection,
		Status:           &api.GroupStatus{Locations: status},
	}
}

// readyAt is when location l of g is ready: the zero time if it is not
// being provisioned.
func (g *groupRec) readyAt(l string) time.Time { return g.Provisioning[l] }

// provisioningAt reports whether any location of g is not ready at now.
func (g *groupRec) provisioningAt(now time.Time) bool {
	for _, t := range g.Provisioning {
		if t.After(now) {
			return true
		}
	}
	return false
}

// provision marks locations of g as not ready until now+delay, and drops
// the entries of locations that are ready (or gone) by now. A zero delay
// makes them ready at once, as the local API always was.
func (g *groupRec) provision(now time.Time, delay time.Duration, locations ...string) {
	var next map[string]time.Time
	for l, t := range g.Provisioning {
		if t.After(now) && g.hasLocation(l) {
			if next == nil {
				next = map[string]time.Time{}
			}
			next[l] = t
		}
	}
	if delay > 0 {
		for _, l := range locations {
			if next == nil {
				next = map[string]time.Time{}
			}
			next[l] = now.Add(delay).UTC()
		}
	}
	g.Provisioning = next
}

func (g *groupRec) primary() string {
	if len(g.Locations) == 0 {
		return ""
	}
	return g.Locations[0]
}

func (g *groupRec) hasLocation(code string) bool {
	for _, l := range g.Locations {
		if l == code {
			return true
		}
	}
	return false
}

// apiDatabase renders a database; hostname, primary region and regions come
// from its current org and group.
func (o *orgRec) apiDatabase(d *dbRec) api.Database {
	out := api.Database{
		Name:     d.Name,
		ID:       d.ID,
		Hostname: d.Name + "-" + o.Slug + ".turso.io",
		Group:    d.Group,
	}
	if g, ok := o.Groups[d.Group]; ok {
		out.PrimaryRegion = g.primary()
		out.Regions = append([]string(nil), g.Locations...)
	}
	return out
}

// sortedGroups returns the org's groups sorted by name, in a new slice.
func (o *orgRec) sortedGroups() []*groupRec {
	return slices.Clone(o.groupList)
}

// sortedDatabases returns the org's databases sorted by name, only those of
// group when group is not empty, in a new slice.
func (o *orgRec) sortedDatabases(group string) []*dbRec {
	if group == "" {
		return slices.Clone(o.dbList)
	}
	var ds []*dbRec
	for _, d := range o.dbList {
		if d.Group == group {
			ds = append(ds, d)
		}
	}
	return ds
}

// reindex rebuilds the sorted lists from the maps, after the maps were
// filled directly (seeding, loading).
func (o *orgRec) reindex() {
	for _, g := range o.Groups {
		if g.api == nil {
			g.api = new(apiCache)
		}
	}
	for _, d := range o.Databases {
		if d.api == nil {
			d.api = new(apiCache)
		}
	}
	o.groupList = slices.SortedFunc(maps.Values(o.Groups), func(a, b *groupRec) int { return strings.Compare(a.Name, b.Name) })
	o.dbList = slices.SortedFunc(maps.Values(o.Databases), func(a, b *dbRec) int { return strings.Compare(a.Name, b.Name) })
}

// change is one entry of the journal: the value of one map key before and
// after a write. A nil record means the key was (or became) absent.
type change struct {
	org, name  string
	oldG, newG *groupRec
	oldD, newD *dbRec
	isDB       bool
	// An audit change replaces the org's audit log oldA with newA.
	oldA, newA []*auditRec
	isAudit    bool
}

// journal lists the changes writers made, in order, so that they can be
// replayed on the committed state once durable, or undone if not.
type journal struct {
	changes []change
}

func (j *journal) record(c change) {
	if j != nil {
		j.changes = append(j.changes, c)
	}
}

// take returns the recorded changes and starts an empty list.
func (j *journal) take() []change {
	c := j.changes
	j.changes = nil
	return c
}

// putGroup sets g under its name, replacing any group of that name. g must
// not be changed afterwards (see state).
func (o *orgRec) putGroup(g *groupRec) {
	o.jr.record(change{org: o.Slug, name: g.Name, oldG: o.Groups[g.Name], newG: g})
	o.setGroup(g.Name, g)
}

// dropGroup removes the group called name, if any; not its databases.
func (o *orgRec) dropGroup(name string) {
	o.jr.record(change{org: o.Slug, name: name, oldG: o.Groups[name]})
	o.setGroup(name, nil)
}

// putDB sets d under its name, replacing any database of that name.
func (o *orgRec) putDB(d *dbRec) {
	o.jr.record(change{org: o.Slug, name: d.Name, oldD: o.Databases[d.Name], newD: d, isDB: true})
	o.setDB(d.Name, d)
}

// dropDB removes the database called name, if any.
func (o *orgRec) dropDB(name string) {
	o.jr.record(change{org: o.Slug, name: name, oldD: o.Databases[name], isDB: true})
	o.setDB(name, nil)
}

// setGroup sets (g != nil) or removes (g == nil) a key without journaling,
// keeping groupList sorted.
func (o *orgRec) setGroup(name string, g *groupRec) {
	if g != nil {
		if g.api == nil {
			g.api = new(apiCache)
		}
		o.Groups[name] = g
	} else {
		delete(o.Groups, name)
	}
	o.groupList = setSorted(o.groupList, name, g, func(g *groupRec) string { return g.Name })
}

// setDB is setGroup for databases.
func (o *orgRec) setDB(name string, d *dbRec) {
	if d != nil {
		if d.api == nil {
			d.api = new(apiCache)
		}
		o.Databases[name] = d
	} else {
		delete(o.Databases, name)
	}
	o.dbList = setSorted(o.dbList, name, d, func(d *dbRec) string { return d.Name })
}

// setSorted puts v (nil: nothing) where the element called name is or
// belongs in list, which is sorted by name.
func setSorted[T any](list []*T, name string, v *T, nameOf func(*T) string) []*T {
	i, found := slices.BinarySearchFunc(list, name, func(e *T, name string) int { return strings.Compare(nameOf(e), name) })
	switch {
	case found && v != nil:
		list[i] = v
	case found:
		list = slices.Delete(list, i, i+1)
	case v != nil:
		list = slices.Insert(list, i, v)
	}
	return list
}

// redo applies changes, in order, to s; undo takes them back, in reverse
// order. Neither journals. Every change names an organization of s: writes
// never add or remove organizations.
func (s *state) redo(changes []change) {
	for _, c := range changes {
		o := s.Orgs[c.org]
		if c.isAudit {
			o.Audit = c.newA
		} else if c.isDB {
			o.setDB(c.name, c.newD)
		} else {
			o.setGroup(c.name, c.newG)
		}
	}
}

func (s *state) undo(changes []change) {
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		o := s.Orgs[c.org]
		if c.isAudit {
			o.Audit = c.oldA
		} else if c.isDB {
			o.setDB(c.name, c.oldD)
		} else {
			o.setGroup(c.name, c.oldG)
		}
	}
}

// cloneWith returns a copy of s whose maps and name lists are its own but
// whose records are shared (they are immutable), journaling into jr.
func (s *state) cloneWith(jr *journal) *state {
	c := &state{Generation: s.Generation, User: s.User, Orgs: make(map[string]*orgRec, len(s.Orgs))}
	for slug, o := range s.Orgs {
		co := *o
		co.Groups = maps.Clone(o.Groups)
		co.Databases = maps.Clone(o.Databases)
		co.groupList = slices.Clone(o.groupList)
		co.dbList = slices.Clone(o.dbList)
		co.jr = jr
		c.Orgs[slug] = &co
	}
	return c
}

// clone returns a copy of g that a write may change before putGroup.
func (g *groupRec) clone() *groupRec {
	c := *g
	c.Locations = slices.Clone(g.Locations)
	c.Provisioning = maps.Clone(g.Provisioning)
	c.enc, c.api = nil, nil
	return &c
}

// inGroup returns a copy of d that belongs to group.
func (d *dbRec) inGroup(group string) *dbRec {
	c := *d
	c.Group = group
	c.enc, c.api = nil, nil
	return &c
}

// encoded returns g's JSON as the state file holds it, cached.
func (g *groupRec) encoded() ([]byte, error) {
	if g.enc == nil {
		b, err := json.Marshal(g)
		if err != nil {
			return nil, err
		}
		g.enc = b
	}
	return g.enc, nil
}

// encoded returns d's JSON as the state file holds it, cached.
func (d *dbRec) encoded() ([]byte, error) {
	if d.enc == nil {
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		d.enc = b
	}
	return d.enc, nil
}

// orgHead is orgFile without its groups and databases, in the same order.
type orgHead struct {
	ID           string `json:"id"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	PlanID       string `json:"plan_id"`
	PlanTimeline string `json:"plan_timeline"`
	Overages     bool   `json:"overages"`
}

// appendState appends the state file form of s to buf: exactly the bytes of
// json.Marshal(s.toFile()) (a test checks), but from each record's cached
// encoding, so that a flush at 10,000 groups costs a copy of the cached
// bytes rather than encoding 40,000 records with reflection.
func appendState(buf []byte, s *state) ([]byte, error) {
	buf = append(buf, generationPrefix...)
	buf = strconv.AppendUint(buf, s.Generation, 10)
	buf = append(buf, `,"user":`...)
	u, err := json.Marshal(s.User)
	if err != nil {
		return nil, err
	}
	buf = append(buf, u...)
	buf = append(buf, `,"organizations":`...)
	if len(s.Orgs) == 0 {
		return append(buf, "null}"...), nil
	}
	buf = append(buf, '[')
	for i, slug := range slices.Sorted(maps.Keys(s.Orgs)) {
		o := s.Orgs[slug]
		if i > 0 {
			buf = append(buf, ',')
		}
		h, err := json.Marshal(orgHead{
			ID: o.ID, Slug: o.Slug, Name: o.Name, Type: o.Type,
			PlanID: o.PlanID, PlanTimeline: o.PlanTimeline, Overages: o.Overages,
		})
		if err != nil {
			return nil, err
		}
		buf = append(buf, h[:len(h)-1]...) // without its closing brace
		buf = append(buf, `,"groups":[`...)
		for j, g := range o.groupList {
			if j > 0 {
				buf = append(buf, ',')
			}
			enc, err := g.encoded()
			if err != nil {
				return nil, err
			}
			buf = append(buf, enc...)
		}
		buf = append(buf, `],"databases":[`...)
		for j, d := range o.dbList {
			if j > 0 {
				buf = append(buf, ',')
			}
			enc, err := d.encoded()
			if err != nil {
				return nil, err
			}
			buf = append(buf, enc...)
		}
		buf = append(buf, ']')
		if buf, err = appendAudit(buf, o.Audit); err != nil {
			return nil, err
		}
		buf = append(buf, '}')
	}
	return append(buf, "]}"...), nil
}

// toFile converts the state to its file form. The store writes it with
// appendState; toFile is the reference that appendState must agree with.
func (st *state) toFile() *fileState {
	f := &fileState{Version: stateVersion, Generation: st.Generation, User: st.User}
	slugs := make([]string, 0, len(st.Orgs))
	for s := range st.Orgs {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		o := st.Orgs[s]
		of := orgFile{
			ID: o.ID, Slug: o.Slug, Name: o.Name, Type: o.Type,
			PlanID: o.PlanID, PlanTimeline: o.PlanTimeline, Overages: o.Overages,
			Groups:    make([]groupRec, 0, len(o.Groups)),
			Databases: make([]dbRec, 0, len(o.Databases)),
		}
		for _, g := range o.sortedGroups() {
			of.Groups = append(of.Groups, *g)
		}
		for _, d := range o.sortedDatabases("") {
			of.Databases = append(of.Databases, *d)
		}
		for _, e := range o.Audit {
			of.AuditLogs = append(of.AuditLogs, *e)
		}
		f.Organizations = append(f.Organizations, of)
	}
	return f
}

// errBadState is wrapped by every reason fromFile refuses a file.
var errBadState = errors.New("inconsistent state")

// fromFile checks a decoded file and converts it to the in-memory form. It
// refuses files the handlers could not serve safely (no locations, no key,
// databases of missing groups) instead of failing later mid-request.
func (f *fileState) fromFile() (*state, error) {
	if f.Version != stateVersion {
		return nil, fmt.Errorf("%w: file format version %d, this build reads version %d", errBadState, f.Version, stateVersion)
	}
	if f.User.Username == "" {
		return nil, fmt.Errorf("%w: no user", errBadState)
	}
	st := &state{Generation: f.Generation, User: f.User, Orgs: make(map[string]*orgRec, len(f.Organizations))}
	for _, of := range f.Organizations {
		if of.Slug == "" {
			return nil, fmt.Errorf("%w: an organization has no slug", errBadState)
		}
		if _, dup := st.Orgs[of.Slug]; dup {
			return nil, fmt.Errorf("%w: organization %q is listed twice", errBadState, of.Slug)
		}
		o := &orgRec{
			ID: of.ID, Slug: of.Slug, Name: of.Name, Type: of.Type,
			PlanID: of.PlanID, PlanTimeline: of.PlanTimeline, Overages: of.Overages,
			Groups:    make(map[string]*groupRec, len(of.Groups)),
			Databases: make(map[string]*dbRec, len(of.Databases)),
		}
		for i := range of.Groups {
			g := of.Groups[i]
			switch {
			case g.Name == "":
				return nil, fmt.Errorf("%w: a group of %q has no name", errBadState, of.Slug)
			case len(g.Locations) == 0:
				return nil, fmt.Errorf("%w: group %s/%s has no locations", errBadState, of.Slug, g.Name)
			case len(g.SigningKey) < signingKeyLen:
				return nil, fmt.Errorf("%w: group %s/%s has no usable signing key", errBadState, of.Slug, g.Name)
			}
			if _, dup := o.Groups[g.Name]; dup {
				return nil, fmt.Errorf("%w: group %s/%s is listed twice", errBadState, of.Slug, g.Name)
			}
			o.Groups[g.Name] = &g
		}
		for i := range of.Databases {
			d := of.Databases[i]
			if _, ok := o.Groups[d.Group]; !ok {
				return nil, fmt.Errorf("%w: database %s/%s belongs to missing group %q", errBadState, of.Slug, d.Name, d.Group)
			}
			if _, dup := o.Databases[d.Name]; dup {
				return nil, fmt.Errorf("%w: database %s/%s is listed twice", errBadState, of.Slug, d.Name)
			}
			o.Databases[d.Name] = &d
		}
		if err := o.loadAudit(of.AuditLogs); err != nil {
			return nil, err
		}
		o.reindex()
		st.Orgs[o.Slug] = o
	}
	return st, nil
}

// newSigningKey returns a fresh random group signing key.
func newSigningKey() ([]byte, error) {
	k := make([]byte, signingKeyLen)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("generating a signing key: %w", err)
	}
	return k, nil
}

// randomUUID returns a random (version 4) UUID.
func randomUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a UUID: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b), nil
}

// stableUUID derives a UUID from a name, so seeded objects keep the same id
// across runs and golden outputs stay stable.
func stableUUID(name string) string {
	sum := sha256.Sum256([]byte("turso-groups-emulator/" + name))
	var b [16]byte
	copy(b[:], sum[:16])
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
