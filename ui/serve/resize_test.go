package serve

import (
	"fmt"
	"testing"
)

// A window change reaches the session's dashboard at once, at the size
// the client reports: each resize is drawn at its own size, not the one
// before it.
func TestResizeReachesTheSession(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	tm := s.open(t, f.full, "dumb")
	tm.waitLoaded()
	for _, size := range []struct{ w, h int }{{50, 12}, {70, 20}, {45, 10}, {66, 18}} {
		m := tm.mark()
		if err := tm.sess.WindowChange(size.h, size.w); err != nil {
			t.Fatal(err)
		}
		// Below 60x15 the dashboard names the size it was given.
		if size.w < 60 || size.h < 15 {
			tm.waitFor(m, fmt.Sprintf("Terminal too small: %dx%d.", size.w, size.h))
		} else {
			tm.waitFor(m, "6 groups")
		}
	}
}
