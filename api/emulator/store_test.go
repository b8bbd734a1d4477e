package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// openFileAPI serves a file-backed store at path.
func openFileAPI(t *testing.T, path, seed string) (*testAPI, *Store) {
	t.Helper()
	st, err := OpenStore(path, seed, 0)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newTestAPIWith(t, st, Options{Token: testToken}), st
}

func TestReopenSeesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	a, st := openFileAPI(t, path, SeedDemo)
	a.do("POST", "/v1/groups", `{"name":"kept","location":"lhr","extensions":["uuid"]}`).expect(t, 200)
	a.do("POST", "/v1/groups/default/locations/bos", "").expect(t, 200)
	a.do("PATCH", "/v1/groups/default/configuration", `{"delete_protection":true}`).expect(t, 200)
	a.do("DELETE", "/v1/groups/staging", "").expect(t, 200)
	tok := a.mint(t, "/v1/groups/default", "", "")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}

	// The seed arguments are ignored for an existing file.
	re, err := OpenStore(path, SeedEmpty, 5)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer re.Close()
	if _, ok := re.Group(DemoOrg, "kept"); !ok {
		t.Error("created group lost")
	}
	if _, ok := re.Group(DemoOrg, "load-00001"); ok {
		t.Error("seed arguments applied to an existing file")
	}
	if g, _ := re.Group(DemoOrg, "default"); !equalStrings(g.Locations, []string{"fra", "lhr", "bos"}) || !g.DeleteProtection {
		t.Errorf("default after reopen: %+v", g)
	}
	if _, ok := re.Group(DemoOrg, "staging"); ok {
		t.Error("deleted group came back")
	}
	for _, d := range re.Databases(DemoOrg) {
		if d.Group == "staging" {
			t.Errorf("database %s of the deleted group came back", d.Name)
		}
	}
	// The signing key is persisted: tokens survive a restart.
	if _, err := re.VerifyGroupToken(DemoOrg, "default", tok); err != nil {
		t.Errorf("token minted before restart: %v", err)
	}
	if got := re.Organizations(); !equalStrings(got, []string{"acme", "demo"}) {
		t.Errorf("organizations %v", got)
	}
}

func TestFileFormatAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "api.json")
	st, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(dir)
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", di.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte(`{"version":1,"generation":1,`)) {
		t.Errorf("file starts %q", data[:min(len(data), 40)])
	}
	if !bytes.Contains(data, []byte(`"signing_key":"`)) {
		t.Error("signing keys are not stored as base64 strings")
	}
	if gen, ok := readGeneration(data); !ok || gen != 1 {
		t.Errorf("readGeneration = %d %v", gen, ok)
	}
}

func TestCorruptFileIsErrorAndUntouched(t *testing.T) {
	const key = `"signing_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`
	group := `{"name":"g","locations":["fra"],` + key + `}`
	file := func(orgs string) string {
		return `{"version":1,"generation":1,"user":{"username":"demo"},"organizations":[` + orgs + `]}`
	}
	org := func(slug, groups, dbs string) string {
		return `{"slug":"` + slug + `","type":"personal","groups":[` + groups + `],"databases":[` + dbs + `]}`
	}
	// Each refusal, with what its message must say: a file that fails
	// for another reason would not show that this check works.
	cases := map[string]struct{ content, says string }{
		"bad json":              {`{"version":1,"generation":3,"user":`, ""},
		"wrong version":         {`{"version":2,"generation":1,"user":{"username":"demo"},"organizations":[]}`, "version 2"},
		"empty":                 {``, ""},
		"array":                 {`[]`, ""},
		"trailing bytes":        {file(org("demo", group, `{"name":"db","group":"g"}`)) + "x", ""},
		"no user":               {`{"version":1,"generation":1,"user":{"username":""},"organizations":[]}`, "no user"},
		"org without slug":      {file(org("", group, "")), "has no slug"},
		"org listed twice":      {file(org("demo", group, "") + "," + org("demo", group, "")), `organization "demo" is listed twice`},
		"group without name":    {file(org("demo", `{"name":"","locations":["fra"],`+key+`}`, "")), "has no name"},
		"no locations":          {file(org("demo", `{"name":"g","locations":[],`+key+`}`, "")), "has no locations"},
		"no signing key":        {file(org("demo", `{"name":"g","locations":["fra"]}`, "")), "no usable signing key"},
		"short signing key":     {file(org("demo", `{"name":"g","locations":["fra"],"signing_key":"AAAA"}`, "")), "no usable signing key"},
		"group listed twice":    {file(org("demo", group+","+group, "")), "group demo/g is listed twice"},
		"database of no group":  {file(org("demo", group, `{"name":"db","group":"nope"}`)), `belongs to missing group "nope"`},
		"database listed twice": {file(org("demo", group, `{"name":"db","group":"g"},{"name":"db","group":"g"}`)), "database demo/db is listed twice"},
	}
	// The same file without a defect opens: the refusals are the defects'.
	valid := filepath.Join(t.TempDir(), "valid.json")
	if err := os.WriteFile(valid, []byte(file(org("demo", group, `{"name":"db","group":"g"}`))), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(valid, SeedDemo, 0)
	if err != nil {
		t.Fatalf("the file the cases are made from is refused: %v", err)
	}
	st.Close()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			content := c.content
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			_ = os.Chtimes(path, old, old)
			st, err := OpenStore(path, SeedDemo, 0)
			if err == nil {
				st.Close()
				t.Fatal("corrupt file accepted")
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file or wrap ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q, want it to say %q", err, c.says)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, []byte(content)) {
				t.Errorf("file changed to %q", got)
			}
			fi, _ := os.Stat(path)
			if !fi.ModTime().Equal(old) || fi.Mode().Perm() != 0o644 {
				t.Errorf("file was rewritten (mtime %v, mode %v)", fi.ModTime(), fi.Mode())
			}
		})
	}
}

// Another process replaces the file with garbage while we run: we refuse to
// serve (500) rather than overwrite it, and the file stays as it is.
func TestCorruptedWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, _ := openFileAPI(t, path, SeedDemo)
	garbage := []byte("not json")
	if err := writeFileAtomic(path, garbage); err != nil {
		t.Fatal(err)
	}
	a.do("POST", "/v1/groups", `{"name":"x","location":"lhr"}`).expect(t, 500).errorOf(t)
	a.do("GET", "/v1/groups", "").expect(t, 500).errorOf(t)
	if got, _ := os.ReadFile(path); !bytes.Equal(got, garbage) {
		t.Fatalf("corrupt file was rewritten: %q", got)
	}
}

func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a1, st1 := openFileAPI(t, path, SeedDemo)
	a2, st2 := openFileAPI(t, path, SeedEmpty) // seed ignored: the file exists

	a1.do("POST", "/v1/groups", `{"name":"from-one","location":"lhr"}`).expect(t, 200)
	if g := a2.do("GET", "/v1/groups/from-one", "").expect(t, 200).group(t); g.Name != "from-one" {
		t.Fatalf("second store sees %+v", g)
	}
	a2.do("POST", "/v1/groups/from-one/locations/ams", "").expect(t, 200)
	if g, ok := st1.Group(DemoOrg, "from-one"); !ok || !equalStrings(g.Locations, []string{"lhr", "ams"}) {
		t.Fatalf("first store sees %+v", g)
	}
	// A write by one is never lost by a write of the other.
	a1.do("POST", "/v1/groups", `{"name":"from-one-b","location":"lhr"}`).expect(t, 200)
	a2.do("POST", "/v1/groups", `{"name":"from-two","location":"lhr"}`).expect(t, 200)
	a2.do("POST", "/v1/groups", `{"name":"from-one-b","location":"lhr"}`).expect(t, 409)
	for _, st := range []*Store{st1, st2} {
		for _, n := range []string{"from-one", "from-one-b", "from-two", "default"} {
			if _, ok := st.Group(DemoOrg, n); !ok {
				t.Errorf("group %s missing", n)
			}
		}
	}
	// Rotation in one process invalidates tokens checked by the other.
	tok := a1.mint(t, "/v1/groups/default", "", "")
	a2.do("POST", "/v1/groups/default/auth/rotate", "").expect(t, 200)
	if _, err := st1.VerifyGroupToken(DemoOrg, "default", tok); err == nil {
		t.Error("token still valid in the first store after rotation in the second")
	}
}

// countStatuses runs fn n times concurrently and counts the statuses.
func countStatuses(n int, fn func(i int) int) map[int]int {
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := fn(i)
			mu.Lock()
			counts[s]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return counts
}

func TestConcurrentCreatesOneName(t *testing.T) {
	a, _ := openFileAPI(t, filepath.Join(t.TempDir(), "state.json"), SeedEmpty)
	counts := countStatuses(20, func(int) int {
		return a.do("POST", "/v1/groups", `{"name":"race","location":"lhr"}`).status
	})
	if counts[200] != 1 || counts[409] != 19 {
		t.Fatalf("statuses %v, want one 200 and nineteen 409", counts)
	}
}

// Two stores on one file stand for two processes: still exactly one wins.
func TestConcurrentCreatesTwoStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a1, _ := openFileAPI(t, path, SeedEmpty)
	a2, st2 := openFileAPI(t, path, SeedEmpty)
	for round := range 3 {
		name := fmt.Sprintf("race-%d", round)
		body := `{"name":"` + name + `","location":"lhr"}`
		counts := countStatuses(20, func(i int) int {
			if i%2 == 0 {
				return a1.do("POST", "/v1/groups", body).status
			}
			return a2.do("POST", "/v1/groups", body).status
		})
		if counts[200] != 1 || counts[409] != 19 {
			t.Fatalf("round %d: statuses %v, want one 200 and nineteen 409", round, counts)
		}
	}
	if n := len(st2.Groups(DemoOrg)); n != 3 {
		t.Fatalf("%d groups, want 3", n)
	}
}

func TestPersistFailureRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, st := openFileAPI(t, path, SeedDemo)
	st.mu.Lock()
	st.writeFile = func(string, []byte) error { return errors.New("disk full") }
	st.mu.Unlock()

	e := a.do("POST", "/v1/groups", `{"name":"lost","location":"lhr"}`).expect(t, 500).errorOf(t)
	if !strings.Contains(e.Error, "disk full") || !strings.Contains(e.Error, path) {
		t.Errorf("500 message %q should say what failed and where", e.Error)
	}
	a.do("DELETE", "/v1/groups/staging", "").expect(t, 500)
	a.do("POST", "/v1/groups/default/locations/bos", "").expect(t, 500)
	if _, ok := st.Group(DemoOrg, "lost"); ok {
		t.Error("memory claims a group the disk lacks")
	}
	if _, ok := st.Group(DemoOrg, "staging"); !ok {
		t.Error("memory lost a group the disk has")
	}
	if g, _ := st.Group(DemoOrg, "default"); len(g.Locations) != 2 {
		t.Errorf("memory has locations %v the disk lacks", g.Locations)
	}
	a.do("GET", "/v1/groups/lost", "").expect(t, 404)

	st.mu.Lock()
	st.writeFile = writeFileAtomic
	st.mu.Unlock()
	a.do("POST", "/v1/groups", `{"name":"kept","location":"lhr"}`).expect(t, 200)
	re, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if _, ok := re.Group(DemoOrg, "kept"); !ok {
		t.Error("write after recovery lost")
	}
	if _, ok := re.Group(DemoOrg, "lost"); ok {
		t.Error("failed write reached the disk")
	}
}

func TestWritesAfterCloseFail(t *testing.T) {
	a, st := openFileAPI(t, filepath.Join(t.TempDir(), "state.json"), SeedDemo)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	a.do("POST", "/v1/groups", `{"name":"late","location":"lhr"}`).expect(t, 500)
	a.do("GET", "/v1/groups/default", "").expect(t, 200)
}

func TestDeletedFileIsRecreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, _ := openFileAPI(t, path, SeedDemo)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	a.do("GET", "/v1/groups/default", "").expect(t, 200)
	a.do("POST", "/v1/groups", `{"name":"after","location":"lhr"}`).expect(t, 200)
	re, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if _, ok := re.Group(DemoOrg, "default"); !ok {
		t.Error("recreated file lacks the earlier state")
	}
	if _, ok := re.Group(DemoOrg, "after"); !ok {
		t.Error("recreated file lacks the new write")
	}
}

// TestSeedGroups checks what --seed-groups makes; how fast it makes it is
// BenchmarkSeedGroups' business (BENCHMARKS.md), not a test's.
func TestSeedGroups(t *testing.T) {
	const n = 10000
	st, err := OpenStore(filepath.Join(t.TempDir(), "state.json"), SeedDemo, n)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gs := st.Groups(DemoOrg)
	if len(gs) != n+len(demoGroups) {
		t.Fatalf("%d groups, want %d", len(gs), n+len(demoGroups))
	}
	g, ok := st.Group(DemoOrg, "load-00001")
	if !ok || g.UUID != stableUUID("group/demo/load-00001") {
		t.Fatalf("load-00001 = %+v", g)
	}
	if _, ok := st.Group(DemoOrg, fmt.Sprintf("load-%05d", n)); !ok {
		t.Fatal("last synthetic group missing")
	}
	if got := len(st.Databases(DemoOrg)); got != 3*n+13 {
		t.Fatalf("%d databases, want %d", got, 3*n+13)
	}
	// Deterministic: a second seeding gives the same names and ids.
	other, _ := NewMemoryStore(SeedDemo, 50)
	if g2, _ := other.Group(DemoOrg, "load-00001"); g2.UUID != g.UUID || !equalStrings(g2.Locations, g.Locations) {
		t.Errorf("synthetic groups differ between runs: %+v vs %+v", g2, g)
	}
}

func TestOpenStoreRequiresPath(t *testing.T) {
	if _, err := OpenStore("", SeedDemo, 0); err == nil {
		t.Fatal("empty path accepted")
	}
	if _, err := OpenStore(filepath.Join(t.TempDir(), "x.json"), "bogus", 0); err == nil {
		t.Fatal("unknown seed accepted")
	}
}

func TestOpenStoreRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	st, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	stale := filepath.Join(dir, ".state.json123456789")
	keep := filepath.Join(dir, ".state.json.backup")
	for _, p := range []string{stale, keep} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err = OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale temp file kept")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("unrelated file removed")
	}
}
