package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// The local API's faults, one at a time, through the root model: what the
// user is told, what is kept, what is retried, and that nothing hangs.

// faultTimeout is the client's per-attempt timeout in these tests: long
// enough for a healthy request on a busy machine (a few ms, tens under
// -race beside two busy loops), short enough that a stalled one is given
// up quickly. A healthy request timed out would read as the wrong fault.
const faultTimeout = time.Second

type faultCase struct {
	name   string
	faults emulator.Faults
	seed   int64  // of the faulty API's RNG: with FailRate, 1 draws a 500 and 6 a 503
	says   string // the plain words for it
	// readRetried: a read that meets the fault once succeeds on the
	// client's own retry.
	readRetried bool
	// writeRetried: a create that meets the fault once is retried, since
	// the API said it did nothing (429, 503).
	writeRetried bool
}

var faultCases = []faultCase{
	{"dropped connection", emulator.Faults{DropRate: 1}, 1, "The connection to the API was lost before it answered.", true, false},
	// A 2xx cut short is asked again when the request is a read; a create
	// may have happened, so it is not.
	{"malformed JSON", emulator.Faults{MalformedRate: 1}, 1, "The API sent a response that could not be read.", true, false},
	{"stalled body", emulator.Faults{StallRate: 1}, 1, "The API did not answer in time.", true, false},
	{"latency beyond the timeout", emulator.Faults{Latency: time.Minute}, 1, "The API did not answer in time.", true, false},
	{"429", emulator.Faults{RateLimitRate: 1}, 1, "The API is limiting requests (rate limit exceeded); try again in 1s.", true, true},
	{"500", emulator.Faults{FailRate: 1}, 1, "Internal server error (injected fault).", true, false},
	{"503", emulator.Faults{FailRate: 1}, 6, "Service unavailable (injected fault).", true, true},
}

// jargon is what Go and net/http say about these faults, which must never
// reach the screen.
var jargon = []string{"EOF", "deadline", "invalid character", "unexpected end", "JSON", "GET /", "POST /", "could not reach"}

// injector sends the requests it matches to a twin of the local API with
// faults, over the same store: a fault can then hit one kind of request,
// or only its first attempts, while the rest go through untouched. Each
// request gets a twin of its own, so that the fault a request draws
// (500 or 503) depends on the seed alone, not on which requests ran
// before it.
type injector struct {
	mu    sync.Mutex
	store *emulator.Store
	c     *faultCase
	match func(*http.Request) bool
	left  int // requests still to fault; negative: every one
	hits  int
}

func (in *injector) wrap(next http.Handler) http.Handler {
	// Request bodies are read first so that the server notices a client
	// hanging up during a fault (net/http watches the connection only once
	// the body is read), as a real server would.
	var b bodies
	return b.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.mu.Lock()
		c := in.c
		hit := c != nil && in.left != 0 && in.match(r)
		if hit {
			in.left--
			in.hits++
		}
		store := in.store
		in.mu.Unlock()
		if !hit {
			next.ServeHTTP(w, r)
			return
		}
		faulty, err := emulator.New(store, emulator.Options{Token: apiToken, Faults: c.faults, Seed: c.seed})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		faulty.ServeHTTP(w, r)
	}))
}

// arm faults the next n requests that match (n < 0: all of them).
func (in *injector) arm(h *harness, c faultCase, n int, match func(*http.Request) bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.store, in.c, in.match, in.left, in.hits = h.store, &c, match, n, 0
}

func (in *injector) disarm() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.c = nil
}

func (in *injector) hitCount() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.hits
}

func anyRequest(*http.Request) bool { return true }

func groupListReq(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/groups")
}

func groupCreate(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/groups")
}

// newFaultHarness is a dashboard on a local API that faults what inj is
// armed for.
func newFaultHarness(t *testing.T, inj *injector, opts ...option) *harness {
	t.Helper()
	return newHarness(t, append([]option{withTimeout(faultTimeout), withHandler(inj.wrap)}, opts...)...)
}

// persistent gives the dashboard a client for a fault that lasts: the
// faultTimeout, one retry rather than three, and no waiting out Retry-After: 1
// (the real client waits up to 30 s). The fault outlasts the retries all
// the same, with the same error, seconds sooner; TestFaultOnceOnAReadIsRetried
// and TestFaultOnceOnACreate run the real retries.
func (h *harness) persistent() {
	h.t.Helper()
	h.useClient(api.Options{Timeout: faultTimeout, MaxRetries: 1, MaxRetryAfter: time.Millisecond})
}

// patient gives the dashboard back a client as the harness makes it, for
// what follows the fault: a change sent again must not time out on a busy
// machine.
func (h *harness) patient() {
	h.t.Helper()
	h.useClient(api.Options{Timeout: 10 * time.Second})
}

func (h *harness) useClient(o api.Options) {
	h.t.Helper()
	if o.BaseURL == "" {
		o.BaseURL = h.srv.URL
	}
	o.Token, o.Org = apiToken, h.m.sess.client.Org()
	o.MinBackoff, o.MaxBackoff = time.Millisecond, 2*time.Millisecond
	c, err := api.New(o)
	if err != nil {
		h.t.Fatal(err)
	}
	h.m.sess.client = c
}

// apiCmdNames are substrings of the names of the commands that call the
// API. The harness's list wants them called directly ("/ui.loadGroupListCmd."),
// but one reached through inlined calls is named like
// "ui.(*Model).handleKey.(*Model).reload.loadGroupListCmd.func3", and the
// harness gives those 200 ms: too little for a request that waits out a
// timeout.
var apiCmdNames = []string{"loadGroupListCmd", "loadDatabasesCmd", "loadLocationsCmd", "validateTokenCmd", "loadOrgsCmd", "startOp", "(*tokenDialog).Update"}

func isAPICmd(name string) bool {
	// tea.Batch inlined into startOp is "ui.(*Model).startOp.Batch.compactCmds[...].func2":
	// it returns the batch at once.
	return !strings.Contains(name, ".Batch.") &&
		slices.ContainsFunc(apiCmdNames, func(s string) bool { return strings.Contains(name, s) })
}

func isTimer(name string) bool {
	return slices.ContainsFunc(timers, func(p string) bool { return strings.HasPrefix(name, p) })
}

// runLive runs cmd as the program would: the commands side by side, and
// each message given to the model, in the test's goroutine, as it
// arrives. Timers are not run. An API command must finish within 15 s; any
// other gets a second and is dropped if it does not return.
func (h *harness) runLive(cmd tea.Cmd) {
	h.t.Helper()
	type result struct {
		msg  tea.Msg
		name string
		late bool
	}
	results := make(chan result)
	running := 0
	start := func(c tea.Cmd) {
		if c == nil {
			return
		}
		name := cmdName(c)
		if isTimer(name) {
			return
		}
		limit := time.Second
		if isAPICmd(name) {
			limit = 15 * time.Second
		}
		running++
		go func() {
			done := make(chan tea.Msg, 1)
			go func() { done <- c() }()
			select {
			case msg := <-done:
				results <- result{msg: msg, name: name}
			case <-time.After(limit):
				results <- result{name: name, late: true}
			}
		}()
	}
	start(cmd)
	for running > 0 {
		r := <-results
		running--
		if r.late {
			if isAPICmd(r.name) {
				h.t.Fatalf("API command %s did not finish in 15s", r.name)
			}
			h.t.Logf("dropped %s: it did not return within a second", r.name)
			continue
		}
		for _, c := range h.deliver(r.msg) {
			start(c)
		}
	}
}

// pressLive is press, with the commands run as the program would.
func (h *harness) pressLive(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		_, cmd := h.m.Update(keyMsg(k))
		h.runLive(cmd)
	}
}

// flat is s with every run of white space made one space: a message
// wrapped over lines reads as one.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// mustRead fails unless the screen shows each sentence, wrapped or not.
func (h *harness) mustRead(sentences ...string) {
	h.t.Helper()
	scr := flat(h.screen())
	for _, s := range sentences {
		if !strings.Contains(scr, flat(s)) {
			h.t.Fatalf("screen does not read %q:\n%s", s, h.screen())
		}
	}
}

// mustNotShowJargonOrPanic fails if Go's words for a fault are on screen, or if
// the dashboard recovered from a panic on the way (it says so in a notice,
// maybe behind a form).
func (h *harness) mustNotShowJargonOrPanic() {
	h.t.Helper()
	h.mustNotShow(jargon...)
	if n := h.m.focus.notice(); n != nil && n.title == "Something went wrong" {
		h.t.Fatalf("the dashboard recovered from a panic: %s", n.body)
	}
}

func (h *harness) header() string { return strings.SplitN(h.screen(), "\n", 2)[0] }

// count is how many requests were "METHOD path".
func (h *harness) count(rq string) int {
	n := 0
	for _, r := range h.reqs.snapshot() {
		if r == rq {
			n++
		}
	}
	return n
}

const (
	listRq   = "GET /v1/organizations/demo/groups"
	createRq = "POST /v1/organizations/demo/groups"
)

func TestFaultOnRefreshKeepsTheLastGroups(t *testing.T) {
	t.Parallel()
	for _, c := range faultCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var inj injector
			h := newFaultHarness(t, &inj)
			h.persistent()
			h.selectGroup("legacy")
			before := h.listed()
			inj.arm(h, c, -1, groupListReq)
			// Never hangs: two attempts of at most faultTimeout each,
			// where runLive fails any API command still running after 15 s.
			h.pressLive("r")
			h.waitIdle()

			h.mustRead("Refresh failed; showing the last loaded groups. " + c.says)
			h.mustNotShowJargonOrPanic()
			if !strings.Contains(h.header(), "stale") {
				t.Errorf("the header is not marked stale: %q", h.header())
			}
			if got := h.listed(); !slices.Equal(got, before) || h.m.currentName() != "legacy" {
				t.Errorf("listed %v with the cursor on %q; want %v on legacy", got, h.m.currentName(), before)
			}
			if !strings.HasPrefix(h.rowOf("legacy"), ">") {
				t.Errorf("the cursor is not drawn on legacy:\n%s", h.screen())
			}
			inj.disarm()
			h.patient()
			h.pressLive("r")
			if strings.Contains(h.header(), "stale") || len(h.listed()) != 6 {
				t.Errorf("a good refresh after the fault:\n%s", h.screen())
			}
		})
	}
}

func TestFaultOnceOnAReadIsRetried(t *testing.T) {
	t.Parallel()
	for _, c := range faultCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var inj injector
			h := newFaultHarness(t, &inj)
			h.selectGroup("legacy")
			h.reqs.reset()
			inj.arm(h, c, 1, groupListReq)
			start := time.Now()
			h.pressLive("r")
			took := time.Since(start)
			h.waitIdle()
			if inj.hitCount() != 1 {
				t.Fatalf("the fault hit %d requests, want 1", inj.hitCount())
			}
			if !c.readRetried {
				if n := h.count(listRq); n != 1 {
					t.Errorf("%d group list requests, want 1: this fault is not retried", n)
				}
				h.mustRead("Refresh failed; showing the last loaded groups. " + c.says)
				return
			}
			if n := h.count(listRq); n != 2 {
				t.Errorf("%d group list requests, want 2 (the fault, then the retry)", n)
			}
			if strings.Contains(h.header(), "stale") || h.m.footer.toast.kind == toastError {
				t.Errorf("the retried refresh failed (%q):\n%s", h.m.footer.toast.text, h.screen())
			}
			if len(h.listed()) != 6 || h.m.currentName() != "legacy" {
				t.Errorf("after the retried refresh: %v, cursor on %q", h.listed(), h.m.currentName())
			}
			if c.faults.RateLimitRate > 0 && took < time.Second {
				t.Errorf("retried after %s, before the Retry-After of 1s", took)
			}
		})
	}
}

// fillCreate fills the create form: a name, fra, and two extensions
// chosen one by one; it stops at the confirmation.
func (h *harness) fillCreate(name string) {
	h.t.Helper()
	h.press("n")
	h.typeText(name)
	h.press("enter")
	h.pick("fra")
	h.press("j", "j", "enter") // Extensions: Choose…
	// vector is first, uuid eighth.
	h.press("x", "j", "j", "j", "j", "j", "j", "j", "x", "enter")
	h.mustShow("Create " + name + " at fra?")
}

// mustKeepCreate fails unless the create form is open with what
// fillCreate entered.
func (h *harness) mustKeepCreate(name string) {
	h.t.Helper()
	if h.m.focus.form() == nil || h.m.focus.form().kind != actCreate {
		h.t.Fatalf("the create form is not open:\n%s", h.screen())
	}
	v := h.m.focus.form().values
	if v.Name != name || v.Location != "fra" || v.ExtMode != extChoose || !slices.Equal(v.Extensions, []string{"vector", "uuid"}) {
		h.t.Fatalf("the form holds %q at %q, extensions %s %v; want %s at fra, choose [vector uuid]", v.Name, v.Location, v.ExtMode, v.Extensions, name)
	}
}

// submitCreateAgain goes through the open create form without changing
// anything and submits it.
func (h *harness) submitCreateAgain(name string) {
	h.t.Helper()
	h.press("enter", "enter", "enter", "enter") // name, location, extensions, the choice
	h.mustShow("Create "+name+" at fra?", "Extensions: vector, uuid")
	h.pressLive("enter")
}

// mustHaveCreated fails unless the server has the group as fillCreate
// asked for it, and the list shows it.
func (h *harness) mustHaveCreated(name string, b *bodies) {
	h.t.Helper()
	g, ok := h.serverGroup("demo", name)
	if !ok {
		h.t.Fatalf("the server has no group %s:\n%s", name, h.screen())
	}
	if g.Primary != "fra" {
		h.t.Errorf("primary on the server = %q, want fra", g.Primary)
	}
	var sent struct {
		Extensions api.Extensions `json:"extensions"`
	}
	if err := json.Unmarshal(b.get(createRq), &sent); err != nil || !slices.Equal(sent.Extensions.Names, []string{"vector", "uuid"}) {
		h.t.Errorf("create sent extensions %+v (%v), want vector, uuid", sent.Extensions, err)
	}
	if h.m.focus.form() != nil || h.rowOf(name) == "" {
		h.t.Errorf("%s is not listed:\n%s", name, h.screen())
	}
}

// A failed create opens its form again with everything in it, says why,
// and sends the same thing once the fault is gone.
func TestFaultOnCreateKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	for _, c := range faultCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var inj injector
			var b bodies
			h := newFaultHarness(t, &inj, withHandler(func(next http.Handler) http.Handler { return b.wrap(inj.wrap(next)) }))
			h.persistent()
			h.fillCreate("orders-eu")
			inj.arm(h, c, -1, groupCreate)
			h.pressLive("enter")
			h.waitIdle()
			h.mustKeepCreate("orders-eu")
			h.mustShow("> orders-eu")
			h.mustRead(c.says)
			h.mustNotShowJargonOrPanic()
			if c.writeRetried {
				// The API said it did nothing: no doubt to raise.
				h.mustNotShow("may or may not")
			} else {
				h.mustRead("The group may or may not have been created. Press esc, then r, to check the list before trying again.")
			}
			if _, ok := h.serverGroup("demo", "orders-eu"); ok {
				t.Fatal("the fault let the group be created")
			}
			inj.disarm()
			h.patient()
			h.submitCreateAgain("orders-eu")
			h.mustHaveCreated("orders-eu", &b)
		})
	}
}

// A create meets a fault once: retried only when the API said it did
// nothing; otherwise the user is told it may or may not have happened,
// and can check and try again without typing anything again.
func TestFaultOnceOnACreate(t *testing.T) {
	t.Parallel()
	for _, c := range faultCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var inj injector
			var b bodies
			h := newFaultHarness(t, &inj, withHandler(func(next http.Handler) http.Handler { return b.wrap(inj.wrap(next)) }))
			h.fillCreate("orders-eu")
			inj.arm(h, c, 1, groupCreate)
			h.reqs.reset()
			h.pressLive("enter")
			h.waitIdle()
			if c.writeRetried {
				if n := h.count(createRq); n != 2 {
					t.Errorf("%d creates sent, want 2 (the fault, then the retry)", n)
				}
				h.mustHaveCreated("orders-eu", &b)
				h.mustShow("Created orders-eu at fra.")
				return
			}
			if n := h.count(createRq); n != 1 {
				t.Fatalf("%d creates sent, want 1: a create whose outcome is unknown must not be sent again by itself", n)
			}
			h.mustKeepCreate("orders-eu")
			h.mustRead(c.says + " The group may or may not have been created. Press esc, then r, to check the list before trying again.")
			h.mustNotShowJargonOrPanic()
			// Doing as told: the list says it was not created, and the
			// form comes back as it was.
			h.press("esc")
			h.pressLive("r")
			if h.rowOf("orders-eu") != "" || len(h.listed()) != 6 {
				t.Fatalf("after the check:\n%s", h.screen())
			}
			h.press("n")
			h.mustKeepCreate("orders-eu")
			h.submitCreateAgain("orders-eu")
			h.mustHaveCreated("orders-eu", &b)
		})
	}
}

func TestFaultOnFirstLoad(t *testing.T) {
	t.Parallel()
	for _, c := range faultCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var inj injector
			h := newFaultHarness(t, &inj, withoutInit())
			h.persistent()
			inj.arm(h, c, -1, anyRequest)
			// Never hangs: runLive fails an API command still running
			// after 15 s, 20 times what the retries take.
			h.runLive(h.m.Init())
			h.waitIdle()
			h.mustRead("Could not load the groups: "+c.says, "Press r to retry, q to quit.")
			h.mustNotShowJargonOrPanic()
			if h.m.load.loaded || len(h.m.groups) != 0 {
				t.Fatal("a failed load counts as loaded")
			}
			inj.disarm()
			h.patient()
			h.pressLive("r")
			h.waitIdle()
			if len(h.listed()) != 6 {
				t.Fatalf("r did not load the groups:\n%s", h.screen())
			}
			h.mustNotShow("Could not load the groups")
			// The locations failed with the groups: r fetched them too.
			h.press("n")
			if h.m.focus.form() == nil {
				t.Fatalf("the create form did not open after the retry:\n%s", h.screen())
			}
		})
	}
}

// startInBackground runs cmd as the program would, except that the API
// commands are left running in the background, their messages to results;
// it returns how many it started.
func (h *harness) startInBackground(cmd tea.Cmd, results chan<- tea.Msg) int {
	h.t.Helper()
	if cmd == nil {
		return 0
	}
	switch name := cmdName(cmd); {
	case isAPICmd(name):
		go func() { results <- cmd() }()
		return 1
	case isTimer(name):
		return 0
	}
	msg, ok := h.exec(cmd)
	if !ok {
		return 0
	}
	n := 0
	for _, c := range h.deliver(msg) {
		n += h.startInBackground(c, results)
	}
	return n
}

// Quitting ends the requests in flight at once, whether the API is slow to
// answer or stalls halfway through the answer: the first load, or a
// refresh and a create.
func TestQuitWithFaultsInFlight(t *testing.T) {
	t.Parallel()
	faults := map[string]emulator.Faults{
		"stalled body": {StallRate: 1},
		"latency":      {Latency: time.Minute},
	}
	for fname, f := range faults {
		for _, scenario := range []string{"first load", "refresh and create"} {
			for _, k := range []string{"q", "ctrl+c"} {
				t.Run(fname+"/"+scenario+"/"+k, func(t *testing.T) {
					t.Parallel()
					var inj injector
					// The client's own timeout is far away: only quitting
					// can end these requests.
					h := newHarness(t, withHandler(inj.wrap), withoutInit())
					results := make(chan tea.Msg, 8)
					var started, atServer int
					if scenario == "first load" {
						inj.arm(h, faultCase{faults: f, seed: 1}, -1, anyRequest)
						started = h.startInBackground(h.m.Init(), results)
						atServer = 3 // groups, databases, locations
						h.mustShow("Loading the groups of demo")
					} else {
						h.runLive(h.m.Init())
						h.fillCreate("orders-eu")
						inj.arm(h, faultCase{faults: f, seed: 1}, -1, anyRequest)
						_, cmd := h.m.Update(keyMsg("enter"))
						started = h.startInBackground(cmd, results)
						_, cmd = h.m.Update(keyMsg("r"))
						started += h.startInBackground(cmd, results)
						atServer = 3 // create, groups, databases
						h.mustShow("Creating orders-eu")
						if !h.m.load.loading {
							t.Fatal("r did not start a refresh")
						}
					}
					if started != atServer {
						t.Fatalf("started %d API commands, want %d", started, atServer)
					}
					deadline := time.Now().Add(5 * time.Second)
					for inj.hitCount() < atServer {
						if time.Now().After(deadline) {
							t.Fatalf("the requests never reached the server: %v", h.reqs.snapshot())
						}
						time.Sleep(5 * time.Millisecond)
					}

					begin := time.Now()
					_, cmd := h.m.Update(keyMsg(k))
					if !quitCmd(cmd) {
						t.Fatalf("%s did not quit", k)
					}
					h.awaitCancelled(results, started, begin)
					if v := h.m.View(); v != "" {
						t.Errorf("View after quitting: %q", v)
					}
					if _, ok := h.serverGroup("demo", "orders-eu"); ok {
						t.Error("the cancelled create changed the server")
					}
				})
			}
		}
	}
}

// An API that cannot be reached at all is told in plain words too, and
// the first load can be retried.
func TestAPIUnreachableOnFirstLoad(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withoutInit())
	// A port that was just free: nothing listens there.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	h.useClient(api.Options{BaseURL: dead.URL, MaxRetries: 1})
	h.runLive(h.m.Init())
	h.mustRead("Could not load the groups: Could not connect to the API; check the network and the API URL.")
	h.mustNotShow("refused", "dial", "tcp")
	h.patient()
	h.pressLive("r")
	if len(h.listed()) != 6 {
		t.Fatalf("r did not load the groups:\n%s", h.screen())
	}
}
