package api_test

import (
	"context"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

// RenameGroup renames at the local API: the group answers to its new
// name and no longer to its old one, and a taken name is refused as a
// conflict that changes nothing.
func TestRenameGroup(t *testing.T) {
	e := newEnv(t, "demo")
	ctx := context.Background()
	c := e.client("demo")
	if _, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "before", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	g, err := c.RenameGroup(ctx, "before", "after")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "after" || g.Primary != "lhr" {
		t.Fatalf("answer: %+v, want the group named after, at lhr", g)
	}
	if _, err := c.GetGroup(ctx, "before"); !api.IsNotFound(err) {
		t.Fatalf("the old name still answers: %v", err)
	}
	if got, err := c.GetGroup(ctx, "after"); err != nil || got.Primary != "lhr" {
		t.Fatalf("the new name: %+v, %v", got, err)
	}

	if _, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "other", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RenameGroup(ctx, "after", "other"); !api.IsConflict(err) {
		t.Fatalf("renaming onto a taken name: %v, want a conflict", err)
	}
	if _, err := c.GetGroup(ctx, "after"); err != nil {
		t.Fatalf("a refused rename changed the group: %v", err)
	}
	if _, err := c.RenameGroup(ctx, "ghost", "ghost-2"); !api.IsNotFound(err) {
		t.Fatalf("renaming a group that does not exist: %v, want not found", err)
	}
}
