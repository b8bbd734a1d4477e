package emulator

import (
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	cases := []struct {
		name string
		opt  reqOpt
	}{
		{"missing", noAuth()},
		{"wrong scheme", withHeader("Authorization", "Basic "+testToken)},
		{"wrong token", withHeader("Authorization", "Bearer nope")},
		{"token prefix", withHeader("Authorization", "Bearer "+testToken[:4])},
		{"empty bearer", withHeader("Authorization", "Bearer ")},
	}
	for _, c := range cases {
		for _, path := range []string{"/v1/auth/validate", "/v1/groups", "/v1/organizations/demo/groups/default", "/v1/nope"} {
			e := a.do("GET", path, "", c.opt).expect(t, 401).errorOf(t)
			if strings.Contains(e.Error, testToken) {
				t.Errorf("%s: error echoes the token: %q", c.name, e.Error)
			}
		}
		a.do("POST", "/v1/groups", `{"name":"sneaky","location":"lhr"}`, c.opt).expect(t, 401)
	}
	if _, ok := a.srv.Store().Group(DemoOrg, "sneaky"); ok {
		t.Fatal("an unauthorized create went through")
	}
	// The scheme is case-insensitive, as in RFC 7235.
	a.do("GET", "/v1/groups", "", withHeader("Authorization", "bearer "+testToken)).expect(t, 200)
}

func TestValidateAndExpiry(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	st, _ := NewMemoryStore(SeedEmpty, 0)
	a := newTestAPIWith(t, st, Options{Token: testToken, Now: func() time.Time { return now }})
	var v struct {
		Exp int64 `json:"exp"`
	}
	a.do("GET", "/v1/auth/validate", "").expect(t, 200).decode(t, &v)
	if want := now.AddDate(1, 0, 0).Unix(); v.Exp != want {
		t.Fatalf("exp %d, want %d (a year on)", v.Exp, want)
	}

	expired := newTestAPIWith(t, st, Options{Token: testToken, TokenExpiry: time.Now().Add(-time.Hour)})
	if e := expired.do("GET", "/v1/groups", "").expect(t, 401).errorOf(t); !strings.Contains(e.Error, "expired") {
		t.Fatalf("expired token: %q", e.Error)
	}
	if _, err := New(st, Options{}); err == nil {
		t.Fatal("New accepted an empty token")
	}
}

func TestUserEndpoints(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	var u struct {
		User map[string]any `json:"user"`
	}
	a.do("GET", "/v1/user", "").expect(t, 200).decode(t, &u)
	want := map[string]any{"username": "demo", "name": "Demo User", "email": "demo@example.com", "plan": "scaler", "mfa": false, "has_pending_invites": false}
	for k, v := range want {
		if u.User[k] != v {
			t.Errorf("user.%s = %v, want %v", k, u.User[k], v)
		}
	}
	if _, ok := u.User["avatarUrl"]; !ok {
		t.Error("user has no avatarUrl")
	}
	var cu struct {
		User struct{ Username, Plan string } `json:"user"`
	}
	a.do("GET", "/v1/current-user", "").expect(t, 200).decode(t, &cu)
	if cu.User.Username != "demo" || cu.User.Plan != "scaler" {
		t.Errorf("current-user = %+v", cu)
	}
}

func TestOrganizations(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	var v1 []map[string]any
	a.do("GET", "/v1/organizations", "").expect(t, 200).decode(t, &v1)
	if len(v1) != 2 || v1[0]["slug"] != "demo" || v1[0]["type"] != "personal" || v1[0]["name"] != "personal" || v1[0]["plan_id"] != "scaler" ||
		v1[1]["slug"] != "acme" || v1[1]["type"] != "team" || v1[1]["name"] != "Acme" || v1[1]["plan_id"] != "starter" {
		t.Fatalf("/v1/organizations = %v", v1)
	}
	var v2 struct {
		Organizations []map[string]any `json:"organizations"`
	}
	a.do("GET", "/v2/organizations", "").expect(t, 200).decode(t, &v2)
	if len(v2.Organizations) != 2 || v2.Organizations[0]["id"] == "" || v2.Organizations[0]["id"] == nil {
		t.Fatalf("/v2/organizations = %v", v2)
	}
	var one struct {
		Organization map[string]any `json:"organization"`
	}
	a.do("GET", "/v1/organizations/acme", "").expect(t, 200).decode(t, &one)
	if one.Organization["slug"] != "acme" {
		t.Fatalf("organization = %v", one)
	}
	if e := a.do("GET", "/v1/organizations/nope", "").expect(t, 404).errorOf(t); e.Error != "organization not found" {
		t.Errorf("unknown org: %q", e.Error)
	}

	var plans struct {
		Plans []struct {
			Name   string `json:"name"`
			Quotas struct {
				Groups int64 `json:"groups"`
			} `json:"quotas"`
		} `json:"plans"`
	}
	a.do("GET", "/v1/organizations/acme/plans", "").expect(t, 200).decode(t, &plans)
	quota := map[string]int64{}
	for _, p := range plans.Plans {
		quota[p.Name] = p.Quotas.Groups
	}
	if quota["starter"] != 1 || quota["scaler"] < 10000 || quota["pro"] < 10000 || quota["enterprise"] < 10000 {
		t.Errorf("group quotas %v", quota)
	}
	a.do("GET", "/v1/organizations/nope/plans", "").expect(t, 404)

	var sub struct {
		Subscription struct{ Name, Plan, Timeline string } `json:"subscription"`
	}
	a.do("GET", "/v1/organizations/acme/subscription", "").expect(t, 200).decode(t, &sub)
	if sub.Subscription.Plan != "starter" || sub.Subscription.Name != "starter" {
		t.Errorf("subscription = %+v", sub)
	}
}

func TestEmptySeed(t *testing.T) {
	a := newTestAPI(t, SeedEmpty)
	if gs := a.do("GET", "/v1/groups", "").expect(t, 200).groups(t); len(gs) != 0 {
		t.Fatalf("empty seed has groups %v", groupNames(gs))
	}
	var orgs []map[string]any
	a.do("GET", "/v1/organizations", "").expect(t, 200).decode(t, &orgs)
	if len(orgs) != 1 || orgs[0]["slug"] != DemoOrg || orgs[0]["plan_id"] != "scaler" {
		t.Fatalf("orgs = %v", orgs)
	}
	a.do("GET", "/v1/organizations/acme/groups", "").expect(t, 404)
	// The groups list is an array even when empty: clients iterate it.
	if res := a.do("GET", "/v1/groups", "").expect(t, 200); !strings.Contains(string(res.body), `"groups":[]`) {
		t.Errorf("empty list = %s", res.body)
	}
	if _, err := NewMemoryStore("bogus", 0); err == nil {
		t.Error("unknown seed accepted")
	}
	if _, err := NewMemoryStore(SeedEmpty, -1); err == nil {
		t.Error("negative seed group count accepted")
	}
}

func TestLocationsRoutes(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	var flat struct {
		Locations map[string]string `json:"locations"`
	}
	a.do("GET", "/v1/locations", "").expect(t, 200).decode(t, &flat)
	if len(flat.Locations) != 41 || flat.Locations["aws-ap-northeast-1"] != "AWS AP NorthEast (Tokyo)" || flat.Locations["lhr"] != "London, United Kingdom" {
		t.Fatalf("%d locations: %v", len(flat.Locations), flat.Locations)
	}
	if len(Locations()) != 41 {
		t.Fatalf("Locations() has %d", len(Locations()))
	}
	for _, path := range []string{"/v2/locations", "/v2/organizations/demo/locations", "/v2/organizations/acme/locations"} {
		var nested struct {
			Locations map[string]map[string]string `json:"locations"`
		}
		a.do("GET", path, "").expect(t, 200).decode(t, &nested)
		if len(nested.Locations["aws"]) != 6 || len(nested.Locations["fly"]) != 35 {
			t.Fatalf("%s: %v", path, nested)
		}
	}
	a.do("GET", "/v2/organizations/nope/locations", "").expect(t, 404)
	var one struct {
		Location struct {
			Code, Description string
		} `json:"location"`
	}
	a.do("GET", "/v1/locations/fra", "").expect(t, 200).decode(t, &one)
	if one.Location.Code != "fra" || one.Location.Description != "Frankfurt, Germany" {
		t.Fatalf("location = %+v", one)
	}
	a.do("GET", "/v1/locations/nope", "").expect(t, 404)
}

func TestDatabasesRoutes(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	all := a.do("GET", "/v1/organizations/demo/databases", "").expect(t, 200).databases(t)
	user := a.do("GET", "/v1/databases", "").expect(t, 200).databases(t)
	if len(all) == 0 || !equalStrings(databaseNames(all), databaseNames(user)) {
		t.Fatalf("org form %v, user form %v", databaseNames(all), databaseNames(user))
	}
	for i, d := range all {
		if i > 0 && all[i-1].Name >= d.Name {
			t.Fatalf("not sorted: %v", databaseNames(all))
		}
		if d.ID == "" || d.Hostname != d.Name+"-demo.turso.io" || d.Group == "" || d.PrimaryRegion == "" || len(d.Regions) == 0 || d.Regions[0] != d.PrimaryRegion {
			t.Errorf("database %+v", d)
		}
	}
	for _, g := range a.do("GET", "/v1/groups", "").expect(t, 200).groups(t) {
		n := len(a.do("GET", "/v1/databases?group="+g.Name, "").expect(t, 200).databases(t))
		if n < 1 || n > 4 {
			t.Errorf("group %s has %d databases, want 1-4", g.Name, n)
		}
	}
	acme := a.do("GET", "/v1/organizations/acme/databases", "").expect(t, 200).databases(t)
	if len(acme) < 2 || acme[0].Hostname != acme[0].Name+"-acme.turso.io" {
		t.Fatalf("acme databases %+v", acme)
	}
}
