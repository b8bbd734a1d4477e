package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// pick chooses the option of the focused select that matches filter.
func (h *harness) pick(filter string) {
	h.t.Helper()
	h.press("/")
	h.typeText(filter)
	h.press("enter")
}

// mutations are the requests after the first load that are not reads.
func (h *harness) mutations() []string {
	var out []string
	for _, r := range h.reqs.snapshot() {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

// bodies records the JSON bodies of the requests that change something.
type bodies struct {
	mu   sync.Mutex
	byRq map[string][]byte
}

func (b *bodies) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Body != nil {
			data, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(data))
			b.mu.Lock()
			if b.byRq == nil {
				b.byRq = map[string][]byte{}
			}
			b.byRq[r.Method+" "+r.URL.Path] = data
			b.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (b *bodies) get(rq string) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byRq[rq]
}

// A name already listed is flagged while typing, before the round trip;
// the server still decides (TestCreateTakenNameReopensTheForm).
func TestCreateFlagsATakenName(t *testing.T) {
	h := newHarness(t)
	h.press("n")
	h.typeText("default")
	h.mustShow("✗ demo already has a group named default")
	h.press("backspace")
	h.mustShow("✓ defaul is a valid name")
}

func TestCreateRefusesAnInvalidName(t *testing.T) {
	h := newHarness(t)
	h.press("n")
	if h.m.focus.form() == nil || h.m.focus.form().kind != actCreate {
		t.Fatal("n did not open the create form")
	}
	for _, bad := range []string{"Bad", "under_score", "-lead", strings.Repeat("a", 33)} {
		h.press("ctrl+u")
		h.typeText(bad)
		h.press("enter")
		// The shared rule (api.ValidateGroupName) refuses it: the form
		// stays on the name, with the rule's words.
		msg := strings.TrimPrefix(api.ValidateGroupName(bad).Error(), "invalid group name: ")
		if h.m.focus.form() == nil {
			t.Fatalf("%q: the form closed", bad)
		}
		scr := h.screen()
		if !strings.Contains(strings.Join(strings.Fields(scr), " "), strings.Join(strings.Fields(msg), " ")[:30]) {
			t.Fatalf("%q: the screen does not explain %q:\n%s", bad, msg, scr)
		}
		if f := h.m.focus.form().form.GetFocusedField(); f.GetKey() != "name" {
			t.Fatalf("%q: focus moved on to %s", bad, f.GetKey())
		}
	}
	if m := h.mutations(); len(m) != 0 {
		t.Fatalf("an invalid name reached the API: %v", m)
	}
	h.press("esc")
	if h.m.focus.form() != nil {
		t.Fatal("esc did not cancel the form")
	}
}

func TestCreateWithChosenExtensions(t *testing.T) {
	var b bodies
	h := newHarness(t, withHandler(b.wrap))
	h.press("n")
	h.typeText("orders")
	h.mustShow("✓ orders is a valid name")
	h.press("enter")
	h.pick("fra")
	h.press("j", "j", "enter") // Extensions: Choose…
	// vector is first, uuid eighth.
	h.press("x", "j", "j", "j", "j", "j", "j", "j", "x", "enter")
	h.mustShow("Create orders at fra?")
	h.reqs.reset()
	h.press("enter") // the confirmation defaults to Create
	h.waitIdle()

	g, ok := h.serverGroup("demo", "orders")
	if !ok {
		t.Fatalf("the server has no group orders:\n%s", h.screen())
	}
	if g.Primary != "fra" {
		t.Errorf("primary on the server = %q, want fra", g.Primary)
	}
	var sent struct {
		Name       string         `json:"name"`
		Location   string         `json:"location"`
		Extensions api.Extensions `json:"extensions"`
	}
	if err := json.Unmarshal(b.get("POST /v1/organizations/demo/groups"), &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Name != "orders" || sent.Location != "fra" || !slices.Equal(sent.Extensions.Names, []string{"vector", "uuid"}) {
		t.Errorf("create sent %+v, want orders at fra with vector, uuid", sent)
	}
	// Shown at once, from the server's answer, without reloading; the
	// new location is waited on.
	if reqs := h.reqs.snapshot(); !slices.Equal(reqs, []string{"POST /v1/organizations/demo/groups", "GET /v1/organizations/demo/groups/orders/locations/fra/wait"}) {
		t.Errorf("create made requests %v, want only the POST and the wait", reqs)
	}
	if row := h.rowOf("orders"); !strings.HasPrefix(row, "> ") || !strings.Contains(row, "fra Frankfurt, Germany") {
		t.Errorf("the new group is not the selected row: %q\n%s", row, h.screen())
	}
	h.mustShow("7 groups", "Created orders at fra.")
}

func TestCreateTakenNameReopensTheForm(t *testing.T) {
	h := newHarness(t)
	h.press("n")
	h.typeText("default")
	h.press("enter", "enter", "enter") // name, location, extensions: none
	h.mustShow("Create default at")
	h.press("enter")
	h.waitIdle()
	if h.m.focus.form() == nil || h.m.focus.form().kind != actCreate {
		t.Fatalf("the form did not reopen:\n%s", h.screen())
	}
	if h.m.focus.form().values.Name != "default" {
		t.Errorf("the name typed is lost: %q", h.m.focus.form().values.Name)
	}
	h.mustShow("> default", "group already exists", "Choose another name")
	if n := len(h.store.Groups("demo")); n != 6 {
		t.Errorf("the server has %d groups, want 6", n)
	}
	// Fixing the name creates it.
	h.press("ctrl+u")
	h.typeText("default-2")
	h.press("enter", "enter", "enter", "enter")
	h.waitIdle()
	if _, ok := h.serverGroup("demo", "default-2"); !ok {
		t.Fatalf("default-2 was not created:\n%s", h.screen())
	}
}

// switchTo opens the organization switcher and picks slug.
func (h *harness) switchTo(slug string) {
	h.t.Helper()
	h.press("o")
	if h.m.focus.form() == nil || h.m.focus.form().kind != actSwitchOrg {
		h.t.Fatalf("o did not open the switcher:\n%s", h.screen())
	}
	h.pick(slug)
	h.waitIdle()
	if h.m.sess.client.Org() != slug {
		h.t.Fatalf("switched to %q, want %q", h.m.sess.client.Org(), slug)
	}
}

// Without the plan (a token that may not read it), n sends the request
// and the server's 402 is told; with it, n refuses before the form
// (TestCreateRefusedAtThePlanLimit).
func TestCreateBeyondThePlanLimit(t *testing.T) {
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/plans") {
				http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.switchTo("acme")
	if got := h.listed(); !slices.Equal(got, []string{"production"}) {
		t.Fatalf("acme lists %v", got)
	}
	h.mustShow("turso-groups · acme")
	h.press("n")
	h.typeText("second")
	h.press("enter", "enter", "enter", "enter")
	h.waitIdle()
	h.mustShow("limited to Scaler, Pro and Enterprise plans")
	if n := len(h.store.Groups("acme")); n != 1 {
		t.Errorf("acme has %d groups, want 1", n)
	}
	if _, ok := h.serverGroup("demo", "second"); ok {
		t.Error("the group was created in the wrong organization")
	}
}

func TestAddLocation(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("a")
	// Locations the group has are not offered.
	h.mustNotShow("fra — Frankfurt", "lhr — London")
	h.reqs.reset()
	h.pick("ams")
	h.waitIdle()
	g, _ := h.serverGroup("demo", "default")
	if !slices.Equal(g.Locations, []string{"fra", "lhr", "ams"}) {
		t.Fatalf("server locations %v", g.Locations)
	}
	if row := h.rowOf("default"); !strings.Contains(row, "lhr, ams") {
		t.Errorf("row not updated: %q", row)
	}
	if reqs := h.reqs.snapshot(); !slices.Equal(reqs, []string{"POST /v1/organizations/demo/groups/default/locations/ams", "GET /v1/organizations/demo/groups/default/locations/ams/wait"}) {
		t.Errorf("add location made requests %v, want one POST and the wait", reqs)
	}
	h.mustShow("Added ams to default.")
}

func TestRemoveLocation(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("edge-cache") // ams primary; sin, syd, gru
	h.press("x")
	h.mustShow("sin — Singapore", "syd — Sydney", "gru — São Paulo", "The primary location (ams) always stays")
	h.mustNotShow("ams — Amsterdam")
	h.press("esc")

	h.selectGroup("default")
	h.press("x")
	h.mustNotShow("fra — Frankfurt")
	h.press("enter") // lhr, the only one offered
	h.mustShow("Remove lhr from default?")
	// The confirmation defaults to Cancel: enter keeps the location.
	h.press("enter")
	h.waitIdle()
	if g, _ := h.serverGroup("demo", "default"); len(g.Locations) != 2 {
		t.Fatalf("removed without confirmation: %v", g.Locations)
	}
	h.press("x", "enter", "y")
	h.waitIdle()
	g, _ := h.serverGroup("demo", "default")
	if !slices.Equal(g.Locations, []string{"fra"}) {
		t.Fatalf("server locations %v, want [fra]", g.Locations)
	}
	if row := h.rowOf("default"); strings.Contains(row, "lhr") {
		t.Errorf("row still shows lhr: %q", row)
	}
	h.mustShow("Removed lhr from default.")
	// Only the primary is left: nothing to offer.
	h.press("x")
	if h.m.focus.form() != nil {
		t.Fatal("a form opened with only the primary to offer")
	}
	h.mustShow("has only its primary location")
}

func TestProtectToggles(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("p")
	h.waitIdle()
	if g, _ := h.serverGroup("demo", "default"); !g.DeleteProtection {
		t.Fatal("p did not turn protection on at the server")
	}
	if row := h.rowOf("default"); !strings.Contains(row, "protected") {
		t.Errorf("no badge: %q", row)
	}
	h.mustShow("Delete protection is on for default.")
	h.press("p")
	h.waitIdle()
	if g, _ := h.serverGroup("demo", "default"); g.DeleteProtection {
		t.Fatal("p did not turn protection off at the server")
	}
	if row := h.rowOf("default"); strings.Contains(row, "protected") {
		t.Errorf("badge still shown: %q", row)
	}
	h.mustShow("Delete protection is off for default.")
}

func TestDeleteProtectedShowsWhy(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("billing")
	h.press("d")
	if h.m.focus.form() != nil {
		t.Fatal("a delete form opened for a protected group")
	}
	h.mustShow("Delete protection is on", "billing cannot be deleted while its delete protection is on", "press p to turn protection off")
	h.press("space")
	h.mustNotShow("Delete protection is on")
	if _, ok := h.serverGroup("demo", "billing"); !ok {
		t.Fatal("billing was deleted")
	}
	if m := h.mutations(); len(m) != 0 {
		t.Fatalf("requests that change something: %v", m)
	}
}

func TestDeleteNeedsTheExactName(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("staging")
	h.press("d")
	h.mustShow("Type staging to delete it", "staging-app")
	h.typeText("stagin")
	h.press("enter")
	h.mustShow("type the group's name exactly")
	if _, ok := h.serverGroup("demo", "staging"); !ok || len(h.mutations()) != 0 {
		t.Fatal("a wrong name deleted the group")
	}
	h.typeText("g")
	h.press("enter")
	h.waitIdle()
	if _, ok := h.serverGroup("demo", "staging"); ok {
		t.Fatal("the exact name did not delete the group")
	}
	if h.rowOf("staging") != "" || slices.Contains(h.listed(), "staging") {
		t.Fatalf("staging is still listed:\n%s", h.screen())
	}
	h.mustShow("5 groups", "Deleted staging and its databases.")
}

func TestToken(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("t")
	h.mustShow("Expiration", "> never")
	h.press("ctrl+u")
	h.typeText("soon")
	h.press("enter")
	h.mustShow(`invalid expiration "soon"`)
	if f := h.m.focus.form().form.GetFocusedField(); f.GetKey() != "expiration" {
		t.Fatalf("soon was accepted: focus on %s", f.GetKey())
	}
	h.press("ctrl+u")
	h.typeText("7d")
	h.press("enter")
	h.mustNotShow("invalid expiration")
	h.pick("Read only")
	h.mustShow("Read ATTACH", "lets the token ATTACH other databases of the organization, read-only")
	h.press("enter") // no other databases
	h.waitIdle()
	d := h.m.focus.tokenDialog()
	if d == nil {
		t.Fatalf("no token dialog:\n%s", h.screen())
	}
	claims, err := h.store.VerifyGroupToken("demo", "default", d.token)
	if err != nil {
		t.Fatalf("the token shown does not verify: %v", err)
	}
	if claims["a"] != "ro" || claims["p"] != nil {
		t.Errorf("claims %v: want read-only access and no permissions", claims)
	}
	h.mustShow("Token for default", "read only, expires in 7d", "This token is shown once")
	// The whole token is on screen (wrapped, outside the dialog's box).
	flat := strings.NewReplacer(" ", "", "\n", "").Replace(h.screen())
	if !strings.Contains(flat, d.token) {
		t.Fatalf("the token is not shown whole:\n%s", h.screen())
	}
	h.press("c")
	if !slices.Equal(h.copied, []string{d.token}) {
		t.Fatalf("copied %q, want exactly the token", h.copied)
	}
	// The harness's terminal is not known to take OSC 52.
	h.mustShow("may not support")
	h.mustNotShow("Sent the token to the terminal's clipboard")
	tok := d.token
	h.press("esc")
	if h.m.focus.tokenDialog() != nil {
		t.Fatal("esc did not close the dialog")
	}
	flat = strings.NewReplacer(" ", "", "\n", "").Replace(h.screen())
	if strings.Contains(flat, tok[:16]) || strings.Contains(flat, tok[len(tok)-16:]) {
		t.Fatalf("the token is still on screen:\n%s", h.screen())
	}
}

// TestReboundBackKeyIsWhatTheScreenSays: with back bound to "b", every
// hint that names it says b, and b is what works.
func TestReboundBackKeyIsWhatTheScreenSays(t *testing.T) {
	h := newHarness(t, withKeys(map[string][]string{"back": {"b"}}))
	h.selectGroup("default")
	h.press("t")
	h.press("enter") // expiration: never
	h.pick("Read only")
	h.press("enter") // no read ATTACH
	h.waitIdle()
	if h.m.focus.tokenDialog() == nil {
		t.Fatalf("no token dialog:\n%s", h.screen())
	}
	h.mustShow("b closes", "b close")
	h.mustNotShow("esc to close", "esc close")
	h.press("b")
	if h.m.focus.tokenDialog() != nil {
		t.Fatal("b did not close the dialog")
	}

	h.press("/")
	h.typeText("zzz")
	h.press("enter")
	h.mustShow("Press b to clear the filter")
	h.press("b")
	if got := h.listed(); len(got) != 6 {
		t.Fatalf("b did not clear the filter: %v", got)
	}
}

func TestRotate(t *testing.T) {
	h := newHarness(t)
	tok, err := h.m.sess.client.CreateGroupToken(context.Background(), "default", api.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.VerifyGroupToken("demo", "default", tok); err != nil {
		t.Fatal(err)
	}
	h.selectGroup("default")
	h.press("R")
	h.mustShow("Rotate the tokens of default?")
	h.press("n") // Cancel: nothing happens
	h.waitIdle()
	if _, err := h.store.VerifyGroupToken("demo", "default", tok); err != nil {
		t.Fatalf("cancelling rotated the tokens: %v", err)
	}
	h.press("R", "y")
	h.waitIdle()
	if _, err := h.store.VerifyGroupToken("demo", "default", tok); !errors.Is(err, emulator.ErrInvalidGroupToken) {
		t.Fatalf("a token minted before rotating still verifies (err %v)", err)
	}
	h.mustShow("Rotated the tokens of default")
}

func TestTransferRefusedByThePlan(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("m")
	h.mustShow("Transfer default to", "acme — Acme, starter plan")
	h.mustNotShow("demo (personal)") // not to itself
	h.press("enter")
	h.mustShow("Transfer default to acme?")
	h.press("y")
	h.waitIdle()
	h.mustShow("limited to Scaler, Pro and Enterprise plans")
	if _, ok := h.serverGroup("demo", "default"); !ok {
		t.Fatal("default left demo")
	}
	if n := len(h.store.Groups("acme")); n != 1 {
		t.Fatalf("acme has %d groups", n)
	}
	h.press("esc")
	if !slices.Contains(h.listed(), "default") {
		t.Fatal("default is no longer listed")
	}
}

func TestTransferFromTheTeam(t *testing.T) {
	h := newHarness(t)
	h.switchTo("acme")
	h.press("m")
	h.mustShow("Transfer production to", "demo (personal), scaler plan")
	h.press("enter", "y")
	h.waitIdle()
	if _, ok := h.serverGroup("demo", "production"); !ok {
		t.Fatal("production is not in demo")
	}
	if _, ok := h.serverGroup("acme", "production"); ok {
		t.Fatal("production is still in acme")
	}
	if len(h.listed()) != 0 {
		t.Fatalf("acme still lists %v", h.listed())
	}
	h.mustShow("Transferred production to demo.", "No groups in acme yet")
}

func TestUnarchive(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("u")
	h.mustShow("default is not archived.")
	if len(h.mutations()) != 0 {
		t.Fatal("unarchiving an awake group reached the API")
	}
	h.selectGroup("legacy")
	h.press("u")
	h.waitIdle()
	if g, _ := h.serverGroup("demo", "legacy"); g.Archived {
		t.Fatal("legacy is still archived at the server")
	}
	if row := h.rowOf("legacy"); strings.Contains(row, "archived") {
		t.Errorf("badge still shown: %q", row)
	}
	h.mustShow("legacy is awake again.")
}

func TestUpdateDatabases(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("staging")
	h.press("U")
	h.mustShow("Update the databases of staging to the latest version?")
	h.press("y")
	h.waitIdle()
	h.mustShow("The databases of staging are updating to the latest version.")
	if g, _ := h.serverGroup("demo", "staging"); g.Version != emulator.LatestVersion {
		t.Fatalf("server version %s", g.Version)
	}
	if row := h.rowOf("staging"); !strings.Contains(row, emulator.LatestVersion) {
		t.Errorf("row not updated: %q", row)
	}
}

func TestSwitchOrgDropsStaleResults(t *testing.T) {
	h := newHarness(t)
	oldGen, oldSeq := h.m.sess.gen, h.m.load.loadSeq
	h.switchTo("acme")
	if got := h.listed(); !slices.Equal(got, []string{"production"}) {
		t.Fatalf("acme lists %v", got)
	}
	before := h.screen()
	// A load of demo that answers late, and an older load of acme.
	demo := func(seq, gen int) {
		groups, dbs := loadedMsgs(seq, gen, h.store.Groups("demo"), h.store.Databases("demo"))
		h.send(groups)
		h.send(dbs)
	}
	demo(oldSeq, oldGen)
	// The generation alone marks it stale, whatever its sequence number.
	demo(h.m.load.loadSeq, oldGen)
	demo(h.m.load.loadSeq-1, h.m.sess.gen)
	// A mutation of demo finishing after the switch.
	h.send(opDoneMsg{id: 99, gen: oldGen, kind: actCreate, group: "late", result: api.Group{Name: "late", Primary: "fra"}})
	if got := h.listed(); !slices.Equal(got, []string{"production"}) {
		t.Fatalf("a stale result changed the list: %v", got)
	}
	if h.screen() != before {
		t.Fatalf("a stale result changed the screen:\n%s", h.screen())
	}
}

// Keys pressed after a switch, before the new organization's groups
// arrive, act on nothing.
func TestKeysWhileSwitching(t *testing.T) {
	h := newHarness(t)
	cmd := h.m.switchOrg("acme")
	h.mustShow("Loading the groups of acme")
	// Nothing of demo's is left to act on: no key may open a form, a
	// dialog or a group's screen.
	if got := h.listed(); len(got) != 0 {
		t.Fatalf("while switching the list still shows %v", got)
	}
	for _, k := range []string{"j", "enter", "a", "x", "d", "p", "t", "s", "G"} {
		h.press(k)
		if h.m.focus.form() != nil || h.m.focus.tokenDialog() != nil || h.m.focus.notice() != nil || h.m.screen != screenList {
			t.Fatalf("%q while switching opened something on the old organization's data:\n%s", k, h.screen())
		}
	}
	h.run(cmd)
	h.waitIdle()
	if got := h.listed(); !slices.Equal(got, []string{"production"}) {
		t.Fatalf("acme lists %v", got)
	}
	if len(h.mutations()) != 0 {
		t.Fatalf("keys during the switch changed something: %v", h.mutations())
	}
}

func TestReadOnly(t *testing.T) {
	h := newHarness(t, readOnly())
	before := h.store.Groups("demo")
	h.mustShow("read-only")
	for _, g := range []string{"default", "legacy", "staging"} {
		h.selectGroup(g)
		for _, k := range []string{"n", "a", "x", "p", "t", "R", "m", "u", "U", "d", "e", "N", "D"} {
			h.press(k)
			if h.m.focus.form() != nil || h.m.focus.notice() != nil || h.m.focus.tokenDialog() != nil {
				t.Fatalf("%s on %s opened something in a read-only session:\n%s", k, g, h.screen())
			}
		}
		// The detail offers no actions either.
		h.press("enter")
		h.mustNotShow("Actions", "d delete")
		h.press("esc")
	}
	h.waitIdle()
	if m := h.mutations(); len(m) != 0 {
		t.Fatalf("read-only session sent %v", m)
	}
	if after := h.store.Groups("demo"); !equalJSON(before, after) {
		t.Fatal("the server state changed")
	}
	short := h.screen()
	h.press("?")
	full := h.screen()
	for _, desc := range []string{"new group", "add location", "remove location", "delete protection", "create token", "rotate tokens", "transfer", "unarchive", "update databases", "delete", "rename", "new database"} {
		if strings.Contains(short, " "+desc) || strings.Contains(full, " "+desc) {
			t.Errorf("the help offers %q in a read-only session", desc)
		}
	}
	if !strings.Contains(full, "switch org") {
		t.Errorf("the full help lost the keys that still work:\n%s", full)
	}
	h.press("?")
	// A binding re-enabled by mistake is still refused, with a reason.
	h.m.keys.New.SetEnabled(true)
	h.press("n")
	if h.m.focus.form() != nil {
		t.Fatal("a re-enabled binding opened a form")
	}
	h.mustShow("This dashboard is read-only:")
}

// Every mutation key of a read-only dashboard says, in the footer, that
// it is read-only and why, on the list and on the detail; it used to do
// nothing at all. Its keys stay out of the help.
func TestReadOnlyKeysSayWhy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ reason, says string }{
		{"", "This dashboard is read-only: it was started with --read-only, or read_only is set in the config file."},
		{"your SSH key is read-only", "This dashboard is read-only: your SSH key is read-only."},
	} {
		h := newHarness(t, readOnly())
		h.m.readOnlyReason = c.reason
		for _, screen := range []string{"list", "detail"} {
			h.selectGroup("legacy")
			if screen == "detail" {
				h.press("enter")
			}
			for _, k := range []string{"n", "d", "p", "t", "R", "m", "u", "U", "a", "x", "e"} {
				h.m.footer.toast = toast{}
				h.press(k)
				if h.m.focus.form() != nil || h.m.focus.notice() != nil {
					t.Fatalf("%s opened something in a read-only dashboard:\n%s", k, h.screen())
				}
				h.mustRead(c.says)
			}
			h.press("esc")
		}
		if m := h.mutations(); len(m) != 0 {
			t.Fatalf("read-only dashboard sent %v", m)
		}
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// The expiration starts empty (never): typing a duration is not appended
// to a pre-filled value, and leaving it empty mints a token without exp.
func TestTokenExpirationStartsEmpty(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("default")
	h.press("t")
	h.typeText("7d")
	h.press("enter")
	h.mustNotShow("invalid expiration")
	h.pick("Full access")
	h.press("enter") // no read ATTACH
	h.waitIdle()
	claims, err := h.store.VerifyGroupToken("demo", "default", h.m.focus.tokenDialog().token)
	if err != nil || claims["exp"] == nil {
		t.Fatalf("typed 7d: claims %v, %v", claims, err)
	}
	h.press("esc")

	h.press("t")
	h.press("enter")
	h.pick("Full access")
	h.press("enter") // no read ATTACH
	h.waitIdle()
	claims, err = h.store.VerifyGroupToken("demo", "default", h.m.focus.tokenDialog().token)
	if err != nil || claims["exp"] != nil {
		t.Fatalf("empty expiration: claims %v, %v; want no exp", claims, err)
	}
	h.mustShow("never expires")
}

// A result or an error belongs to the screen that caused it and goes with
// it: a refused transfer's error stayed in the footer after esc and was
// cut, with "…", in the next form, and "Added syd to billing." showed in
// the next x form. News about the data (a failed refresh) is not a form's,
// and stays.
func TestResultsGoWithTheirScreen(t *testing.T) {
	t.Parallel()
	const refused = "limited to Scaler, Pro and Enterprise plans"
	h := newHarness(t)
	h.selectGroup("default")
	h.press("m", "enter", "y")
	h.waitIdle()
	if h.m.focus.form() == nil || h.m.focus.form().kind != actTransfer {
		t.Fatalf("the refused transfer's form did not reopen:\n%s", h.screen())
	}
	h.mustShow(refused) // above the form
	h.press("esc")
	h.mustNotShow(refused)
	h.press("a")
	h.mustShow("Add a location to default")
	h.mustNotShow(refused)
	h.press("esc")

	// edge-cache, not an AWS group: those have no add location.
	h.selectGroup("edge-cache")
	h.press("a")
	h.pick("lhr")
	h.waitIdle()
	h.mustShow("Added lhr to edge-cache.")
	h.press("x")
	h.mustShow("Remove a location from edge-cache")
	h.mustNotShow("Added lhr")
	h.press("esc")
	h.mustNotShow("Added lhr")

	h.emu.SetFaults(emulator.Faults{DropRate: 1})
	h.press("r")
	h.waitIdle()
	h.emu.SetFaults(emulator.Faults{})
	h.mustShow("Refresh failed")
	h.press("x")
	h.mustShow("Remove a location from edge-cache", "Refresh failed")
}

// A change already in flight for a group is not sent again: p pressed
// twice quickly sent two "turn protection on" requests. The second press,
// or a form for the same change, says it is still in progress; a change of
// another kind, or for another group, goes ahead.
func TestChangeInFlightIsNotSentTwice(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.selectGroup("legacy")
	h.reqs.reset()
	h.post(keyMsg("p"))
	h.post(keyMsg("p"))
	h.mustRead("Turning delete protection on for legacy… ", "Turning delete protection on for legacy is still in progress; not sent again.")
	h.post(keyMsg("u")) // another kind: sent
	h.settle(func(int) int { return 0 })
	if m := h.mutations(); len(m) != 2 {
		t.Fatalf("sent %v, want one protection change and one unarchive", m)
	}
	if g, _ := h.serverGroup("demo", "legacy"); !g.DeleteProtection || g.Archived {
		t.Fatalf("legacy at the server: protected %v, archived %v", g.DeleteProtection, g.Archived)
	}
	// Answered, it can be sent again.
	h.press("p")
	if g, _ := h.serverGroup("demo", "legacy"); g.DeleteProtection {
		t.Fatal("p once answered did not turn protection off")
	}

	h.selectGroup("staging")
	h.reqs.reset()
	h.press("d")
	h.typeText("staging")
	h.post(keyMsg("enter"))
	// The form completes; the delete's answer is held back.
	settleExcept(h, func(msg tea.Msg) bool { _, ok := msg.(opDoneMsg); return ok })
	h.post(keyMsg("d"))
	if h.m.focus.form() != nil {
		t.Fatalf("a second delete form opened while the first delete was in flight:\n%s", h.screen())
	}
	h.mustRead("Deleting staging is still in progress; not sent again.")
	h.settle(func(int) int { return 0 })
	if m := h.mutations(); len(m) != 1 {
		t.Fatalf("sent %v, want one delete", m)
	}
	if len(h.m.ops.inFlight) != 0 {
		t.Fatalf("still marked in flight: %v", h.m.ops.inFlight)
	}
}

// A group with only its primary location is offered no "remove location":
// not in the detail's action list, not in the footer under it; the key
// still says why it does nothing.
func TestRemoveLocationLeftOutWithOnlyThePrimary(t *testing.T) {
	for _, c := range []struct {
		g    api.Group
		want bool
	}{
		{api.Group{Primary: "lhr", Locations: []string{"lhr"}}, false},
		{api.Group{Primary: "lhr"}, false},
		{api.Group{Primary: "lhr", Locations: []string{"lhr", "lhr"}}, false},
		{api.Group{Primary: "lhr", Locations: []string{"lhr", "fra"}}, true},
		// A listing that leaves out the primary still has fra to remove.
		{api.Group{Primary: "lhr", Locations: []string{"fra"}}, true},
	} {
		if got := actRemoveLocation.detail(c.g) != ""; got != c.want {
			t.Errorf("%+v: offered %v, want %v", c.g, got, c.want)
		}
	}

	h := newHarness(t, withSize(120, 35))
	h.selectGroup("billing") // aws-us-west-2 only
	h.press("enter")
	h.mustShow("Delete protection")
	h.mustNotShow("x remove location")
	h.press("x")
	h.mustShow("has only its primary location")
	if h.m.focus.form() != nil {
		t.Fatal("a form opened with only the primary to offer")
	}

	h.press("esc")
	h.selectGroup("default") // fra; lhr
	h.press("enter")
	h.mustShow("x remove location")
}

// The org switch form says "Switch organization" once, in its title; the
// field names the organization it switches from.
func TestSwitchOrgFormSaysItOnce(t *testing.T) {
	h := newHarness(t, withSize(120, 35))
	h.press("o")
	h.mustShow("Switch from demo to…", "acme — Acme")
	if n := strings.Count(h.screen(), "Switch organization"); n != 1 {
		t.Fatalf(`"Switch organization" shown %d times:\n%s`, n, h.screen())
	}
}
