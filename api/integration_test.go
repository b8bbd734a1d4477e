package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/api/internal/contract"
)

const token = "test-token-0123456789"

// env is a fresh local API on loopback, and clients for it whose every
// request and response is checked against the official OpenAPI spec.
type env struct {
	t     *testing.T
	url   string
	emu   *emulator.Server
	check *contract.Validator
	hc    *http.Client
}

func newEnv(t *testing.T, seed string) *env {
	t.Helper()
	return newEnvWith(t, seed, emulator.Options{})
}

// newEnvWith is newEnv with the local API's options (its token is set
// here).
func newEnvWith(t *testing.T, seed string, opts emulator.Options) *env {
	t.Helper()
	store, err := emulator.NewMemoryStore(seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	opts.Token = token
	emu, err := emulator.New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	v, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: srv.URL, emu: emu, check: v, hc: &http.Client{Transport: v.Transport(http.DefaultTransport, t)}}
}

func (e *env) client(org string) *api.Client {
	e.t.Helper()
	c, err := api.New(api.Options{BaseURL: e.url, Token: token, Org: org, HTTPClient: e.hc, MaxRetries: -1})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// raw sends a request as curl would, through the contract check, and
// returns the status and decoded body.
func (e *env) raw(method, path, body string) (int, map[string]any) {
	e.t.Helper()
	return e.send(e.hc, method, path, body)
}

// rawInvalid sends a request that breaks the spec on purpose (to see the
// server refuse it), so it bypasses the contract check.
func (e *env) rawInvalid(method, path, body string) (int, map[string]any) {
	e.t.Helper()
	return e.send(http.DefaultClient, method, path, body)
}

func (e *env) send(hc *http.Client, method, path, body string) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		e.t.Fatalf("%s %s: body is not a JSON object: %q", method, path, b)
	}
	return resp.StatusCode, m
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// The two examples of the seed pages, verbatim, on both path forms.
func TestSeedPageExamples(t *testing.T) {
	for _, prefix := range []string{"/v1/groups", "/v1/organizations/demo/groups"} {
		t.Run(prefix, func(t *testing.T) {
			e := newEnv(t, "demo")
			status, body := e.raw("POST", prefix, `{
      "name": "group2",
      "location": "lhr"
  }`)
			if status != 200 {
				t.Fatalf("create group2: %d %v", status, body)
			}
			g := body["group"].(map[string]any)
			if g["name"] != "group2" || g["primary"] != "lhr" || !slices.Equal(strs(g["locations"]), []string{"lhr"}) {
				t.Errorf("create group2 answered %v", body)
			}

			status, body = e.raw("POST", prefix+"/default/locations/bos", "")
			if status != 200 {
				t.Fatalf("add bos: %d %v", status, body)
			}
			g = body["group"].(map[string]any)
			if g["name"] != "default" || g["primary"] != "fra" || !slices.Equal(strs(g["locations"]), []string{"fra", "lhr", "bos"}) {
				t.Errorf("add bos to default answered %v", body)
			}
		})
	}
}

func TestEveryGroupOperation(t *testing.T) {
	for _, org := range []string{"demo", ""} {
		name := org
		if name == "" {
			name = "user-scoped"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, "demo")
			c := e.client(org)
			ctx := context.Background()

			before, err := c.ListGroups(ctx)
			if err != nil || len(before) == 0 {
				t.Fatalf("list: %v, %v", before, err)
			}
			ext := api.Extensions{Names: []string{"vector", "uuid"}}
			g, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "orders", Location: "aws-us-east-1", Extensions: &ext})
			if err != nil || g.Name != "orders" || g.Primary != "aws-us-east-1" || g.UUID == "" {
				t.Fatalf("create: %+v, %v", g, err)
			}
			if _, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "everything", Location: "lhr", Extensions: &api.AllExtensions}); err != nil {
				t.Fatalf("create with all extensions: %v", err)
			}
			after, _ := c.ListGroups(ctx)
			if len(after) != len(before)+2 {
				t.Errorf("list after two creates: %d groups, want %d", len(after), len(before)+2)
			}
			if got, err := c.GetGroup(ctx, "orders"); err != nil || got.UUID != g.UUID {
				t.Errorf("get: %+v, %v", got, err)
			}

			g, err = c.AddLocation(ctx, "orders", "aws-eu-west-1")
			if err != nil || !slices.Equal(g.Locations, []string{"aws-us-east-1", "aws-eu-west-1"}) {
				t.Errorf("add location: %+v, %v", g, err)
			}
			g, err = c.RemoveLocation(ctx, "orders", "aws-eu-west-1")
			if err != nil || !slices.Equal(g.Locations, []string{"aws-us-east-1"}) {
				t.Errorf("remove location: %+v, %v", g, err)
			}

			cfg, err := c.SetDeleteProtection(ctx, "orders", true)
			if err != nil || !cfg.DeleteProtection {
				t.Errorf("protect: %+v, %v", cfg, err)
			}
			if cfg, err := c.GetGroupConfig(ctx, "orders"); err != nil || !cfg.DeleteProtection {
				t.Errorf("get config: %+v, %v", cfg, err)
			}
			if got, _ := c.GetGroup(ctx, "orders"); !got.DeleteProtection {
				t.Errorf("group does not show delete protection: %+v", got)
			}
			if _, err := c.DeleteGroup(ctx, "orders"); err == nil || !api.IsBadRequest(err) || !strings.Contains(err.Error(), "delete protect") {
				t.Errorf("delete of a protected group: %v", err)
			}
			if _, err := c.SetDeleteProtection(ctx, "orders", false); err != nil {
				t.Fatal(err)
			}

			tok, err := c.CreateGroupToken(ctx, "orders", api.TokenOptions{Expiration: "2w1d", Authorization: api.ReadOnly})
			if err != nil || strings.Count(tok, ".") != 2 {
				t.Fatalf("token: %q, %v", tok, err)
			}
			storeOrg := org
			if storeOrg == "" {
				storeOrg = emulator.DemoOrg
			}
			claims, err := e.emu.Store().VerifyGroupToken(storeOrg, "orders", tok)
			if err != nil || claims["a"] != "ro" || claims["exp"] == nil {
				t.Errorf("token claims: %v, %v", claims, err)
			}
			if err := c.RotateGroupTokens(ctx, "orders"); err != nil {
				t.Fatalf("rotate: %v", err)
			}
			if _, err := e.emu.Store().VerifyGroupToken(storeOrg, "orders", tok); err == nil {
				t.Error("a token minted before rotation still verifies")
			}
			if err := c.UpdateGroupDatabases(ctx, "orders"); err != nil {
				t.Errorf("update: %v", err)
			}

			deleted, err := c.DeleteGroup(ctx, "orders")
			if err != nil || deleted.Name != "orders" {
				t.Errorf("delete: %+v, %v", deleted, err)
			}
			if _, err := c.GetGroup(ctx, "orders"); !api.IsNotFound(err) || !strings.Contains(err.Error(), "group not found") {
				t.Errorf("get after delete: %v", err)
			}
		})
	}
}

// TestGroupTokenReadAttach sends read-attach permissions to the local
// API and finds them in the token it mints, under libSQL server's claim
// (p.roa.ns); a database the organization lacks is refused.
func TestGroupTokenReadAttach(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	c := e.client("demo")
	tok, err := c.CreateGroupToken(ctx, "default", api.TokenOptions{Expiration: "7d", AttachDatabases: []string{"events", "invoices"}})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := e.emu.Store().VerifyGroupToken(emulator.DemoOrg, "default", tok)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := claims["p"].(map[string]any)
	roa, _ := p["roa"].(map[string]any)
	if ns, _ := roa["ns"].([]any); len(ns) != 2 || ns[0] != "events" || ns[1] != "invoices" || claims["a"] != "rw" {
		t.Errorf("claims %v", claims)
	}
	// Without databases, no body and no permission.
	tok, err = c.CreateGroupToken(ctx, "default", api.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if claims, err := e.emu.Store().VerifyGroupToken(emulator.DemoOrg, "default", tok); err != nil || claims["p"] != nil || claims["exp"] != nil {
		t.Errorf("plain token: %v, %v", claims, err)
	}
	_, err = c.CreateGroupToken(ctx, "default", api.TokenOptions{AttachDatabases: []string{"ghost"}})
	if !api.IsBadRequest(err) || !strings.Contains(err.Error(), `database "ghost" not found`) {
		t.Errorf("unknown database: %v", err)
	}
	if _, err := c.CreateGroupToken(ctx, "default", api.TokenOptions{AttachDatabases: []string{"main", "main"}}); err == nil || api.IsBadRequest(err) {
		t.Errorf("a database listed twice was sent, or not refused: %v", err)
	}
}

func TestArchivedTransferAndDatabases(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	demo, acme := e.client("demo"), e.client("acme")

	var archived string
	groups, _ := demo.ListGroups(ctx)
	for _, g := range groups {
		if g.Archived {
			archived = g.Name
		}
	}
	if archived == "" {
		t.Fatal("the demo seed has no archived group")
	}
	g, err := demo.UnarchiveGroup(ctx, archived)
	if err != nil || g.Archived {
		t.Errorf("unarchive: %+v, %v", g, err)
	}

	// Databases: one request for the whole organization, each naming its group.
	dbs, err := demo.ListDatabases(ctx)
	if err != nil || len(dbs) == 0 {
		t.Fatalf("databases: %v, %v", dbs, err)
	}
	for _, d := range dbs {
		if d.Group == "" || d.Name == "" || !strings.HasSuffix(d.Hostname, "-demo.turso.io") {
			t.Errorf("database %+v", d)
		}
	}

	// acme is on the starter plan and already has its one group.
	if _, err := demo.TransferGroup(ctx, "staging", "acme"); !api.IsPlanLimit(err) {
		t.Errorf("transfer into a full starter org: %v", err)
	}
	acmeGroups, _ := acme.ListGroups(ctx)
	if len(acmeGroups) != 1 {
		t.Fatalf("acme has %d groups", len(acmeGroups))
	}
	moved, err := acme.TransferGroup(ctx, acmeGroups[0].Name, "demo")
	if err != nil || moved.Name != acmeGroups[0].Name {
		t.Fatalf("transfer acme -> demo: %+v, %v", moved, err)
	}
	if _, err := demo.GetGroup(ctx, moved.Name); err != nil {
		// acme's group may share a name with one of demo's: then the
		// transfer must have been refused instead.
		t.Errorf("transferred group not in demo: %v", err)
	}
	if left, _ := acme.ListGroups(ctx); len(left) != 0 {
		t.Errorf("acme still has %v", left)
	}
}

func TestEveryError(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	demo, acme := e.client("demo"), e.client("acme")

	if _, err := demo.CreateGroup(ctx, api.CreateGroupRequest{Name: "default", Location: "lhr"}); !api.IsConflict(err) || !strings.Contains(err.Error(), "group already exists") {
		t.Errorf("taken name: %v", err)
	}
	if _, err := demo.CreateGroup(ctx, api.CreateGroupRequest{Name: "fresh", Location: "amss"}); !api.IsBadRequest(err) || !strings.Contains(err.Error(), "invalid location: amss") {
		t.Errorf("unknown location: %v", err)
	}
	if _, err := demo.AddLocation(ctx, "default", "amss"); !api.IsBadRequest(err) || !strings.Contains(err.Error(), "invalid location: amss") {
		t.Errorf("add unknown location: %v", err)
	}
	if _, err := demo.RemoveLocation(ctx, "default", "fra"); !api.IsBadRequest(err) || !strings.Contains(err.Error(), "primary") {
		t.Errorf("remove primary: %v", err)
	}
	for name, op := range map[string]func() error{
		"get":       func() error { _, err := demo.GetGroup(ctx, "ghost"); return err },
		"delete":    func() error { _, err := demo.DeleteGroup(ctx, "ghost"); return err },
		"config":    func() error { _, err := demo.GetGroupConfig(ctx, "ghost"); return err },
		"unarchive": func() error { _, err := demo.UnarchiveGroup(ctx, "ghost"); return err },
		"token":     func() error { _, err := demo.CreateGroupToken(ctx, "ghost", api.TokenOptions{}); return err },
		"rotate":    func() error { return demo.RotateGroupTokens(ctx, "ghost") },
		"transfer":  func() error { _, err := demo.TransferGroup(ctx, "ghost", "acme"); return err },
		"add loc":   func() error { _, err := demo.AddLocation(ctx, "ghost", "lhr"); return err },
	} {
		if err := op(); !api.IsNotFound(err) || !strings.Contains(err.Error(), "group not found") {
			t.Errorf("%s of a missing group: %v", name, err)
		}
	}
	_, err := acme.CreateGroup(ctx, api.CreateGroupRequest{Name: "second", Location: "lhr"})
	if !api.IsPlanLimit(err) || !strings.Contains(err.Error(), "limited to Scaler, Pro and Enterprise plans") {
		t.Errorf("plan limit: %v", err)
	}
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || apiErr.Code != api.CodePlanLimit {
		t.Errorf("plan limit code: %+v", apiErr)
	}
	if _, err := e.client("nobody").ListGroups(ctx); !api.IsNotFound(err) {
		t.Errorf("unknown org: %v", err)
	}

	// What the client refuses to send, the server refuses too, in its own words.
	for _, tc := range []struct{ body, want string }{
		{`{"name":"Bad_Name","location":"lhr"}`, "invalid group name"},
		{`{"name":"-x","location":"lhr"}`, "hyphen"},
		{`{"name":"ok","location":"lhr","extensions":["vss"]}`, "invalid extensions"},
		{`{"name":"ok"}`, "location"},
	} {
		status, body := e.rawInvalid("POST", "/v1/organizations/demo/groups", tc.body)
		if status != 400 || !strings.Contains(body["error"].(string), tc.want) {
			t.Errorf("create %s: %d %v", tc.body, status, body)
		}
	}
	status, body := e.rawInvalid("POST", "/v1/organizations/demo/groups/default/auth/tokens?expiration=soon", "")
	if status != 400 || body["error"] != "Invalid expiration format" {
		t.Errorf("bad expiration: %d %v", status, body)
	}

	bad, _ := api.New(api.Options{BaseURL: e.url, Token: "wrong", Org: "demo", HTTPClient: e.hc})
	if _, err := bad.ListGroups(ctx); !api.IsUnauthorized(err) || err.Error() == "" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := bad.ValidateToken(ctx); !api.IsUnauthorized(err) {
		t.Errorf("validate a bad token: %v", err)
	}
}

func TestAroundGroups(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	c := e.client("demo")
	locs, err := c.ListLocations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, l := range locs {
		names[l.Code] = l.Name
	}
	if names["lhr"] != "London, United Kingdom" || names["aws-us-east-1"] != "AWS US East (Virginia)" || len(names) < 41 {
		t.Errorf("locations: %d, lhr=%q", len(names), names["lhr"])
	}
	orgs, err := c.ListOrganizations(ctx)
	if err != nil || len(orgs) != 2 {
		t.Fatalf("orgs: %+v, %v", orgs, err)
	}
	if !orgs[0].Personal() && !orgs[1].Personal() {
		t.Errorf("no personal org in %+v", orgs)
	}
	exp, err := c.ValidateToken(ctx)
	if err != nil || !exp.After(time.Now()) {
		t.Errorf("validate: %v, %v", exp, err)
	}
	u, err := c.CurrentUser(ctx)
	if err != nil || u.Username != emulator.DemoUser {
		t.Errorf("user: %+v, %v", u, err)
	}
}

// Every spec operation the client uses must have gone through the contract
// check at least once in this package's tests.
func TestContractCoverage(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	c := e.client("demo")
	c.ListGroups(ctx)
	c.GetGroup(ctx, "default")
	c.CreateGroup(ctx, api.CreateGroupRequest{Name: "cov", Location: "lhr"})
	c.AddLocation(ctx, "cov", "ams")
	c.RemoveLocation(ctx, "cov", "ams")
	c.GetGroupConfig(ctx, "cov")
	c.SetDeleteProtection(ctx, "cov", false)
	c.CreateGroupToken(ctx, "cov", api.TokenOptions{Expiration: "1d"})
	c.RotateGroupTokens(ctx, "cov")
	c.UpdateGroupDatabases(ctx, "cov")
	c.UnarchiveGroup(ctx, "cov")
	c.TransferGroup(ctx, "cov", "acme")
	c.DeleteGroup(ctx, "cov")
	c.ListLocations(ctx)
	c.ListOrganizations(ctx)
	c.ListDatabases(ctx)
	c.ValidateToken(ctx)
	c.CurrentUser(ctx)
	c.CreateDatabase(ctx, "cov-db", "default")
	c.GetDatabase(ctx, "cov-db")
	c.DatabaseUsage(ctx, "cov-db", time.Time{}, time.Time{})
	c.DeleteDatabase(ctx, "cov-db")
	c.OrganizationUsage(ctx)
	c.Subscription(ctx)
	c.Plans(ctx)
	e.client("acme").AuditLogs(ctx, 1, 10) // the starter plan's 403
	checked := strings.Join(e.check.Checked(), "\n")
	for _, op := range []string{
		"GET /v1/organizations/{organizationSlug}/groups",
		"POST /v1/organizations/{organizationSlug}/groups",
		"GET /v1/organizations/{organizationSlug}/groups/{groupName}",
		"DELETE /v1/organizations/{organizationSlug}/groups/{groupName}",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/locations/{location}",
		"DELETE /v1/organizations/{organizationSlug}/groups/{groupName}/locations/{location}",
		"GET /v1/organizations/{organizationSlug}/groups/{groupName}/configuration",
		"PATCH /v1/organizations/{organizationSlug}/groups/{groupName}/configuration",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/auth/tokens",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/auth/rotate",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/update",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/unarchive",
		"POST /v1/organizations/{organizationSlug}/groups/{groupName}/transfer",
		"GET /v1/locations",
		"GET /v1/organizations",
		"GET /v1/organizations/{organizationSlug}/databases",
		"GET /v1/auth/validate",
		"GET /v1/user",
		"POST /v1/organizations/{organizationSlug}/databases",
		"GET /v1/organizations/{organizationSlug}/databases/{databaseName}",
		"DELETE /v1/organizations/{organizationSlug}/databases/{databaseName}",
		"GET /v1/organizations/{organizationSlug}/databases/{databaseName}/usage",
		"GET /v1/organizations/{organizationSlug}/usage",
		"GET /v1/organizations/{organizationSlug}/subscription",
		"GET /v1/organizations/{organizationSlug}/plans",
		"GET /v1/organizations/{organizationSlug}/audit-logs",
	} {
		if !strings.Contains(checked, op) {
			t.Errorf("%s was never checked against the spec; checked:\n%s", op, checked)
		}
	}
}
