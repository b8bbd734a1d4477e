package serve

import (
	"regexp"
	"sync"
	"testing"
)

// Sessions opening at once share one load: one groups request and one
// databases request between them, whatever the number of sessions.
func TestSessionsShareOneLoad(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	terms := make([]*term, 3)
	var wg sync.WaitGroup
	for i := range terms {
		wg.Go(func() { terms[i] = s.open(t, f.full, "dumb") })
	}
	wg.Wait()
	for _, tm := range terms {
		tm.waitLoaded()
	}
	for path, want := range map[string]int{"/groups": 1, "/databases": 1, "/v1/locations": 1} {
		if n := f.requestsTo(path); n != want {
			t.Errorf("%d sessions made %d requests to …%s, want %d:\n%s", len(terms), n, path, want, f.paths.String())
		}
	}
}

// A change made in one session is in another's list after its refresh,
// even within the time loads are reused; the server shares sessions'
// loads by default, and a negative CacheTTL turns that off.
func TestChangeReachesOtherSessionOnRefresh(t *testing.T) {
	for _, ttl := range []string{"shared", "not shared"} {
		t.Run(ttl, func(t *testing.T) {
			f := newFixture(t, "")
			cfg := f.config()
			if ttl == "not shared" {
				cfg.CacheTTL = -1
			}
			s := f.start(cfg)
			a := s.open(t, f.full, "dumb")
			b := s.open(t, f.full, "dumb")
			a.waitLoaded()
			b.waitLoaded()
			loads := f.requestsTo("/groups")
			if want := map[string]int{"shared": 1, "not shared": 2}[ttl]; loads != want {
				t.Errorf("two sessions made %d groups requests, want %d", loads, want)
			}

			// analytics is first in the list, under the cursor.
			m := a.mark()
			a.typeKeys("p")
			a.waitFor(m, "Delete protection is on for analytics")
			if g, ok := f.store.Group("demo", "analytics"); !ok || !g.DeleteProtection {
				t.Fatal("the change did not reach the API")
			}
			m = b.mark()
			b.typeKeys("r")
			protected := regexp.MustCompile(`analytics .*protected`)
			waitUntil(t, "b shows analytics protected", func() bool { return protected.MatchString(b.since(m)) })
			if n := f.requestsTo("/groups"); n != loads+1 {
				t.Errorf("b's refresh made %d groups requests, want 1", n-loads)
			}
		})
	}
}
