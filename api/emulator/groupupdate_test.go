package emulator

import (
	"strings"
	"testing"
)

// By default the update route is served, as the spec documents it.
func TestGroupUpdateServedByDefault(t *testing.T) {
	t.Parallel()
	for _, mode := range []GroupUpdateMode{"", GroupUpdateServed} {
		st, err := NewMemoryStore(SeedDemo, 0)
		if err != nil {
			t.Fatal(err)
		}
		a := newTestAPIWith(t, st, Options{Token: testToken, GroupUpdate: mode})
		a.do("POST", "/v1/organizations/demo/groups/staging/update", "").expect(t, 200)
		if g := a.do("GET", "/v1/organizations/demo/groups/staging", "").expect(t, 200).group(t); g.Version != LatestVersion {
			t.Errorf("mode %q: version %s after update, want %s", mode, g.Version, LatestVersion)
		}
	}
}

// Removed, the route answers exactly as an unknown route does (a JSON 404
// naming the request), on both spellings, and changes nothing; every
// other group route is still there.
func TestGroupUpdateRemoved(t *testing.T) {
	t.Parallel()
	st, err := NewMemoryStore(SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAPIWith(t, st, Options{Token: testToken, GroupUpdate: GroupUpdateRemoved})
	for _, p := range []string{"/v1/organizations/demo/groups/staging", "/v1/groups/staging"} {
		got := a.do("POST", p+"/update", "").expect(t, 404)
		unknown := a.do("POST", p+"/no-such-route", "").expect(t, 404)
		if want := "not found: no route for POST " + p + "/update"; got.errorOf(t).Error != want {
			t.Errorf("removed update answered %q, want %q", got.errorOf(t).Error, want)
		}
		if strings.Replace(string(unknown.body), "no-such-route", "update", 1) != string(got.body) {
			t.Errorf("removed update answered %s, unlike an unknown route's %s", got.body, unknown.body)
		}
	}
	if g := a.do("GET", "/v1/organizations/demo/groups/staging", "").expect(t, 200).group(t); g.Version == LatestVersion {
		t.Error("the removed route updated the group")
	}
	a.do("POST", "/v1/organizations/demo/groups/staging/unarchive", "").expect(t, 200)
}

func TestGroupUpdateModeUnknown(t *testing.T) {
	t.Parallel()
	st, err := NewMemoryStore(SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(st, Options{Token: testToken, GroupUpdate: "gone"}); err == nil || !strings.Contains(err.Error(), `"served" or "removed"`) {
		t.Errorf("New with GroupUpdate \"gone\": %v, want a refusal naming the modes", err)
	}
}
