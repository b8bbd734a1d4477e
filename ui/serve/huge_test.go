package serve

import (
	"runtime"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// Bounds of a session at any terminal size, measured in this process
// (server and clients together). A session at the cap costs about 1 MB of
// heap and allocates a few MB opening; before the cap, one 10000x10000
// session took the server to 1.4 GB in 15 s.
const (
	// maxSessionHeap bounds the heap a live session keeps.
	maxSessionHeap = 8 << 20
	// maxSessionAlloc bounds what opening a session and drawing its
	// first frames allocates, garbage included: the peak cannot exceed it.
	maxSessionAlloc = 64 << 20
)

// A client may claim any terminal size: 10000x10000 and 65535x65535 at
// the start, or a resize to 65535x65535 later. The dashboard is drawn
// within ui.MaxWidth x ui.MaxHeight whatever the size, so each session's
// memory is bounded (maxSessionHeap kept, maxSessionAlloc allocated), the
// sessions end on ctrl+c, each end is logged, and their memory is freed.
func TestHugeTerminalsAreBounded(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)

	var terms []*term
	for _, size := range [][2]int{{10000, 10000}, {65535, 65535}} {
		tm, err := s.dialSized(t, "dumb", size[0], size[1], func(c *gossh.ClientConfig) { c.Auth = []gossh.AuthMethod{gossh.PublicKeys(f.full.signer)} })
		if err != nil {
			t.Fatal(err)
		}
		// At 140 columns and more the side panel shows the group.
		tm.waitFor(0, "6 groups", "UUID")
		terms = append(terms, tm)
	}
	grown := s.open(t, f.full, "dumb")
	grown.waitLoaded()
	m := grown.mark()
	if err := grown.sess.WindowChange(65535, 65535); err != nil {
		t.Fatal(err)
	}
	grown.waitFor(m, "UUID")
	terms = append(terms, grown)
	// Every screen is drawn at that size too: the details, the help.
	for _, tm := range terms {
		m := tm.mark()
		tm.typeKeys("\r")
		tm.waitFor(m, "Locations")
		tm.typeKeys("?")
		tm.waitFor(m, "Press any key to close")
	}

	var open runtime.MemStats
	runtime.ReadMemStats(&open)
	n := uint64(len(terms))
	if a := open.TotalAlloc - base.TotalAlloc; a > n*maxSessionAlloc {
		t.Errorf("%d sessions at huge sizes allocated %d MB, want at most %d MB each", n, a>>20, maxSessionAlloc>>20)
	}
	runtime.GC()
	runtime.ReadMemStats(&open)
	if h := int64(open.HeapInuse) - int64(base.HeapInuse); h > int64(n*maxSessionHeap) {
		t.Errorf("%d sessions at huge sizes hold %d MB of heap, want at most %d MB each", n, h>>20, maxSessionHeap>>20)
	}
	t.Logf("%d sessions: %d MB allocated, %d MB heap in use (base %d MB)", n, (open.TotalAlloc-base.TotalAlloc)>>20, open.HeapInuse>>20, base.HeapInuse>>20)

	for _, tm := range terms {
		tm.close()
		if !tm.ended() {
			t.Fatal("a session at a huge size did not end on ctrl+c")
		}
	}
	waitUntil(t, "every session is unregistered", func() bool { return s.Sessions() == 0 })
	waitUntil(t, "every end is logged", func() bool { return strings.Count(f.log.String(), "msg=\"session end\"") == len(terms) })
	var closed runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&closed)
	if h := int64(closed.HeapInuse) - int64(base.HeapInuse); h > maxSessionHeap {
		t.Errorf("after the sessions ended, %d MB more heap is in use than before them", h>>20)
	}
}
