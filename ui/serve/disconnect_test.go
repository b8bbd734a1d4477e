//go:build !race

package serve

import (
	"testing"
)

// A client that hangs up on a live dashboard frees its session. This runs
// without the race detector only: on a hang-up, charmbracelet/ssh closes
// the PTY from its request loop while the Bubble Tea program still calls
// Fd on it (os.File Close against Fd), a race in those packages that the
// server cannot order.
func TestHangUpFreesTheSession(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.MaxSessions = 1
	s := f.start(cfg)
	a := s.open(t, f.full, "dumb")
	a.waitLoaded()
	a.conn.Close()
	f.waitLog("session end", f.full.fp)
	waitUntil(t, "the session is gone", func() bool { return s.Sessions() == 0 })
	b := s.open(t, f.full, "dumb")
	b.waitLoaded()
}
