package emulator

import (
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

// The create example of the Turso docs, verbatim, on both path forms.
func TestSeedExampleCreateGroup2(t *testing.T) {
	for _, p := range prefixes {
		t.Run(p.name, func(t *testing.T) {
			a := newTestAPI(t, SeedDemo)
			res := a.do("POST", p.path, `{
      "name": "group2",
      "location": "lhr"
  }`).expect(t, 200)
			g := res.group(t)
			if g.Name != "group2" || g.Primary != "lhr" || !equalStrings(g.Locations, []string{"lhr"}) {
				t.Fatalf("group = %+v, want group2 at [lhr] primary lhr", g)
			}
			if g.UUID == "" || g.Version != LatestVersion || g.Archived || g.DeleteProtection {
				t.Errorf("group = %+v: want a uuid, version %s, not archived, not protected", g, LatestVersion)
			}
			if g.Status == nil || len(g.Status.Locations) != 1 || g.Status.Locations[0] != (api.LocationStatus{Name: "lhr", Status: "up"}) {
				t.Errorf("status = %+v, want lhr up", g.Status)
			}
			// The raw keys the docs show must be there under those names.
			var raw map[string]map[string]any
			res.decode(t, &raw)
			for _, k := range []string{"name", "locations", "primary", "uuid", "version", "archived", "delete_protection", "status"} {
				if _, ok := raw["group"][k]; !ok {
					t.Errorf("group JSON lacks %q: %s", k, res.body)
				}
			}
			got := a.do("GET", p.path+"/group2", "").expect(t, 200).group(t)
			if got.UUID != g.UUID {
				t.Errorf("GET after create: uuid %s, want %s", got.UUID, g.UUID)
			}
		})
	}
}

// The add-location example of the Turso docs, verbatim, on both path forms.
func TestSeedExampleAddLocation(t *testing.T) {
	for _, p := range prefixes {
		t.Run(p.name, func(t *testing.T) {
			a := newTestAPI(t, SeedDemo)
			g := a.do("POST", p.path+"/default/locations/bos", "").expect(t, 200).group(t)
			if g.Name != "default" || g.Primary != "fra" || !equalStrings(g.Locations, []string{"fra", "lhr", "bos"}) {
				t.Fatalf("group = %+v, want default [fra lhr bos] primary fra", g)
			}
		})
	}
}

// The CLI sends capitalised keys; the npm client may send text/plain.
func TestCreateGroupCaseInsensitiveKeysTextPlain(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	g := a.do("POST", "/v1/groups", `{"Name":"x","Location":"lhr","Version":""}`,
		withHeader("Content-Type", "text/plain;charset=UTF-8")).expect(t, 200).group(t)
	if g.Name != "x" || g.Primary != "lhr" {
		t.Fatalf("group = %+v", g)
	}
}

// TestCreateGroupExtensions: the extensions asked for are kept (the API
// never shows them, so the store is read directly).
func TestCreateGroupExtensions(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	a.do("POST", "/v1/groups", `{"name":"all-ext","location":"aws-us-east-1","extensions":"all"}`).expect(t, 200)
	a.do("POST", "/v1/groups", `{"name":"some-ext","location":"aws-us-east-1","extensions":["vector","crypto"]}`).expect(t, 200)
	a.do("POST", "/v1/groups", `{"name":"no-ext","location":"aws-us-east-1","extensions":null}`).expect(t, 200)
	got := map[string]string{}
	if err := a.srv.Store().view(func(s *state) error {
		for _, name := range []string{"all-ext", "some-ext", "no-ext"} {
			b, err := json.Marshal(s.Orgs[DemoOrg].Groups[name].Extensions)
			if err != nil {
				return err
			}
			got[name] = string(b)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"all-ext": `"all"`, "some-ext": `["vector","crypto"]`, "no-ext": `null`}
	if !maps.Equal(got, want) {
		t.Fatalf("stored extensions %v, want %v", got, want)
	}
}

func TestCreateGroupErrors(t *testing.T) {
	long := strings.Repeat("a", api.MaxGroupNameLen+1)
	cases := []struct {
		name   string
		body   string
		status int
		msg    string // exact message, or "" to only check it is non-empty
		prefix string // message prefix, when the exact text comes from elsewhere
	}{
		{name: "uppercase", body: `{"name":"Bad","location":"lhr"}`, status: 400, msg: api.ValidateGroupName("Bad").Error()},
		{name: "empty name", body: `{"location":"lhr"}`, status: 400, msg: api.ValidateGroupName("").Error()},
		{name: "too long", body: `{"name":"` + long + `","location":"lhr"}`, status: 400, msg: api.ValidateGroupName(long).Error()},
		{name: "hyphen", body: `{"name":"-x","location":"lhr"}`, status: 400, msg: api.ValidateGroupName("-x").Error()},
		{name: "space", body: `{"name":"a b","location":"lhr"}`, status: 400, msg: api.ValidateGroupName("a b").Error()},
		{name: "no location", body: `{"name":"ok"}`, status: 400, msg: "location is required"},
		{name: "unknown location", body: `{"name":"ok","location":"xyz"}`, status: 400, msg: "invalid location: xyz"},
		{name: "unknown extension", body: `{"name":"ok","location":"lhr","extensions":["nope"]}`, status: 400,
			msg: api.ValidateExtensions(api.Extensions{Names: []string{"nope"}}).Error()},
		{name: "duplicate extension", body: `{"name":"ok","location":"lhr","extensions":["uuid","uuid"]}`, status: 400,
			msg: api.ValidateExtensions(api.Extensions{Names: []string{"uuid", "uuid"}}).Error()},
		{name: "extension string", body: `{"name":"ok","location":"lhr","extensions":"some"}`, status: 400, prefix: "invalid extensions"},
		{name: "extension number", body: `{"name":"ok","location":"lhr","extensions":5}`, status: 400, prefix: "invalid extensions"},
		{name: "bad JSON", body: `{"name":`, status: 400, prefix: "invalid JSON body"},
		{name: "wrong type", body: `{"name":5,"location":"lhr"}`, status: 400, prefix: "invalid JSON body"},
		{name: "empty body", body: ``, status: 400, msg: api.ValidateGroupName("").Error()},
		{name: "taken", body: `{"name":"default","location":"lhr"}`, status: 409, msg: "group already exists"},
	}
	for _, p := range prefixes {
		a := newTestAPI(t, SeedDemo)
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				e := a.do("POST", p.path, c.body).expect(t, c.status).errorOf(t)
				if c.msg != "" && e.Error != c.msg {
					t.Errorf("error %q, want %q", e.Error, c.msg)
				}
				if c.prefix != "" && !strings.HasPrefix(e.Error, c.prefix) {
					t.Errorf("error %q, want prefix %q", e.Error, c.prefix)
				}
			})
		}
	}
}

func TestCreateGroupBodyTooLarge(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	big := `{"name":"big","location":"lhr","pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	a.do("POST", "/v1/groups", big).expect(t, http.StatusRequestEntityTooLarge).errorOf(t)
	if _, ok := a.srv.Store().Group(DemoOrg, "big"); ok {
		t.Fatal("group from an oversized body was created")
	}
}

func TestPlanLimit(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	path := "/v1/organizations/" + TeamOrg + "/groups"
	e := a.do("POST", path, `{"name":"second","location":"aws-us-east-1"}`).expect(t, http.StatusPaymentRequired).errorOf(t)
	if e.Code != api.CodePlanLimit || e.Error != "creating more than one group is limited to Scaler, Pro and Enterprise plans" {
		t.Fatalf("error = %+v", e)
	}
	// A taken name is still reported as a conflict, the more specific problem.
	a.do("POST", path, `{"name":"production","location":"aws-us-east-1"}`).expect(t, 409)
	// The limit counts groups: with the one group gone, one can be created.
	a.do("DELETE", path+"/production", "").expect(t, 200)
	a.do("POST", path, `{"name":"second","location":"aws-us-east-1"}`).expect(t, 200)
	a.do("POST", path, `{"name":"third","location":"aws-us-east-1"}`).expect(t, http.StatusPaymentRequired)
}

func TestListAndGetGroups(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	for _, p := range prefixes {
		gs := a.do("GET", p.path, "").expect(t, 200).groups(t)
		want := []string{"analytics", "billing", "default", "edge-cache", "legacy", "staging"}
		if !equalStrings(groupNames(gs), want) {
			t.Fatalf("%s: groups %v, want %v", p.name, groupNames(gs), want)
		}
		g := a.do("GET", p.path+"/edge-cache", "").expect(t, 200).group(t)
		if len(g.Locations) < 3 || g.Primary != g.Locations[0] {
			t.Errorf("edge-cache = %+v", g)
		}
		if e := a.do("GET", p.path+"/nope", "").expect(t, 404).errorOf(t); e.Error != "group not found" {
			t.Errorf("error %q", e.Error)
		}
	}
	acme := a.do("GET", "/v1/organizations/acme/groups", "").expect(t, 200).groups(t)
	if !equalStrings(groupNames(acme), []string{"production"}) {
		t.Errorf("acme groups %v", groupNames(acme))
	}
	for _, path := range []string{"/v1/organizations/nope/groups", "/v1/organizations/nope/groups/default", "/v1/organizations/nope/databases"} {
		if e := a.do("GET", path, "").expect(t, 404).errorOf(t); e.Error != "organization not found" {
			t.Errorf("%s: error %q", path, e.Error)
		}
	}
	a.do("POST", "/v1/organizations/nope/groups", `{"name":"x","location":"lhr"}`).expect(t, 404)
	// Path values are unescaped; the npm client does not escape names.
	a.do("GET", "/v1/organizations/demo/groups/a%20b", "").expect(t, 404)
}

func TestArchivedAndProtectedSeeds(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	var archived, protected int
	for _, g := range a.do("GET", "/v1/groups", "").expect(t, 200).groups(t) {
		if g.Archived {
			archived++
		}
		if g.DeleteProtection {
			protected++
		}
	}
	if archived != 1 || protected != 1 {
		t.Fatalf("archived %d, protected %d; want one of each", archived, protected)
	}
}

func TestDeleteProtection(t *testing.T) {
	for _, p := range prefixes {
		t.Run(p.name, func(t *testing.T) {
			a := newTestAPI(t, SeedDemo)
			e := a.do("DELETE", p.path+"/billing", "").expect(t, 400).errorOf(t)
			if e.Code != "delete_protection_enabled" || !strings.Contains(e.Error, "delete protect") || !strings.Contains(e.Error, "off") {
				t.Fatalf("error = %+v; want it to say why and how", e)
			}
			var cfg struct {
				DeleteProtection *bool `json:"delete_protection"`
			}
			a.do("GET", p.path+"/billing/configuration", "").expect(t, 200).decode(t, &cfg)
			if cfg.DeleteProtection == nil || !*cfg.DeleteProtection {
				t.Fatalf("configuration = %+v, want delete_protection true", cfg)
			}
			a.do("PATCH", p.path+"/billing/configuration", `{}`).expect(t, 400).errorOf(t)
			a.do("PATCH", p.path+"/billing/configuration", ``).expect(t, 400).errorOf(t)
			res := a.do("PATCH", p.path+"/billing/configuration", `{"delete_protection":false}`).expect(t, 200)
			if string(res.body) != "{\"delete_protection\":false}\n" {
				t.Fatalf("PATCH answered %s", res.body)
			}
			g := a.do("DELETE", p.path+"/billing", "").expect(t, 200).group(t)
			if g.Name != "billing" {
				t.Fatalf("deleted %+v", g)
			}
			a.do("GET", p.path+"/billing", "").expect(t, 404)
			// And on again.
			a.do("PATCH", p.path+"/default/configuration", `{"delete_protection":true}`).expect(t, 200)
			a.do("DELETE", p.path+"/default", "").expect(t, 400)
			a.do("DELETE", p.path+"/nope", "").expect(t, 404)
			a.do("GET", p.path+"/nope/configuration", "").expect(t, 404)
		})
	}
}

func TestDeleteRemovesDatabases(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	before := a.do("GET", "/v1/organizations/demo/databases?group=analytics", "").expect(t, 200).databases(t)
	if !equalStrings(databaseNames(before), []string{"events", "metrics", "reports"}) {
		t.Fatalf("analytics databases %v", databaseNames(before))
	}
	a.do("DELETE", "/v1/groups/analytics", "").expect(t, 200)
	for _, d := range a.do("GET", "/v1/organizations/demo/databases", "").expect(t, 200).databases(t) {
		if d.Group == "analytics" {
			t.Fatalf("database %s of the deleted group survived", d.Name)
		}
	}
	if got := a.do("GET", "/v1/databases?group=analytics", "").expect(t, 200).databases(t); len(got) != 0 {
		t.Fatalf("databases of deleted group: %v", databaseNames(got))
	}
	if got := a.do("GET", "/v1/databases?group=default", "").expect(t, 200).databases(t); len(got) == 0 {
		t.Fatal("databases of other groups went too")
	}
}

// TestTransferRefusesADatabaseNameClash: a database name taken in the
// target organization is a conflict, and nothing moves.
func TestTransferRefusesADatabaseNameClash(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	if err := a.srv.Store().update(func(s *state) error {
		s.Orgs[DemoOrg].putDB(&dbRec{Name: "acme-jobs", ID: "clash", Group: "default"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if e := a.do("POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`).expect(t, 409).errorOf(t); !strings.Contains(e.Error, "database acme-jobs already exists") {
		t.Errorf("database clash: %q", e.Error)
	}
	if _, ok := a.srv.Store().Group(TeamOrg, "production"); !ok {
		t.Error("the refused transfer moved the group")
	}
	for org, want := range map[string]string{DemoOrg: "default", TeamOrg: "production"} {
		var group string
		for _, d := range a.srv.Store().Databases(org) {
			if d.Name == "acme-jobs" {
				group = d.Group
			}
		}
		if group != want {
			t.Errorf("after the refused transfer %s's acme-jobs is in %q, want %q", org, group, want)
		}
	}
}

func TestTransfer(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	// demo -> acme: acme is on starter and already has its one group.
	e := a.do("POST", "/v1/groups/staging/transfer", `{"organization":"acme"}`).expect(t, 402).errorOf(t)
	if e.Code != api.CodePlanLimit || e.Error != planLimitMessage {
		t.Fatalf("error = %+v", e)
	}

	// acme -> demo works, and answers the bare group object.
	res := a.do("POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`).expect(t, 200)
	var bare map[string]any
	res.decode(t, &bare)
	if bare["name"] != "production" || bare["group"] != nil || bare["uuid"] == nil {
		t.Fatalf("transfer answered %s; want the bare group", res.body)
	}
	if _, ok := a.srv.Store().Group(TeamOrg, "production"); ok {
		t.Error("group still in acme")
	}
	if _, ok := a.srv.Store().Group(DemoOrg, "production"); !ok {
		t.Error("group not in demo")
	}
	dbs := a.do("GET", "/v1/organizations/demo/databases?group=production", "").expect(t, 200).databases(t)
	if !equalStrings(databaseNames(dbs), []string{"acme-jobs", "acme-web"}) {
		t.Fatalf("moved databases %v", databaseNames(dbs))
	}
	for _, d := range dbs {
		if d.Hostname != d.Name+"-demo.turso.io" {
			t.Errorf("hostname %s not updated", d.Hostname)
		}
	}
	if n := len(a.do("GET", "/v1/organizations/acme/databases", "").expect(t, 200).databases(t)); n != 0 {
		t.Errorf("acme still lists %d databases", n)
	}

	// acme has room again: demo -> acme now works, once.
	a.do("POST", "/v1/organizations/demo/groups/staging/transfer", `{"organization":"acme"}`).expect(t, 200)
	a.do("POST", "/v1/organizations/demo/groups/default/transfer", `{"organization":"acme"}`).expect(t, 402)
	// A name taken in the target is a conflict, reported before the limit.
	a.do("POST", "/v1/groups", `{"name":"staging","location":"lhr"}`).expect(t, 200)
	if e := a.do("POST", "/v1/groups/staging/transfer", `{"organization":"acme"}`).expect(t, 409).errorOf(t); !strings.Contains(e.Error, "already exists") {
		t.Errorf("clash: %q", e.Error)
	}

	if e := a.do("POST", "/v1/groups/default/transfer", `{"organization":"nope"}`).expect(t, 404).errorOf(t); e.Error != "organization not found" {
		t.Errorf("unknown org: %q", e.Error)
	}
	a.do("POST", "/v1/groups/default/transfer", `{"organization":"demo"}`).expect(t, 400)
	a.do("POST", "/v1/groups/default/transfer", ``).expect(t, 400)
	a.do("POST", "/v1/groups/nope/transfer", `{"organization":"acme"}`).expect(t, 404)
}

func TestUnarchive(t *testing.T) {
	for _, p := range prefixes {
		a := newTestAPI(t, SeedDemo)
		if g, _ := a.srv.Store().Group(DemoOrg, "legacy"); !g.Archived {
			t.Fatal("seed: legacy is not archived")
		}
		g := a.do("POST", p.path+"/legacy/unarchive", "").expect(t, 200).group(t)
		if g.Archived {
			t.Fatalf("%s: still archived: %+v", p.name, g)
		}
		if g, _ := a.srv.Store().Group(DemoOrg, "legacy"); g.Archived {
			t.Fatalf("%s: store still archived", p.name)
		}
		a.do("POST", p.path+"/nope/unarchive", "").expect(t, 404)
	}
}

func TestLocationsAddRemove(t *testing.T) {
	for _, p := range prefixes {
		t.Run(p.name, func(t *testing.T) {
			a := newTestAPI(t, SeedDemo)
			if e := a.do("POST", p.path+"/default/locations/amss", "").expect(t, 400).errorOf(t); e.Error != "invalid location: amss" {
				t.Errorf("unknown add: %q", e.Error)
			}
			if e := a.do("POST", p.path+"/default/locations/lhr", "").expect(t, 400).errorOf(t); !strings.Contains(e.Error, "already") {
				t.Errorf("duplicate add: %q", e.Error)
			}
			a.do("POST", p.path+"/default/locations/aws-eu-west-1", "").expect(t, 200)
			g := a.do("DELETE", p.path+"/default/locations/lhr", "").expect(t, 200).group(t)
			if !equalStrings(g.Locations, []string{"fra", "aws-eu-west-1"}) || g.Primary != "fra" {
				t.Fatalf("after remove: %+v", g)
			}
			if e := a.do("DELETE", p.path+"/default/locations/fra", "").expect(t, 400).errorOf(t); !strings.HasPrefix(e.Error, "cannot remove the primary location") {
				t.Errorf("primary remove: %q", e.Error)
			}
			if e := a.do("DELETE", p.path+"/default/locations/bos", "").expect(t, 400).errorOf(t); !strings.Contains(e.Error, "not in location bos") {
				t.Errorf("absent remove: %q", e.Error)
			}
			if e := a.do("DELETE", p.path+"/default/locations/zzz", "").expect(t, 400).errorOf(t); e.Error != "invalid location: zzz" {
				t.Errorf("unknown remove: %q", e.Error)
			}
			a.do("POST", p.path+"/nope/locations/lhr", "").expect(t, 404)
			a.do("DELETE", p.path+"/nope/locations/lhr", "").expect(t, 404)

			res := a.do("GET", p.path+"/default/locations/fra/wait", "").expect(t, 200)
			if strings.TrimSpace(string(res.body)) != "{}" {
				t.Errorf("wait answered %s", res.body)
			}
			a.do("GET", p.path+"/default/locations/bos/wait", "").expect(t, 404)
			a.do("GET", p.path+"/nope/locations/fra/wait", "").expect(t, 404)
		})
	}
}

func TestUpdateGroupVersion(t *testing.T) {
	for _, p := range prefixes {
		a := newTestAPI(t, SeedDemo)
		if g, _ := a.srv.Store().Group(DemoOrg, "staging"); g.Version == LatestVersion {
			t.Fatal("seed: staging is already on the latest version")
		}
		res := a.do("POST", p.path+"/staging/update", "").expect(t, 200)
		if strings.TrimSpace(string(res.body)) != "{}" {
			t.Errorf("update answered %s", res.body)
		}
		if g := a.do("GET", p.path+"/staging", "").expect(t, 200).group(t); g.Version != LatestVersion {
			t.Errorf("%s: version %s after update", p.name, g.Version)
		}
		a.do("POST", p.path+"/nope/update", "").expect(t, 404)
	}
}

func TestRename(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	g := a.do("POST", "/v1/groups/analytics/rename", `{"Name":"insights"}`).expect(t, 200).group(t)
	if g.Name != "insights" {
		t.Fatalf("renamed to %+v", g)
	}
	a.do("GET", "/v1/groups/analytics", "").expect(t, 404)
	dbs := a.do("GET", "/v1/databases?group=insights", "").expect(t, 200).databases(t)
	if len(dbs) != 3 {
		t.Fatalf("databases did not follow the rename: %v", databaseNames(dbs))
	}
	a.do("POST", "/v1/groups/insights/rename", `{"name":"default"}`).expect(t, 409)
	a.do("POST", "/v1/groups/insights/rename", `{"name":"Bad Name"}`).expect(t, 400)
	a.do("POST", "/v1/groups/insights/rename", `{"name":"insights"}`).expect(t, 400)
	a.do("POST", "/v1/groups/nope/rename", `{"name":"fine"}`).expect(t, 404)
}

func TestUnknownRouteAndMethod(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	for _, path := range []string{"/", "/v1", "/v1/nope", "/v1/groups/", "/v1//groups", "/v1/groups/../groups", "/v1/groups/default/nope"} {
		a.do("GET", path, "").expect(t, 404).errorOf(t)
	}
	res := a.do("PUT", "/v1/groups", "").expect(t, 405)
	res.errorOf(t)
	if res.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow = %q", res.header.Get("Allow"))
	}
	a.do("DELETE", "/v1/locations", "").expect(t, 405).errorOf(t)
	a.do("GET", "/v1/groups/default/auth/rotate", "").expect(t, 405).errorOf(t)
}

// A group JSON answer must also be readable as the generic map the spec
// describes, with status nested as the CLI expects.
func TestGroupJSONShape(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	var raw struct {
		Group struct {
			Status struct {
				Locations []map[string]string `json:"locations"`
			} `json:"status"`
		} `json:"group"`
	}
	res := a.do("GET", "/v1/groups/edge-cache", "").expect(t, 200)
	if err := json.Unmarshal(res.body, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Group.Status.Locations) < 3 || raw.Group.Status.Locations[0]["status"] != "up" {
		t.Fatalf("status = %+v", raw.Group.Status)
	}
}

// The extensions chosen at creation are not in any answer: the spec's
// Group (BaseGroup) has no extensions field, nor has the group's
// configuration (only delete_protection), so the local API does not make
// one up, and the dashboard has none to show.
func TestExtensionsNotReturned(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	bodies := []response{
		a.do("POST", "/v1/organizations/demo/groups", `{"name":"ext","location":"lhr","extensions":["vector","uuid"]}`).expect(t, 200),
		a.do("GET", "/v1/organizations/demo/groups/ext", "").expect(t, 200),
		a.do("GET", "/v1/organizations/demo/groups", "").expect(t, 200),
		a.do("GET", "/v1/organizations/demo/groups/ext/configuration", "").expect(t, 200),
	}
	for _, r := range bodies {
		if strings.Contains(string(r.body), "extensions") || strings.Contains(string(r.body), "vector") {
			t.Errorf("an answer shows the extensions: %s", r.body)
		}
	}
}
