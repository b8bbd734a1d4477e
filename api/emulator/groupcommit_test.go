package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// gate is a writeFile that blocks each flush until the test lets it go, and
// then fails it or writes the file for real.
type gate struct {
	entered chan struct{}
	release chan error // nil: write for real
	calls   atomic.Int32
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}, 100), release: make(chan error)}
}

func (g *gate) writeFile(path string, data []byte) error {
	g.calls.Add(1)
	g.entered <- struct{}{}
	if err := <-g.release; err != nil {
		return err
	}
	return writeFileAtomic(path, data)
}

// install makes st flush through g (and returns a func restoring the real
// writer). When the test ends, flushes are let through, so that a failed
// test does not leave Close waiting forever.
func (g *gate) install(t *testing.T, st *Store) func() {
	t.Cleanup(func() { close(g.release) })
	st.mu.Lock()
	st.writeFile = g.writeFile
	st.mu.Unlock()
	return func() {
		st.mu.Lock()
		st.writeFile = writeFileAtomic
		st.mu.Unlock()
	}
}

// waitEntered waits until a flush has started writing.
func (g *gate) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no flush started")
	}
}

// async runs a request in the background and returns its status later.
func (a *testAPI) async(method, path, body string) <-chan int {
	ch := make(chan int, 1)
	go func() { ch <- a.do(method, path, body).status }()
	return ch
}

func expectStatus(t *testing.T, ch <-chan int, want int) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("status %d, want %d", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("request did not finish")
	}
}

// notYet fails if ch delivers within a short while: the request must still
// be waiting.
func notYet(t *testing.T, ch <-chan int, what string) {
	t.Helper()
	select {
	case s := <-ch:
		t.Fatalf("%s answered %d before its flush finished", what, s)
	case <-time.After(50 * time.Millisecond):
	}
}

// The file the flusher writes is byte for byte what encoding the whole
// state with encoding/json gives, also after writes replaced records (whose
// cached encodings must not be reused) and kept others (whose must).
func TestAppendStateMatchesMarshal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := OpenStore(path, SeedDemo, 50)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := newTestAPIWith(t, st, Options{Token: testToken})
	check := func(step string) {
		t.Helper()
		st.wmu.Lock()
		defer st.wmu.Unlock()
		got, err := appendState(nil, st.work)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(st.work.toFile())
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%s: appendState differs from json.Marshal:\n%s\n%s", step, got[:min(len(got), 300)], want[:min(len(want), 300)])
		}
		if !reflect.DeepEqual(st.work.toFile(), st.st.toFile()) {
			t.Fatalf("%s: writers' state differs from the committed one when idle", step)
		}
		checkIndex(t, step+" (writers)", st.work)
		checkIndex(t, step+" (committed)", st.st)
	}
	check("fresh")
	a.do("POST", "/v1/groups", `{"name":"new-one","location":"lhr","extensions":["uuid"]}`).expect(t, 200)
	check("create")
	a.do("POST", "/v1/groups/load-00002/locations/ams", "").expect(t, 200)
	a.do("PATCH", "/v1/groups/load-00003/configuration", `{"delete_protection":true}`).expect(t, 200)
	a.do("POST", "/v1/groups/load-00004/rename", `{"name":"renamed"}`).expect(t, 200)
	a.do("POST", "/v1/groups/load-00005/auth/rotate", "").expect(t, 200)
	a.do("DELETE", "/v1/groups/load-00006", "").expect(t, 200)
	a.do("POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`).expect(t, 200)
	check("writes")
	re, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if !reflect.DeepEqual(stripEnc(re.st.toFile()), stripEnc(st.st.toFile())) {
		t.Fatal("the file does not load back to the state in memory")
	}
}

// checkIndex fails unless every org's sorted lists agree with its maps.
func checkIndex(t *testing.T, step string, s *state) {
	t.Helper()
	for slug, o := range s.Orgs {
		if len(o.groupList) != len(o.Groups) || len(o.dbList) != len(o.Databases) {
			t.Fatalf("%s: %s: lists have %d groups, %d databases; maps %d, %d", step, slug, len(o.groupList), len(o.dbList), len(o.Groups), len(o.Databases))
		}
		for i, g := range o.groupList {
			if o.Groups[g.Name] != g || i > 0 && o.groupList[i-1].Name >= g.Name {
				t.Fatalf("%s: %s: group list out of order or stale at %s", step, slug, g.Name)
			}
		}
		for i, d := range o.dbList {
			if o.Databases[d.Name] != d || i > 0 && o.dbList[i-1].Name >= d.Name {
				t.Fatalf("%s: %s: database list out of order or stale at %s", step, slug, d.Name)
			}
		}
	}
}

// stripEnc drops the cached encodings, which a loaded state has not built.
func stripEnc(f *fileState) *fileState {
	for i := range f.Organizations {
		for j := range f.Organizations[i].Groups {
			f.Organizations[i].Groups[j].enc = nil
		}
		for j := range f.Organizations[i].Databases {
			f.Organizations[i].Databases[j].enc = nil
		}
		for j := range f.Organizations[i].AuditLogs {
			f.Organizations[i].AuditLogs[j].enc = nil
		}
	}
	return f
}

// While a write waits for its flush, no reader sees it, in any form; once
// acknowledged, every reader does. Every kind of write is tried, which also
// checks that none changes a shared record in place.
func TestUnflushedWritesAreInvisible(t *testing.T) {
	writes := []struct{ method, path, body string }{
		{"POST", "/v1/groups", `{"name":"fresh","location":"lhr"}`},
		{"DELETE", "/v1/groups/staging", ""},
		{"PATCH", "/v1/groups/default/configuration", `{"delete_protection":true}`},
		{"POST", "/v1/groups/default/locations/bos", ""},
		{"DELETE", "/v1/groups/edge-cache/locations/sin", ""},
		{"POST", "/v1/groups/legacy/unarchive", ""},
		{"POST", "/v1/groups/staging/update", ""},
		{"POST", "/v1/groups/default/rename", `{"name":"renamed"}`},
		{"POST", "/v1/groups/default/auth/rotate", ""},
		{"POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`},
	}
	for _, w := range writes {
		t.Run(w.method+" "+w.path, func(t *testing.T) {
			a, st := openFileAPI(t, filepath.Join(t.TempDir(), "state.json"), SeedDemo)
			snapshot := func() string {
				var b strings.Builder
				for _, org := range st.Organizations() {
					gs, _ := json.Marshal(st.Groups(org))
					ds, _ := json.Marshal(st.Databases(org))
					fmt.Fprintf(&b, "%s %s %s\n", org, gs, ds)
				}
				b.WriteString(string(a.do("GET", "/v1/groups", "").expect(t, 200).body))
				return b.String()
			}
			tok := a.mint(t, "/v1/groups/default", "", "")
			before := snapshot()
			g := newGate()
			restore := g.install(t, st)
			defer restore()
			res := a.async(w.method, w.path, w.body)
			g.waitEntered(t)
			if now := snapshot(); now != before {
				t.Fatalf("a reader sees a write that is not durable:\nbefore %s\nnow    %s", before, now)
			}
			if _, err := st.VerifyGroupToken(DemoOrg, "default", tok); err != nil {
				t.Fatalf("token invalid before the rotation is durable: %v", err)
			}
			notYet(t, res, "the write")
			g.release <- nil
			expectStatus(t, res, 200)
			_, tokErr := st.VerifyGroupToken(DemoOrg, "default", tok)
			if snapshot() == before && tokErr == nil {
				t.Fatal("the acknowledged write is not visible")
			}
		})
	}
}

// Writes that arrive while a flush is running share the next one.
func TestWritesShareFlushes(t *testing.T) {
	a, st := openFileAPI(t, filepath.Join(t.TempDir(), "state.json"), SeedEmpty)
	var calls atomic.Int32
	st.mu.Lock()
	st.writeFile = func(path string, data []byte) error {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond)
		return writeFileAtomic(path, data)
	}
	st.mu.Unlock()
	const n = 40
	counts := countStatuses(n, func(i int) int {
		return a.do("POST", "/v1/groups", fmt.Sprintf(`{"name":"g-%d","location":"lhr"}`, i)).status
	})
	if counts[200] != n {
		t.Fatalf("statuses %v", counts)
	}
	if c := calls.Load(); c > n/2 {
		t.Errorf("%d flushes for %d concurrent writes: they are not grouped", c, n)
	} else {
		t.Logf("%d flushes for %d writes", c, n)
	}
	re, err := OpenStore(st.Path(), SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if got := len(re.Groups(DemoOrg)); got != n {
		t.Fatalf("%d groups on disk, want %d", got, n)
	}
}

// A failed flush fails its writers and those of the batch built on it, and
// leaves memory as the disk has it; the store then works again.
func TestFailedFlushFailsItsBatchAndTheNext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, st := openFileAPI(t, path, SeedDemo)
	g := newGate()
	restore := g.install(t, st)
	first := a.async("POST", "/v1/groups", `{"name":"first","location":"lhr"}`)
	g.waitEntered(t)
	// These apply on top of "first" while its flush runs.
	second := a.async("POST", "/v1/groups", `{"name":"second","location":"lhr"}`)
	third := a.async("DELETE", "/v1/groups/staging", "")
	deadline := time.Now().Add(5 * time.Second)
	for {
		st.wmu.Lock()
		n := len(st.jr.changes)
		st.wmu.Unlock()
		// second: a group and its audit entry; third: a group, its
		// database and its audit entry. Three alone could be third
		// before second, which would then miss the failed batch.
		if n >= 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the later writes did not apply (%d changes)", n)
		}
		time.Sleep(time.Millisecond)
	}
	g.release <- errors.New("disk full")
	expectStatus(t, first, 500)
	expectStatus(t, second, 500)
	expectStatus(t, third, 500)
	for _, n := range []string{"first", "second"} {
		if _, ok := st.Group(DemoOrg, n); ok {
			t.Errorf("memory claims %s, which the disk lacks", n)
		}
	}
	if _, ok := st.Group(DemoOrg, "staging"); !ok {
		t.Error("memory lost staging, which the disk has")
	}
	st.wmu.Lock()
	// Everything is rolled back but the generation, which moves on: the
	// failed write may have reached the file under it.
	w, c := st.work.toFile(), st.st.toFile()
	if w.Generation <= c.Generation {
		t.Errorf("after a failed write the next generation is %d again (committed %d)", w.Generation+1, c.Generation)
	}
	w.Generation = c.Generation
	if !reflect.DeepEqual(w, c) {
		t.Error("the writers' state was not rolled back")
	}
	checkIndex(t, "rolled back", st.work)
	st.wmu.Unlock()
	restore()
	a.do("POST", "/v1/groups", `{"name":"second","location":"lhr"}`).expect(t, 200)
	re, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if _, ok := re.Group(DemoOrg, "second"); !ok {
		t.Error("write after the failure lost")
	}
	if _, ok := re.Group(DemoOrg, "first"); ok {
		t.Error("failed write reached the disk")
	}
}

// A create refused because an unflushed create took the name waits for
// that flush, and if the flush fails it is judged again and succeeds: no
// answer rests on a change that was rolled back.
func TestRefusalWaitsForTheStateItSaw(t *testing.T) {
	a, st := openFileAPI(t, filepath.Join(t.TempDir(), "state.json"), SeedEmpty)
	g := newGate()
	defer g.install(t, st)()
	body := `{"name":"contested","location":"lhr"}`
	first := a.async("POST", "/v1/groups", body)
	g.waitEntered(t)
	second := a.async("POST", "/v1/groups", body)
	notYet(t, second, "the refused create")
	g.release <- errors.New("disk full")
	expectStatus(t, first, 500)
	g.waitEntered(t) // the second create, judged again, is being flushed
	g.release <- nil
	expectStatus(t, second, 200)

	// And when the flush succeeds, the refusal stands.
	third := a.async("POST", "/v1/groups", `{"name":"other","location":"lhr"}`)
	g.waitEntered(t)
	fourth := a.async("POST", "/v1/groups", `{"name":"other","location":"lhr"}`)
	notYet(t, fourth, "the refused create")
	g.release <- nil
	expectStatus(t, third, 200)
	expectStatus(t, fourth, 409)
}

// A write that changes the state and then fails leaves no trace.
func TestFailedWriteFnIsUndone(t *testing.T) {
	for _, file := range []bool{false, true} {
		var st *Store
		var err error
		if file {
			st, err = OpenStore(filepath.Join(t.TempDir(), "state.json"), SeedDemo, 0)
		} else {
			st, err = NewMemoryStore(SeedDemo, 0)
		}
		if err != nil {
			t.Fatal(err)
		}
		before := st.Groups(DemoOrg)
		boom := errors.New("boom")
		err = st.update(func(s *state) error {
			o := s.Orgs[DemoOrg]
			o.dropGroup("default")
			o.putGroup(&groupRec{Name: "half", Locations: []string{"lhr"}, SigningKey: make([]byte, signingKeyLen)})
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
		st.wmu.Lock()
		same := reflect.DeepEqual(st.work.toFile(), st.st.toFile())
		st.wmu.Unlock()
		if !same || !reflect.DeepEqual(st.Groups(DemoOrg), before) {
			t.Fatalf("file=%v: a failed write left changes behind", file)
		}
		_ = st.Close()
	}
}

// Close lets the writes in flight finish and be acknowledged.
func TestCloseWaitsForFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, st := openFileAPI(t, path, SeedEmpty)
	g := newGate()
	g.install(t, st)
	res := a.async("POST", "/v1/groups", `{"name":"in-flight","location":"lhr"}`)
	g.waitEntered(t)
	closed := make(chan error, 1)
	go func() { closed <- st.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned while a write was being flushed")
	case <-time.After(50 * time.Millisecond):
	}
	g.release <- nil
	expectStatus(t, res, 200)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	re, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if _, ok := re.Group(DemoOrg, "in-flight"); !ok {
		t.Fatal("the write in flight at Close was lost")
	}
}

// Many writers and readers on two stores sharing one file: every
// acknowledged create is on disk, and readers never fail.
func TestGroupCommitTwoStoresMixed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a1, _ := openFileAPI(t, path, SeedEmpty)
	a2, _ := openFileAPI(t, path, SeedEmpty)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := a1
			if w%2 == 1 {
				a = a2
			}
			for i := range 8 {
				name := fmt.Sprintf("w%d-%d", w, i)
				if s := a.do("POST", "/v1/groups", `{"name":"`+name+`","location":"lhr"}`).status; s != 200 {
					t.Errorf("create %s: %d", name, s)
					continue
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
				a.do("GET", "/v1/groups", "").expect(t, 200)
			}
		}()
	}
	wg.Wait()
	re, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	for _, n := range acked {
		if _, ok := re.Group(DemoOrg, n); !ok {
			t.Errorf("acknowledged %s is not on disk", n)
		}
	}
	if len(acked) != 64 {
		t.Errorf("%d acknowledged, want 64", len(acked))
	}
}

// The lists assembled from cached API JSON are byte for byte what encoding
// the API values gives, also after writes that make cached entries stale
// (a group's locations change its databases' regions; a transfer changes
// their hostnames).
func TestCachedListsMatchMarshal(t *testing.T) {
	a, st := openFileAPI(t, filepath.Join(t.TempDir(), "state.json"), SeedDemo)
	check := func(step string) {
		t.Helper()
		for _, org := range []string{DemoOrg, TeamOrg} {
			var gs []api.Group
			var ds []api.Database
			var byGroup = map[string][]api.Database{}
			st.mu.RLock()
			o := st.st.Orgs[org]
			for _, g := range o.sortedGroups() {
				gs = append(gs, g.apiGroup(time.Now()))
			}
			for _, d := range o.sortedDatabases("") {
				ds = append(ds, o.apiDatabase(d))
				byGroup[d.Group] = append(byGroup[d.Group], o.apiDatabase(d))
			}
			st.mu.RUnlock()
			want := func(v any) string {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				return string(b) + "\n"
			}
			if gs == nil {
				gs = []api.Group{}
			}
			if got := string(a.do("GET", "/v1/organizations/"+org+"/groups", "").expect(t, 200).body); got != want(map[string][]api.Group{"groups": gs}) {
				t.Fatalf("%s: %s groups:\n%s\nwant\n%s", step, org, got, want(map[string][]api.Group{"groups": gs}))
			}
			if ds == nil {
				ds = []api.Database{}
			}
			if got := string(a.do("GET", "/v1/organizations/"+org+"/databases", "").expect(t, 200).body); got != want(map[string]any{"databases": ds}) {
				t.Fatalf("%s: %s databases:\n%s\nwant\n%s", step, org, got, want(map[string]any{"databases": ds}))
			}
			for g, want1 := range byGroup {
				if got := string(a.do("GET", "/v1/organizations/"+org+"/databases?group="+g, "").expect(t, 200).body); got != want(map[string]any{"databases": want1}) {
					t.Fatalf("%s: %s databases of %s: %s", step, org, g, got)
				}
			}
		}
	}
	check("fresh")
	check("cached")
	a.do("POST", "/v1/groups/default/locations/bos", "").expect(t, 200)
	a.do("DELETE", "/v1/groups/edge-cache/locations/sin", "").expect(t, 200)
	a.do("POST", "/v1/groups/analytics/rename", `{"name":"analytics-2"}`).expect(t, 200)
	a.do("POST", "/v1/organizations/acme/groups/production/transfer", `{"organization":"demo"}`).expect(t, 200)
	check("after writes")
	a.do("POST", "/v1/groups/production/transfer", `{"organization":"acme"}`).expect(t, 200)
	check("transferred back")
	empty := newTestAPI(t, SeedEmpty)
	if got := string(empty.do("GET", "/v1/groups", "").expect(t, 200).body); got != "{\"groups\":[]}\n" {
		t.Fatalf("empty list %q", got)
	}
	if got := string(empty.do("GET", "/v1/databases?group=none", "").expect(t, 200).body); got != "{\"databases\":[]}\n" {
		t.Fatalf("empty database list %q", got)
	}
}

// A Store under sustained writes lets go of the file lock now and then, so
// that another process's writes are not starved.
func TestSustainedWritesDoNotStarveAnotherStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	busy, _ := openFileAPI(t, path, SeedEmpty)
	other, _ := openFileAPI(t, path, SeedEmpty)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// However the test ends, the writers stop (a failure must not leave
	// them running until the package's timeout).
	defer func() {
		close(stop)
		wg.Wait()
	}()
	// Many writers, so that a batch is often open when a flush ends.
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// Errorf, not Fatal: this is not the test's goroutine.
				if r := busy.do("POST", "/v1/groups", fmt.Sprintf(`{"name":"busy-%d-%d","location":"lhr"}`, w, i)); r.status != 200 {
					t.Errorf("a busy write answered %d: %s", r.status, r.body)
					return
				}
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	other.do("POST", "/v1/groups", `{"name":"other","location":"lhr"}`).expect(t, 200)
	waited := time.Since(start)
	// Starved, the write would wait as long as the writers run, which is
	// until the test stops them; it typically waits 50-150 ms (1 s at the
	// most seen under load), so 15 s tells the two apart on any machine.
	if limit := 15 * time.Second; waited > limit {
		t.Fatalf("the other store's write waited %v for the file lock", waited)
	}
	t.Logf("the other store's write took %v", waited)
}
