package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

func TestLoadErrorThenRetry(t *testing.T) {
	h := newHarness(t, withFaults(emulator.Faults{FailRate: 1}))
	h.waitIdle()
	h.mustShow("Could not load the groups:", "(injected fault).", "Press r to retry")
	if h.m.load.loaded || len(h.m.groups) != 0 {
		t.Fatal("a failed load counts as loaded")
	}
	// Actions need groups: nothing opens.
	h.press("d", "a")
	if h.m.focus.form() != nil {
		t.Fatal("a form opened without groups")
	}
	h.emu.SetFaults(emulator.Faults{})
	h.press("r")
	h.waitIdle()
	if len(h.listed()) != 6 {
		t.Fatalf("r did not load the groups:\n%s", h.screen())
	}
	h.mustNotShow("Could not load the groups")
	// The locations failed with the groups: r fetched them again, so the
	// list names them and the create form (which needs them) opens.
	if row := h.rowOf("default"); !strings.Contains(row, "fra Frankfurt, Germany") {
		t.Errorf("locations not reloaded: %q", row)
	}
	h.press("n")
	if h.m.focus.form() == nil {
		t.Fatalf("the create form did not open after the retry:\n%s", h.screen())
	}
}

func TestRefreshFailureKeepsTheRows(t *testing.T) {
	h := newHarness(t)
	h.selectGroup("legacy")
	h.emu.SetFaults(emulator.Faults{FailRate: 1})
	h.press("r")
	h.waitIdle()
	if len(h.listed()) != 6 || h.m.currentName() != "legacy" {
		t.Fatalf("a failed refresh lost the rows or the cursor:\n%s", h.screen())
	}
	header := strings.SplitN(h.screen(), "\n", 2)[0]
	if !strings.Contains(header, "stale") {
		t.Fatalf("header does not say stale: %q", header)
	}
	h.mustShow("Refresh failed; showing the last loaded groups.", "injected fault")
	h.emu.SetFaults(emulator.Faults{})
	h.press("r")
	h.waitIdle()
	if header := strings.SplitN(h.screen(), "\n", 2)[0]; strings.Contains(header, "stale") {
		t.Fatalf("still stale after a good refresh: %q", header)
	}
}

func TestUnauthorizedSaysHowToLogIn(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {80, 24}, {60, 15}} {
		h := newHarness(t, remote(), withToken("not-the-token"), withSize(size[0], size[1]))
		h.waitIdle()
		// The error state says it in full, wrapped to the width.
		flat := strings.Join(strings.Fields(h.screen()), " ")
		for _, want := range []string{"Could not load the groups", "refused the token", "Run `turso auth login`", "set TURSO_API_TOKEN"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%dx%d: %q not on screen:\n%s", size[0], size[1], want, h.screen())
			}
		}
	}
}

// evil is text a hostile or broken API might send: SGR, an OSC 52
// clipboard write, BEL, a C1 CSI and a bidi override.
const evil = "ev\x1b[31mil\x1b]52;c;ZXZpbA==\x07\u009b2J\u202eok\u2028\u2029\u2066\u200f"

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostileAPI answers every read with evil names and every write with an
// evil error, except token creation, which answers an evil token.
func hostileAPI(http.Handler) http.Handler {
	e := jsonString(evil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		get := r.Method == http.MethodGet
		switch {
		case get && strings.HasSuffix(r.URL.Path, "/groups"):
			fmt.Fprintf(w, `{"groups":[{"name":%s,"uuid":%s,"version":%s,"primary":"fra","locations":["fra",%s],"status":{"locations":[{"name":%s,"status":%s}]}},
				{"name":"plain","primary":%s,"locations":[%s,"lhr"],"archived":true}]}`, e, e, e, e, e, e, e, e)
		case get && strings.HasSuffix(r.URL.Path, "/databases"):
			fmt.Fprintf(w, `{"databases":[{"Name":%s,"DbId":"x","Hostname":%s,"group":%s,"primaryRegion":%s}]}`, e, e, e, e)
		case get && r.URL.Path == "/v1/locations":
			fmt.Fprintf(w, `{"locations":{"fra":%s,%s:%s,"lhr":"London"}}`, e, e, e)
		case get && r.URL.Path == "/v1/organizations":
			fmt.Fprintf(w, `[{"name":%s,"slug":%s,"type":"team","plan_id":%s},{"name":"demo","slug":"demo","type":"personal"}]`, e, e, e)
		case get && r.URL.Path == "/v1/user":
			fmt.Fprintf(w, `{"user":{"username":%s}}`, e)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/auth/tokens"):
			fmt.Fprintf(w, `{"jwt":%s}`, e)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":%s}`, e)
		}
	})
}

// assertInert fails if View() holds anything a terminal would act on: with
// the ASCII profile there is no styling, so no ESC at all.
func (h *harness) assertInert(step string) {
	h.t.Helper()
	v := h.m.View()
	for _, r := range v {
		if r == '\n' {
			continue
		}
		// Line and paragraph separators end a line in some terminals
		// (a name with them broke the token dialog's border); bidi
		// controls reorder what follows them.
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.In(r, unicode.Zl, unicode.Zp) ||
			r == '\u061c' || r == '\u200e' || r == '\u200f' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			h.t.Fatalf("after %s, View() holds %U:\n%q", step, r, v)
		}
	}
	if !utf8.ValidString(v) {
		h.t.Fatalf("after %s, View() is not valid UTF-8: %q", step, v)
	}
}

func TestHostileTextIsInert(t *testing.T) {
	h := newHarness(t, withHandler(hostileAPI), withSize(160, 40))
	h.assertInert("the first load")
	if len(h.m.groups) != 2 {
		t.Fatalf("the hostile groups did not load:\n%s", h.screen())
	}
	h.mustShow("ev�[31mil") // shown, as text
	steps := []struct {
		name string
		keys []string
	}{
		{"the detail", []string{"enter"}},
		{"scrolling the detail", []string{"j", "j"}},
		{"remove location (select)", []string{"esc", "g", "x"}},
		{"remove location (confirm)", []string{"enter"}},
		{"remove location (error)", []string{"y"}},
		{"add location", []string{"esc", "a"}},
		{"add location (error)", []string{"enter"}},
		{"delete", []string{"esc", "d"}},
		{"delete (error)", nil},
		{"token form", []string{"esc", "t"}},
		{"token dialog", []string{"enter", "enter", "enter"}},
		{"transfer", []string{"esc", "m"}},
		{"transfer (confirm)", []string{"enter"}},
		{"transfer (error)", []string{"y"}},
		{"protect (error)", []string{"esc", "p"}},
		{"unarchive (error)", []string{"G", "u"}},
		{"filter", []string{"/", "e", "v"}},
		{"help", []string{"esc", "?"}},
		{"create", []string{"esc", "n"}},
		{"create (confirm)", []string{"enter", "enter", "enter"}},
		{"switch org", []string{"esc", "o"}},
		{"switched org", []string{"/", "ev", "enter"}},
		{"the list at 100x30", []string{"esc"}},
	}
	for _, s := range steps {
		if s.name == "delete (error)" {
			h.typeText(h.m.focus.form().group)
			h.press("enter")
		}
		for _, k := range s.keys {
			h.press(k)
			h.assertInert(s.name + " (" + k + ")")
		}
		if s.name == "token dialog" && h.m.focus.tokenDialog() == nil {
			t.Fatalf("no token dialog:\n%s", h.screen())
		}
		if s.name == "switched org" && h.m.sess.client.Org() != evil {
			t.Fatalf("did not switch to the hostile organization (%q):\n%s", h.m.sess.client.Org(), h.screen())
		}
	}
	h.resize(100, 30)
	h.assertInert("resizing")
	h.press("enter")
	h.assertInert("the detail in the hostile organization")
}

// viewScreen is one screen of the dashboard: how to reach it from a
// loaded demo list, and what it shows at 100x30 once there.
type viewScreen struct {
	setup func(h *harness)
	shows string
}

// viewScreens are the dashboard's screens, by name.
func viewScreens() map[string]viewScreen {
	return map[string]viewScreen{
		"list":    {func(h *harness) {}, "6 groups"},
		"detail":  {func(h *harness) { h.selectGroup("edge-cache"); h.press("enter") }, "cache-global"},
		"create":  {func(h *harness) { h.press("n") }, "New group"},
		"token":   {func(h *harness) { h.press("t", "enter", "enter", "enter") }, "This token is shown once"},
		"help":    {func(h *harness) { h.press("?") }, "Press any key to close"},
		"notice":  {func(h *harness) { h.selectGroup("billing"); h.press("d") }, "Delete protection is on"},
		"filter":  {func(h *harness) { h.press("/"); h.typeText("e") }, "/e"},
		"remove":  {func(h *harness) { h.selectGroup("edge-cache"); h.press("x", "enter") }, "Remove sin from edge-cache?"},
		"error":   {func(h *harness) { h.emu.SetFaults(emulator.Faults{FailRate: 1}); h.run(h.m.switchOrg("acme")) }, "Could not load the groups"},
		"loading": {func(h *harness) { h.m.switchOrg("acme") }, "Loading the groups of acme"},
		// A long message wraps in the footer, which then takes more lines.
		"stale": {func(h *harness) { h.emu.SetFaults(emulator.Faults{DropRate: 1}); h.press("r") }, "stale"},
		// A form opened again with the server's error above it.
		"create-error": {func(h *harness) { h.press("n"); h.typeText("default"); h.press("enter", "enter", "enter", "enter") }, "Choose another name"},
	}
}

// View never draws outside the terminal, whatever the size and screen.
func TestViewFitsEverySize(t *testing.T) {
	screens := viewScreens()
	for name, sc := range screens {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			sc.setup(h)
			h.mustShow(sc.shows)
			for _, sz := range viewSizes(slowForms[name]) {
				w, hh := sz[0], sz[1]
				h.resize(w, hh)
				v := h.m.View()
				lines := strings.Split(v, "\n")
				if len(lines) > hh {
					t.Fatalf("%dx%d: %d lines", w, hh, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%dx%d: line %d is %d wide: %q", w, hh, i+1, lw, l)
					}
				}
				small := w < minWidth || hh < minHeight
				first := ansi.Strip(lines[0])
				msg := fmt.Sprintf("Terminal too small: %dx%d.", w, hh)
				switch {
				case small && (first == "" || !strings.HasPrefix(msg, first)):
					t.Fatalf("%dx%d: first line %q, want the start of %q", w, hh, first, msg)
				case !small && strings.Contains(v, "Terminal too small"):
					t.Fatalf("%dx%d: says too small", w, hh)
				}
			}
		})
	}
}

// slowForms are the screens with a form with long selects, which huh lays
// out again on every resize (about a millisecond each, ten under -race),
// and how sparse their sizes are: a height in every ..., a width in every ...
var slowForms = map[string][2]int{"create": {4, 7}, "remove": {4, 7}, "create-error": {12, 21}}

// viewSizes are the terminal sizes TestViewFitsEverySize draws at: every
// height up to 60 at widths 1 to 200 (step 7), then a coarse grid up to
// 400x120 that holds the edges of the layout (too small, the side panel).
// With a sparseness, every height around the minimum and one in
// sparse[0] above it, at widths in steps of sparse[1].
func viewSizes(sparse [2]int) [][2]int {
	stride, step := max(sparse[0], 1), max(sparse[1], 7)
	var sizes [][2]int
	for w := 1; w <= 200; w += step {
		for hh := 1; hh <= 60; hh++ {
			if hh <= minHeight+2 || hh%stride == 0 {
				sizes = append(sizes, [2]int{w, hh})
			}
		}
	}
	widths := []int{1, 2, minWidth - 1, minWidth, minWidth + 1, sidePanelWidth - 1, sidePanelWidth, sidePanelWidth + 1}
	for w := 201; w <= 400; w += 22 {
		widths = append(widths, w)
	}
	heights := []int{1, 2, minHeight - 1, minHeight, minHeight + 1}
	for hh := 61; hh <= 120; hh += 9 {
		heights = append(heights, hh)
	}
	heights = append(heights, 120)
	widths = append(widths, 400)
	for _, w := range widths {
		for _, hh := range heights {
			if w > 200 || hh > 60 {
				sizes = append(sizes, [2]int{w, hh})
			}
		}
	}
	return sizes
}

// An API that redirects to another address is not followed (the token
// stays where it was configured to go), and the dashboard says so in
// plain words.
func TestRedirectElsewhereIsShownNotFollowed(t *testing.T) {
	var seen atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Add(1) }))
	t.Cleanup(other.Close)
	h := newHarness(t, remote(), withSize(140, 30), withHandler(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
		})
	}))
	h.waitIdle()
	flat := strings.Join(strings.Fields(h.screen()), " ")
	for _, want := range []string{"Could not load the groups", "The API redirected to " + other.URL + "/v1/organizations/demo/groups",
		"a different address; not followed, so that your token stays with " + h.srv.URL} {
		if !strings.Contains(flat, want) {
			t.Errorf("%q not on screen:\n%s", want, h.screen())
		}
	}
	if n := seen.Load(); n != 0 {
		t.Fatalf("the other address got %d requests", n)
	}
}

// Warnings from the settings stay in the header, whatever the screen.
func TestSettingsWarningsInTheHeader(t *testing.T) {
	h := newHarness(t, remote())
	const warn = "The token (from TURSO_API_TOKEN) is sent to http://127.0.0.1:18101, an API URL from elsewhere."
	hostileRebuild(h, func(o *Options) { o.Warnings = []string{warn} })
	h.waitIdle()
	for _, keys := range [][]string{nil, {"enter"}, {"esc", "?"}} {
		h.press(keys...)
		header := strings.Join(strings.Split(h.assertFits(fmt.Sprint(keys)), "\n")[:3], "\n")
		if !strings.Contains(header, "The token (from TURSO_API_TOKEN) is sent to http://127.0.0.1:18101") {
			t.Fatalf("after %v the header lacks the warning:\n%s", keys, h.screen())
		}
	}
}
