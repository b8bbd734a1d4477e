package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/api/internal/contract"
)

// clock is a settable clock for the local API, so that usage figures can
// be watched moving.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newClockedEnv is newEnv with the local API on clk.
func newClockedEnv(t *testing.T, seed string, clk *clock) *env {
	t.Helper()
	store, err := emulator.NewMemoryStore(seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(store, emulator.Options{Token: token, Now: clk.now})
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

func TestDatabaseLifecycle(t *testing.T) {
	for _, org := range []string{"demo", ""} {
		t.Run("org="+org, func(t *testing.T) {
			e := newEnv(t, "demo")
			c := e.client(org)
			ctx := context.Background()

			made, err := c.CreateDatabase(ctx, "orders-db", "analytics")
			if err != nil || made.Name != "orders-db" || made.ID == "" || made.Hostname != "orders-db-demo.turso.io" {
				t.Fatalf("create: %+v, %v", made, err)
			}
			db, err := c.GetDatabase(ctx, "orders-db")
			if err != nil || db.ID != made.ID || db.Group != "analytics" || db.PrimaryRegion != "aws-us-east-1" ||
				!slices.Equal(db.Regions, []string{"aws-us-east-1", "aws-eu-west-1"}) || db.Hostname != made.Hostname {
				t.Fatalf("get: %+v, %v", db, err)
			}
			all, err := c.ListDatabases(ctx)
			if err != nil || !slices.ContainsFunc(all, func(d api.Database) bool { return d.Name == "orders-db" }) {
				t.Errorf("the new database is not listed: %v", err)
			}

			_, err = c.CreateDatabase(ctx, "orders-db", "default")
			if !api.IsConflict(err) || !strings.Contains(err.Error(), "database with name orders-db already exists") {
				t.Errorf("create a taken name: %v", err)
			}
			_, err = c.CreateDatabase(ctx, "elsewhere", "no-such-group")
			if !api.IsBadRequest(err) || !strings.Contains(err.Error(), "group not found") {
				t.Errorf("create in an unknown group: %v", err)
			}
			if _, err := c.CreateDatabase(ctx, "Bad_Name", "default"); !strings.Contains(err.Error(), "invalid database name") || api.StatusOf(err) != 0 {
				t.Errorf("a bad name must be refused before it is sent: %v", err)
			}

			if err := c.DeleteDatabase(ctx, "orders-db"); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := c.GetDatabase(ctx, "orders-db"); !api.IsNotFound(err) || !strings.Contains(err.Error(), "could not find database with name orders-db") {
				t.Errorf("get after delete: %v", err)
			}
			if err := c.DeleteDatabase(ctx, "orders-db"); !api.IsNotFound(err) {
				t.Errorf("delete twice: %v", err)
			}
		})
	}
}

// The server refuses what the client would not send: a bad name (400), no
// group (400), and answers the spec's shapes for each.
func TestDatabaseErrorsOnTheWire(t *testing.T) {
	e := newEnv(t, "demo")
	for _, tt := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "/v1/organizations/demo/databases", `{"name":"Bad_Name","group":"default"}`, 400, "invalid database name"},
		{"POST", "/v1/organizations/demo/databases", `{"name":"` + strings.Repeat("a", 65) + `","group":"default"}`, 400, "the limit is 64"},
		{"POST", "/v1/organizations/demo/databases", `{"name":"x","group":""}`, 400, "group is required"},
		{"POST", "/v1/organizations/demo/databases", `{"name":"x","group":"nope"}`, 400, "group not found"},
		{"POST", "/v1/organizations/demo/databases", `{"name":"main","group":"default"}`, 409, "database with name main already exists"},
		{"POST", "/v1/organizations/nope/databases", `{"name":"x","group":"default"}`, 404, "organization not found"},
		{"GET", "/v1/organizations/demo/databases/nope", "", 404, "could not find database with name nope"},
		{"DELETE", "/v1/organizations/demo/databases/nope", "", 404, "could not find database with name nope"},
		{"GET", "/v1/organizations/demo/databases/nope/usage", "", 404, "could not find database with name nope"},
		{"GET", "/v1/organizations/demo/databases/main/usage?from=2023-12-12T00:00:00", "", 400, "invalid from parameter"},
		{"GET", "/v1/organizations/demo/databases/main/usage?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "", 400, "from (2025-02-01T00:00:00Z) is after to"},
		{"GET", "/v1/organizations/demo/audit-logs?page=0", "", 400, "invalid page"},
		{"GET", "/v1/organizations/demo/audit-logs?page_size=x", "", 400, "invalid page_size"},
		{"GET", "/v1/organizations/nope/usage", "", 404, "organization not found"},
		{"GET", "/v1/organizations/nope/audit-logs", "", 404, "organization not found"},
	} {
		send := e.raw
		if strings.Contains(tt.path, "from=2023-12-12T00:00:00") || strings.Contains(tt.path, "page=0") || strings.Contains(tt.path, "page_size=x") {
			// The spec's own types refuse these before the server can.
			send = e.rawInvalid
		}
		status, body := send(tt.method, tt.path, tt.body)
		if status != tt.status || !strings.Contains(body["error"].(string), tt.want) {
			t.Errorf("%s %s: %d %v, want %d and %q", tt.method, tt.path, status, body, tt.status, tt.want)
		}
	}
}

func TestUsageMovesWithTheClock(t *testing.T) {
	clk := &clock{t: time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC)}
	e := newClockedEnv(t, "demo", clk)
	c := e.client("demo")
	ctx := context.Background()

	u1, err := c.DatabaseUsage(ctx, "events", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if u1.UUID == "" || len(u1.Instances) != 2 || u1.Total.RowsRead <= 0 || u1.Total.RowsWritten <= 0 || u1.Total.StorageBytes <= 0 {
		t.Fatalf("usage of events this month: %+v", u1)
	}
	var sumRead, sumStorage int64
	for _, in := range u1.Instances {
		sumRead += in.Usage.RowsRead
		sumStorage += in.Usage.StorageBytes
	}
	if sumRead != u1.Total.RowsRead || sumStorage != u1.Total.StorageBytes || u1.Instances[0].Usage.RowsWritten != u1.Total.RowsWritten {
		t.Errorf("instances do not add up to the total: %+v", u1)
	}
	if again, _ := c.DatabaseUsage(ctx, "events", time.Time{}, time.Time{}); !slices.Equal([]int64{again.Total.RowsRead, again.Total.StorageBytes}, []int64{u1.Total.RowsRead, u1.Total.StorageBytes}) {
		t.Errorf("asking again at the same time gave other figures: %+v then %+v", u1.Total, again.Total)
	}

	clk.add(3 * time.Hour)
	u2, err := c.DatabaseUsage(ctx, "events", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if u2.Total.RowsRead <= u1.Total.RowsRead || u2.Total.RowsWritten <= u1.Total.RowsWritten || u2.Total.StorageBytes <= u1.Total.StorageBytes {
		t.Errorf("three hours later usage did not grow: %+v then %+v", u1.Total, u2.Total)
	}

	// A period: the hour from 13:00 to 14:00 has an hour's rows, and
	// those rows are part of the month's.
	from, to := time.Date(2026, time.March, 15, 13, 0, 0, 0, time.UTC), time.Date(2026, time.March, 15, 14, 0, 0, 0, time.UTC)
	hour, err := c.DatabaseUsage(ctx, "events", from, to)
	if err != nil || hour.Total.RowsRead <= 0 || hour.Total.RowsRead >= u2.Total.RowsRead {
		t.Errorf("usage of one hour: %+v, %v (the month: %+v)", hour.Total, err, u2.Total)
	}
	if future, err := c.DatabaseUsage(ctx, "events", clk.now().Add(time.Hour), clk.now().Add(2*time.Hour)); err != nil || future.Total.RowsRead != 0 {
		t.Errorf("usage in the future: %+v, %v", future.Total, err)
	}

	// A new database starts empty and grows too.
	if _, err := c.CreateDatabase(ctx, "fresh", "default"); err != nil {
		t.Fatal(err)
	}
	f1, _ := c.DatabaseUsage(ctx, "fresh", time.Time{}, time.Time{})
	if f1.Total.RowsRead != 0 || f1.Total.RowsWritten != 0 || f1.Total.StorageBytes != 2*4096 {
		t.Errorf("a new database in a two-location group: %+v", f1)
	}
	clk.add(time.Hour)
	if f2, _ := c.DatabaseUsage(ctx, "fresh", time.Time{}, time.Time{}); f2.Total.RowsWritten == 0 || f2.Total.RowsRead == 0 {
		t.Errorf("a new database did not move in an hour: %+v", f2.Total)
	}

	org, err := c.OrganizationUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dbs := e.emu.Store().Databases("demo")
	if org.UUID == "" || len(org.Databases) != len(dbs) || org.Usage.Databases != int64(len(dbs)) || org.Usage.Groups != 6 || org.Usage.Locations == 0 {
		t.Fatalf("organization usage: %+v (%d databases)", org.Usage, len(org.Databases))
	}
	var read int64
	for _, d := range org.Databases {
		read += d.Total.RowsRead
	}
	if read != org.Usage.RowsRead || read <= 0 {
		t.Errorf("the organization's rows read %d are not its databases' %d", org.Usage.RowsRead, read)
	}
}

func TestSubscriptionAndPlans(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	for _, tt := range []struct {
		org, plan string
		groups    int64
	}{{"demo", "scaler", 1 << 31}, {"acme", "starter", 1}, {"", "scaler", 1 << 31}} {
		c := e.client(tt.org)
		sub, err := c.Subscription(ctx)
		if err != nil || sub.Plan != tt.plan || sub.Name != tt.plan || sub.Timeline == "" {
			t.Errorf("%q: subscription %+v, %v", tt.org, sub, err)
		}
		plans, err := c.Plans(ctx)
		if err != nil || len(plans) == 0 {
			t.Fatalf("%q: plans %+v, %v", tt.org, plans, err)
		}
		i := slices.IndexFunc(plans, func(p api.Plan) bool { return p.Name == sub.Plan })
		if i < 0 || plans[i].Quotas.Groups < 1 || tt.groups == 1 && plans[i].Quotas.Groups != 1 || tt.groups > 1 && plans[i].Quotas.Groups < 1000 {
			t.Errorf("%q: the plan %q is not among %+v, or allows the wrong number of groups", tt.org, sub.Plan, plans)
		}
	}
}

func TestAuditLogs(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	c := e.client("demo")
	ssh, err := c.WithActor("SHA256:q9Zk alice@laptop")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := c.AuditLogs(ctx, 0, 0)
	if err != nil || len(empty.Logs) != 0 || empty.TotalRows != 0 || empty.Page != 1 || empty.PageSize != 100 {
		t.Fatalf("a fresh log: %+v, %v", empty, err)
	}
	// Only changes whose codes the spec lists, so that the listing passes
	// the spec's enum (TestAuditCodesOutsideSpec has the others).
	if _, err := ssh.CreateGroup(ctx, api.CreateGroupRequest{Name: "audited", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDatabase(ctx, "audited-db", "audited"); err != nil {
		t.Fatal(err)
	}
	if _, err := ssh.SetDeleteProtection(ctx, "audited", true); err != nil {
		t.Fatal(err)
	}
	if _, err := ssh.CreateGroupToken(ctx, "audited", api.TokenOptions{Expiration: "1d", Authorization: api.ReadOnly}); err != nil {
		t.Fatal(err)
	}
	if err := ssh.DeleteDatabase(ctx, "audited-db"); err != nil {
		t.Fatal(err)
	}

	page, err := c.AuditLogs(ctx, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalRows != 5 || page.TotalPages != 3 || page.Page != 1 || page.PageSize != 2 || len(page.Logs) != 2 {
		t.Fatalf("first page of two: %+v", page)
	}
	var codes []string
	var all []api.AuditLog
	for p := 1; p <= page.TotalPages; p++ {
		pg, err := c.AuditLogs(ctx, p, 2)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, pg.Logs...)
	}
	for _, l := range all {
		codes = append(codes, l.Code)
	}
	if want := []string{"db-delete", "group-token-create", "group-protect", "db-create", "group-create"}; !slices.Equal(codes, want) {
		t.Errorf("codes, newest first: %v, want %v", codes, want)
	}
	for _, l := range all {
		if l.Author != emulator.DemoUser || l.Origin != "cli" || l.Time().IsZero() || l.Message == "" {
			t.Errorf("entry %+v: author, origin, time or message missing", l)
		}
	}
	if all[0].Target() != "audited-db" || all[0].Actor() != "SHA256:q9Zk alice@laptop" {
		t.Errorf("db-delete: target %q, actor %q", all[0].Target(), all[0].Actor())
	}
	if all[3].Target() != "audited-db" || all[3].Actor() != "" || all[3].Data["group"] != "audited" {
		t.Errorf("db-create without an actor: %+v", all[3])
	}
	if all[4].Target() != "audited" || all[4].Actor() != "SHA256:q9Zk alice@laptop" {
		t.Errorf("group-create: %+v", all[4])
	}
	if all[1].Data["authorization"] != "read-only" {
		t.Errorf("group-token-create: %+v", all[1])
	}
	if past, err := c.AuditLogs(ctx, 9, 2); err != nil || len(past.Logs) != 0 || past.TotalRows != 5 {
		t.Errorf("a page past the end: %+v, %v", past, err)
	}

	// The Starter plan has no audit logs; the refusal says so in a way a
	// caller can branch on.
	_, err = e.client("acme").AuditLogs(ctx, 1, 10)
	if !api.IsFeatureNotAvailable(err) || !api.IsForbidden(err) || !strings.Contains(err.Error(), "not available on the starter plan") {
		t.Errorf("acme (starter) audit logs: %v", err)
	}
	if _, err := e.client("demo").AuditLogs(ctx, -1, 0); err == nil {
		t.Error("a negative page was sent")
	}
}
