package ui

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// The demo's two organizations: demo (personal, the session's) holds
// analytics, billing, default, edge-cache, legacy and staging; acme (a
// team) holds production.

// allRow is the view's row of org's group name, "" when it is not shown.
func (h *harness) allRow(org, name string) string {
	for _, line := range strings.Split(h.screen(), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), ">"))
		if len(f) > 1 && f[0] == org && f[1] == name {
			return line
		}
	}
	return ""
}

// allListed is the view's rows in order, as org/name.
func (h *harness) allListed() []string {
	a := &h.m.all
	var out []string
	for _, i := range a.visible {
		r := a.rows[i]
		out = append(out, a.slots[r.slot].slug+"/"+a.group(r).Name)
	}
	return out
}

// selectRow puts the view's cursor on org's group name.
func (h *harness) selectRow(org, name string) {
	h.t.Helper()
	h.press("g")
	for range h.m.all.visible {
		if o, n := h.m.all.currentKey(); o == org && n == name {
			return
		}
		h.press("j")
	}
	h.t.Fatalf("%s/%s is not listed: %v", org, name, h.allListed())
}

// O lists the groups of both organizations, with the ORG column, sorted
// by organization; O again goes back to the single list.
func TestAllOrgsListsEveryOrganization(t *testing.T) {
	h := newHarness(t)
	h.press("O")
	h.mustShow("7 groups in 2 organizations · sorted by organization", "ORG  NAME")
	want := []string{"acme/production", "demo/analytics", "demo/billing", "demo/default", "demo/edge-cache", "demo/legacy", "demo/staging"}
	if got := h.allListed(); !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if h.allRow("acme", "production") == "" || h.allRow("demo", "billing") == "" {
		t.Fatalf("rows of both organizations are not drawn:\n%s", h.screen())
	}
	if !strings.Contains(h.allRow("demo", "billing"), "protected") {
		t.Fatalf("billing's row does not say it is protected: %q", h.allRow("demo", "billing"))
	}
	// The cursor starts on the single list's group.
	if org, name := h.m.all.currentKey(); org != "demo" || name != "analytics" {
		t.Fatalf("cursor on %s/%s, want demo/analytics", org, name)
	}
	h.press("s")
	h.mustShow("sorted by name")
	if got := h.allListed(); got[len(got)-2] != "acme/production" {
		t.Fatalf("sorted by name: %v", got)
	}
	h.press("O")
	h.mustShow("6 groups · sorted by name")
	h.mustNotShow("ORG", "production")
}

// An action on a row of acme goes to acme's API path, with the same
// token; its answer lands in the row, and the view stays.
func TestAllOrgsActionOnAnotherOrganization(t *testing.T) {
	h := newHarness(t)
	h.press("O")
	h.selectRow("acme", "production")
	h.reqs.reset()
	h.press("p")
	if !slices.Contains(h.reqs.snapshot(), "PATCH /v1/organizations/acme/groups/production/configuration") {
		t.Fatalf("protect did not go to acme: %v", h.reqs.snapshot())
	}
	if slices.ContainsFunc(h.reqs.snapshot(), func(p string) bool { return strings.HasPrefix(p, "PATCH /v1/organizations/demo/") }) {
		t.Fatalf("a change went to demo: %v", h.reqs.snapshot())
	}
	if g, _ := h.serverGroup("acme", "production"); !g.DeleteProtection {
		t.Fatal("acme's production is not protected at the server")
	}
	if !h.m.all.on {
		t.Fatal("the view closed")
	}
	if row := h.allRow("acme", "production"); !strings.Contains(row, "protected") {
		t.Fatalf("the answer is not in the row: %q\n%s", row, h.screen())
	}
	if org, name := h.m.all.currentKey(); org != "acme" || name != "production" {
		t.Fatalf("cursor on %s/%s", org, name)
	}
	// demo's rows are still there, and a change on one of them goes to
	// demo again.
	h.selectRow("demo", "billing")
	h.reqs.reset()
	h.press("p")
	if !slices.Contains(h.reqs.snapshot(), "PATCH /v1/organizations/demo/groups/billing/configuration") {
		t.Fatalf("protect did not go to demo: %v", h.reqs.snapshot())
	}
	if row := h.allRow("demo", "billing"); strings.Contains(row, "protected") {
		t.Fatalf("billing's row still says protected: %q", row)
	}
	if row := h.allRow("acme", "production"); !strings.Contains(row, "protected") {
		t.Fatalf("acme's row lost its change: %q", row)
	}
	h.waitIdle()
}

// An organization whose groups fail to load says so, with the server's
// message, while the other's rows are listed; r loads it again.
func TestAllOrgsFailingOrganization(t *testing.T) {
	var fail bool
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if fail && r.URL.Path == "/v1/organizations/acme/groups" {
				http.Error(w, `{"error":"acme is under maintenance"}`, http.StatusBadRequest)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	fail = true
	h.press("O")
	h.mustShow("acme: could not load: Acme is under maintenance.")
	if h.allRow("demo", "billing") == "" || h.allRow("acme", "production") != "" {
		t.Fatalf("want demo's rows and not acme's:\n%s", h.screen())
	}
	// An action on acme's rows cannot start: there are none. On demo's
	// it works.
	h.selectRow("demo", "billing")
	h.press("p")
	h.mustShow("Delete protection is off for billing.")
	fail = false
	h.press("r")
	h.mustNotShow("could not load")
	if h.allRow("acme", "production") == "" {
		t.Fatalf("acme's rows did not come with r:\n%s", h.screen())
	}
}

// A slow organization shows as loading while the other's rows are
// listed: each organization's load is its own command and message.
func TestAllOrgsSlowOrganization(t *testing.T) {
	h := newHarness(t)
	// The organizations' list, then the loads, held back.
	cmd := h.update(keyMsg("O"))
	h.mustShow("Loading your organizations…")
	listed := cmd()
	loads := h.update(listed)
	h.mustShow("acme: loading…")
	if h.allRow("demo", "billing") == "" {
		t.Fatalf("demo's rows wait for acme's:\n%s", h.screen())
	}
	h.run(loads)
	h.mustNotShow("loading…")
	if h.allRow("acme", "production") == "" {
		t.Fatalf("acme's rows did not come:\n%s", h.screen())
	}
	// An answer of an earlier opening is dropped.
	h.send(orgGroupsMsg{gen: h.m.all.gen - 1, org: "acme", data: nil})
	h.mustShow("production")
}

// The filter matches the organization's slug as well as the name and
// locations; "org:" picks organizations alone.
func TestAllOrgsFilterByOrganization(t *testing.T) {
	h := newHarness(t)
	h.press("O", "/")
	h.typeText("acme")
	h.press("enter")
	if got := h.allListed(); !slices.Equal(got, []string{"acme/production"}) {
		t.Fatalf("filter acme: %v", got)
	}
	h.mustShow(`1 of 7 groups match "acme"`)
	h.press("esc")
	if got := h.allListed(); len(got) != 7 {
		t.Fatalf("esc left %v", got)
	}
	h.press(":")
	h.typeText("filter org:demo bill")
	h.press("enter")
	if got := h.allListed(); !slices.Equal(got, []string{"demo/billing"}) {
		t.Fatalf(":filter org:demo bill: %v", got)
	}
	h.press(":")
	h.typeText("filter org:acme")
	h.press("enter")
	if got := h.allListed(); !slices.Equal(got, []string{"acme/production"}) {
		t.Fatalf(":filter org:acme: %v", got)
	}
	h.press(":")
	h.typeText("sort status")
	h.press("enter")
	h.mustShow("sorted by status")
}

// Going back keeps the cursor on its group: in the session's
// organization as it is, in another after switching to it.
func TestAllOrgsToggleBackKeepsTheCursor(t *testing.T) {
	h := newHarness(t)
	h.press(":")
	h.typeText("all-orgs")
	h.press("enter")
	h.selectRow("demo", "legacy")
	h.press("O")
	if h.m.all.on || h.m.currentName() != "legacy" || h.m.sess.client.Org() != "demo" {
		t.Fatalf("back on %q in %q", h.m.currentName(), h.m.sess.client.Org())
	}
	h.press("O")
	h.selectRow("acme", "production")
	h.press("O")
	if h.m.sess.client.Org() != "acme" || h.m.currentName() != "production" {
		t.Fatalf("back on %q in %q", h.m.currentName(), h.m.sess.client.Org())
	}
	h.mustShow("1 group · sorted by name", "production")
	h.mustNotShow("billing")
	// enter opens the group's detail, in its organization; esc comes
	// back to the view, on the row.
	h.press("O")
	h.selectRow("demo", "staging")
	h.press("enter")
	if h.m.screen != screenDetail || h.m.detail.name != "staging" || h.m.sess.client.Org() != "demo" {
		t.Fatalf("enter opened %q in %q (screen %d)", h.m.detail.name, h.m.sess.client.Org(), h.m.screen)
	}
	h.mustShow("staging-app")
	h.press("esc")
	h.mustShow("7 groups in 2 organizations")
	if org, name := h.m.all.currentKey(); org != "demo" || name != "staging" {
		t.Fatalf("back on %s/%s", org, name)
	}
	h.waitIdle()
}

// A command naming a group acts on that group of the session's
// organization, not on the row under the cursor; :open opens the row.
func TestAllOrgsCommandsNameTheSessionsGroups(t *testing.T) {
	h := newHarness(t)
	h.press("O")
	h.selectRow("acme", "production")
	h.press(":")
	h.typeText("protect staging")
	h.press("enter")
	if g, _ := h.serverGroup("demo", "staging"); !g.DeleteProtection {
		t.Fatal(":protect staging did not protect demo's staging")
	}
	if g, _ := h.serverGroup("acme", "production"); g.DeleteProtection {
		t.Fatal(":protect staging protected the row under the cursor")
	}
	if org, name := h.m.all.currentKey(); org != "demo" || name != "staging" {
		t.Fatalf("cursor on %s/%s, want demo/staging", org, name)
	}
	h.selectRow("acme", "production")
	h.press(":")
	h.typeText("open")
	h.press("enter")
	if h.m.screen != screenDetail || h.m.detail.name != "production" || h.m.sess.client.Org() != "acme" {
		t.Fatalf(":open opened %q in %q", h.m.detail.name, h.m.sess.client.Org())
	}
}

// o (switch organization) in the view keeps every organization's rows:
// the one switched to is not loaded again before it is listed.
func TestAllOrgsSwitchOrganizationKeepsRows(t *testing.T) {
	h := newHarness(t)
	h.press("O")
	h.press(":")
	h.typeText("switch-org acme")
	h.press("enter")
	if h.m.sess.client.Org() != "acme" || !h.m.all.on {
		t.Fatalf("org %q, view on %v", h.m.sess.client.Org(), h.m.all.on)
	}
	if got := h.allListed(); len(got) != 7 {
		t.Fatalf("rows after the switch: %v", got)
	}
	h.waitIdle()
}

// Marks work in one organization at a time: their keys say so here, and
// an action's key acts on the row, not on marks left in the single list.
func TestAllOrgsRefusesMarks(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("staging")
	h.press("space")
	h.press("O")
	h.selectRow("demo", "billing")
	for _, k := range []string{"space", "V", "J", "K"} {
		h.press(k)
		h.mustShow("Marks work in one organization at a time")
	}
	h.send(tea.KeyMsg{Type: tea.KeyCtrlA})
	h.mustShow("Marks work in one organization at a time")
	h.reqs.reset()
	h.press("p")
	if got := h.reqs.snapshot(); !slices.Contains(got, "PATCH /v1/organizations/demo/groups/billing/configuration") ||
		slices.Contains(got, "PATCH /v1/organizations/demo/groups/staging/configuration") {
		t.Fatalf("p with a mark in the single list: %v", got)
	}
}

// --all-orgs (Options.AllOrgs) opens on the view.
func TestAllOrgsOption(t *testing.T) {
	h := newHarness(t, withoutInit())
	h.m.opts.AllOrgs = true
	h.run(h.m.Init())
	h.mustShow("7 groups in 2 organizations", "acme")
	_ = time.Second
}

// A change answered after the session left its organization (an action
// on another organization's row switched it) has that organization's
// rows loaded again, so that its answer reaches the row.
func TestAllOrgsLateAnswerReloadsItsOrganization(t *testing.T) {
	h := newHarness(t)
	h.press("O")
	gen := h.m.sess.gen
	h.selectRow("acme", "production")
	h.press("p") // the session is acme's now
	if h.m.sess.gen == gen {
		t.Fatal("the action did not switch the session")
	}
	h.reqs.reset()
	h.send(opDoneMsg{id: 99, gen: gen, org: "demo", kind: actProtect, group: "billing"})
	if !slices.Contains(h.reqs.snapshot(), "GET /v1/organizations/demo/groups") {
		t.Fatalf("demo was not loaded again: %v", h.reqs.snapshot())
	}
	if h.allRow("demo", "billing") == "" {
		t.Fatalf("demo's rows are gone:\n%s", h.screen())
	}
}

// The view's rows are by organization, then name, whatever the order of
// the single list (whose order by name the view reuses when it has it).
func TestAllOrgsOrderIsItsOwn(t *testing.T) {
	h := newHarness(t)
	h.press(":")
	h.typeText("sort location")
	h.press("enter")
	h.press("O")
	want := []string{"acme/production", "demo/analytics", "demo/billing", "demo/default", "demo/edge-cache", "demo/legacy", "demo/staging"}
	if got := h.allListed(); !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	h.press("s", "s") // location
	h.mustShow("sorted by location")
	// ams, then aws-us-east-1's two by name, ..., lhr last.
	want = []string{"demo/edge-cache", "demo/analytics", "acme/production", "demo/staging", "demo/billing", "demo/default", "demo/legacy"}
	if got := h.allListed(); !slices.Equal(got, want) {
		t.Fatalf("by location: %v, want %v", got, want)
	}
}

// When the session's own organization fails to load, the view says so
// on its line and lists the other's rows, on which actions work.
func TestAllOrgsSessionOrganizationFails(t *testing.T) {
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/organizations/demo/groups" {
				http.Error(w, `{"error":"demo is read from a backup"}`, http.StatusBadRequest)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.mustShow("Could not load the groups")
	h.press("O")
	h.mustShow("demo: could not load: Demo is read from a backup.", "1 group in 2 organizations")
	if h.allRow("acme", "production") == "" {
		t.Fatalf("acme's rows:\n%s", h.screen())
	}
	h.press("p")
	if g, _ := h.serverGroup("acme", "production"); !g.DeleteProtection {
		t.Fatalf("p on acme's row did nothing:\n%s", h.screen())
	}
	h.mustShow("Delete protection is on for production.")
}

// :sort completes the view's own sort keys there.
func TestAllOrgsSortCompletion(t *testing.T) {
	h := newHarness(t)
	h.press("O", ":")
	h.typeText("sort or")
	h.press("tab")
	h.mustShow(":sort org")
	h.press("enter")
	h.mustShow("sorted by organization")
}
