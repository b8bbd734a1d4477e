package api_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// WaitLocation returns once the location is ready: the group's status
// says "provisioning" until then and "up" after. The route is CLI-only
// (not in the OpenAPI spec), so the contract check lets it through
// unchecked and says so, while the other calls are checked.
func TestWaitLocation(t *testing.T) {
	const delay = 300 * time.Millisecond
	e := newEnvWith(t, "demo", emulator.Options{ProvisionDelay: delay})
	ctx := context.Background()
	c := e.client("demo")
	start := time.Now()
	g, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "waited", Location: "lhr"})
	if err != nil {
		t.Fatal(err)
	}
	if g.Status == nil || g.Status.Locations[0].Status != emulator.StatusProvisioning {
		t.Fatalf("the new group's status: %+v", g.Status)
	}
	if err := c.WaitLocation(ctx, "waited", "lhr"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay-20*time.Millisecond {
		t.Errorf("WaitLocation returned after %v, before the location was ready (%v)", took, delay)
	}
	if g, err = c.GetGroup(ctx, "waited"); err != nil || g.Status.Locations[0].Status != emulator.StatusUp {
		t.Fatalf("after the wait: %+v, %v", g.Status, err)
	}
	want := "GET /v1/organizations/demo/groups/waited/locations/lhr/wait"
	if !slices.Contains(e.check.Unchecked(), want) {
		t.Errorf("the wait route was not passed through as CLI-only; unchecked: %q", e.check.Unchecked())
	}

	if err := c.WaitLocation(ctx, "waited", "ams"); !api.IsNotFound(err) {
		t.Errorf("waiting on a location the group is not in: %v, want not found", err)
	}
	if err := c.WaitLocation(ctx, "ghost", "lhr"); !api.IsNotFound(err) {
		t.Errorf("waiting on a group that does not exist: %v, want not found", err)
	}
}

// A cancelled context ends the wait at once, with the context's error.
func TestWaitLocationCancelled(t *testing.T) {
	e := newEnvWith(t, "demo", emulator.Options{ProvisionDelay: time.Hour})
	c := e.client("demo")
	if _, err := c.CreateGroup(context.Background(), api.CreateGroupRequest{Name: "slow", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.WaitLocation(ctx, "slow", "lhr")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitLocation: %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the cancelled wait took %v", took)
	}
}

// An attempt that runs out the client's Timeout is sent again: a location
// may take longer than one request is allowed.
func TestWaitLocationOutlivesTheTimeout(t *testing.T) {
	e := newEnvWith(t, "demo", emulator.Options{ProvisionDelay: 600 * time.Millisecond})
	c, err := api.New(api.Options{BaseURL: e.url, Token: token, Org: "demo", HTTPClient: e.hc, Timeout: 150 * time.Millisecond, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "slow", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitLocation(ctx, "slow", "lhr"); err != nil {
		t.Fatalf("WaitLocation: %v", err)
	}
}
