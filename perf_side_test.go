//go:build perf

package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPerfSideBySide runs the tools a Turso user would otherwise run
// beside turso-groups, against the same local APIs, in interleaved
// shuffled rounds; it is off in the normal run (build tag perf):
//
//	PERF_TURSO_CLI=/work/tools/bin/turso PERF_NPM_DIR=/work/tools/npm \
//	  go test -count=1 -tags perf -run TestPerfSideBySide -v -timeout 30m .
//
// It starts one `turso-groups local-api --seed-groups N` per size
// (PERF_GROUPS, default "10,1000,10000"; the demo seed adds 6 groups),
// then PERF_ROUNDS times (default 7) runs every (size, client) pair once,
// in a new random order each round (PERF_SEED fixes it):
//
//   - turso-cli: the turso CLI's `group list` (PERF_TURSO_CLI: its
//     binary; skipped with a message when unset or missing). Its config
//     folder holds settings.json {"organization":"demo"}; since it caches
//     the list in that file and parses it at every start, one untimed run
//     per size comes first, so that the rounds measure its steady state.
//   - ts-client: the official TypeScript client's groups.list() under
//     node, the whole process (PERF_NPM_DIR: a directory where
//     @tursodatabase/api@2.0.5 is installed, as TURSO_GROUPS_NPM_DIR is
//     for api/emulator's tests; skipped when unset or missing).
//   - list: `turso-groups list`, the whole process.
//   - dashboard: turso-groups' first frame listing the groups, in a 100x30
//     pty (runDashboardOnce, as TestPerfFirstFrame), cold: no cached list.
//   - dashboard-warm: the same with the list that one untimed run per size
//     saved (XDG_CACHE_HOME), the dashboard's steady state as the turso
//     CLI's is its own.
//   - floor: a Go program that only fetches the group list with net/http
//     and decodes it with encoding/json (testdata/perf-floor), built here.
//
// The processes' output goes to /dev/null, except the dashboard's, which
// goes to its pty. Time is from exec to exit (the dashboard: to its first
// frame); peak RSS is ru_maxrss from wait4. PERF_BUSY=N starts N busy
// loops (shell processes spinning) for the whole run, as the "two busy
// loops" of the targets. It prints the medians, peak RSS, each client's
// ratio to the floor and of its largest size to its smallest, and the load
// average before and after.
func TestPerfSideBySide(t *testing.T) {
	sizes := perfSizes(t, "10,1000,10000")
	rounds := perfInt(t, "PERF_ROUNDS", 7)
	seed := uint64(perfInt(t, "PERF_SEED", int(time.Now().UnixNano()%1e9)))
	startBusyLoops(t, perfInt(t, "PERF_BUSY", 0))

	floor := buildFloor(t)
	cli := os.Getenv("PERF_TURSO_CLI")
	if cli == "" {
		t.Log("turso-cli anchor skipped: PERF_TURSO_CLI is not set (build it as BENCHMARKS.md says)")
	} else if _, err := os.Stat(cli); err != nil {
		t.Logf("turso-cli anchor skipped: PERF_TURSO_CLI=%s: %v", cli, err)
		cli = ""
	}
	npmDir := os.Getenv("PERF_NPM_DIR")
	node, nodeErr := exec.LookPath("node")
	switch {
	case npmDir == "":
		t.Log("ts-client anchor skipped: PERF_NPM_DIR is not set (npm install @tursodatabase/api@2.0.5 --prefix DIR)")
	case nodeErr != nil:
		t.Logf("ts-client anchor skipped: %v", nodeErr)
		npmDir = ""
	default:
		if _, err := os.Stat(filepath.Join(npmDir, "node_modules", "@tursodatabase", "api")); err != nil {
			t.Logf("ts-client anchor skipped: PERF_NPM_DIR=%s has no node_modules/@tursodatabase/api", npmDir)
			npmDir = ""
		}
	}
	tsScript := filepath.Join(t.TempDir(), "list.cjs")
	if err := os.WriteFile(tsScript, []byte(tsListScript), 0o600); err != nil {
		t.Fatal(err)
	}

	type pair struct {
		n      int
		client string
	}
	urls := map[int]string{}
	cliDirs, warmDirs := map[int]string{}, map[int]string{}
	var pairs []pair
	for _, n := range sizes {
		url, _ := startSeededAPI(t, n)
		urls[n] = url
		if cli != "" {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte(`{"organization":"demo"}`), 0o600); err != nil {
				t.Fatal(err)
			}
			cliDirs[n] = dir
			// The untimed first run: it writes the list into
			// settings.json, which every later run parses.
			if _, err := runAnchor(cliCmd(cli, url, dir)); err != nil {
				t.Fatalf("turso-cli at %d groups: %v", n, err)
			}
			pairs = append(pairs, pair{n, "turso-cli"})
		}
		if npmDir != "" {
			pairs = append(pairs, pair{n, "ts-client"})
		}
		warmDirs[n] = t.TempDir()
		runDashboardWith(t, url, n+6, nil, []string{"XDG_CACHE_HOME=" + warmDirs[n]})
		pairs = append(pairs, pair{n, "list"}, pair{n, "dashboard"}, pair{n, "dashboard-warm"}, pair{n, "floor"})
	}

	loadBefore := loadAvg()
	t.Logf("load average before: %s; %d busy loops; seed %d", loadBefore, perfInt(t, "PERF_BUSY", 0), seed)
	type samples struct{ ms, rss []float64 }
	res := map[pair]*samples{}
	rng := rand.New(rand.NewPCG(seed, 1))
	for r := 0; r < rounds; r++ {
		order := slices.Clone(pairs)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, p := range order {
			url := urls[p.n]
			var m anchorRun
			var err error
			switch p.client {
			case "turso-cli":
				m, err = runAnchor(cliCmd(cli, url, cliDirs[p.n]))
			case "ts-client":
				cmd := exec.Command(node, tsScript)
				cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NODE_PATH=" + filepath.Join(npmDir, "node_modules"),
					"BASE_URL=" + url + "/v1/", "TOKEN=" + perfToken, "WANT=" + strconv.Itoa(p.n+6)}
				m, err = runAnchor(cmd)
			case "list":
				cmd := exec.Command(binary, "list", "--api-url", url, "--token", perfToken, "--org", "demo")
				cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
				m, err = runAnchor(cmd)
			case "floor":
				cmd := exec.Command(floor, url+"/v1/organizations/demo/groups", perfToken, strconv.Itoa(p.n+6))
				cmd.Env = []string{"HOME=" + t.TempDir()}
				m, err = runAnchor(cmd)
			case "dashboard":
				d := runDashboardOnce(t, url, p.n+6)
				m = anchorRun{ms: d.firstFrame.Seconds() * 1000, rssMB: d.maxRSS}
			case "dashboard-warm":
				d := runDashboardWith(t, url, p.n+6, nil, []string{"XDG_CACHE_HOME=" + warmDirs[p.n]})
				m = anchorRun{ms: d.firstFrame.Seconds() * 1000, rssMB: d.maxRSS}
			}
			if err != nil {
				t.Fatalf("round %d, %s at %d groups: %v", r+1, p.client, p.n, err)
			}
			s := res[p]
			if s == nil {
				s = &samples{}
				res[p] = s
			}
			s.ms = append(s.ms, m.ms)
			s.rss = append(s.rss, m.rssMB)
		}
	}
	loadAfter := loadAvg()

	clients := []string{"turso-cli", "ts-client", "list", "dashboard", "dashboard-warm", "floor"}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d rounds; load average %s before, %s after; %d busy loops\n\n", rounds, loadBefore, loadAfter, perfInt(t, "PERF_BUSY", 0))
	fmt.Fprintf(&b, "| client |")
	for _, n := range sizes {
		fmt.Fprintf(&b, " %d groups (+6) median [min-max] | peak RSS |", n)
	}
	fmt.Fprintf(&b, " %d vs %d | vs floor at %d |\n|---|", sizes[len(sizes)-1], sizes[0], sizes[len(sizes)-1])
	for range sizes {
		fmt.Fprintf(&b, "---:|---:|")
	}
	fmt.Fprintf(&b, "---:|---:|\n")
	floorLast := res[pair{sizes[len(sizes)-1], "floor"}]
	for _, c := range clients {
		if res[pair{sizes[0], c}] == nil {
			continue
		}
		fmt.Fprintf(&b, "| %s |", c)
		for _, n := range sizes {
			s := res[pair{n, c}]
			fmt.Fprintf(&b, " %.1f ms [%.1f-%.1f] | %.1f MB |", median(s.ms), slices.Min(s.ms), slices.Max(s.ms), median(s.rss))
		}
		first, last := res[pair{sizes[0], c}], res[pair{sizes[len(sizes)-1], c}]
		fmt.Fprintf(&b, " %.2fx | %.2fx |\n", median(last.ms)/median(first.ms), median(last.ms)/median(floorLast.ms))
	}
	t.Log(b.String())
}

// tsListScript lists the groups with the official TypeScript client and
// checks their number; the process ends when node's event loop is empty,
// as a user's script would.
const tsListScript = `const { createClient } = require("@tursodatabase/api");
const client = createClient({ org: "demo", token: process.env.TOKEN, baseUrl: process.env.BASE_URL });
client.groups.list().then((groups) => {
  if (groups.length !== Number(process.env.WANT)) {
    console.error("got " + groups.length + " groups, want " + process.env.WANT);
    process.exitCode = 1;
    return;
  }
  console.log(groups.length + " groups");
}, (err) => { console.error(err); process.exitCode = 1; });
`

func cliCmd(cli, url, dir string) *exec.Cmd {
	cmd := exec.Command(cli, "group", "list")
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TURSO_API_BASEURL=" + url,
		"TURSO_API_TOKEN=" + perfToken, "TURSO_CONFIG_FOLDER=" + dir}
	return cmd
}

type anchorRun struct {
	ms    float64 // exec to exit
	rssMB float64 // ru_maxrss
}

// runAnchor runs cmd to its end (bounded: 60 s) with its output to
// /dev/null and its error output kept for the message of a failure.
func runAnchor(cmd *exec.Cmd) (anchorRun, error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return anchorRun{}, err
	}
	defer null.Close()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = null, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return anchorRun{}, err
	}
	if err := waitExit(cmd, 60*time.Second); err != nil {
		return anchorRun{}, fmt.Errorf("%v: %s", err, stderr.Bytes())
	}
	el := time.Since(start)
	var rss float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024
	}
	return anchorRun{ms: el.Seconds() * 1000, rssMB: rss}, nil
}

// buildFloor builds testdata/perf-floor, a module of its own, into a
// temporary directory.
func buildFloor(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "perf-floor")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = filepath.Join("testdata", "perf-floor")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the floor: %v\n%s", err, b)
	}
	return out
}

// startBusyLoops starts n shell processes that spin until the test ends.
func startBusyLoops(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		cmd := exec.Command("sh", "-c", "while :; do :; done")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
	}
}

func perfSizes(t *testing.T, def string) []int {
	t.Helper()
	s := os.Getenv("PERF_GROUPS")
	if s == "" {
		s = def
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			t.Fatalf("PERF_GROUPS: %q", s)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func perfInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("%s: %q", name, s)
	}
	return n
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// TestPerfWarmStart measures the warm start against a slow API
// (PERF_SETTLE="updated just now" measures the peak memory once the live
// list has replaced the cached one):
//
//	go test -count=1 -tags perf -run TestPerfWarmStart -v -timeout 20m .
//
// For each N (PERF_GROUPS, default "10,10000") it starts `turso-groups
// local-api --seed-groups N --latency L` (PERF_LATENCY, default 300ms),
// runs the dashboard once to save the list into a cache directory, then
// PERF_ROUNDS times (default 7), in shuffled order, a cold start
// (--no-cache) and a warm one (XDG_CACHE_HOME at that directory), each
// timed from exec to the first frame listing the groups. PERF_BUSY as in
// TestPerfSideBySide.
func TestPerfWarmStart(t *testing.T) {
	sizes := perfSizes(t, "10,10000")
	rounds := perfInt(t, "PERF_ROUNDS", 7)
	latency := os.Getenv("PERF_LATENCY")
	if latency == "" {
		latency = "300ms"
	}
	startBusyLoops(t, perfInt(t, "PERF_BUSY", 0))
	type samples struct{ ms, rss []float64 }
	cold, warm := map[int]*samples{}, map[int]*samples{}
	urls, caches := map[int]string{}, map[int]string{}
	for _, n := range sizes {
		urls[n], _ = startSeededAPI(t, n, "--latency", latency)
		caches[n] = t.TempDir()
		// The run that saves the list (the save is written once the list
		// is in; runDashboardWith waits 300 ms before quitting).
		runDashboardWith(t, urls[n], n+6, nil, []string{"XDG_CACHE_HOME=" + caches[n]})
		if files, _ := filepath.Glob(filepath.Join(caches[n], "turso-groups", "groups-*.json")); len(files) != 1 {
			t.Fatalf("N=%d: the first run saved %v", n, files)
		}
		cold[n], warm[n] = &samples{}, &samples{}
	}
	loadBefore := loadAvg()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for r := 0; r < rounds; r++ {
		type job struct {
			n    int
			warm bool
		}
		var jobs []job
		for _, n := range sizes {
			jobs = append(jobs, job{n, false}, job{n, true})
		}
		rng.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
		for _, j := range jobs {
			var m perfRun
			s := cold[j.n]
			if j.warm {
				s = warm[j.n]
				m = runDashboardWith(t, urls[j.n], j.n+6, nil, []string{"XDG_CACHE_HOME=" + caches[j.n]})
			} else {
				m = runDashboardWith(t, urls[j.n], j.n+6, []string{"--no-cache"}, nil)
			}
			s.ms = append(s.ms, m.firstFrame.Seconds()*1000)
			s.rss = append(s.rss, m.maxRSS)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d rounds, API latency %s; load average %s before, %s after; %d busy loops\n\n", rounds, latency, loadBefore, loadAvg(), perfInt(t, "PERF_BUSY", 0))
	fmt.Fprintf(&b, "| groups (+6) | cold first frame median [min-max] | warm first frame median [min-max] | peak RSS cold / warm |\n|---:|---:|---:|---|\n")
	for _, n := range sizes {
		c, w := cold[n], warm[n]
		fmt.Fprintf(&b, "| %d | %.1f ms [%.1f-%.1f] | %.1f ms [%.1f-%.1f] | %.1f / %.1f MB |\n", n,
			median(c.ms), slices.Min(c.ms), slices.Max(c.ms), median(w.ms), slices.Min(w.ms), slices.Max(w.ms), median(c.rss), median(w.rss))
	}
	t.Log(b.String())
}
