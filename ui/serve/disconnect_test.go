//go:build !race

package serve

import (
	"runtime"
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

// A client at 65535x65535 that hangs up mid-session: its end is logged,
// the session is freed, and the server's heap goes back to what it was
// (within one session's bound, maxSessionHeap).
func TestHangUpAtHugeSizeFreesTheSession(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	tm, err := s.dialSized(t, "dumb", 65535, 65535, withKey(f.full))
	if err != nil {
		t.Fatal(err)
	}
	tm.waitFor(0, "6 groups", "UUID")
	tm.conn.Close()
	f.waitLog("session end", f.full.fp)
	waitUntil(t, "the session is gone", func() bool { return s.Sessions() == 0 })
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if h := int64(after.HeapInuse) - int64(base.HeapInuse); h > maxSessionHeap {
		t.Errorf("after the hang-up, %d MB more heap is in use than before the session", h>>20)
	}
}
