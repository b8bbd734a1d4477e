//go:build loadtest

package loadtest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/api/localapi"
)

var (
	flagRate     = flag.Int("loadtest.rate", 200, "requests per second")
	flagDuration = flag.Duration("loadtest.duration", 10*time.Second, "how long the schedule runs")
	flagGroups   = flag.Int("loadtest.groups", 10000, "synthetic groups seeded (three databases each)")
	flagWrites   = flag.Float64("loadtest.writes", 0.4, "fraction of requests that write")
	flagLists    = flag.Float64("loadtest.lists", 0.05, "fraction of reads that list every group")
	flagListDBs  = flag.Float64("loadtest.listdbs", 0.02, "fraction of reads that list every database")
	flagSeed     = flag.Uint64("loadtest.seed", 1, "seed of the schedule")
	flagOut      = flag.String("loadtest.out", "", "append the markdown report to this file")
)

// kind is one sort of request.
type kind string

const (
	kGet     kind = "get group"
	kList    kind = "list groups"
	kToken   kind = "mint token"
	kListDB  kind = "list databases"
	kCreate  kind = "create group"
	kDelete  kind = "delete group"
	kAddLoc  kind = "add location"
	kRmLoc   kind = "remove location"
	kProtect kind = "set protection"
)

// The mix: each write kind's share of the writes; the reads are lists in
// the shares the flags say, and of the rest 85% gets and 15% token mints.
// Lists of 10,000 groups (2.6 MB) and 30,000 databases are few, as from
// dashboards refreshing every few seconds: decoding them is the client's
// heaviest work, and client and server share this machine's CPUs.
var (
	writeMix = []share{{kCreate, 0.30}, {kDelete, 0.15}, {kAddLoc, 0.20}, {kRmLoc, 0.15}, {kProtect, 0.20}}
	kinds    = []kind{kGet, kList, kToken, kListDB, kCreate, kDelete, kAddLoc, kRmLoc, kProtect}
)

func readMix() []share {
	rest := 1 - *flagLists - *flagListDBs
	return []share{{kList, *flagLists}, {kListDB, *flagListDBs}, {kGet, 0.85 * rest}, {kToken, 0.15 * rest}}
}

type share struct {
	k kind
	p float64
}

func pick(rng *rand.Rand, mix []share) kind {
	x := rng.Float64()
	for _, s := range mix {
		if x < s.p {
			return s.k
		}
		x -= s.p
	}
	return mix[len(mix)-1].k
}

// extraLocation is never a synthetic group's location, so adding it always
// changes the group.
const extraLocation = "ams"

// expect is what the file must say about one group once the run is over:
// the outcome of the last acknowledged write to it. Writes to one group
// never overlap (a group is taken out of its pool while written), so the
// last acknowledged write is well defined.
type expect struct {
	exists, ams, protected bool
	unknown                bool // a write to it failed: its outcome is unknown
}

// model holds the pools of groups that are free for a write, and what the
// file must say in the end.
type model struct {
	mu         sync.Mutex
	plain      []string // synthetic, no extra location, unprotected
	withAms    []string // synthetic, extra location added
	protected  []string // synthetic, delete protected
	created    []string // created by this run
	expect     map[string]*expect
	nextCreate int
}

func (m *model) take(rng *rand.Rand, pool *[]string) (string, bool) {
	p := *pool
	if len(p) == 0 {
		return "", false
	}
	i := rng.IntN(len(p))
	name := p[i]
	p[i] = p[len(p)-1]
	*pool = p[:len(p)-1]
	return name, true
}

// op is one scheduled request, with its target chosen.
type op struct {
	k    kind
	name string
	run  func(ctx context.Context, c *api.Client) error
	// done updates the model after the request: ok says it was
	// acknowledged.
	done func(ok bool)
}

// plan picks the target of a request of kind k (falling back to a create
// when no group is free for k) and says how to run and account for it.
func (m *model) plan(rng *rand.Rand, k kind, synthetic []string) op {
	m.mu.Lock()
	defer m.mu.Unlock()
	any := synthetic[rng.IntN(len(synthetic))]
	switch k {
	case kGet:
		return op{k: k, name: any, run: func(ctx context.Context, c *api.Client) error { _, err := c.GetGroup(ctx, any); return err }}
	case kList:
		return op{k: k, run: func(ctx context.Context, c *api.Client) error {
			gs, err := c.ListGroups(ctx)
			if err == nil && len(gs) < len(synthetic) {
				err = fmt.Errorf("listed %d groups, fewer than the %d seeded", len(gs), len(synthetic))
			}
			return err
		}}
	case kToken:
		return op{k: k, name: any, run: func(ctx context.Context, c *api.Client) error {
			_, err := c.CreateGroupToken(ctx, any, api.TokenOptions{Expiration: "1d"})
			return err
		}}
	case kListDB:
		return op{k: k, run: func(ctx context.Context, c *api.Client) error {
			ds, err := c.ListDatabases(ctx)
			if err == nil && len(ds) < 3*len(synthetic) {
				err = fmt.Errorf("listed %d databases, fewer than the %d seeded", len(ds), 3*len(synthetic))
			}
			return err
		}}
	case kDelete:
		if name, ok := m.take(rng, &m.created); ok {
			return op{k: k, name: name,
				run:  func(ctx context.Context, c *api.Client) error { _, err := c.DeleteGroup(ctx, name); return err },
				done: m.finish(name, func(e *expect) { e.exists = false }, nil)}
		}
	case kAddLoc:
		if name, ok := m.take(rng, &m.plain); ok {
			return op{k: k, name: name,
				run: func(ctx context.Context, c *api.Client) error {
					_, err := c.AddLocation(ctx, name, extraLocation)
					return err
				},
				done: m.finish(name, func(e *expect) { e.ams = true }, &m.withAms)}
		}
	case kRmLoc:
		if name, ok := m.take(rng, &m.withAms); ok {
			return op{k: k, name: name,
				run: func(ctx context.Context, c *api.Client) error {
					_, err := c.RemoveLocation(ctx, name, extraLocation)
					return err
				},
				done: m.finish(name, func(e *expect) { e.ams = false }, &m.plain)}
		}
	case kProtect:
		// Unprotect half the time when there is something to unprotect.
		if rng.IntN(2) == 0 {
			if name, ok := m.take(rng, &m.protected); ok {
				return op{k: k, name: name,
					run: func(ctx context.Context, c *api.Client) error {
						_, err := c.SetDeleteProtection(ctx, name, false)
						return err
					},
					done: m.finish(name, func(e *expect) { e.protected = false }, &m.plain)}
			}
		}
		if name, ok := m.take(rng, &m.plain); ok {
			return op{k: k, name: name,
				run: func(ctx context.Context, c *api.Client) error {
					_, err := c.SetDeleteProtection(ctx, name, true)
					return err
				},
				done: m.finish(name, func(e *expect) { e.protected = true }, &m.protected)}
		}
	}
	// kCreate, or no group free for k.
	m.nextCreate++
	name := fmt.Sprintf("lt-%06d", m.nextCreate)
	m.expect[name] = &expect{}
	return op{k: kCreate, name: name,
		run: func(ctx context.Context, c *api.Client) error {
			_, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: name, Location: "lhr"})
			return err
		},
		done: m.finish(name, func(e *expect) { e.exists = true }, &m.created)}
}

// finish returns the accounting of a write to name: on acknowledgement the
// expectation changes and the group goes back to the pool it now belongs
// in; on failure its outcome is unknown and it is never used again.
func (m *model) finish(name string, apply func(*expect), back *[]string) func(bool) {
	return func(ok bool) {
		m.mu.Lock()
		defer m.mu.Unlock()
		e := m.expect[name]
		if !ok {
			e.unknown = true
			return
		}
		apply(e)
		if back != nil {
			*back = append(*back, name)
		}
	}
}

// stats collects latencies and errors per kind.
type stats struct {
	mu     sync.Mutex
	lat    map[kind][]time.Duration
	errs   map[kind]int
	sample map[kind]string
	last   time.Time
}

func (s *stats) add(k kind, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lat[k] = append(s.lat[k], d)
	if err != nil {
		s.errs[k]++
		if s.sample[k] == "" {
			s.sample[k] = err.Error()
		}
	}
	if now := time.Now(); now.After(s.last) {
		s.last = now
	}
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// serverTimes is a slog.Handler that keeps the duration of every request
// the local API logs (the emulator logs one debug line per request, timed
// from the start of ServeHTTP to the end of the handler, so this is the
// server's own time, without the client's or the network's).
type serverTimes struct {
	mu  sync.Mutex
	lat map[kind][]time.Duration
}

func (h *serverTimes) Enabled(context.Context, slog.Level) bool { return true }
func (h *serverTimes) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *serverTimes) WithGroup(string) slog.Handler            { return h }

func (h *serverTimes) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "request" {
		return nil
	}
	var method, path string
	var d time.Duration
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "duration":
			d = a.Value.Duration()
		}
		return true
	})
	k := classify(method, path)
	if k == "" {
		return nil
	}
	h.mu.Lock()
	h.lat[k] = append(h.lat[k], d)
	h.mu.Unlock()
	return nil
}

// classify maps a request of the run to its kind ("" for others).
func classify(method, path string) kind {
	rest, ok := strings.CutPrefix(path, "/v1/organizations/"+emulator.DemoOrg+"/")
	if !ok {
		return ""
	}
	parts := strings.Split(rest, "/")
	switch {
	case method == "GET" && rest == "databases":
		return kListDB
	case rest == "groups":
		if method == "GET" {
			return kList
		}
		return kCreate
	case len(parts) == 2 && method == "GET":
		return kGet
	case len(parts) == 2 && method == "DELETE":
		return kDelete
	case len(parts) == 4 && parts[2] == "locations" && method == "POST":
		return kAddLoc
	case len(parts) == 4 && parts[2] == "locations" && method == "DELETE":
		return kRmLoc
	case len(parts) == 3 && parts[2] == "configuration":
		return kProtect
	case len(parts) == 4 && parts[2] == "auth":
		return kToken
	}
	return ""
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func TestLoad(t *testing.T) {
	rate, dur, n := *flagRate, *flagDuration, *flagGroups
	total := int(float64(rate) * dur.Seconds())
	if rate <= 0 || total <= 0 || n <= 0 {
		t.Fatalf("bad flags: rate %d duration %v groups %d", rate, dur, n)
	}
	// The whole run, requests included, ends by this deadline.
	ctx, cancel := context.WithTimeout(context.Background(), dur+60*time.Second)
	defer cancel()

	loadStart := loadavg()
	dir := t.TempDir()
	path := filepath.Join(dir, "local-api.json")
	seedStart := time.Now()
	server := &serverTimes{lat: map[kind][]time.Duration{}}
	srv, err := localapi.Start(localapi.Config{Listen: "127.0.0.1:0", DataFile: path, Seed: "empty", SeedGroups: n, Token: "load-test-token", Logger: slog.New(server)})
	if err != nil {
		t.Fatal(err)
	}
	seedTime := time.Since(seedStart)
	stopped := false
	defer func() {
		if !stopped {
			_ = srv.Shutdown(5 * time.Second)
		}
	}()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("not loopback: %s", srv.URL)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}
	client, err := api.New(api.Options{BaseURL: srv.URL, Token: srv.Token, Org: emulator.DemoOrg, HTTPClient: hc, MaxRetries: -1, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	synthetic := make([]string, n)
	for i := range synthetic {
		synthetic[i] = fmt.Sprintf("load-%05d", i+1)
	}
	m := &model{plain: slices.Clone(synthetic), expect: map[string]*expect{}}
	for _, s := range synthetic {
		m.expect[s] = &expect{exists: true}
	}
	st := &stats{lat: map[kind][]time.Duration{}, errs: map[kind]int{}, sample: map[kind]string{}}
	rng := rand.New(rand.NewPCG(*flagSeed, 0x10ad))

	// Warm up: one list, so that the first measured requests do not pay for
	// connection set-up alone.
	if _, err := client.ListGroups(ctx); err != nil {
		t.Fatal(err)
	}

	reads := readMix()
	var wg sync.WaitGroup
	var lagMax time.Duration
	var inflight, inflightMax int
	var inflightMu sync.Mutex
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i := range total {
		at := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(at))
		if lag := time.Since(at); lag > lagMax {
			lagMax = lag
		}
		mix := reads
		if rng.Float64() < *flagWrites {
			mix = writeMix
		}
		o := m.plan(rng, pick(rng, mix), synthetic)
		inflightMu.Lock()
		inflight++
		inflightMax = max(inflightMax, inflight)
		inflightMu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := o.run(ctx, client)
			// Latency from the scheduled start, so a slow server cannot hide
			// behind a late send (coordinated omission).
			st.add(o.k, time.Since(at), err)
			if o.done != nil {
				o.done(err == nil)
			}
			inflightMu.Lock()
			inflight--
			inflightMu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := st.last.Sub(start)
	server.mu.Lock()
	serverLat := server.lat
	server.lat = map[kind][]time.Duration{} // the idle list below is not part of the run
	server.mu.Unlock()

	// The list of every group over HTTP on an idle server: through the
	// client (server, transfer and decoding) and raw (server and transfer).
	var viaClient, raw []time.Duration
	var listBytes int
	for range 30 {
		t0 := time.Now()
		if _, err := client.ListGroups(ctx); err != nil {
			t.Fatal(err)
		}
		viaClient = append(viaClient, time.Since(t0))
		t0 = time.Now()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/organizations/demo/groups", nil)
		req.Header.Set("Authorization", "Bearer "+srv.Token)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("raw list: %d %v", res.StatusCode, err)
		}
		raw = append(raw, time.Since(t0))
		listBytes = len(b)
	}

	// Stop the server (which closes the store) and check the file alone.
	if err := srv.Shutdown(10 * time.Second); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	stopped = true
	re, err := emulator.OpenStore(path, emulator.SeedEmpty, 0)
	if err != nil {
		t.Fatalf("reopening the state file: %v", err)
	}
	defer re.Close()
	onDisk := map[string]api.Group{}
	for _, g := range re.Groups(emulator.DemoOrg) {
		onDisk[g.Name] = g
	}
	lost, unknown, checked := 0, 0, 0
	wantCount := 0
	for name, e := range m.expect {
		if e.unknown {
			unknown++
			continue
		}
		checked++
		if e.exists {
			wantCount++
		}
		g, ok := onDisk[name]
		var problem string
		switch {
		case ok != e.exists:
			problem = fmt.Sprintf("exists=%v on disk, want %v", ok, e.exists)
		case !ok:
		case slices.Contains(g.Locations, extraLocation) != e.ams:
			problem = fmt.Sprintf("locations %v, want %s: %v", g.Locations, extraLocation, e.ams)
		case g.DeleteProtection != e.protected:
			problem = fmt.Sprintf("delete protection %v, want %v", g.DeleteProtection, e.protected)
		}
		if problem != "" {
			lost++
			if lost <= 10 {
				t.Errorf("lost write: group %s: %s", name, problem)
			}
		}
	}
	if unknown == 0 && len(onDisk) != wantCount {
		t.Errorf("%d groups on disk, want %d", len(onDisk), wantCount)
	}

	// Report.
	var b strings.Builder
	completed, errors := 0, 0
	writes := 0
	for _, k := range kinds {
		completed += len(st.lat[k])
		errors += st.errs[k]
		if k == kCreate || k == kDelete || k == kAddLoc || k == kRmLoc || k == kProtect {
			writes += len(st.lat[k])
		}
	}
	fi, _ := os.Stat(path)
	var fileMB float64
	if fi != nil {
		fileMB = float64(fi.Size()) / 1e6
	}
	load := loadavg()
	fmt.Fprintf(&b, "Load run: %d synthetic groups (%d databases, state file %.1f MB, seeded in %v), %d requests scheduled at %d/s for %v, %.0f%% writes, reads %.0f%% list groups and %.0f%% list databases, seed %d, GOMAXPROCS %d, loadavg at start %s, after the run %s\n\n",
		n, 3*n, fileMB, seedTime.Round(time.Millisecond), total, rate, dur, 100**flagWrites, 100**flagLists, 100**flagListDBs, *flagSeed, runtime.GOMAXPROCS(0), loadStart, load)
	fmt.Fprintf(&b, "- completed %d/%d in %v: achieved %.1f req/s (%d writes, %.1f writes/s); errors %d; max scheduling lag %v; max in flight %d\n",
		completed, total, elapsed.Round(time.Millisecond), float64(completed)/elapsed.Seconds(), writes, float64(writes)/elapsed.Seconds(), errors, lagMax.Round(100*time.Microsecond), inflightMax)
	fmt.Fprintf(&b, "- no lost write: %d groups checked against the reopened file, %d mismatches, %d with unknown outcome (failed writes); %d groups on disk\n\n", checked, lost, unknown, len(onDisk))
	b.WriteString("Latency seen by the client (from the scheduled start to the decoded answer) and, in brackets, the server's own time for the same requests (handler only):\n\n")
	b.WriteString("| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, k := range kinds {
		ds, sv := st.lat[k], serverLat[k]
		if len(ds) == 0 {
			continue
		}
		both := func(p float64) string {
			if len(sv) == 0 {
				return ms(pct(ds, p))
			}
			return fmt.Sprintf("%s (%s)", ms(pct(ds, p)), ms(pct(sv, p)))
		}
		maxSv := ""
		if len(sv) > 0 {
			maxSv = " (" + ms(slices.Max(sv)) + ")"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s%s |\n", k, len(ds), st.errs[k], both(.5), both(.95), both(.99), ms(slices.Max(ds)), maxSv)
	}
	fmt.Fprintf(&b, "\nList of all %d groups on the idle server after the run, 30 times over loopback (body %.1f MB):\n\n", n, float64(listBytes)/1e6)
	b.WriteString("| how | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| api.Client ListGroups (server + transfer + decode) | %s | %s | %s |\n", ms(pct(viaClient, .5)), ms(pct(viaClient, .95)), ms(slices.Max(viaClient)))
	fmt.Fprintf(&b, "| raw GET, body read (server + transfer) | %s | %s | %s |\n", ms(pct(raw, .5)), ms(pct(raw, .95)), ms(slices.Max(raw)))
	for _, k := range kinds {
		if s := st.sample[k]; s != "" {
			fmt.Fprintf(&b, "\nfirst %s error: %s\n", k, s)
		}
	}
	t.Log("\n" + b.String())
	if *flagOut != "" {
		f, err := os.OpenFile(*flagOut, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, _ = f.WriteString(b.String() + "\n")
			_ = f.Close()
		}
	}
	if errors > 0 {
		t.Errorf("%d requests failed", errors)
	}
	if lost > 0 {
		t.Errorf("%d acknowledged writes are not in the file", lost)
	}
	if completed != total {
		t.Errorf("%d of %d requests completed", completed, total)
	}
}

// loadavg is the 1, 5 and 15 minute load averages, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
