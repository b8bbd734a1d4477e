package serve

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A colour terminal that never answers the background query (nor the
// device attributes query after it) gets the dashboard anyway, on a dark
// background, once TermQueryTimeout (300ms here; the waits are 10s) has
// passed; what its user typed meanwhile reaches the dashboard, and an
// answer that comes late is not typed into it.
func TestUnansweredTerminalQueries(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.TermQueryTimeout = 300 * time.Millisecond
	s := f.start(cfg)
	silent := func() *term {
		t.Helper()
		tm, err := s.dialTerm(t, termOptions{termType: "xterm-256color", silent: true, mod: withKey(f.full)})
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}

	t.Run("draws", func(t *testing.T) {
		tm := silent()
		tm.waitLoaded()
		f.waitLog("terminal", f.full.fp, `background="dark (the terminal did not say)"`)
	})

	t.Run("keys typed while it waits", func(t *testing.T) {
		tm := silent()
		// Sent at once: the server is still waiting for the answer.
		if _, err := io.WriteString(tm.stdin, "q"); err != nil {
			t.Fatal(err)
		}
		if err := tm.waitEnd(); err != nil {
			t.Fatalf("q typed during the query: the session ended with %v, want status 0", err)
		}
	})

	t.Run("late answer", func(t *testing.T) {
		tm := silent()
		tm.waitLoaded()
		m := tm.mark()
		tm.typeKeys("/")
		tm.waitFor(m, "/")
		if _, err := io.WriteString(tm.stdin, darkReply); err != nil {
			t.Fatal(err)
		}
		tm.typeKeys("leg\r")
		tm.waitFor(m, `1 of 6 groups match "leg"`)
		if strings.Contains(tm.since(m), "rgb") {
			t.Errorf("the late answer was typed into the filter:\n%s", tm.since(m))
		}
	})
}

// The background is what the terminal says (the colour spec's lightness)
// or what theme.mode sets, in which case the terminal is not asked; a
// dumb terminal is not asked either.
func TestTerminalBackground(t *testing.T) {
	f := newFixture(t, "")
	for _, tc := range []struct {
		name, termType, theme, reply, want string
		asked                              bool
	}{
		{"dark", "xterm-256color", "", darkReply, `background=dark`, true},
		{"light, ST", "xterm-256color", "", "\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c", `background=light`, true},
		{"light, 8 bits", "xterm-256color", "", "\x1b]11;rgb:f0/f0/e8\x07\x1b[?1;2c", `background=light`, true},
		{"no colour answer", "xterm-256color", "", "\x1b[?62;22c", `background="dark (the terminal did not say)"`, true},
		{"theme light", "xterm-256color", "light", "", `background="light (theme.mode)"`, false},
		{"dumb", "dumb", "", "", `background="none (no colours)"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := f.config()
			cfg.ThemeMode = tc.theme
			s := f.start(cfg)
			mark := f.log.Len()
			tm, err := s.dialTerm(t, termOptions{termType: tc.termType, reply: tc.reply, mod: withKey(f.full)})
			if err != nil {
				t.Fatal(err)
			}
			tm.waitLoaded()
			f.waitLogAfter(mark, "terminal", f.full.fp, tc.want)
			if asked := strings.Contains(tm.out.String(), "\x1b]11;?"); asked != tc.asked {
				t.Errorf("the terminal was asked: %v, want %v", asked, tc.asked)
			}
		})
	}
}

func TestCutReplies(t *testing.T) {
	for _, tc := range []struct {
		in, out      string
		bg, dark, da bool
	}{
		{"", "", false, false, false},
		{"abc", "abc", false, false, false},
		{darkReply, "", true, true, true},
		{"x" + darkReply + "y", "xy", true, true, true},
		{"\x1b]11;rgb:ffff/ffff/ffff\x07", "", true, false, false},
		{"\x1b]11;rgba:0000/0000/0000/ffff\x1b\\q", "q", true, true, false},
		{"\x1b[?1;2c", "", false, false, true},
		{"\x1b]11;rgb:ffff/ff", "\x1b]11;rgb:ffff/ff", false, false, false}, // cut short: kept
		{"\x1b]11;garbage\x07", "", false, false, false},
		{"\x1b[A\x1b[?1;2", "\x1b[A\x1b[?1;2", false, false, false},
		{"\x1b]11;rgb:0/0/0\x1b[B", "\x1b]11;rgb:0/0/0\x1b[B", false, false, false}, // an escape ends it: not a reply
	} {
		out, r := cutReplies([]byte(tc.in))
		if !bytes.Equal(out, []byte(tc.out)) || r.haveBG != tc.bg || (r.haveBG && r.dark != tc.dark) || r.da1 != tc.da {
			t.Errorf("cutReplies(%q) = %q, %+v; want %q bg=%v dark=%v da1=%v", tc.in, out, r, tc.out, tc.bg, tc.dark, tc.da)
		}
	}
}

func withKey(k testKey) func(*gossh.ClientConfig) {
	return func(c *gossh.ClientConfig) { c.Auth = []gossh.AuthMethod{gossh.PublicKeys(k.signer)} }
}
