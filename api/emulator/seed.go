package emulator

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// seedEpoch is when seeded objects were "created"; fixed so seeds are
// deterministic apart from their signing keys.
var seedEpoch = time.Date(2024, time.March, 4, 9, 30, 0, 0, time.UTC)

// seedGroup describes one seeded group and its databases.
type seedGroup struct {
	name      string
	locations []string // primary first
	version   string
	archived  bool
	protected bool
	ext       api.Extensions
	databases []string
}

// demoGroups are the groups of the personal org in the demo seed: one of
// each kind a dashboard has to show (multi-location, AWS, outdated version,
// archived, delete-protected).
var demoGroups = []seedGroup{
	{name: "default", locations: []string{"fra", "lhr"}, version: LatestVersion, databases: []string{"main", "sessions"}},
	{name: "analytics", locations: []string{"aws-us-east-1", "aws-eu-west-1"}, version: LatestVersion, ext: api.AllExtensions, databases: []string{"events", "metrics", "reports"}},
	{name: "staging", locations: []string{"aws-us-east-2"}, version: "v0.24.28", databases: []string{"staging-app"}},
	{name: "edge-cache", locations: []string{"ams", "sin", "syd", "gru"}, version: LatestVersion, databases: []string{"cache-eu", "cache-apac", "cache-sa", "cache-global"}},
	{name: "legacy", locations: []string{"lhr"}, version: "v0.23.7", archived: true, databases: []string{"old-blog"}},
	{name: "billing", locations: []string{"aws-us-west-2"}, version: LatestVersion, protected: true, ext: api.Extensions{Names: []string{"crypto", "uuid"}}, databases: []string{"invoices", "ledger"}},
}

// acmeGroups fill the team org's single starter-plan group slot. The name
// differs from every personal-org group so that transferring it to the
// personal org works on a fresh seed (a clash would be a 409).
var acmeGroups = []seedGroup{
	{name: "production", locations: []string{"aws-us-east-1"}, version: LatestVersion, databases: []string{"acme-web", "acme-jobs"}},
}

// syntheticLocations are cycled through by synthetic groups.
var syntheticLocations = []string{"aws-us-east-1", "aws-eu-west-1", "aws-ap-south-1", "aws-us-west-2", "fra", "lhr", "sin"}

// buildSeed returns a fresh state for seed plus n synthetic groups
// (load-00001, ...) with three databases each in the personal org.
func buildSeed(seed string, n int) (*state, error) {
	if n < 0 {
		return nil, fmt.Errorf("emulator: seed group count must not be negative, got %d", n)
	}
	st := &state{
		User: userRec{
			Username:  DemoUser,
			Name:      "Demo User",
			Email:     "demo@example.com",
			AvatarURL: "https://avatars.githubusercontent.com/u/0",
			Plan:      "scaler",
		},
		Orgs: map[string]*orgRec{},
	}
	personal := newOrg(DemoOrg, "personal", "personal", "scaler")
	st.Orgs[personal.Slug] = personal
	switch seed {
	case SeedEmpty:
	case SeedDemo, "":
		if err := addSeedGroups(personal, demoGroups); err != nil {
			return nil, err
		}
		team := newOrg(TeamOrg, "Acme", "team", "starter")
		if err := addSeedGroups(team, acmeGroups); err != nil {
			return nil, err
		}
		st.Orgs[team.Slug] = team
	default:
		return nil, fmt.Errorf("emulator: unknown seed %q (want %q or %q)", seed, SeedDemo, SeedEmpty)
	}
	if err := addSyntheticGroups(personal, n); err != nil {
		return nil, err
	}
	for _, o := range st.Orgs {
		o.reindex()
	}
	return st, nil
}

func newOrg(slug, name, typ, planID string) *orgRec {
	return &orgRec{
		ID:           stableUUID("org/" + slug),
		Slug:         slug,
		Name:         name,
		Type:         typ,
		PlanID:       planID,
		PlanTimeline: "monthly",
		Groups:       map[string]*groupRec{},
		Databases:    map[string]*dbRec{},
	}
}

func addSeedGroups(o *orgRec, groups []seedGroup) error {
	keys, err := signingKeys(len(groups))
	if err != nil {
		return err
	}
	for i, sg := range groups {
		created := seedEpoch.Add(time.Duration(i) * 24 * time.Hour)
		o.Groups[sg.name] = &groupRec{
			Name:             sg.name,
			UUID:             stableUUID("group/" + o.Slug + "/" + sg.name),
			Version:          sg.version,
			Locations:        append([]string(nil), sg.locations...),
			Archived:         sg.archived,
			DeleteProtection: sg.protected,
			Extensions:       sg.ext,
			SigningKey:       keys[i],
			CreatedAt:        created,
		}
		for j, db := range sg.databases {
			o.Databases[db] = &dbRec{
				Name:      db,
				ID:        stableUUID("db/" + o.Slug + "/" + db),
				Group:     sg.name,
				CreatedAt: created.Add(time.Duration(j+1) * time.Minute),
			}
			o.Databases[db].Usage = seedUsage(o.Databases[db].ID, o.Databases[db].CreatedAt)
		}
	}
	return nil
}

// addSyntheticGroups adds n load-test groups. Names and ids are derived from
// the index so runs are comparable; it stays well under a second for 10,000.
func addSyntheticGroups(o *orgRec, n int) error {
	if n == 0 {
		return nil
	}
	keys, err := signingKeys(n)
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("load-%05d", i)
		if _, taken := o.Groups[name]; taken {
			return fmt.Errorf("emulator: synthetic group %s clashes with a seeded group", name)
		}
		locs := []string{syntheticLocations[i%len(syntheticLocations)]}
		if i%3 == 0 {
			locs = append(locs, syntheticLocations[(i+2)%len(syntheticLocations)])
		}
		created := seedEpoch.Add(time.Duration(i) * time.Minute)
		o.Groups[name] = &groupRec{
			Name:       name,
			UUID:       stableUUID("group/" + o.Slug + "/" + name),
			Version:    LatestVersion,
			Locations:  locs,
			SigningKey: keys[i-1],
			CreatedAt:  created,
		}
		for _, suffix := range []string{"a", "b", "c"} {
			db := name + "-" + suffix
			o.Databases[db] = &dbRec{Name: db, ID: stableUUID("db/" + o.Slug + "/" + db), Group: name, CreatedAt: created}
		}
	}
	return nil
}

// signingKeys returns n fresh keys from one read of the system RNG, which
// keeps seeding 10,000 groups cheap.
func signingKeys(n int) ([][]byte, error) {
	buf := make([]byte, n*signingKeyLen)
	if _, err := rand.Read(buf); err != nil {
		return nil, fmt.Errorf("generating signing keys: %w", err)
	}
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = buf[i*signingKeyLen : (i+1)*signingKeyLen : (i+1)*signingKeyLen]
	}
	return keys, nil
}
