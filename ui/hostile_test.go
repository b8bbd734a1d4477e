package ui

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
)

// secretToken is the client's token in the tests where the server repeats
// it back, or a panic quotes it.
const secretToken = "tok-SECRET-1234567890"

// route answers a request in place of the local API when it returns true.
type route func(w http.ResponseWriter, r *http.Request) bool

// hostileRoutes puts routes in front of the local API, and lets the
// client's token be secretToken: the local API only knows apiToken.
func hostileRoutes(routes ...route) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer "+secretToken {
				r.Header.Set("Authorization", "Bearer "+apiToken)
				r.Header.Set("X-Sent-Authorization", "Bearer "+secretToken)
			}
			for _, rt := range routes {
				if rt(w, r) {
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// on answers requests of method to a path ending in suffix with status
// and the body body returns, while enabled (nil means always).
func on(method, suffix string, enabled *atomic.Bool, status int, body func(r *http.Request) string) route {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method || !strings.HasSuffix(r.URL.Path, suffix) || enabled != nil && !enabled.Load() {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body(r))
		return true
	}
}

func fixed(s string) func(*http.Request) string { return func(*http.Request) string { return s } }

// assertFits fails unless View fits the window and is inert.
func (h *harness) assertFits(step string) string {
	h.t.Helper()
	h.assertInert(step)
	v := h.m.View()
	lines := strings.Split(v, "\n")
	if len(lines) > h.h {
		h.t.Fatalf("after %s at %dx%d: %d lines", step, h.w, h.h, len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > h.w {
			h.t.Fatalf("after %s at %dx%d: line %d is %d wide: %.200q", step, h.w, h.h, i+1, w, l)
		}
	}
	if h.m.internalErr != "" {
		h.t.Fatalf("after %s: recovered from a panic: %s", step, h.m.internalErr)
	}
	return ansi.Strip(v)
}

// Answers of the wrong shape are errors the dashboard words plainly; it
// keeps what it had, and retrying works once the server is sane.
func TestHostileWrongTypesOnScreen(t *testing.T) {
	var broken atomic.Bool
	broken.Store(true)
	h := newHarness(t, withHandler(hostileRoutes(
		on("GET", "/groups", &broken, 200, fixed(`{"groups":[{"name":5,"locations":{"lhr":true}}]}`)),
		on("GET", "/v1/locations", &broken, 200, fixed(`{"locations":["lhr","fra"]}`)),
		on("GET", "/v1/organizations", &broken, 200, fixed(`{"organizations":"acme"}`)),
		on("POST", "/unarchive", nil, 400, fixed(`{"error":{"reason":"not archived","since":3},"code":7}`)),
		on("PATCH", "/configuration", nil, 409, fixed(`{"error":["first","second"]}`)),
		on("POST", "/update", nil, 500, fixed(`{"error":42}`)),
	)))
	h.waitIdle()
	scr := h.assertFits("the first load")
	flat := strings.Join(strings.Fields(scr), " ")
	for _, want := range []string{"Could not load the groups", "Press r to retry"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("%q not on screen:\n%s", want, scr)
		}
	}
	broken.Store(false)
	h.press("r")
	h.waitIdle()
	if len(h.listed()) != 6 {
		t.Fatalf("the retry did not load the groups:\n%s", h.screen())
	}
	h.assertFits("the retry")

	broken.Store(true)
	h.press("o")
	h.mustShow("Could not load your organizations")
	h.assertFits("organizations of the wrong shape")
	h.press("r")
	h.mustShow("Refresh failed; showing the last loaded groups.")
	if len(h.listed()) != 6 {
		t.Fatalf("a refresh of the wrong shape lost the rows:\n%s", h.screen())
	}
	broken.Store(false)

	// Errors whose message is not a string are shown as their JSON.
	h.selectGroup("legacy")
	h.press("u")
	h.mustShow(`{"reason":"not archived","since":3}`)
	h.press("p")
	h.mustShow(`["first","second"]`)
	h.assertFits("errors of other types")
}

// A megabyte of group name, location code and location name: every
// screen still fits the window, the names are cut with an ellipsis, and
// they can be filtered and acted on.
func TestHostileHugeNames(t *testing.T) {
	name := strings.Repeat("n", 1<<20)
	loc := strings.Repeat("l", 1<<20)
	locName := strings.Repeat("London ", 1<<20/7)
	h := newHarness(t, withSize(160, 40), withoutInit(), withHandler(hostileRoutes(
		on("GET", "/groups", nil, 200, fixed(fmt.Sprintf(`{"groups":[{"name":%q,"primary":%q,"locations":[%q,"lhr"],"version":%q},{"name":"small","primary":"lhr"}]}`, name, loc, loc, name))),
		on("GET", "/databases", nil, 200, fixed(fmt.Sprintf(`{"databases":[{"Name":%q,"group":%q,"Hostname":%q,"primaryRegion":%q}]}`, name, name, name, loc))),
		on("GET", "/v1/locations", nil, 200, fixed(fmt.Sprintf(`{"locations":{%q:%q,"lhr":"London"}}`, loc, locName))),
		on("POST", "/auth/tokens", nil, 200, fixed(`{"jwt":"`+fakeJWT+`"}`)),
	)))
	// The first load runs here, not in the harness: it gives commands it
	// does not recognise a fifth of a second, and decoding megabytes may
	// take longer on a loaded machine under -race.
	for _, c := range append(h.m.reload(), loadLocationsCmd(h.m.sess.ctx, h.m.sess.client, nil)) {
		h.send(c())
	}
	h.waitIdle()
	if len(h.m.groups) != 2 {
		t.Fatalf("the groups did not load:\n%s", h.screen())
	}
	// press presses keys and checks that drawing what they open costs
	// memory in proportion to the window, not to the names: uncut, a
	// megabyte name costs gigabytes when huh wraps it in a form.
	press := func(keys ...string) {
		t.Helper()
		if n := hostileAlloc(func() { h.press(keys...); h.m.View() }); n > 64<<20 {
			t.Fatalf("%v allocated %d MiB", keys, n>>20)
		}
	}
	// cut checks a screen: it fits, it is small whatever the names'
	// size, and where a name is drawn on one line it ends with an
	// ellipsis (forms, dialogs and messages wrap it over a few lines).
	cut := func(step string) {
		t.Helper()
		scr := h.assertFits(step)
		if len(scr) > 64<<10 {
			t.Fatalf("after %s: a screen of %d bytes", step, len(scr))
		}
		if h.m.focus.form() == nil && h.m.focus.tokenDialog() == nil && !strings.Contains(scr, "nnnn…") {
			t.Fatalf("after %s: the name is not cut with an ellipsis:\n%s", step, scr)
		}
	}
	for _, size := range [][2]int{{160, 40}, {100, 30}, {60, 15}} {
		h.resize(size[0], size[1])
		h.selectGroup(name)
		cut(fmt.Sprintf("the list at %dx%d", size[0], size[1]))
		press("enter")
		cut(fmt.Sprintf("the detail at %dx%d", size[0], size[1]))
		press("j", "j", "G")
		cut(fmt.Sprintf("the detail scrolled at %dx%d", size[0], size[1]))
		press("esc")
	}
	press("/", "n", "n")
	cut("the filter")
	if got := h.listed(); len(got) != 1 || got[0] != name {
		t.Fatalf("filtering by the name's start lists %d groups", len(got))
	}
	press("enter")
	press("d")
	cut("the delete form")
	h.typeText("nope")
	press("esc", "x")
	cut("the remove-location form")
	press("esc", "a")
	cut("the add-location form")
	press("esc", "t", "enter", "enter", "enter")
	if h.m.focus.tokenDialog() == nil {
		t.Fatalf("no token dialog:\n%s", h.screen())
	}
	cut("the token dialog")
	press("esc")
	cut("the list again")
}

// Thousands of organizations, one with a megabyte slug: the switcher
// fits, scrolls, and switching to the last one works. (huh's select draws
// every option on every key: with 2,000 it opens in about half a second.)
func TestHostileManyOrganizations(t *testing.T) {
	var orgs strings.Builder
	orgs.WriteString(`[{"name":"demo","slug":"demo","type":"personal"}`)
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&orgs, `,{"name":"Org %d","slug":"org-%04d","type":"team"}`, i, i)
	}
	fmt.Fprintf(&orgs, `,{"name":"huge","slug":%q,"type":"team"}]`, strings.Repeat("s", 1<<20))
	h := newHarness(t, withHandler(hostileRoutes(on("GET", "/v1/organizations", nil, 200, fixed(orgs.String())))))
	// Loaded here rather than by o through the harness, which gives a
	// command it does not recognise a fifth of a second.
	h.send(loadOrgsCmd(h.m.sess.ctx, h.m.sess.client, nil)())
	h.press("o")
	if h.m.focus.form() == nil || len(h.m.orgs) != 2002 {
		t.Fatalf("the switcher did not open with 2002 organizations (%d):\n%s", len(h.m.orgs), h.screen())
	}
	h.assertFits("the switcher")
	h.press("down")
	h.assertFits("moving in the switcher")
	h.press("end")
	h.assertFits("the end of the switcher")
	h.press("enter")
	if org := h.m.sess.client.Org(); org != strings.Repeat("s", 1<<20) {
		t.Fatalf("switched to %.40q, want the last organization:\n%s", org, h.screen())
	}
	h.assertFits("the huge organization")
}

// Error messages of 100 KB: the client keeps an excerpt, and the toast,
// the form that reopens and the load error all fit the window.
func TestHostileLongErrors(t *testing.T) {
	long := strings.Repeat("very long error ", 100<<10/16)
	var failLoad atomic.Bool
	h := newHarness(t, withSize(80, 24), withHandler(hostileRoutes(
		on("PATCH", "/configuration", nil, 400, fixed(`{"error":"`+long+`"}`)),
		on("POST", "/groups", nil, 400, fixed(long)), // not JSON at all
		on("GET", "/groups", &failLoad, 500, fixed(`{"error":"`+long+`"}`)),
	)))
	h.press("p")
	scr := h.assertFits("a long error toast")
	if !strings.Contains(scr, "Very long error very long") || !strings.Contains(scr, "…") {
		t.Fatalf("the toast does not show the error's start, cut:\n%s", scr)
	}
	h.press("n")
	h.typeText("fresh")
	h.press("enter", "enter", "enter", "enter")
	scr = h.assertFits("a form reopened with a long error")
	if h.m.focus.form() == nil || !strings.Contains(scr, "very long error") {
		t.Fatalf("the create form did not reopen with the error:\n%s", scr)
	}
	h.press("esc")
	failLoad.Store(true)
	h.switchTo("acme")
	scr = h.assertFits("a load error")
	if !strings.Contains(scr, "Could not load the groups") {
		t.Fatalf("no load error:\n%s", scr)
	}
}

// A server that repeats the Authorization header in every error: the
// token is not on any screen those errors reach.
func TestHostileTokenEchoNeverShown(t *testing.T) {
	echo := func(r *http.Request) string {
		sent := r.Header.Get("X-Sent-Authorization")
		return fmt.Sprintf(`{"error":"refused; you sent Authorization: %s (%s)"}`, sent, strings.TrimPrefix(sent, "Bearer "))
	}
	var failLoad atomic.Bool
	h := newHarness(t, withToken(secretToken), withHandler(hostileRoutes(
		on("PATCH", "/configuration", nil, 403, echo),
		on("POST", "/groups", nil, 400, func(r *http.Request) string { return "plain text: " + r.Header.Get("X-Sent-Authorization") }),
		on("GET", "/groups", &failLoad, 400, echo),
	)))
	if len(h.listed()) != 6 {
		t.Fatalf("the groups did not load:\n%s", h.screen())
	}
	check := func(step string) {
		t.Helper()
		scr := h.screen()
		if strings.Contains(scr, "SECRET") {
			t.Fatalf("after %s the token is on screen:\n%s", step, scr)
		}
		if !strings.Contains(scr, "[redacted]") {
			t.Fatalf("after %s the server's echo is not on screen, redacted:\n%s", step, scr)
		}
	}
	h.press("p")
	check("a refused change (toast)")
	h.press("n")
	h.typeText("fresh")
	h.press("enter", "enter", "enter", "enter")
	if h.m.focus.form() == nil {
		t.Fatalf("the create form did not reopen:\n%s", h.screen())
	}
	check("a refused create (form)")
	h.press("esc")
	failLoad.Store(true)
	h.switchTo("acme")
	check("a failed load")
}

// A panic in Update, here from the clock the model is given, quoting the
// token: nothing escapes Update, the screen says in plain words what
// happened, without the token, the stack goes to the log, redacted, and
// the dashboard goes on working.
func TestPanicInUpdateIsContained(t *testing.T) {
	var boom atomic.Bool
	var logs bytes.Buffer
	h := newHarness(t, remote(), withToken(secretToken), withHandler(hostileRoutes()))
	// The harness's own options, with a clock that can fail and a log.
	hostileRebuild(h, func(o *Options) {
		o.Now = func() time.Time {
			if boom.Load() {
				panic("clock broke; request had Authorization: Bearer " + secretToken + " and " + fakeJWT)
			}
			return fixedNow
		}
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	if len(h.listed()) != 6 || h.m.internalErr != "" {
		t.Fatalf("the dashboard did not load (%q):\n%s", h.m.internalErr, h.screen())
	}

	boom.Store(true)
	// The token's expiry arrives: the model asks the clock how long is
	// left.
	h.send(tokenValidatedMsg{gen: h.m.sess.gen, exp: fixedNow.Add(time.Hour)})
	boom.Store(false)
	if h.m.internalErr == "" {
		t.Fatal("the panic was not recorded")
	}
	scr := h.screen()
	flat := strings.Join(strings.Fields(scr), " ")
	for _, want := range []string{"Something went wrong", "Clock broke; request had Authorization: Bearer [redacted] and [redacted].", "The dashboard keeps running; details are in the debug log."} {
		if !strings.Contains(flat, want) {
			t.Fatalf("%q is not on screen:\n%s", want, scr)
		}
	}
	for _, secret := range []string{"SECRET", fakeJWT} {
		if strings.Contains(scr, secret) || strings.Contains(h.m.internalErr, secret) || strings.Contains(logs.String(), secret) {
			t.Fatalf("%s leaked:\nscreen:\n%s\ninternalErr: %s\nlog: %s", secret, scr, h.m.internalErr, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "guard.go") {
		t.Errorf("the log has no error record with the stack:\n%s", logs.String())
	}
	h.assertInert("the panic notice")

	// Any key closes the notice; the list works as before.
	h.press("esc")
	h.mustNotShow("Something went wrong")
	before := h.m.currentName()
	h.press("j")
	if h.m.currentName() == before {
		t.Fatalf("j did not move after the panic:\n%s", h.screen())
	}
	h.press("enter")
	h.mustShow("Locations")
}

// A panic while drawing (a form left without its huh form stands in for
// a bug in a view): View returns a screen that says so and fits, closes
// what broke, and the next frames are the dashboard again.
func TestPanicInViewIsContained(t *testing.T) {
	h := newHarness(t)
	h.m.focus.push(&formState{c: h.m.common, kind: actCreate})
	v := h.m.View()
	if h.m.internalErr == "" {
		t.Fatal("the panic was not recorded")
	}
	if !strings.Contains(strings.Join(strings.Fields(v), " "), "Something went wrong") {
		t.Fatalf("the frame does not say what happened:\n%s", v)
	}
	for i, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > h.w {
			t.Fatalf("line %d is too wide: %q", i+1, l)
		}
	}
	if h.m.focus.form() != nil {
		t.Fatal("the broken form is still open")
	}
	h.mustShow("Something went wrong", "nil pointer", "run with --debug to record the details")
	h.press("esc")
	h.mustShow("6 groups")
	h.mustNotShow("Something went wrong")
	h.press("G")
	if h.m.currentName() != h.listed()[5] {
		t.Fatalf("G did not move to the last group after the panic:\n%s", h.screen())
	}
	h.press("n")
	h.mustShow("New group")
}

// hostileAlloc is how many bytes the process allocated while f ran.
func hostileAlloc(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hostileRebuild replaces the harness's dashboard with one built from the
// same options as edit leaves them, and loads it.
func hostileRebuild(h *harness, edit func(o *Options)) {
	h.t.Helper()
	o := h.m.opts
	edit(&o)
	h.m.Close()
	h.m = New(o)
	h.t.Cleanup(h.m.Close)
	h.send(tea.WindowSizeMsg{Width: h.w, Height: h.h})
	h.run(h.m.Init())
}

// panicTransport panics, quoting the token, on every request while armed.
type panicTransport struct{ armed *atomic.Bool }

func (p panicTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if p.armed.Load() {
		panic("transport broke while sending " + r.Header.Get("Authorization"))
	}
	return http.DefaultTransport.RoundTrip(r)
}

// A panic inside an API call, on the command's goroutine or the shared
// cache's, where nothing would recover it: the load or change fails like
// any other, with the panic's message, redacted; the stack is logged; and
// once the cause is gone, the dashboard works.
func TestPanicInCommandIsContained(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(map[bool]string{false: "own loads", true: "shared cache"}[shared], func(t *testing.T) {
			var armed atomic.Bool
			var logs bytes.Buffer
			h := newHarness(t, withHandler(hostileRoutes()))
			client, err := api.New(api.Options{BaseURL: h.srv.URL, Token: secretToken, Org: "demo", MaxRetries: -1,
				HTTPClient: &http.Client{Transport: panicTransport{&armed}}})
			if err != nil {
				t.Fatal(err)
			}
			hostileRebuild(h, func(o *Options) {
				o.Client = client
				o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
				if shared {
					// A load older than a nanosecond is not reused: r
					// must reach the API.
					o.Cache = cache.New(time.Nanosecond)
				}
			})
			if len(h.listed()) != 6 {
				t.Fatalf("the dashboard did not load:\n%s", h.screen())
			}
			armed.Store(true)
			h.press("r")
			h.waitIdle()
			flat := func() string { return strings.Join(strings.Fields(h.screen()), " ") }
			if !strings.Contains(flat(), "Refresh failed; showing the last loaded groups. Internal error: transport broke while sending Bearer [redacted].") {
				t.Fatalf("the refresh does not fail with the panic's message:\n%s", h.screen())
			}
			h.selectGroup("default")
			h.press("p")
			h.waitIdle()
			if !strings.Contains(flat(), "Internal error: transport broke") {
				t.Fatalf("the change does not fail with the panic's message:\n%s", h.screen())
			}
			if h.m.internalErr == "" {
				t.Error("the panic was not recorded")
			}
			for _, out := range []string{h.screen(), h.m.internalErr, logs.String()} {
				if strings.Contains(out, "SECRET") {
					t.Fatalf("the token leaked:\n%s", out)
				}
			}
			if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "guard.go") {
				t.Errorf("the log has no error record with the stack:\n%s", logs.String())
			}
			armed.Store(false)
			h.press("r")
			h.waitIdle()
			h.mustNotShow("stale")
			h.press("p")
			h.waitIdle()
			if g, _ := h.serverGroup("demo", "default"); !g.DeleteProtection {
				t.Fatalf("p did not turn delete protection on after the panic:\n%s", h.screen())
			}
		})
	}
}
