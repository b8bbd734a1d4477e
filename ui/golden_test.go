package ui

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// fakeJWT stands in for the random token the emulator mints.
const fakeJWT = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJhIjoicm8iLCJleHAiOjE3NDk0NjMyMDAsImdpZCI6ImRlZmF1bHQtZ3JvdXAtdXVpZCIsImlhdCI6MTc0ODg1ODQwMH0.c2lnbmF0dXJlLW9mLWEtZml4ZWQtdG9rZW4tZm9yLXRoZS1nb2xkZW4tZmlsZXMtb25seQ"

// fixedToken answers token creation with fakeJWT.
func fixedToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/auth/tokens") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"jwt":"` + fakeJWT + `"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// fixedUsage answers a database's usage with fixed figures: the local
// API's seeded usage grows with the wall clock.
func fixedUsage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/usage") && strings.Contains(r.URL.Path, "/databases/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"database":{"uuid":"u","instances":[{"uuid":"a","usage":{}},{"uuid":"b","usage":{}}],` +
				`"total":{"rows_read":1234567,"rows_written":4321,"storage_bytes":421800000,"bytes_synced":2048}}}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unavailable answers everything with a fixed 503 (the emulator's
// FailRate picks 500 or 503 per request, in whatever order they come).
func unavailable(http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"service unavailable (maintenance)"}`))
	})
}

// TestGoldens compares whole screens, drawn with the ASCII profile, with
// testdata/<name>.golden; go test ./ui -run Golden -update rewrites them.
func TestGoldens(t *testing.T) {
	cases := []struct {
		name  string
		opts  []option
		keys  []string
		shows string // a check that the keys led where intended
	}{
		{"list", nil, nil, "6 groups"},
		{"list_80x24", []option{withSize(80, 24)}, nil, "6 groups"},
		{"list_wide_160x40", []option{withSize(160, 40)}, []string{"j", "j"}, "main-demo.turso.io"},
		{"list_120x35", []option{withSize(120, 35)}, nil, "VERSION"},
		{"list_200x50", []option{withSize(200, 50)}, []string{"j"}, "billing"},
		{"detail_80x24", []option{withSize(80, 24)}, []string{"j", "j", "j", "enter"}, "more · "},
		{"detail_120x35", []option{withSize(120, 35)}, []string{"j", "j", "enter"}, "★ primary"},
		{"help_80x24", []option{withSize(80, 24)}, []string{"?"}, "e rename"},
		{"help_60x15", []option{withSize(60, 15)}, []string{"?"}, "of 20 lines"},
		{"detail_default", nil, []string{"j", "j", "enter"}, "★ primary"},
		{"form_create", nil, []string{"n"}, "New group"},
		{"form_create_80x24", []option{withSize(80, 24)}, []string{"n"}, "New group"},
		{"form_create_120x35", []option{withSize(120, 35)}, []string{"n", "ok", "tab"}, "Primary location  7/"},
		{"form_create_200x50", []option{withSize(200, 50)}, []string{"n", "my group"}, "a space at position 3 is not)"},
		{"form_create_taken", nil, []string{"n", "default", "enter", "enter", "enter", "enter"}, "already exists"},
		{"form_add_location", nil, []string{"j", "j", "a"}, "Add a location to default"},
		{"form_remove_location", nil, []string{"j", "j", "x"}, "Remove a location from default"},
		{"form_remove_location_confirm", nil, []string{"j", "j", "x", "enter"}, "Remove lhr from default?"},
		{"form_token", nil, []string{"j", "j", "t"}, "Expiration"},
		{"form_rotate", nil, []string{"j", "j", "R"}, "Rotate the tokens of default?"},
		{"form_transfer", nil, []string{"j", "j", "m"}, "Transfer default to"},
		{"form_update", nil, []string{"G", "U"}, "Update the databases of staging"},
		{"form_delete", nil, []string{"G", "d"}, "Type staging to delete it"},
		{"form_rename", nil, []string{"G", "e"}, "New name for staging"},
		{"form_switch_org", nil, []string{"o"}, "Switch organization"},
		{"notice_protected", nil, []string{"j", "d"}, "Delete protection is on"},
		{"token_dialog", []option{withHandler(fixedToken)}, []string{"j", "j", "t", "enter", "j", "enter", "enter"}, "This token is shown once"},
		{"help", nil, []string{"?"}, "Keys"},
		{"error", []option{withHandler(unavailable)}, nil, "Could not load the groups"},
		{"empty", []option{withSeed("empty", 0)}, nil, "No groups in demo yet"},
		{"too_small", []option{withSize(59, 14)}, nil, "Terminal too small"},
		{"detail_databases_80x24", []option{withSize(80, 24)}, []string{"j", "j", "j", "enter", "tab", "j"}, "▸ "},
		{"detail_databases_120x35", []option{withSize(120, 35)}, []string{"j", "j", "enter", "tab", "j"}, "▸ sessions"},
		{"database_80x24", []option{withSize(80, 24), withHandler(fixedUsage)}, []string{"j", "j", "enter", "tab", "enter"}, "Instances"},
		{"database_120x35", []option{withSize(120, 35), withHandler(fixedUsage)}, []string{"j", "j", "enter", "tab", "enter"}, "Instances"},
		{"form_create_database_80x24", []option{withSize(80, 24)}, []string{"j", "j", "enter", "N", "Main"}, "use lowercase letters"},
		{"form_create_database_120x35", []option{withSize(120, 35)}, []string{"j", "j", "enter", "N", "main"}, "already exists"},
		{"form_delete_database_80x24", []option{withSize(80, 24)}, []string{"j", "j", "enter", "tab", "D"}, "Type main to delete it"},
		{"cmdline_80x24", []option{withSize(80, 24)}, []string{":", "ren", "tab", "st"}, "rename st"},
		{"form_delete_database_120x35", []option{withSize(120, 35)}, []string{"j", "j", "enter", "tab", "j", "D", "main", "enter"}, "type the database's name exactly"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.opts...)
			for _, k := range c.keys {
				if len(k) > 1 && keyMsg(k).Type == tea.KeyRunes {
					h.typeText(k)
				} else {
					h.press(k)
				}
			}
			h.waitIdle()
			h.mustShow(c.shows)
			v := h.m.View()
			if strings.ContainsRune(v, '\x1b') {
				t.Fatalf("the ASCII profile drew an escape sequence: %q", v)
			}
			requireGolden(t, c.name, v)
		})
	}
}

// The real program (teatest) draws the same list as the driven model.
func TestProgramDrawsTheListGolden(t *testing.T) {
	h := newHarness(t, withoutInit())
	tm := teatest.NewTestModel(t, h.m, teatest.WithInitialTermSize(testWidth, testHeight))
	// The names of the locations come with the last of the first load's
	// answers; the rows need the groups.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("Frankfurt")) && bytes.Contains(b, []byte("staging"))
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	requireGolden(t, "list", fm.View())
}

// q ends the real program, and with it the model's context.
func TestProgramQuitsOnQ(t *testing.T) {
	h := newHarness(t, withoutInit())
	tm := teatest.NewTestModel(t, h.m, teatest.WithInitialTermSize(testWidth, testHeight))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("staging")) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if fm := tm.FinalModel(t).(*Model); fm.sess.ctx.Err() == nil {
		t.Fatal("the program ended but the model's context did not")
	}
}
