package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
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
}

// dbRec is a database; its hostname and regions are derived from its org and
// group when served, so moving a group never leaves them stale.
type dbRec struct {
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	Group     string    `json:"group"`
	CreatedAt time.Time `json:"created_at"`
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

// apiGroup renders a group the way the Platform API and the CLI show it.
func (g *groupRec) apiGroup() api.Group {
	locs := append([]string(nil), g.Locations...)
	status := make([]api.LocationStatus, len(locs))
	for i, l := range locs {
		status[i] = api.LocationStatus{Name: l, Status: "up"}
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

// sortedGroups returns the org's groups sorted by name.
func (o *orgRec) sortedGroups() []*groupRec {
	gs := make([]*groupRec, 0, len(o.Groups))
	for _, g := range o.Groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].Name < gs[j].Name })
	return gs
}

// sortedDatabases returns the org's databases sorted by name, only those of
// group when group is not empty.
func (o *orgRec) sortedDatabases(group string) []*dbRec {
	ds := make([]*dbRec, 0, len(o.Databases))
	for _, d := range o.Databases {
		if group == "" || d.Group == group {
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	return ds
}

// toFile converts the state to its file form.
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
