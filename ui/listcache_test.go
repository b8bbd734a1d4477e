package ui

import (
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/listcache"
)

// cachedStore is a list cache holding, for the harness's API and the demo
// organization, two groups the demo seed does not have, saved 2 hours
// before the tests' clock.
func cachedStore(t *testing.T) (*listcache.Store, func(h *harness)) {
	t.Helper()
	s := listcache.New(filepath.Join(t.TempDir(), "turso-groups"))
	save := func(h *harness) {
		t.Helper()
		gs := []api.Group{
			{Name: "cached-alpha", Primary: "aws-eu-west-1", Locations: []string{"aws-eu-west-1"}},
			{Name: "cached-beta", Primary: "aws-us-east-1", Locations: []string{"aws-us-east-1"}},
		}
		if err := s.Save(h.m.opts.APIURL, "demo", gs, fixedNow.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	return s, save
}

// TestWarmStartShowsCachedThenLive: the list kept on disk is drawn before
// any answer, marked cached with its age; the live answer replaces it and
// is saved for the next start.
func TestWarmStartShowsCachedThenLive(t *testing.T) {
	s, save := cachedStore(t)
	h := newHarness(t, remote(), withListCache(s), withoutInit())
	save(h)
	h.run(h.m.loadCached())
	h.mustShow("2 groups · sorted by name", "cached-alpha", "cached-beta", "cached 2h ago")
	if got := h.reqs.snapshot(); len(got) != 0 {
		t.Fatalf("the cached list made requests: %v", got)
	}
	h.run(h.m.Init())
	h.mustShow("6 groups · sorted by name", "analytics", "updated just now")
	h.mustNotShow("cached-alpha", "cached ")
	if h.m.load.cached || h.m.load.stale != nil {
		t.Errorf("after the live load: cached %v, stale %v", h.m.load.cached, h.m.load.stale)
	}
	e, err := s.Load(h.m.opts.APIURL, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Groups) != 6 || !e.Saved.Equal(fixedNow) {
		t.Errorf("saved after the live load: %d groups at %v, want 6 at %v", len(e.Groups), e.Saved, fixedNow)
	}
}

// TestWarmStartLiveWins: a cached list that arrives after the live answer
// is dropped.
func TestWarmStartLiveWins(t *testing.T) {
	s, save := cachedStore(t)
	h := newHarness(t, remote(), withListCache(s), withoutInit())
	save(h)
	cached := h.m.loadCached()
	h.run(h.m.Init()) // its own read of the cache comes after the groups
	h.mustShow("6 groups · sorted by name", "updated just now")
	h.run(cached)
	h.mustShow("6 groups · sorted by name", "analytics", "updated just now")
	h.mustNotShow("cached-alpha", "cached ")
}

// TestWarmStartFailedLoad: when the live load fails, the cached list stays
// on screen marked stale and cached, and the failure is told, whichever
// arrives first.
func TestWarmStartFailedLoad(t *testing.T) {
	for _, cacheFirst := range []bool{true, false} {
		name := "failure first"
		if cacheFirst {
			name = "cache first"
		}
		t.Run(name, func(t *testing.T) {
			s, save := cachedStore(t)
			var fail atomic.Bool
			fail.Store(true)
			h := newHarness(t, remote(), withListCache(s), withoutInit(), withTimeout(time.Second), withHandler(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if fail.Load() && strings.HasSuffix(r.URL.Path, "/groups") {
						http.Error(w, `{"error":"maintenance"}`, http.StatusBadRequest)
						return
					}
					next.ServeHTTP(w, r)
				})
			}))
			save(h)
			if cacheFirst {
				h.run(h.m.loadCached())
			}
			h.run(h.m.Init())
			if !cacheFirst {
				h.mustShow("Could not load the groups")
				h.run(h.m.loadCached())
			}
			h.mustShow("cached-alpha", "stale", "Could not load the groups; showing the list cached 2h ago.")
			if !h.m.load.cached || h.m.load.stale == nil || h.m.load.loadErr != nil {
				t.Errorf("cached %v, stale %v, loadErr %v", h.m.load.cached, h.m.load.stale, h.m.load.loadErr)
			}
			// The failed load saved nothing over the cached list.
			if e, err := s.Load(h.m.opts.APIURL, "demo"); err != nil || len(e.Groups) != 2 {
				t.Errorf("the cache after a failed load: %d groups, %v", len(e.Groups), err)
			}
			// A refresh that works replaces it all.
			fail.Store(false)
			h.press("r")
			h.mustShow("6 groups · sorted by name", "updated just now")
			h.mustNotShow("cached-alpha", "stale", "cached ")
		})
	}
}

// TestWarmStartOff: without a list cache nothing is read or written.
func TestWarmStartOff(t *testing.T) {
	h := newHarness(t, remote())
	if h.m.loadCached() != nil || h.m.saveList(nil) != nil {
		t.Error("a dashboard without Options.ListCache reads or writes one")
	}
	h.mustShow("6 groups · sorted by name", "updated just now")
}

// TestWarmStartOrgSwitch: switching organizations draws the other's
// cached list, never the first one's.
func TestWarmStartOrgSwitch(t *testing.T) {
	s, save := cachedStore(t)
	h := newHarness(t, remote(), withListCache(s))
	save(h)
	h.mustShow("6 groups · sorted by name")
	h.switchTo("acme")
	h.mustNotShow("cached-alpha")
	if h.m.load.cached {
		t.Error("the demo organization's cached list stayed marked cached")
	}
}
