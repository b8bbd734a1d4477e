package ui

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// The flags of TestRandomKeystrokes.
var (
	randomSeed      = flag.Int64("random.seed", 1, "TestRandomKeystrokes: the seed of the first sequence; sequence i has seed+i")
	randomN         = flag.Int("random.n", 1000, "TestRandomKeystrokes: how many sequences to run")
	randomSteps     = flag.Int("random.steps", 20, "TestRandomKeystrokes: the most steps in a sequence")
	randomRateLimit = flag.Float64("random.ratelimit", 0, "TestRandomKeystrokes: the rate of 429 answers while faults are on; each costs its 1 s Retry-After, so it is off by default")
)

// TestRandomKeystrokes drives the root model with seeded random keys,
// resizes and API faults against the local API, and checks what must
// hold whatever the user does: no panic; after every message a screen
// that fits the window; after every step a consistent list, and nothing
// left busy once every command has run; at the end, once the API is
// healthy again and a refresh has run, exactly the server's groups.
//
// Half the sequences run each key's commands at once; the other half
// leave them in flight and run them later in a random order, so that keys
// arrive while requests are outstanding and answers arrive out of order,
// as they do under the real program.
//
// A failure prints the sequence's seed and the command that replays it
// alone: sequence i of -random.seed=S is sequence 0 of -random.seed=S+i.
func TestRandomKeystrokes(t *testing.T) {
	n := *randomN
	if testing.Short() {
		n = min(n, 100)
	}
	start := time.Now()
	t.Cleanup(func() {
		t.Logf("%d sequences of at most %d steps in %s", n, *randomSteps, time.Since(start).Round(time.Millisecond))
	})
	// The sequences are independent, so they run side by side (-parallel
	// sets how many). After a failure the rest are skipped: its replay
	// command is what to act on, and the others would mostly repeat it.
	var failed atomic.Bool
	for i := range n {
		seed := *randomSeed + int64(i)
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			if failed.Load() {
				t.SkipNow()
			}
			t.Cleanup(func() {
				if t.Failed() {
					failed.Store(true)
				}
			})
			runRandomSequence(t, seed, *randomSteps)
		})
	}
}

// replayCommand runs the sequence of seed, and only it.
func replayCommand(seed int64) string {
	cmd := fmt.Sprintf("go test ./ui -run TestRandomKeystrokes -random.seed=%d -random.n=1 -random.steps=%d", seed, *randomSteps)
	if *randomRateLimit > 0 {
		cmd += fmt.Sprintf(" -random.ratelimit=%g", *randomRateLimit)
	}
	return cmd
}

// randomStep is one input of a sequence.
type randomStep struct {
	kind   stepKind
	key    string // the key's name, or the text typed or pasted
	w, h   int    // a resize's size; a wait's number of commands in w
	faults emulator.Faults
	lost   float64 // with faults: the rate of changes whose answer is lost
}

type stepKind int

const (
	stepKey      stepKind = iota // one key
	stepType                     // text typed quickly: one message of runes per word
	stepTypeEach                 // text typed slowly: one message per key
	stepPaste                    // text pasted (bracketed paste)
	stepResize
	stepFaults
	stepWait // run some of the commands in flight
	stepTick // the periodic refresh fires
)

func (s randomStep) String() string {
	switch s.kind {
	case stepType:
		return fmt.Sprintf("type(%q)", s.key)
	case stepTypeEach:
		return fmt.Sprintf("keys(%q)", s.key)
	case stepPaste:
		return fmt.Sprintf("paste(%q)", s.key)
	case stepResize:
		return fmt.Sprintf("resize(%dx%d)", s.w, s.h)
	case stepWait:
		return fmt.Sprintf("wait(%d)", s.w)
	case stepTick:
		return "tick"
	case stepFaults:
		f := s.faults
		if f == (emulator.Faults{}) && s.lost == 0 {
			return "faults(off)"
		}
		return fmt.Sprintf("faults(lat=%s fail=%.2f drop=%.2f bad=%.2f stall=%.2f 429=%.2f lost=%.2f)",
			f.Latency, f.FailRate, f.DropRate, f.MalformedRate, f.StallRate, f.RateLimitRate, s.lost)
	}
	return s.key
}

// The alphabet: every key of the KeyMap and of the forms, text, resizes
// and faults. q and ctrl+c quit, so they only ever come as a sequence's
// deliberate last step; q is left out of typed text for the same reason.
var (
	navKeys    = []string{"j", "k", "up", "down", "pgup", "pgdown", "ctrl+d", "b", "f", "g", "G", "home", "end", "enter", "esc", "tab", "shift+tab", "left", "right"}
	actionKeys = []string{"n", "d", "a", "x", "t", "R", "p", "m", "u", "U", "o", "c", "/", "s", "r", "?", "e"}
	editKeys   = []string{"backspace", "ctrl+u", "space", "y", "n", "tab", "shift+tab", "left", "right", "down", "up", "x"}
	textRunes  = []rune("abcdefghijklmnoprstuvwxyz0123456789-")
	// Sizes around the dashboard's thresholds (60x15 at least, 140 for
	// the side panel) and a few far from them.
	randomSizes = [][2]int{{1, 1}, {2, 40}, {200, 2}, {10, 3}, {30, 8}, {59, 14}, {60, 14}, {59, 15}, {60, 15}, {61, 16},
		{72, 20}, {80, 24}, {100, 30}, {139, 30}, {140, 15}, {140, 40}, {180, 50}, {250, 80}}
)

// randomSequence is one seeded run: its generator, harness and history.
type randomSequence struct {
	t       *testing.T
	seed    int64
	r       *rand.Rand
	h       *harness
	async   bool // keys leave their commands in flight
	stalls  bool // the client has a short timeout, so stalls are allowed
	step    int  // the step being run, for messages
	history []string
	// upcoming are the rest of a flow: the keys of one action, each
	// drawn when its turn comes, as it may depend on what is open then.
	upcoming []func() randomStep
	lost     *lostReplies
	// faulty: the API failed on purpose at some point, so the list may
	// rightly lag behind the server until a refresh.
	faulty bool
	// faultless sequences never turn faults on: with every answer in, the
	// list must match the server even before the final refresh.
	faultless bool
}

func runRandomSequence(t *testing.T, seed int64, maxSteps int) {
	s := &randomSequence{t: t, seed: seed, r: rand.New(rand.NewPCG(uint64(seed), 0x7e57_5eed)), step: -1,
		lost: &lostReplies{r: rand.New(rand.NewPCG(uint64(seed), 0x1057))}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d failed at step %d; replay it with:\n\t%s\nsteps: %s", seed, s.step, replayCommand(seed), strings.Join(s.history, " "))
		}
	})
	r := s.r
	size := randomSizes[r.IntN(len(randomSizes))]
	// The periodic refresh is on, but its timer never fires by itself:
	// tick steps stand for it, at random times.
	opts := []option{withFaultSeed(seed), withSize(size[0], size[1]), withHandler(s.lost.wrap), withRefresh(30 * time.Second)}
	start := fmt.Sprintf("start(%dx%d", size[0], size[1])
	switch x := r.IntN(10); {
	case x == 0:
		opts = append(opts, withSeed(emulator.SeedEmpty, 0))
		start += " empty"
	case x < 3:
		n := 1 + r.IntN(40)
		opts = append(opts, withSeed(emulator.SeedDemo, n))
		start += fmt.Sprintf(" demo+%d", n)
	default:
		opts = append(opts, withSeed(emulator.SeedDemo, 0))
	}
	if r.IntN(4) == 0 {
		// Long enough for any answer of the local API, even under -race;
		// short enough that a stalled request costs little.
		s.stalls = true
		opts = append(opts, withTimeout(300*time.Millisecond))
		start += " timeout=300ms"
	}
	s.faultless = r.IntN(3) == 0
	if s.faultless {
		start += " faultless"
	} else if r.IntN(6) == 0 {
		// Faults from the first request on: the first load can fail.
		f := s.randomFaults()
		start += " " + f.String()
		opts = append(opts, withFaults(f.faults))
		s.lost.set(f.lost)
		s.faulty = f.failing()
	}
	s.async = r.IntN(2) == 0
	if s.async {
		start += " async"
	}
	s.history = append(s.history, start+")")
	s.guard(func() {
		s.h = newHarness(t, append(opts, withoutInit())...)
		s.h.afterUpdate = s.checkView
		s.h.inflight = append(s.h.inflight, flying{cmd: s.h.m.Init()})
		if !s.async {
			s.h.settle(func(int) int { return 0 })
		}
	})
	s.check()

	steps := 1 + r.IntN(maxSteps)
	for s.step = 0; s.step < steps; s.step++ {
		st := s.next()
		s.history = append(s.history, st.String())
		// Below the minimum size nothing but the message is drawn, and a
		// key must change nothing the user cannot see.
		hidden := s.h.m.tooSmall() && st.typed()
		before := snapshotView(s.h.m)
		s.guard(func() { s.apply(st) })
		if after := snapshotView(s.h.m); hidden && !reflect.DeepEqual(before, after) {
			s.fail("a key while the window was too small changed the model:\nbefore %+v\nafter  %+v", before, after)
		}
		s.check()
	}

	h := s.h
	quit := r.IntN(8)
	if quit == 0 {
		// Quitting from wherever the keys led, requests in flight and
		// all: ctrl+c always quits, and what was in flight must not
		// bring the dashboard back.
		s.history = append(s.history, "ctrl+c", "wait(all)")
		s.guard(func() {
			h.post(keyMsg("ctrl+c"))
			h.settle(s.r.IntN)
		})
		s.checkQuit()
		return
	}
	s.history = append(s.history, "wait(all)")
	s.guard(func() { h.settle(s.r.IntN) })
	s.check()
	s.settle()
	if quit == 1 {
		s.history = append(s.history, "q")
		s.guard(func() { h.press("q") })
		s.checkQuit()
	}
}

// guard runs f, turning a panic into a failure that names the step.
func (s *randomSequence) guard(f func()) {
	s.t.Helper()
	defer func() {
		if v := recover(); v != nil {
			s.t.Fatalf("seed %d, step %d: panic: %v\n%s", s.seed, s.step, v, debug.Stack())
		}
	}()
	f()
}

// next draws a step: from what the open form or dialog needs most of
// the time, else from the whole alphabet, so that forms get submitted
// and not only opened.
func (s *randomSequence) next() randomStep {
	r, m := s.r, s.h.m
	key := func(keys ...string) randomStep { return randomStep{kind: stepKey, key: keys[r.IntN(len(keys))]} }
	if n := len(s.h.inflight); n > 0 && r.IntN(4) == 0 {
		return randomStep{kind: stepWait, w: 1 + r.IntN(n)}
	}
	if len(s.upcoming) == 0 && m.focus.form() == nil && m.focus.tokenDialog() == nil && m.focus.notice() == nil && r.IntN(100) < 15 {
		s.upcoming = s.flow()
	}
	if len(s.upcoming) > 0 {
		next := s.upcoming[0]
		s.upcoming = s.upcoming[1:]
		return next()
	}
	switch x := r.IntN(100); {
	case m.focus.form() != nil && x < 30:
		return key("enter")
	case m.focus.form() != nil && x < 45:
		return randomStep{kind: stepType, key: s.randomText()}
	case m.focus.form() != nil && x < 55:
		if r.IntN(2) == 0 {
			return randomStep{kind: stepType, key: s.existingName()}
		}
		// A name that is likely free and valid.
		return randomStep{kind: stepType, key: fmt.Sprintf("g%d", r.IntN(100))}
	case m.focus.form() != nil && x < 70:
		return key(editKeys...)
	case m.focus.tokenDialog() != nil && x < 50:
		return key("c", "c", "esc", "enter")
	}
	switch x := r.IntN(100); {
	case x < 28:
		return key(navKeys...)
	case x < 55:
		return key(actionKeys...)
	case x < 63:
		return key(editKeys...)
	case x < 71:
		return randomStep{kind: stepType, key: s.randomText()}
	case x < 75:
		return randomStep{kind: stepTypeEach, key: s.randomText()}
	case x < 77:
		return randomStep{kind: stepPaste, key: s.randomText()}
	case x < 82:
		// A name that exists: the filter matches it, a create collides.
		return randomStep{kind: stepType, key: s.existingName()}
	case x < 85:
		if r.IntN(3) == 0 {
			size := randomSizes[r.IntN(len(randomSizes))]
			return randomStep{kind: stepResize, w: size[0], h: size[1]}
		}
		return randomStep{kind: stepResize, w: 1 + r.IntN(220), h: 1 + r.IntN(70)}
	case x < 90 || s.faultless:
		return randomStep{kind: stepTick}
	default:
		return s.randomFaults()
	}
}

// flow is the keys of one whole action, from the key that opens its form
// to the confirmation, with the choices in between drawn at random: keys
// drawn one at a time rarely get through a form of four fields.
func (s *randomSequence) flow() []func() randomStep {
	r := s.r
	key := func(k string) func() randomStep {
		return func() randomStep { return randomStep{kind: stepKey, key: k} }
	}
	keys := func(k string, n int) []func() randomStep {
		var out []func() randomStep
		for range n {
			out = append(out, key(k))
		}
		return out
	}
	typed := func(text func() string) func() randomStep {
		return func() randomStep { return randomStep{kind: stepType, key: text()} }
	}
	confirm := func() []func() randomStep {
		switch r.IntN(4) {
		case 0:
			return []func() randomStep{key("enter")} // the default
		case 1:
			return []func() randomStep{key("left"), key("enter")}
		}
		return []func() randomStep{key("y")}
	}
	var f []func() randomStep
	switch r.IntN(13) {
	case 0, 1: // create: name, location, extensions, confirmation
		f = append(f, key("n"), typed(s.newName), key("enter"))
		f = append(f, keys("down", r.IntN(4))...)
		f = append(f, key("enter"))
		ext := r.IntN(3)
		f = append(f, keys("down", ext)...)
		f = append(f, key("enter"))
		if ext == 2 {
			f = append(f, key("x"), key("down"), key("down"), key("x"), key("enter"))
		}
		f = append(f, confirm()...)
	case 2:
		f = append(f, key("d"), typed(s.targetName), key("enter"))
	case 3:
		f = append(f, key("a"))
		f = append(f, keys("down", r.IntN(6))...)
		f = append(f, key("enter"))
	case 4:
		f = append(f, key("x"))
		f = append(f, keys("down", r.IntN(3))...)
		f = append(f, key("enter"))
		f = append(f, confirm()...)
	case 5: // a token: expiration, access, then copy and close
		f = append(f, key("t"))
		if r.IntN(2) == 0 {
			exp := []string{"7d", "2w", "12h", "soon"}[r.IntN(4)]
			f = append(f, typed(func() string { return exp }))
		}
		f = append(f, key("enter"))
		f = append(f, keys("down", r.IntN(2))...)
		f = append(f, key("enter"), key("c"), key("esc"))
	case 6:
		f = append(f, key("R"))
		f = append(f, confirm()...)
	case 7:
		f = append(f, key("m"), key("enter"))
		f = append(f, confirm()...)
	case 8:
		f = append(f, key("U"))
		f = append(f, confirm()...)
	case 9:
		f = append(f, key([]string{"u", "p"}[r.IntN(2)]))
	case 10:
		f = append(f, key("o"), key([]string{"up", "down"}[r.IntN(2)]), key("enter"))
	case 11: // the detail, scrolled
		f = append(f, key("enter"))
		f = append(f, keys("j", r.IntN(8))...)
		f = append(f, key("esc"))
	case 12: // rename: the field starts with the current name
		f = append(f, key("e"), key("ctrl+u"), typed(s.newName), key("enter"))
	}
	return f
}

// newName is a name for a new group: mostly valid and free, sometimes
// taken or invalid.
func (s *randomSequence) newName() string {
	switch x := s.r.IntN(10); {
	case x < 6:
		return fmt.Sprintf("g%d", s.r.IntN(100))
	case x < 8:
		return s.randomText()
	}
	return s.existingName()
}

// targetName is the name a delete form asks for: its group's, mostly.
func (s *randomSequence) targetName() string {
	m := s.h.m
	if m.focus.form() != nil && m.focus.form().group != "" && s.r.IntN(8) != 0 {
		return m.focus.form().group
	}
	return s.existingName()
}

// randomText is a short run of the characters of names, with spaces.
func (s *randomSequence) randomText() string {
	n := 1 + s.r.IntN(12)
	b := make([]rune, n)
	for i := range b {
		if s.r.IntN(8) == 0 {
			b[i] = ' '
		} else {
			b[i] = textRunes[s.r.IntN(len(textRunes))]
		}
	}
	return string(b)
}

// existingName is the group the open form is about (a delete form wants
// it typed), or any group of the organization on the server.
func (s *randomSequence) existingName() string {
	m := s.h.m
	if m.focus.form() != nil && m.focus.form().group != "" && s.r.IntN(4) != 0 {
		return m.focus.form().group
	}
	groups := s.h.store.Groups(serverOrg(m))
	if len(groups) == 0 {
		return "default"
	}
	return groups[s.r.IntN(len(groups))].Name
}

// randomFaults are off, slow, a total outage, or a mix of every kind of
// failure; 429s only with -random.ratelimit, as each costs a second.
func (s *randomSequence) randomFaults() randomStep {
	r := s.r
	st := randomStep{kind: stepFaults}
	switch r.IntN(6) {
	case 0:
	case 1:
		st.faults.Latency = time.Duration(1+r.IntN(3)) * time.Millisecond
	case 2:
		if r.IntN(2) == 0 {
			st.faults.DropRate = 1
		} else {
			st.faults.FailRate = 1
		}
	default:
		st.faults = emulator.Faults{
			Latency:       time.Duration(r.IntN(3)) * time.Millisecond,
			FailRate:      0.4 * r.Float64(),
			DropRate:      0.1 * r.Float64(),
			MalformedRate: 0.1 * r.Float64(),
			RateLimitRate: *randomRateLimit,
		}
		if s.stalls {
			st.faults.StallRate = 0.05 * r.Float64()
		}
		st.lost = 0.3 * r.Float64()
	}
	return st
}

// failing reports whether the faults make requests fail, not only slow.
func (s randomStep) failing() bool {
	f := s.faults
	f.Latency = 0
	return f != (emulator.Faults{}) || s.lost > 0
}

// lostReplies makes the server do a change and then lose its answer, as
// when a connection drops after the commit. The emulator's own faults all
// strike before the work, so without this the dashboard would never meet
// a change it was not told about.
type lostReplies struct {
	mu   sync.Mutex
	r    *rand.Rand
	rate float64
}

func (l *lostReplies) set(rate float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rate = rate
}

func (l *lostReplies) lose() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate > 0 && l.r.Float64() < l.rate
}

func (l *lostReplies) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || !l.lose() {
			next.ServeHTTP(w, r)
			return
		}
		// Read the body first: only then does the server watch the
		// connection and end r's context when the client gives up, which
		// a stalled request (an emulator fault) waits for. Writing the
		// answer would have read it, but this answer is never written.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(httptest.NewRecorder(), r)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	})
}

// send gives msg to the dashboard: in an async sequence its commands stay
// in flight, else they run to the end.
func (s *randomSequence) send(msg tea.Msg) {
	if s.async {
		s.h.post(msg)
	} else {
		s.h.send(msg)
	}
}

// typed reports a step of keys, typed or pasted.
func (s randomStep) typed() bool {
	switch s.kind {
	case stepKey, stepType, stepTypeEach, stepPaste:
		return true
	}
	return false
}

// apply sends a step to the dashboard.
func (s *randomSequence) apply(st randomStep) {
	h := s.h
	switch st.kind {
	case stepKey:
		s.send(keyMsg(st.key))
	case stepType:
		// As a terminal sends quick typing: the runes between spaces
		// together, each space its own key.
		for i, word := range strings.Split(st.key, " ") {
			if i > 0 {
				s.send(keyMsg("space"))
			}
			if word != "" {
				s.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(word)})
			}
		}
	case stepTypeEach:
		for _, c := range st.key {
			if c == ' ' {
				s.send(keyMsg("space"))
			} else {
				s.send(keyMsg(string(c)))
			}
		}
	case stepPaste:
		s.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(st.key), Paste: true})
	case stepResize:
		h.w, h.h = st.w, st.h
		s.send(tea.WindowSizeMsg{Width: st.w, Height: st.h})
	case stepFaults:
		h.emu.SetFaults(st.faults)
		s.lost.set(st.lost)
		s.faulty = s.faulty || st.failing()
	case stepWait:
		h.advance(st.w, s.r.IntN)
	case stepTick:
		s.send(refreshTickMsg{gen: h.m.sess.gen})
	}
}

// fail stops the sequence, saying where and showing the screen.
func (s *randomSequence) fail(format string, args ...any) {
	s.t.Helper()
	h := s.h
	s.t.Fatalf("seed %d, step %d (%dx%d): %s\nscreen:\n%s", s.seed, s.step, h.w, h.h, fmt.Sprintf(format, args...), h.screen())
}

// checkView is what holds after every message: no panic, and the
// dashboard is drawn, within the window.
func (s *randomSequence) checkView() {
	s.t.Helper()
	h := s.h
	if h.m.internalErr != "" {
		// Update and View recover from panics, to keep the program up:
		// here that must never be needed.
		s.fail("the dashboard recovered from a panic: %s", h.m.internalErr)
	}
	if h.m.sess.quitting {
		return
	}
	view := h.m.View()
	if view == "" {
		s.fail("View() is empty")
	}
	lines := strings.Split(view, "\n")
	if len(lines) > h.h {
		s.fail("View() has %d lines, the window %d", len(lines), h.h)
	}
	for n, line := range lines {
		// No character is wider than its UTF-8 bytes: a line of at most
		// w bytes fits, without measuring it.
		if len(line) <= h.w {
			continue
		}
		if w := ansi.StringWidth(line); w > h.w {
			s.fail("line %d is %d cells wide, the window %d: %q", n+1, w, h.w, ansi.Strip(line))
		}
	}
	// The sizes Update keeps are those of the frame drawn: the list's
	// page and the detail's scroll are computed from them.
	if m := h.m; m.width >= minWidth && m.height >= minHeight {
		drawn := max(m.height-lipgloss.Height(m.header.View())-lipgloss.Height(m.footer.View()), 1)
		if drawn != m.bodyH {
			s.fail("the body is drawn %d rows high, but relayout gave it %d", drawn, m.bodyH)
		}
	}
}

// check is what holds after every step.
func (s *randomSequence) check() {
	s.t.Helper()
	h, m := s.h, s.h.m
	if len(h.unknown) > 0 {
		s.fail("the harness dropped commands it does not know: %v", h.unknown)
	}
	if m.sess.quitting || h.quits > 0 {
		s.fail("the dashboard quit, but no quit key was pressed")
	}
	s.checkView()
	// With every command run, nothing can be in flight: a flag still set
	// is a state the dashboard would never leave.
	if len(h.inflight) == 0 && (m.load.loading || m.dbsLoading || len(m.ops.pending) > 0) {
		s.fail("busy with nothing in flight: loading=%v dbsLoading=%v pending=%v", m.load.loading, m.dbsLoading, m.ops.pending)
	}
	// A change marked in flight that is not would refuse its kind for
	// that group for good.
	if len(h.inflight) == 0 && len(m.ops.inFlight) > 0 {
		s.fail("changes marked in flight with nothing in flight: %v", m.ops.inFlight)
	}
	if err := listConsistent(m); err != "" {
		s.fail("%s", err)
	}
	if m.focus.form() != nil && m.focus.form().form == nil {
		s.fail("a form state without a form")
	}
	if m.screen == screenDetail && m.detail.name == "" {
		s.fail("the detail screen has no group")
	}
}

// listConsistent checks the list's indices against the groups, which the
// dashboard keeps in step by hand on every change.
func listConsistent(m *Model) string {
	l := &m.list
	if len(m.byName) != len(m.groups) {
		return fmt.Sprintf("%d groups but %d names indexed", len(m.groups), len(m.byName))
	}
	for name, i := range m.byName {
		if i < 0 || i >= len(m.groups) || m.groups[i].Name != name {
			return fmt.Sprintf("the index maps %q to %d", name, i)
		}
	}
	if len(l.order) != len(m.groups) {
		return fmt.Sprintf("the sort order has %d entries for %d groups", len(l.order), len(m.groups))
	}
	seen := make(map[int]bool, len(l.visible))
	for _, i := range l.visible {
		if i < 0 || i >= len(m.groups) || seen[i] {
			return fmt.Sprintf("the visible list %v does not index %d groups", l.visible, len(m.groups))
		}
		seen[i] = true
	}
	if strings.TrimSpace(l.query) == "" && len(l.visible) != len(m.groups) {
		return fmt.Sprintf("no filter, yet %d of %d groups are visible", len(l.visible), len(m.groups))
	}
	if len(l.visible) == 0 && l.cursor != 0 || len(l.visible) > 0 && (l.cursor < 0 || l.cursor >= len(l.visible)) {
		return fmt.Sprintf("cursor %d outside the %d visible groups", l.cursor, len(l.visible))
	}
	if l.offset < 0 || l.offset > l.cursor {
		return fmt.Sprintf("offset %d with the cursor at %d", l.offset, l.cursor)
	}
	return ""
}

// atRest is the list screen with nothing over it and no filter.
func atRest(m *Model) bool {
	return m.focus.form() == nil && m.focus.tokenDialog() == nil && m.focus.notice() == nil && m.focus.help() == nil &&
		!m.list.filtering && m.list.query == "" && m.screen == screenList
}

// serverOrg is the organization the dashboard shows, as the store names it.
func serverOrg(m *Model) string {
	if org := m.sess.client.Org(); org != "" {
		return org
	}
	return emulator.DemoOrg
}

// settle heals the API, backs out of whatever is open, refreshes, and
// checks that the list is exactly what the server has.
func (s *randomSequence) settle() {
	s.t.Helper()
	h, m := s.h, s.h.m
	if !s.faulty {
		// Every request succeeded and every answer has arrived: the list
		// must be the server's already, whatever order they came in.
		s.matchServer("with every answer in, no fault, before any refresh")
	}
	h.emu.SetFaults(emulator.Faults{})
	s.lost.set(0)
	s.history = append(s.history, "faults(off)")
	if m.tooSmall() {
		// Keys act on nothing until the window is large enough.
		s.history = append(s.history, fmt.Sprintf("resize(%dx%d)", testWidth, testHeight))
		s.guard(func() { h.resize(testWidth, testHeight) })
		s.check()
	}
	for n := 0; n < 8 && !atRest(m); n++ {
		s.history = append(s.history, "esc")
		s.guard(func() { h.press("esc") })
		s.check()
	}
	if !atRest(m) {
		s.fail("esc does not lead back to the list")
	}
	s.history = append(s.history, "r")
	s.guard(func() { h.press("r") })
	s.check()
	if !m.load.loaded || m.load.loadErr != nil || m.load.stale != nil {
		s.fail("a refresh against a healthy API did not load: loaded=%v err=%v stale=%v", m.load.loaded, m.load.loadErr, m.load.stale)
	}
	s.matchServer("after a refresh")
	// No filter: the list shows every group.
	if got := slices.Sorted(slices.Values(h.listed())); !slices.Equal(got, groupNames(m.groups)) {
		s.fail("with no filter the list shows %v of %v", got, groupNames(m.groups))
	}
}

// groupState is what matchServer compares of a group.
func groupState(g api.Group) string {
	return fmt.Sprintf("primary=%s locations=%v version=%s archived=%v protected=%v", g.Primary, g.Locations, g.Version, g.Archived, g.DeleteProtection)
}

// groupNames are the names of groups, sorted.
func groupNames(groups []api.Group) []string {
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		names = append(names, g.Name)
	}
	slices.Sort(names)
	return names
}

// matchServer fails unless the dashboard holds exactly the server's
// groups of the organization on screen, as the server has them, with
// their numbers of databases.
func (s *randomSequence) matchServer(when string) {
	s.t.Helper()
	h, m := s.h, s.h.m
	org := serverOrg(m)
	server := h.store.Groups(org)
	want := groupNames(server)
	if got := groupNames(m.groups); !slices.Equal(got, want) {
		s.fail("%s, the list of %s is\n\t%v\nbut the server has\n\t%v", when, org, got, want)
	}
	for _, sg := range server {
		g, _ := m.groupByName(sg.Name)
		if g.DeleteProtection != sg.DeleteProtection || g.Archived != sg.Archived || g.Primary != sg.Primary ||
			g.Version != sg.Version || !slices.Equal(slices.Sorted(slices.Values(g.Locations)), slices.Sorted(slices.Values(sg.Locations))) {
			s.fail("%s, %s shows\n\t%s\nbut the server has\n\t%s", when, sg.Name, groupState(g), groupState(sg))
		}
	}
	if !m.dbsKnown {
		s.fail("%s, the databases are unknown", when)
	}
	dbs := map[string]int{}
	for _, d := range h.store.Databases(org) {
		dbs[d.Group]++
	}
	for _, name := range want {
		if got := len(m.dbs[name]); got != dbs[name] {
			s.fail("%s, %s shows %d databases, the server has %d", when, name, got, dbs[name])
		}
	}
}

// checkQuit asserts that the dashboard quit and draws nothing more.
func (s *randomSequence) checkQuit() {
	s.t.Helper()
	h := s.h
	if h.quits == 0 || !h.m.sess.quitting {
		s.fail("the quit key did not quit (QuitMsg seen %d times)", h.quits)
	}
	if v := h.m.View(); v != "" {
		s.fail("View() after quitting is %q, want empty", v)
	}
}

// --- regressions found by TestRandomKeystrokes ------------------------------

// settleExcept runs and delivers what is in flight, but for the
// messages hold picks out, which stay in flight, undelivered.
func settleExcept(h *harness, hold func(tea.Msg) bool) {
	h.t.Helper()
	for {
		i := slices.IndexFunc(h.inflight, func(f flying) bool { return !f.ran || !hold(f.msg) })
		if i < 0 {
			return
		}
		h.advance(1, func(int) int { return i })
	}
}

func isLoad(msg tea.Msg) bool {
	switch msg.(type) {
	case groupsLoadedMsg, databasesLoadedMsg:
		return true
	}
	return false
}

// deliverFirst delivers the first message in flight of type T.
func deliverFirst[T tea.Msg](h *harness) {
	h.t.Helper()
	i := slices.IndexFunc(h.inflight, func(f flying) bool { _, ok := f.msg.(T); return f.ran && ok })
	if i < 0 {
		h.t.Fatalf("no %T in flight", *new(T))
	}
	h.advance(1, func(int) int { return i })
}

// A refresh answered before a change but arriving after it must not put
// the old state back: found by seed 500834 (-random.steps=60), where the
// list showed delete protection off after p had turned it on, until the
// next refresh.
func TestLoadAnsweredBeforeAChangeArrivesAfterIt(t *testing.T) {
	for _, c := range []struct {
		name string
		keys []string
		// check fails unless the list shows the change
		check func(h *harness) string
	}{
		{"protect", []string{"p"}, func(h *harness) string {
			if g, _ := h.m.groupByName("default"); !g.DeleteProtection {
				return "default shows delete protection off: " + h.rowOf("default")
			}
			return ""
		}},
		{"delete", []string{"d", "default", "enter"}, func(h *harness) string {
			if h.m.hasGroup("default") {
				return "default is listed again: " + h.rowOf("default")
			}
			return ""
		}},
		{"create", []string{"n", "fresh", "enter", "enter", "enter", "enter"}, func(h *harness) string {
			if !h.m.hasGroup("fresh") {
				return "fresh is not listed"
			}
			return ""
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, withRefresh(30*time.Second))
			h.selectGroup("default")
			// The periodic refresh fires; its requests are answered at
			// once, but the answers wait.
			h.post(refreshTickMsg{gen: h.m.sess.gen})
			settleExcept(h, isLoad)
			for _, k := range c.keys {
				h.post(keyMsg(k))
				settleExcept(h, func(msg tea.Msg) bool { _, op := msg.(opDoneMsg); return op || isLoad(msg) })
			}
			// The change's answer arrives first, then the refresh's.
			deliverFirst[opDoneMsg](h)
			if err := c.check(h); err != "" {
				t.Fatalf("the change's answer was not applied: %s", err)
			}
			deliverFirst[groupsLoadedMsg](h)
			deliverFirst[databasesLoadedMsg](h)
			h.settle(func(int) int { return 0 })
			if err := c.check(h); err != "" {
				t.Fatalf("a refresh answered before the change undid it: %s\n%s", err, h.screen())
			}
			if got, want := groupNames(h.m.groups), groupNames(h.store.Groups(emulator.DemoOrg)); !slices.Equal(got, want) {
				t.Fatalf("the list holds %v, the server %v", got, want)
			}
		})
	}
}

// The answer to a change sent before a delete, arriving after the delete's
// own answer, must not bring the deleted group back. Found by reasoning
// from the random test's model of answers arriving in any order (the
// random walk needs an add and a delete of one group in flight at once).
func TestLateAnswerDoesNotBringBackADeletedGroup(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("staging")
	isOp := func(msg tea.Msg) bool { _, op := msg.(opDoneMsg); return op }
	// Add a location, then delete the group before the answer is in; both
	// requests reach the server in that order.
	for _, k := range []string{"a", "enter", "d", "staging", "enter"} {
		h.post(keyMsg(k))
		settleExcept(h, isOp)
	}
	if _, ok := h.store.Group(emulator.DemoOrg, "staging"); ok {
		t.Fatal("the delete did not reach the server")
	}
	// The delete's answer arrives first.
	i := slices.IndexFunc(h.inflight, func(f flying) bool { op, ok := f.msg.(opDoneMsg); return ok && op.kind == actDelete })
	if i < 0 {
		t.Fatal("the delete's answer is not in flight")
	}
	h.advance(1, func(int) int { return i })
	h.settle(func(int) int { return 0 })
	if h.m.hasGroup("staging") {
		t.Fatalf("the add's late answer listed the deleted group again:\n%s", h.screen())
	}
}
