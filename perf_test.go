//go:build perf

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// TestPerfFirstFrame is the end-to-end performance harness; it is off in
// the normal run (build tag perf):
//
//	go test -tags perf -run TestPerfFirstFrame -v -timeout 10m .
//
// For each N (PERF_GROUPS, default "10,10000") it starts `turso-groups
// local-api --seed-groups N` on a fresh data file (the demo seed adds 6
// groups, and each synthetic group has 3 databases), then PERF_RUNS times
// (default 5) runs the dashboard binary in a 100x30 pseudo-terminal with
// --api-url/--token/--org demo and measures:
//
//   - the time from exec to the first frame that shows the group count
//     line ("N+6 groups · sorted by name") and a group row;
//   - the dashboard process's peak RSS: VmHWM from /proc/<pid>/status just
//     before it is quit with q, and ru_maxrss after it exits.
//
// It reports the median and the maximum of each; the binary is the one
// TestMain builds once with go build -o. PERF_DASH_ENV adds variables to
// the dashboard's environment (GOGC=200, say).
func TestPerfFirstFrame(t *testing.T) {
	sizes := []int{10, 10000}
	if s := os.Getenv("PERF_GROUPS"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 0 {
				t.Fatalf("PERF_GROUPS: %q", s)
			}
			sizes = append(sizes, n)
		}
	}
	runs := 5
	if s := os.Getenv("PERF_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("PERF_RUNS: %q", s)
		}
		runs = n
	}
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load average before: %s", strings.TrimSpace(string(load)))

	type result struct {
		n                 int
		frames, hwm, maxr []float64
	}
	var results []result
	for _, n := range sizes {
		url, stop := startSeededAPI(t, n)
		r := result{n: n}
		for i := 0; i < runs; i++ {
			m := runDashboardOnce(t, url, n+6)
			t.Logf("N=%d run %d: first frame %.1f ms, VmHWM %.1f MB, maxrss %.1f MB", n, i+1, m.firstFrame.Seconds()*1000, m.vmHWM, m.maxRSS)
			r.frames = append(r.frames, m.firstFrame.Seconds()*1000)
			r.hwm = append(r.hwm, m.vmHWM)
			r.maxr = append(r.maxr, m.maxRSS)
		}
		stop()
		results = append(results, r)
	}
	load, _ = os.ReadFile("/proc/loadavg")
	t.Logf("load average after: %s", strings.TrimSpace(string(load)))

	var b strings.Builder
	fmt.Fprintf(&b, "\n| groups (+6 demo) | runs | first frame median | first frame max | peak RSS (VmHWM) median | max | ru_maxrss median | max |\n")
	fmt.Fprintf(&b, "|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %d | %d | %.1f ms | %.1f ms | %.1f MB | %.1f MB | %.1f MB | %.1f MB |\n",
			r.n, len(r.frames), median(r.frames), slices.Max(r.frames), median(r.hwm), slices.Max(r.hwm), median(r.maxr), slices.Max(r.maxr))
	}
	if len(results) >= 2 {
		first, last := results[0], results[len(results)-1]
		fmt.Fprintf(&b, "\nfirst frame, N=%d vs N=%d: %.2fx (median), %.2fx (max)\n", last.n, first.n,
			median(last.frames)/median(first.frames), slices.Max(last.frames)/slices.Max(first.frames))
	}
	t.Log(b.String())
}

// startSeededAPI runs `turso-groups local-api --seed-groups n` on a fresh
// data file and returns its URL.
func startSeededAPI(t *testing.T, n int, extra ...string) (string, func()) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(binary, append([]string{"local-api", "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "api.json"),
		"--seed-groups", strconv.Itoa(n), "--token", perfToken, "--quiet"}, extra...)...)
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		if waitExit(cmd, 10*time.Second) != nil {
			t.Logf("local-api did not stop on SIGINT")
		}
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`on (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return u, stop
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("local-api --seed-groups %d printed no URL within 60s", n)
		return "", nil
	}
}

const perfToken = "perf-token-0123456789"

type perfRun struct {
	firstFrame    time.Duration
	vmHWM, maxRSS float64 // MB
}

// runDashboardOnce runs the dashboard at 100x30 until it lists total
// groups, then reads its peak memory and quits it with q.
func runDashboardOnce(t *testing.T, url string, total int) perfRun {
	t.Helper()
	return runDashboardWith(t, url, total, nil, nil)
}

// runDashboardWith is runDashboardOnce with more flags and environment
// (XDG_CACHE_HOME for a warm start, --no-cache for a cold one).
func runDashboardWith(t *testing.T, url string, total int, extraArgs, extraEnv []string) perfRun {
	t.Helper()
	home := t.TempDir()
	args := append([]string{"--api-url", url, "--token", perfToken, "--org", "demo"}, extraArgs...)
	// PERF_DASH_ARGS adds flags, e.g. --debug with PERF_DASH_ENV's
	// XDG_STATE_HOME to keep the request timings.
	cmd := exec.Command(binary, append(args, strings.Fields(os.Getenv("PERF_DASH_ARGS"))...)...)
	cmd.Env = append([]string{"HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}, extraEnv...)
	// PERF_DASH_ENV adds variables to the dashboard's environment, for
	// experiments: PERF_DASH_ENV="GOGC=200 GOMEMLIMIT=40MiB".
	cmd.Env = append(cmd.Env, strings.Fields(os.Getenv("PERF_DASH_ENV"))...)
	count := []byte(fmt.Sprintf("%d groups · sorted by name", total))
	// The first row by name: the demo seed's "analytics".
	row := []byte("analytics")
	shown := make(chan time.Time, 1)

	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		mu  sync.Mutex
		out bytes.Buffer
	)
	go func() {
		buf := make([]byte, 64<<10)
		seen := false
		var plain []byte
		for {
			n, err := f.Read(buf)
			chunk := buf[:n]
			// Answer the terminal queries (background colour, cursor
			// position) as a terminal would.
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				f.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"))
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				f.Write([]byte("\x1b[1;1R"))
			}
			mu.Lock()
			out.Write(chunk)
			if !seen {
				plain = []byte(ansi.Strip(out.String()))
				if bytes.Contains(plain, count) && bytes.Contains(plain, row) {
					seen = true
					shown <- time.Now()
				}
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	var at time.Time
	select {
	case at = <-shown:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no frame listing %d groups within 30s; the output:\n%s", total, ansi.Strip(out.String()))
	}
	// PERF_SETTLE (e.g. "updated just now") waits, after the first
	// frame, for that text: the live answer after a cached list.
	if settle := os.Getenv("PERF_SETTLE"); settle != "" {
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			done := strings.Contains(ansi.Strip(out.String()), settle)
			mu.Unlock()
			if done || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Let the dashboard settle (the last allocations of the load, a
	// spinner tick), then read its high-water mark and quit.
	time.Sleep(300 * time.Millisecond)
	hwm := procStatusKB(cmd.Process.Pid, "VmHWM")
	f.Write([]byte("q"))
	if err := waitExit(cmd, 10*time.Second); err != nil {
		t.Fatalf("after q: %v", err)
	}
	var maxRSS float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = float64(ru.Maxrss) / 1024 // kB on Linux
	}
	return perfRun{firstFrame: at.Sub(start), vmHWM: hwm / 1024, maxRSS: maxRSS}
}

// procStatusKB reads a "Field:   123 kB" line of /proc/<pid>/status.
func procStatusKB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return v
		}
	}
	return 0
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
