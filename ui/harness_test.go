package ui

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/api/listcache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
)

// The tests drive the root model directly: a key or message goes to
// Update, and the commands it returns run at once, in the test's
// goroutine, their messages fed back until nothing is left. Timers (the
// spinner's next frame, cursor blinks, toast expiry, periodic refresh)
// are not run: they would only make the screen depend on the clock.

const (
	apiToken   = "t"
	testWidth  = 100
	testHeight = 30
)

// fixedNow is the dashboard's clock in every test.
var fixedNow = time.Date(2025, time.June, 2, 10, 0, 0, 0, time.UTC)

// asciiRenderer draws without colours or attributes: goldens and
// assertions see plain text, and any ESC in View() is a leak.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// reqLog counts the requests that reach the API.
type reqLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *reqLog) add(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paths = append(l.paths, r.Method+" "+r.URL.Path)
}

func (l *reqLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.paths...)
}

func (l *reqLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paths = nil
}

// harness is one dashboard against its own local API.
type harness struct {
	t      testing.TB
	m      *Model
	store  *emulator.Store
	emu    *emulator.Server
	srv    *httptest.Server
	reqs   *reqLog
	w, h   int
	quits  int      // tea.QuitMsg seen
	copied []string // what Options.Copy was asked to copy
	// unknown records commands that did not finish within the short
	// timeout given to commands the harness does not know.
	unknown []string
	// sent counts the requests the dashboard's client has started: a
	// command during which it grows is an API command, whatever its name.
	sent atomic.Int64
	// afterUpdate, when set, runs after every Update: a test's checks of
	// the screens between a key and the answers it leads to.
	afterUpdate func()
	// inflight is what post left to run and deliver: see advance.
	inflight []flying
	// holdWaits keeps run from running the waits on provisioning
	// locations: they go to held, for the test to run when it chooses
	// (releaseWaits), so that the screen can be seen while they block.
	holdWaits bool
	held      []tea.Cmd
}

type harnessConfig struct {
	seed       string
	seedGroups int
	org        string
	token      string // the client's token; the server accepts apiToken
	local      bool
	readOnly   bool
	faults     emulator.Faults
	handler    func(next http.Handler) http.Handler // wraps the emulator
	w, h       int
	noLoad     bool                     // do not run Init
	timeout    time.Duration            // the client's per-attempt timeout; 10 s if zero
	faultSeed  int64                    // seeds the emulator's fault RNG; 1 if zero
	refresh    time.Duration            // Options.Refresh
	keys       map[string][]string      // rebinds the default key map
	noUser     bool                     // Options.User empty: not known from settings
	advice     string                   // Options.TokenAdvice
	provision  time.Duration            // the local API's ProvisionDelay; 0: ready at once
	update     emulator.GroupUpdateMode // the local API's GroupUpdate; "": served
	listCache  *listcache.Store         // Options.ListCache
}

type option func(*harnessConfig)

func withSeed(seed string, n int) option {
	return func(c *harnessConfig) { c.seed, c.seedGroups = seed, n }
}
func withToken(tok string) option { return func(c *harnessConfig) { c.token = tok } }
func withProvisionDelay(d time.Duration) option {
	return func(c *harnessConfig) { c.provision = d }
}
func withGroupUpdate(m emulator.GroupUpdateMode) option {
	return func(c *harnessConfig) { c.update = m }
}
func withListCache(s *listcache.Store) option {
	return func(c *harnessConfig) { c.listCache = s }
}
func remote() option                        { return func(c *harnessConfig) { c.local = false } }
func readOnly() option                      { return func(c *harnessConfig) { c.readOnly = true } }
func withFaults(f emulator.Faults) option   { return func(c *harnessConfig) { c.faults = f } }
func withSize(w, h int) option              { return func(c *harnessConfig) { c.w, c.h = w, h } }
func withoutInit() option                   { return func(c *harnessConfig) { c.noLoad = true } }
func withTimeout(d time.Duration) option    { return func(c *harnessConfig) { c.timeout = d } }
func withFaultSeed(seed int64) option       { return func(c *harnessConfig) { c.faultSeed = seed } }
func withRefresh(d time.Duration) option    { return func(c *harnessConfig) { c.refresh = d } }
func withKeys(k map[string][]string) option { return func(c *harnessConfig) { c.keys = k } }
func withoutUser() option                   { return func(c *harnessConfig) { c.noUser = true } }
func withTokenAdvice(a string) option       { return func(c *harnessConfig) { c.advice = a } }
func withHandler(wrap func(next http.Handler) http.Handler) option {
	return func(c *harnessConfig) { c.handler = wrap }
}

// newHarness starts a local API on loopback, builds the dashboard for it,
// sizes it and runs its first load.
func newHarness(t testing.TB, opts ...option) *harness {
	t.Helper()
	cfg := harnessConfig{seed: "demo", org: "demo", token: apiToken, local: true, w: testWidth, h: testHeight}
	for _, o := range opts {
		o(&cfg)
	}
	store, err := emulator.NewMemoryStore(cfg.seed, cfg.seedGroups)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.faultSeed == 0 {
		cfg.faultSeed = 1
	}
	emu, err := emulator.New(store, emulator.Options{Token: apiToken, Faults: cfg.faults, Seed: cfg.faultSeed, ProvisionDelay: cfg.provision, GroupUpdate: cfg.update})
	if err != nil {
		t.Fatal(err)
	}
	// Usage and the plan are served from the same store by an API whose
	// clock stands still at the dashboard's, and without faults: usage
	// moves with the clock, and a screen with figures must be the same
	// on every run; nor may these requests, sent after the first frame,
	// draw from the fault RNG that a fault test's sequence depends on.
	// The main API keeps the real clock, which provisioning runs on.
	still, err := emulator.New(store, emulator.Options{Token: apiToken, Now: func() time.Time { return fixedNow }, TokenExpiry: fixedNow.AddDate(10, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: store, emu: emu, reqs: &reqLog{}, w: cfg.w, h: cfg.h}
	var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if afterFirstFrame(r.Method + " " + r.URL.Path) {
			still.ServeHTTP(w, r)
			return
		}
		emu.ServeHTTP(w, r)
	})
	if cfg.handler != nil {
		handler = cfg.handler(emu)
	}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.reqs.add(r)
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(h.srv.Close)
	if cfg.timeout == 0 {
		cfg.timeout = 10 * time.Second
	}
	client, err := api.New(api.Options{
		BaseURL: h.srv.URL, Token: cfg.token, Org: cfg.org, ReadOnly: cfg.readOnly,
		// Retries stay on, but fast: a fault test must not wait out
		// the real backoff.
		MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Timeout: cfg.timeout,
		HTTPClient: &http.Client{Transport: countingTransport{http.DefaultTransport, &h.sent}},
	})
	if err != nil {
		t.Fatal(err)
	}
	km := keys.Default()
	if err := km.Rebind(cfg.keys); err != nil {
		t.Fatal(err)
	}
	o := Options{
		Keys:     km,
		Client:   client,
		APIURL:   h.srv.URL,
		Local:    cfg.local,
		User:     "demo",
		ReadOnly: cfg.readOnly,
		Refresh:  cfg.refresh,
		Renderer: asciiRenderer(),
		Now:      func() time.Time { return fixedNow },
		Copy: func(s string) error {
			h.copied = append(h.copied, s)
			return nil
		},
	}
	if cfg.noUser {
		o.User = ""
	}
	o.TokenAdvice = cfg.advice
	o.ListCache = cfg.listCache
	h.m = New(o)
	t.Cleanup(h.m.Close)
	h.send(tea.WindowSizeMsg{Width: h.w, Height: h.h})
	if !cfg.noLoad {
		h.run(h.m.Init())
	}
	return h
}

// send gives msg to the model and runs what it returns.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	h.run(h.update(msg))
}

// update is the model's Update, followed by the afterUpdate check.
func (h *harness) update(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	if h.afterUpdate != nil {
		h.afterUpdate()
	}
	return cmd
}

// run executes cmd and every command its messages lead to, breadth first,
// feeding each message back to the model.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			h.t.Fatal("commands keep producing commands: an endless loop?")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		if h.holdWaits && closureOf(cmdName(c)) == "startWait" {
			h.held = append(h.held, c)
			continue
		}
		msg, ok := h.exec(c)
		if !ok {
			continue
		}
		queue = append(queue, h.deliver(msg)...)
	}
}

// deliver feeds one message to the model, expanding batches and answering
// the requests meant for the program; it returns the commands to run next.
func (h *harness) deliver(msg tea.Msg) []tea.Cmd {
	h.t.Helper()
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		return msg
	case tea.QuitMsg:
		h.quits++
		return nil
	case cursor.BlinkMsg:
		// Only reachable if a blink ran; blinking makes goldens flaky.
		return nil
	}
	if cmds, ok := sequenceCmds(msg); ok {
		return cmds
	}
	if fmt.Sprintf("%T", msg) == "tea.windowSizeMsg" {
		// tea.WindowSize(): the program answers with the terminal's size.
		return []tea.Cmd{h.update(tea.WindowSizeMsg{Width: h.w, Height: h.h})}
	}
	return []tea.Cmd{h.update(msg)}
}

// sequenceCmds are the commands of tea.Sequence's message, in order. Its
// type is unexported, a slice of commands like tea.BatchMsg, which is not
// one.
func sequenceCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	if _, ok := msg.(tea.BatchMsg); ok {
		return nil, false
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// cmdName is the function behind a command, e.g.
// "github.com/charmbracelet/bubbletea.Tick.func1". Inlining changes it:
// a closure made by a function inlined into its caller is named after
// the whole chain, "ui.(*Model).Init.(*Model).reload.loadGroupListCmd.func4",
// so match names with closureOf and uiPackage, never by a fixed prefix.
func cmdName(c tea.Cmd) string {
	f := runtime.FuncForPC(reflect.ValueOf(c).Pointer())
	if f == nil {
		return "?"
	}
	return f.Name()
}

// closureOf is the function that made the closure called name: the
// last element before its ".funcN" suffixes ("Tick" for both
// "bubbletea.Tick.func1" and, inlined, "ui.clearToastAfter.Tick.func1");
// "" when name is not a closure.
func closureOf(name string) string {
	isClosure := false
	for {
		i := strings.LastIndexByte(name, '.')
		n, ok := strings.CutPrefix(name[i+1:], "func")
		if i < 0 || !ok {
			break
		}
		if _, err := strconv.Atoi(n); err != nil {
			break
		}
		name, isClosure = name[:i], true
	}
	if !isClosure {
		return ""
	}
	return name[strings.LastIndexByte(name, '.')+1:]
}

// uiPackage prefixes the name of every function of this package, and of
// every closure written in it, inlined or not.
var uiPackage = reflect.TypeFor[Model]().PkgPath() + "."

// timers are commands that only wait for the clock (toasts, the periodic
// refresh, the spinner, cursor blinks), by the name of their function
// when it is not inlined; waitsForClock also knows them inlined.
var timers = []string{
	"github.com/charmbracelet/bubbletea.Tick.",
	"github.com/charmbracelet/bubbletea.Every.",
	"github.com/charmbracelet/bubbles/cursor.(*Model).BlinkCmd.",
}

// waitsForClock reports whether the command called name is one of timers: by
// its name, or, inlined, by the function that made the closure.
func waitsForClock(name string) bool {
	maker := closureOf(name)
	for _, p := range timers {
		if strings.HasPrefix(name, p) {
			return true
		}
		fn := strings.TrimSuffix(p, ".")
		if maker != "" && maker == fn[strings.LastIndexByte(fn, '.')+1:] {
			return true
		}
	}
	return false
}

// Limits of exec: this package's commands and those that call the API
// must finish, however slow the machine (-race, a loaded CI runner);
// others get a while, since they could be a timer the harness does not
// know. That while is far beyond what any such command takes (Bubble
// Tea's Batch and Sequence return at once): a CI runner at a load of 14
// on two cores once took more than a second to run one.
const (
	apiCmdLimit   = 15 * time.Second
	otherCmdLimit = 10 * time.Second
)

// countingTransport counts the requests the dashboard starts.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}

// cmdPanic carries a panic out of the goroutine that ran a command.
type cmdPanic struct {
	v     any
	stack []byte
}

// exec runs one command. Timers are dropped without running. The
// commands of this package run to completion: the API calls among them
// can be slow, and a command of ours that never returns is a bug. So does
// any command that has sent a request. Anything else gets a short while
// and is dropped (and noted in unknown) if it does not return.
func (h *harness) exec(c tea.Cmd) (tea.Msg, bool) {
	h.t.Helper()
	name := cmdName(c)
	if waitsForClock(name) {
		return nil, false
	}
	limit := otherCmdLimit
	if strings.HasPrefix(name, uiPackage) {
		limit = apiCmdLimit
	}
	sent := h.sent.Load()
	done := make(chan any, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				// Re-panicking here would kill the test binary before
				// the test can say which input led to it.
				done <- cmdPanic{v, debug.Stack()}
			}
		}()
		done <- c()
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		select {
		case msg := <-done:
			if p, ok := msg.(cmdPanic); ok {
				h.t.Fatalf("command %s panicked: %v\n%s", name, p.v, p.stack)
			}
			return msg, true
		case <-timer.C:
			if limit < apiCmdLimit && h.sent.Load() != sent {
				limit = apiCmdLimit
				timer.Reset(apiCmdLimit - otherCmdLimit)
				continue
			}
			if limit == apiCmdLimit {
				h.t.Fatalf("command %s did not finish in %s", name, limit)
			}
			h.unknown = append(h.unknown, name)
			h.t.Logf("dropped %s: it did not return within %s", name, limit)
			return nil, false
		}
	}
}

// --- commands in flight --------------------------------------------------

// flying is one thing in flight: a command to run, or the message a
// command returned and the model has not received yet, or the rest of a
// tea.Sequence.
type flying struct {
	cmd tea.Cmd
	msg tea.Msg // when ran
	ran bool
	seq []tea.Cmd
}

// post gives msg to the model and leaves the commands it returns in
// flight, to run when advance or settle picks them, and their messages to
// be delivered when picked in turn: keys then arrive while requests are
// outstanding, and an answer can arrive after a later one, as under the
// real program, where commands run concurrently.
func (h *harness) post(msg tea.Msg) {
	h.t.Helper()
	if cmd := h.update(msg); cmd != nil {
		h.inflight = append(h.inflight, flying{cmd: cmd})
	}
}

// advance takes n things in flight, each chosen by pick (an index below
// its argument): a command runs, its message stays in flight; a message
// is delivered, the commands it returns join those in flight. The
// commands of a sequence run in order, and their messages arrive in
// order, as Bubble Tea runs them.
func (h *harness) advance(n int, pick func(n int) int) {
	h.t.Helper()
	for ; n > 0 && len(h.inflight) > 0; n-- {
		i := pick(len(h.inflight))
		f := h.inflight[i]
		h.inflight = slices.Delete(h.inflight, i, i+1)
		switch {
		case f.seq != nil:
			rest := f.seq[1:]
			if msg, ok := h.exec(f.seq[0]); ok {
				if cmds, ok := sequenceCmds(msg); ok {
					rest = append(cmds, rest...)
				} else if batch, ok := msg.(tea.BatchMsg); ok {
					// The sequence waits for the whole batch.
					rest = append([]tea.Cmd(batch), rest...)
				} else {
					h.receive(msg)
				}
			}
			if len(rest) > 0 {
				h.inflight = append(h.inflight, flying{seq: rest})
			}
		case !f.ran:
			if f.cmd == nil {
				continue
			}
			if msg, ok := h.exec(f.cmd); ok && msg != nil {
				h.inflight = append(h.inflight, flying{msg: msg, ran: true})
			}
		default:
			h.receive(f.msg)
		}
	}
}

// receive delivers msg and leaves what it leads to in flight.
func (h *harness) receive(msg tea.Msg) {
	h.t.Helper()
	if cmds, ok := sequenceCmds(msg); ok {
		h.inflight = append(h.inflight, flying{seq: cmds})
		return
	}
	for _, c := range h.deliver(msg) {
		if c != nil {
			h.inflight = append(h.inflight, flying{cmd: c})
		}
	}
}

// settle runs and delivers everything in flight, in pick's order, until
// nothing is left.
func (h *harness) settle(pick func(n int) int) {
	h.t.Helper()
	for steps := 0; len(h.inflight) > 0; steps++ {
		if steps > 10000 {
			h.t.Fatal("commands keep producing commands: an endless loop?")
		}
		h.advance(1, pick)
	}
}

// keyMsg turns a key name into the message a terminal would send.
func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, "ctrl+d": tea.KeyCtrlD,
		"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"space": tea.KeySpace,
	}
	if t, ok := named[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
		}
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// press sends each key in turn.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText sends s as typed: one message of runes, as a terminal delivers
// quick typing.
func (h *harness) typeText(s string) {
	h.t.Helper()
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

// resize changes the terminal size.
func (h *harness) resize(w, hh int) {
	h.t.Helper()
	h.w, h.h = w, hh
	h.send(tea.WindowSizeMsg{Width: w, Height: hh})
}

// waitIdle asserts that nothing is in flight: the driver runs commands to
// completion, so anything still pending is a request whose answer the
// model lost.
func (h *harness) waitIdle() {
	h.t.Helper()
	if h.m.load.loading || len(h.m.ops.pending) > 0 {
		h.t.Fatalf("still busy: loading=%v pending=%v\n%s", h.m.load.loading, h.m.ops.pending, h.screen())
	}
}

// screen is what the terminal shows, without styling.
func (h *harness) screen() string { return ansi.Strip(h.m.View()) }

// mustShow fails unless every s is on screen.
func (h *harness) mustShow(ss ...string) {
	h.t.Helper()
	scr := h.screen()
	for _, s := range ss {
		if !strings.Contains(scr, s) {
			h.t.Fatalf("screen does not show %q:\n%s", s, scr)
		}
	}
}

// mustNotShow fails if any s is on screen.
func (h *harness) mustNotShow(ss ...string) {
	h.t.Helper()
	scr := h.screen()
	for _, s := range ss {
		if strings.Contains(scr, s) {
			h.t.Fatalf("screen shows %q:\n%s", s, scr)
		}
	}
}

// rowOf is the list row of the named group, "" when it is not shown.
func (h *harness) rowOf(name string) string {
	for _, line := range strings.Split(h.screen(), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), ">"))
		if len(f) > 0 && f[0] == name {
			return line
		}
	}
	return ""
}

// listed is the group names in list order, as the model shows them.
func (h *harness) listed() []string {
	var names []string
	for _, i := range h.m.list.visible {
		names = append(names, h.m.groups[i].Name)
	}
	return names
}

// selectGroup moves the cursor to the named group.
func (h *harness) selectGroup(name string) {
	h.t.Helper()
	h.press("g")
	for i := 0; i < len(h.m.list.visible); i++ {
		if h.m.currentName() == name {
			return
		}
		h.press("j")
	}
	h.t.Fatalf("group %s is not in the list: %v", name, h.listed())
}

// serverGroup reads a group from the API's state.
func (h *harness) serverGroup(org, name string) (api.Group, bool) {
	return h.store.Group(org, name)
}

// --- goldens -------------------------------------------------------------

// updating reports whether -update was given (go test ./ui -update):
// the flag is x/exp/golden's, which teatest brings in.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// requireGolden compares out with testdata/<name>.golden.
func requireGolden(t testing.TB, name string, out string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -run %s -update to create it)", err, t.Name())
	}
	if string(want) == out {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(out, "\n")
	var diff strings.Builder
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b {
			fmt.Fprintf(&diff, "line %d:\n  want %q\n  got  %q\n", i+1, a, b)
		}
	}
	t.Fatalf("%s differs from the golden file (-update rewrites it):\n%s\ngot:\n%s", path, diff.String(), out)
}

// loadedMsgs are the two messages of a load of groups and dbs, built as
// the load commands build them (indexed, the databases grouped).
func loadedMsgs(seq, gen int, groups []api.Group, dbs []api.Database) (groupsLoadedMsg, databasesLoadedMsg) {
	return groupsLoadedMsg{seq: seq, gen: gen, data: &cache.GroupList{Groups: groups, ByName: cache.IndexByName(groups)}},
		databasesLoadedMsg{seq: seq, gen: gen, data: &cache.DatabaseList{ByGroup: cache.GroupDatabases(dbs, len(groups))}}
}
