package serve

import (
	"io"
	"strings"
	"testing"
)

// Each session's program turns mouse reporting on in its own terminal
// when the server's setting says so, and then takes clicks; off, the
// terminal never gets the escape codes, and keeps its own selection.
func TestSessionMouse(t *testing.T) {
	for _, on := range []bool{true, false} {
		f := newFixture(t, "")
		cfg := f.config()
		cfg.UI.Mouse = on
		s := f.start(cfg)
		tm := s.open(t, f.full, "xterm-256color")
		tm.waitLoaded()
		raw := tm.out.String()
		// Cell motion (1002) in the SGR encoding (1006), or nothing.
		for _, seq := range []string{"\x1b[?1002h", "\x1b[?1006h"} {
			if got := strings.Contains(raw, seq); got != on {
				t.Errorf("mouse %v: the terminal got %q: %v", on, seq, got)
			}
		}
		if !on {
			for _, seq := range []string{"\x1b[?1000h", "\x1b[?1003h"} {
				if strings.Contains(raw, seq) {
					t.Errorf("mouse off: the terminal got %q", seq)
				}
			}
			tm.close()
			continue
		}
		// A double click on staging's row (the header, the summary and
		// the column titles above the rows; SGR counts from 1) opens it.
		m := tm.mark()
		click := "\x1b[<0;5;9M\x1b[<0;5;9m"
		// Written whole, as a terminal sends it: split, its ESC would be a key.
		if _, err := io.WriteString(tm.stdin, click+click); err != nil {
			t.Fatal(err)
		}
		tm.waitFor(m, "UUID", "Delete protection", "staging-app")
		tm.close()
	}
}
