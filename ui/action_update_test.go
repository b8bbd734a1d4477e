package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// Against a local API that no longer serves the update route (a 404, as
// for any unknown route), U says plainly that the platform no longer
// offers it: not "Not found", and the group, which is there, stays.
func TestUpdateRemovedSaysSo(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withGroupUpdate(emulator.GroupUpdateRemoved), withSize(220, 30))
	h.selectGroup("staging")
	h.press("U", "y")
	h.waitIdle()
	h.mustShow("The platform no longer offers updating a group's databases (the API answered 404); the turso CLI dropped `group update` in April 2026. Nothing was changed.")
	h.mustNotShow("no route for", "Not found")
	if h.m.focus.form() != nil {
		t.Errorf("the confirmation reopened, to try again what cannot work:\n%s", h.screen())
	}
	if !h.m.hasGroup("staging") {
		t.Error("staging left the list as if it were gone")
	}
	if g, _ := h.serverGroup("demo", "staging"); g.Version == emulator.LatestVersion {
		t.Error("staging was updated")
	}
}

// With the route removed, a group that is gone meanwhile is still said to
// be gone, in the API's words, and leaves the list.
func TestUpdateRemovedGroupGone(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withGroupUpdate(emulator.GroupUpdateRemoved), withSize(220, 30))
	h.selectGroup("staging")
	h.press("U")
	other, err := api.New(api.Options{BaseURL: h.srv.URL, Token: apiToken, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.DeleteGroup(context.Background(), "staging"); err != nil {
		t.Fatal(err)
	}
	h.press("y")
	h.waitIdle()
	h.mustShow("Group not found.")
	h.mustNotShow("no longer offers")
	if h.m.hasGroup("staging") {
		t.Error("the group that is gone is still listed")
	}
}

// The other ways a platform says it does not serve the update get the
// same words; any other failure keeps its own.
func TestUpdateRouteGoneAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		msg    string
		gone   bool
	}{
		{405, "method not allowed", true},
		{410, "gone", true},
		{501, "not implemented", true},
		{400, "group update is not supported", true},
		{400, "Unsupported operation", true},
		{400, "invalid version", false},
		{409, "an update is in progress", false},
	} {
		t.Run(fmt.Sprint(tc.status, " ", tc.msg), func(t *testing.T) {
			t.Parallel()
			answer := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/update") {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(tc.status)
						fmt.Fprintf(w, `{"error":%q}`, tc.msg)
						return
					}
					next.ServeHTTP(w, r)
				})
			}
			h := newHarness(t, withHandler(answer), withSize(220, 30))
			h.selectGroup("staging")
			h.press("U", "y")
			h.waitIdle()
			said := strings.Contains(h.screen(), "The platform no longer offers updating a group's databases (the API answered "+fmt.Sprint(tc.status)+")")
			if said != tc.gone {
				t.Errorf("said the update is gone: %v, want %v:\n%s", said, tc.gone, h.screen())
			}
			if !tc.gone {
				h.mustShow(capitalize(tc.msg))
			}
			if !h.m.hasGroup("staging") {
				t.Error("staging left the list")
			}
		})
	}
	if updateRouteGone(&api.Error{StatusCode: 500, Message: "not supported"}) {
		t.Error("a 500 counts as the route being gone")
	}
}
