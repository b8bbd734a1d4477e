package cache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

const token = "SECRET-token"

// server is the local API with the demo organizations, counting the
// requests it is sent.
type server struct {
	url  string
	mu   sync.Mutex
	reqs []string // "METHOD path"
}

func newServer(t *testing.T) *server {
	t.Helper()
	store, err := emulator.NewMemoryStore("demo", 0)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(store, emulator.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	s := &server{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// count is how many requests' "METHOD path" end with suffix.
func (s *server) count(suffix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.reqs {
		if strings.HasSuffix(p, suffix) {
			n++
		}
	}
	return n
}

// client is a client of s for org, sending through rt if not nil.
func (s *server) client(t *testing.T, org string, rt http.RoundTripper) *api.Client {
	t.Helper()
	opts := api.Options{BaseURL: s.url, Token: token, Org: org, MaxRetries: -1}
	if rt != nil {
		opts.HTTPClient = &http.Client{Transport: rt}
	}
	c, err := api.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sameSlice[T any](a, b []T) bool { return unsafe.SliceData(a) == unsafe.SliceData(b) }

// A load younger than the TTL is reused, by another client of the same
// organization too; an older one is fetched again, and that fresh load
// is what the others get next.
func TestReusesAFreshLoad(t *testing.T) {
	s := newServer(t)
	a, b := s.client(t, "demo", nil), s.client(t, "demo", nil)
	c := New(time.Minute)
	now := time.Now()
	var clock atomic.Int64
	c.now = func() time.Time { return now.Add(time.Duration(clock.Load())) }
	ctx := context.Background()

	ga := c.Groups(ctx, a)
	gb := c.Groups(ctx, b)
	if ga.Err != nil || len(ga.Groups) == 0 {
		t.Fatalf("load: %d groups, %v", len(ga.Groups), ga.Err)
	}
	if n := s.count("/groups"); n != 1 || ga != gb {
		t.Fatalf("%d groups requests for two clients within the TTL, want 1 load shared", n)
	}
	clock.Store(int64(time.Minute))
	gb = c.Groups(ctx, b)
	if n := s.count("/groups"); n != 2 {
		t.Fatalf("%d groups requests after the TTL, want 2", n)
	}
	if sameSlice(ga.Groups, gb.Groups) {
		t.Fatal("b's new load is a's old one")
	}
	ga = c.Groups(ctx, a)
	if n := s.count("/groups"); n != 2 || ga != gb {
		t.Fatalf("a's load made a request (%d in all) rather than reuse b's fresh load", n)
	}
}

// A nil cache loads for its caller alone, every time, and ignores
// changes.
func TestNilCacheLoadsAlone(t *testing.T) {
	s := newServer(t)
	cl := s.client(t, "demo", nil)
	var c *Cache
	ctx := context.Background()
	for range 2 {
		if g := c.Groups(ctx, cl); g.Err != nil || len(g.ByName) != len(g.Groups) || len(g.Groups) == 0 {
			t.Fatalf("groups: %d, index %d, %v", len(g.Groups), len(g.ByName), g.Err)
		}
		if d := c.Databases(ctx, cl); d.Err != nil || len(d.ByGroup) == 0 {
			t.Fatalf("databases: %d groups, %v", len(d.ByGroup), d.Err)
		}
		if locs, err := c.Locations(ctx, cl); err != nil || len(locs) == 0 {
			t.Fatalf("locations: %d, %v", len(locs), err)
		}
		if _, err := c.ValidateToken(ctx, cl); err != nil {
			t.Fatalf("token: %v", err)
		}
		c.Changed(cl, Groups|Databases|EveryOrg)
	}
	for _, p := range []string{"/groups", "/databases", "/v1/locations", "/v1/auth/validate"} {
		if n := s.count(p); n != 2 {
			t.Errorf("%d requests to …%s for two loads, want 2", n, p)
		}
	}
}

// Changed drops what the change touched, of the client's organization
// only unless EveryOrg; the rest is still reused.
func TestChangedDropsWhatItTouches(t *testing.T) {
	s := newServer(t)
	demo, acme := s.client(t, "demo", nil), s.client(t, "acme", nil)
	c := New(time.Hour)
	ctx := context.Background()
	load := func() {
		t.Helper()
		for _, cl := range []*api.Client{demo, acme} {
			if err := c.Groups(ctx, cl).Err; err != nil {
				t.Fatal(err)
			}
			if err := c.Databases(ctx, cl).Err; err != nil {
				t.Fatal(err)
			}
			if _, err := c.Locations(ctx, cl); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := func(step string, counts map[string]int) {
		t.Helper()
		for suffix, n := range counts {
			if got := s.count(suffix); got != n {
				t.Errorf("%s: %d requests to …%s, want %d", step, got, suffix, n)
			}
		}
	}
	load()
	want("first loads", map[string]int{"demo/groups": 1, "demo/databases": 1, "acme/groups": 1, "acme/databases": 1, "/v1/locations": 1})

	c.Changed(demo, EveryOrg) // touches no data: nothing to drop
	load()
	want("a change of nothing", map[string]int{"demo/groups": 1, "demo/databases": 1, "acme/groups": 1, "acme/databases": 1})

	c.Changed(demo, Databases)
	load()
	want("demo's databases changed", map[string]int{"demo/groups": 1, "demo/databases": 2, "acme/groups": 1, "acme/databases": 1})

	c.Changed(demo, Groups|Databases)
	load()
	want("demo changed", map[string]int{"demo/groups": 2, "demo/databases": 3, "acme/groups": 1, "acme/databases": 1})

	c.Changed(demo, Groups|Databases|EveryOrg)
	load()
	want("every organization changed", map[string]int{"demo/groups": 3, "demo/databases": 4, "acme/groups": 2, "acme/databases": 2, "/v1/locations": 1})
}

// panicTransport panics, quoting the token, on every request.
type panicTransport struct{}

func (panicTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	panic("transport broke while sending " + r.Header.Get("Authorization"))
}

// A panic in a load, on the caller's goroutine (no cache) or the cache's,
// is the load's error, a PanicError without the token; the failed load is
// not reused.
func TestPanicIsTheLoadsError(t *testing.T) {
	s := newServer(t)
	cl := s.client(t, "demo", panicTransport{})
	for _, c := range []*Cache{nil, New(time.Hour)} {
		ctx := context.Background()
		var errs []error
		for range 2 {
			errs = append(errs, c.Groups(ctx, cl).Err, c.Databases(ctx, cl).Err)
			_, err := c.Locations(ctx, cl)
			errs = append(errs, err)
			_, err = c.ValidateToken(ctx, cl)
			errs = append(errs, err)
		}
		for i, err := range errs {
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("cache %v, load %d: %v, want a PanicError", c != nil, i, err)
			}
			if !strings.Contains(pe.Error(), "internal error: transport broke while sending Bearer [redacted]") || pe.Stack == "" {
				t.Fatalf("cache %v, load %d: %q, stack %d bytes", c != nil, i, pe.Error(), len(pe.Stack))
			}
			if strings.Contains(pe.Msg+pe.Stack, "SECRET") {
				t.Fatalf("the token leaked: %s\n%s", pe.Msg, pe.Stack)
			}
		}
		if errs[4] == errs[0] { // the second Groups against the first

			t.Fatalf("cache %v: a failed load was reused", c != nil)
		}
	}
}

// GroupDatabases groups shuffled databases by group, each group's sorted
// by name, with slices capped so an append cannot reach a neighbour.
func TestGroupDatabases(t *testing.T) {
	var dbs []api.Database
	for g := range 50 {
		for d := range g % 7 {
			dbs = append(dbs, api.Database{Name: fmt.Sprintf("db-%02d", d), Group: fmt.Sprintf("g%02d", g)})
		}
	}
	want := slices.Clone(dbs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(dbs), func(i, j int) { dbs[i], dbs[j] = dbs[j], dbs[i] })

	out := GroupDatabases(dbs, 50)
	var got []api.Database
	for g := range 50 {
		s := out[fmt.Sprintf("g%02d", g)]
		if cap(s) != len(s) {
			t.Fatalf("group g%02d: cap %d > len %d", g, cap(s), len(s))
		}
		got = append(got, s...)
	}
	if !slices.EqualFunc(got, want, func(a, b api.Database) bool { return a.Name == b.Name && a.Group == b.Group }) {
		t.Fatalf("grouped:\n%v\nwant:\n%v", got, want)
	}
	if len(out) != 42 { // every group but the 8 with g%7 == 0
		t.Fatalf("%d groups have databases, want 42", len(out))
	}
}

// A caller that gives up (a dashboard whose session ended) leaves a
// shared load to the others; when all have given up, the load is cancelled, and the next
// load starts afresh rather than join it.
func TestWaitersGiveUp(t *testing.T) {
	c := New(time.Minute)
	key := cacheKey{kind: cacheGroups, base: "http://x", org: "o"}
	release := make(chan struct{})
	var fetches atomic.Int32
	cancelled := make(chan struct{})
	fetch := func(ctx context.Context) (any, bool) {
		fetches.Add(1)
		select {
		case <-release:
			return "data", true
		case <-ctx.Done():
			close(cancelled)
			return nil, false
		}
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	type res struct {
		v  any
		ok bool
	}
	ra, rb := make(chan res, 1), make(chan res, 1)
	go func() { v, ok := c.do(ctxA, key, time.Minute, fetch); ra <- res{v, ok} }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waiters := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		if e := c.entries[key]; e != nil && e.cur != nil {
			return e.cur.waiters
		}
		return 0
	}
	waitFor("a waits", func() bool { return waiters() == 1 })
	go func() { v, ok := c.do(context.Background(), key, time.Minute, fetch); rb <- res{v, ok} }()
	waitFor("b joins", func() bool { return waiters() == 2 })
	cancelA()
	if r := <-ra; r.ok {
		t.Fatalf("a gave up but got %v", r.v)
	}
	close(release)
	if r := <-rb; !r.ok || r.v != "data" || fetches.Load() != 1 {
		t.Fatalf("b got %v, %v after %d fetches; want the one shared load", r.v, r.ok, fetches.Load())
	}

	// All give up: the load is cancelled.
	key.org = "p"
	release = make(chan struct{})
	ctxC, cancelC := context.WithCancel(context.Background())
	go func() { v, ok := c.do(ctxC, key, time.Minute, fetch); ra <- res{v, ok} }()
	waitFor("c waits", func() bool { return waiters() == 1 })
	cancelC()
	<-ra
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the load went on with nobody waiting")
	}
	close(release)
	v, ok := c.do(context.Background(), key, time.Minute, fetch)
	if !ok || v != "data" || fetches.Load() != 3 {
		t.Fatalf("after a cancelled load: %v, %v, %d fetches", v, ok, fetches.Load())
	}
}

// The entries do not grow without bound: once there are many, a new one
// first drops the loads that no caller can reuse any more, and keeps the
// fresh ones.
func TestOldEntriesAreSwept(t *testing.T) {
	s := newServer(t)
	cl := s.client(t, "demo", nil)
	c := New(time.Second)
	now := time.Now()
	var clock atomic.Int64
	c.now = func() time.Time { return now.Add(time.Duration(clock.Load())) }
	ctx := context.Background()
	for i := range sweepAbove {
		c.GroupUsage(ctx, cl, fmt.Sprint("g", i), nil)
	}
	if n := len(c.entries); n != sweepAbove {
		t.Fatalf("%d entries, want %d", n, sweepAbove)
	}
	clock.Store(int64(locationsTTL))
	c.GroupUsage(ctx, cl, "fresh", nil)
	c.mu.Lock()
	n := len(c.entries)
	c.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d entries after the sweep, want the new one alone", n)
	}
}
