//go:build loadtest

package serve

// The SSH load harness: x/crypto/ssh clients with PTYs against a server
// on loopback, at 1, 100 and 1,000 sessions at once (or any counts). It
// is behind the loadtest build tag, so the normal test run neither builds
// nor runs it:
//
//	go test -tags loadtest -run '^TestLoad$' -v -timeout 14m ./ui/serve \
//	    -args -load.sessions 1,100,1000 -load.groups 10000 -load.timeout 12m
//
// The server runs in a child process (this test binary, re-executed as
// TestLoadServerChild), so that its memory and CPU are the server's own,
// not the clients'. The local API runs in the parent by default (the
// child is then what `serve` costs against a remote API); -load.api child
// runs it inside the server process, as `serve --local` does. -load.bin
// runs the real binary instead: `turso-groups serve --local --data F`,
// with F a state file seeded with -load.groups groups (its API is in the
// server process; Go heap figures and request counts are then unknown).
//
// Per level it reports the time from dial to the first frame that lists
// the groups (p50/p90/p99/max), the server process's memory (Go heap in
// use and runtime Sys after a GC; VmRSS; VmHWM, the peak resident size,
// reset before each level), its CPU time (user+sys) while the sessions
// opened, the API requests they made, and the keystroke-to-screen latency
// of one session (press j, wait for the cursor on the next group) while
// the others are open and idle, then while they all type too (p50, p99
// and max), and the server's peak over the whole level less the
// 1-session level's, per session. Everything is bounded: a level's
// opening by levelTimeout, a keystroke by keyTimeout, a keystroke phase
// by keyPhaseTimeout, the run by -load.timeout, after which the child
// exits. All sessions dial at once unless -load.dialers bounds them.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/ui"
)

var (
	loadSessions = flag.String("load.sessions", "1,10,100", "session counts to run, comma-separated")
	loadGroups   = flag.Int("load.groups", 10000, "synthetic groups in the local API (3 databases each)")
	loadAPI      = flag.String("load.api", "parent", "where the local API runs: parent (the child is the SSH server only) or child (like serve --local)")
	loadShare    = flag.Bool("load.share", true, "share the loaded data between sessions (false: each session its own copy, as before)")
	loadKeys     = flag.Int("load.keys", 100, "keystrokes measured per phase (bounded by keyPhaseTimeout)")
	loadTyping   = flag.Duration("load.typing", 100*time.Millisecond, "how often each other session types a key in the busy phase")
	loadOut      = flag.String("load.out", "", "append the result table (markdown) to this file")
	loadBin      = flag.String("load.bin", "", "run this turso-groups binary (serve --local --data <seeded file>) as the server instead of the test binary")
	loadProfile  = flag.String("load.cpuprofile", "", "write the child server's CPU profile (whole run of each level) to this file, suffixed with the session count")
	loadBudget   = flag.Duration("load.timeout", 5*time.Minute, "bound on the whole run; the child server exits by itself after it")
	loadDialers  = flag.Int("load.dialers", 0, "most sessions dialing (TCP connect and SSH handshake) at once; 0: all at once. The first frame is timed from each session's own dial")
)

const (
	levelTimeout = 60 * time.Second // bound on one level's opening phase
	keyTimeout   = 10 * time.Second // bound on one keystroke's echo
	// keyPhaseTimeout bounds one keystroke phase (others idle, others
	// typing): the keys not pressed by then are left out, and said so.
	keyPhaseTimeout = 60 * time.Second
)

// childStats is what the child reports about itself.
type childStats struct {
	HasGo                     bool // the heap figures are known
	HeapInuse, HeapAlloc, Sys uint64
	VmRSS, VmHWM              uint64 // bytes
	UserNS, SysNS             int64
	Goroutines, Sessions      int
	APIRequests               int64 // only when the API runs in the child
}

// TestLoadServerChild is the server process of TestLoad; it runs only
// when re-executed with LOADTEST_CHILD=1.
func TestLoadServerChild(t *testing.T) {
	if os.Getenv("LOADTEST_CHILD") != "1" {
		t.Skip("the server half of TestLoad")
	}
	var apiRequests atomic.Int64
	apiURL, token := os.Getenv("LOADTEST_API"), "load-token"
	if apiURL == "" {
		n, _ := strconv.Atoi(os.Getenv("LOADTEST_GROUPS"))
		hs := startAPI(t, n, &apiRequests)
		apiURL = hs.URL
	}
	client, err := api.New(api.Options{BaseURL: apiURL, Token: token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Listen:         "127.0.0.1:0",
		HostKeyPath:    os.Getenv("LOADTEST_HOSTKEY"),
		AuthorizedKeys: os.Getenv("LOADTEST_KEYS"),
		MaxSessions:    1000,
		IdleTimeout:    10 * time.Minute,
		ConnRate:       1e6,
		ConnBurst:      1e6,
		Client:         client,
		UI:             ui.Options{Local: true, User: "demo"},
	}
	configureSharing(&cfg, os.Getenv("LOADTEST_SHARE") == "1")
	if path := os.Getenv("LOADTEST_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()

	mux := http.NewServeMux()
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("gc") == "1" {
			runtime.GC()
			runtime.GC()
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		rss, hwm := procStatus()
		_ = json.NewEncoder(w).Encode(childStats{
			HasGo:     true,
			HeapInuse: ms.HeapInuse, HeapAlloc: ms.HeapAlloc, Sys: ms.Sys,
			VmRSS: rss, VmHWM: hwm,
			UserNS: ru.Utime.Nano(), SysNS: ru.Stime.Nano(),
			Goroutines: runtime.NumGoroutine(), Sessions: srv.Sessions(),
			APIRequests: apiRequests.Load(),
		})
	})
	stats, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = http.Serve(stats, mux) }()
	fmt.Printf("READY ssh=%s stats=%s\n", ln.Addr(), stats.Addr())

	// Stop when the parent goes away (stdin closes) or the budget runs out.
	budget, _ := time.ParseDuration(os.Getenv("LOADTEST_BUDGET"))
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-time.After(budget):
	}
	// No goodbyes (the parent has hung up): the profile, then out.
	pprof.StopCPUProfile()
	os.Exit(0)
}

// procStatus is VmRSS and VmHWM of this process, in bytes.
func procStatus() (rss, hwm uint64) { return procStatusOf("self") }

// procStatusOf is VmRSS and VmHWM of process pid ("self" for this one).
func procStatusOf(pid string) (rss, hwm uint64) {
	data, _ := os.ReadFile("/proc/" + pid + "/status")
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseUint(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// startAPI serves a local API with n synthetic groups on loopback,
// counting the requests.
func startAPI(t testing.TB, n int, requests *atomic.Int64) *httptest.Server {
	store, err := emulator.NewMemoryStore("demo", n)
	if err != nil {
		t.Fatal(err)
	}
	h, err := emulator.New(store, emulator.Options{Token: "load-token"})
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		h.ServeHTTP(w, r)
	}))
}

// loadTerm is one client session; its reader scans the output as it
// arrives for what the test waits for, so that waiting costs no polling.
type loadTerm struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.Writer

	mu       sync.Mutex
	firstOut time.Time // when the first output arrived
	buf      []byte
	from     int    // where the scan for needle starts
	needle   []byte // nil when nothing is awaited
	found    chan struct{}
}

// expect arms a wait for s in the output that arrives from now on.
func (lt *loadTerm) expect(s string) <-chan struct{} {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.needle, lt.from, lt.found = []byte(s), len(lt.buf), make(chan struct{})
	return lt.found
}

func (lt *loadTerm) read(r io.Reader) {
	b := make([]byte, 32<<10)
	for {
		n, err := r.Read(b)
		if n > 0 {
			lt.mu.Lock()
			if lt.firstOut.IsZero() {
				lt.firstOut = time.Now()
			}
			lt.buf = append(lt.buf, b[:n]...)
			if lt.needle != nil && bytes.Contains(lt.buf[lt.from:], lt.needle) {
				close(lt.found)
				lt.needle = nil
			}
			if lt.needle == nil && len(lt.buf) > 64<<10 {
				lt.buf, lt.from = lt.buf[:0], 0 // bound the client's memory
			}
			lt.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

func (lt *loadTerm) tail() string {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return tail(string(lt.buf), 600)
}

// openLoadTerm dials addr and opens the dashboard in a dumb 100×30 PTY,
// waiting until it shows firstFrame; it returns the time that took and
// the time to the first output (the dashboard's first paint).
//
// dialSlots, when not nil, bounds the sessions dialing at once: a slot is
// taken before the dial and given back once the SSH handshake is done,
// and the times count from this session's own dial, not from the wait
// for a slot.
func openLoadTerm(ctx context.Context, addr string, signer gossh.Signer, firstFrame string, dialSlots chan struct{}) (*loadTerm, time.Duration, time.Duration, error) {
	if dialSlots != nil {
		select {
		case dialSlots <- struct{}{}:
		case <-ctx.Done():
			return nil, 0, 0, fmt.Errorf("no dial slot within %s", levelTimeout)
		}
	}
	start := time.Now()
	cfg := &gossh.ClientConfig{
		User:            "load",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // loopback, a key made for this run
		Timeout:         levelTimeout,
	}
	conn, err := gossh.Dial("tcp", addr, cfg)
	if dialSlots != nil {
		<-dialSlots
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("dial: %w", err)
	}
	lt := &loadTerm{conn: conn}
	fail := func(err error) (*loadTerm, time.Duration, time.Duration, error) { conn.Close(); return nil, 0, 0, err }
	if lt.sess, err = conn.NewSession(); err != nil {
		return fail(fmt.Errorf("session: %w", err))
	}
	if lt.stdin, err = lt.sess.StdinPipe(); err != nil {
		return fail(err)
	}
	stdout, err := lt.sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	found := lt.expect(firstFrame)
	go lt.read(stdout)
	if err := lt.sess.RequestPty("dumb", 30, 100, gossh.TerminalModes{}); err != nil {
		return fail(fmt.Errorf("pty: %w", err))
	}
	if err := lt.sess.Shell(); err != nil {
		return fail(fmt.Errorf("shell: %w", err))
	}
	select {
	case <-found:
		d := time.Since(start)
		lt.mu.Lock()
		defer lt.mu.Unlock()
		return lt, d, lt.firstOut.Sub(start), nil
	case <-ctx.Done():
		out := lt.tail()
		conn.Close()
		return nil, 0, 0, fmt.Errorf("no %q within %s; the terminal shows: %q", firstFrame, levelTimeout, out)
	}
}

// child is a running server process: this test binary as
// TestLoadServerChild (with a stats endpoint), or the real binary.
type child struct {
	cmd          *exec.Cmd
	stdin        io.Closer
	ssh, statsAt string // statsAt is empty for the real binary
	done         chan struct{}
}

func startChild(t *testing.T, dir, apiURL string, n int, share bool) *child {
	t.Helper()
	var cmd *exec.Cmd
	ready := "READY "
	if *loadBin != "" {
		cmd = binaryCommand(t, dir)
		ready = "Serving the dashboard over SSH on "
	} else {
		cmd = exec.Command(os.Args[0], "-test.run", "^TestLoadServerChild$")
		cmd.Env = append(os.Environ(),
			"LOADTEST_CHILD=1",
			"LOADTEST_API="+apiURL,
			"LOADTEST_GROUPS="+strconv.Itoa(*loadGroups),
			"LOADTEST_KEYS="+filepath.Join(dir, "authorized_keys"),
			"LOADTEST_HOSTKEY="+filepath.Join(dir, "host", "host_ed25519"),
			"LOADTEST_BUDGET="+loadBudget.String(),
			"LOADTEST_SHARE="+map[bool]string{true: "1", false: "0"}[share],
		)
		if *loadProfile != "" {
			cmd.Env = append(cmd.Env, "LOADTEST_CPUPROFILE="+*loadProfile+"."+strconv.Itoa(n))
		}
	}
	// The child dies with the parent, whatever happens to the parent.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(c.stop)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), ready) {
				lines <- sc.Text()
			}
		}
	}()
	select {
	case line := <-lines:
		if *loadBin != "" {
			// "Serving the dashboard over SSH on 127.0.0.1:N (host key …)."
			c.ssh = strings.Fields(strings.TrimPrefix(line, ready))[0]
			break
		}
		for _, f := range strings.Fields(line)[1:] {
			k, v, _ := strings.Cut(f, "=")
			if k == "ssh" {
				c.ssh = v
			} else {
				c.statsAt = v
			}
		}
	case <-c.done:
		t.Fatal("the server process exited before it served")
	case <-time.After(2 * time.Minute):
		t.Fatal("the server process did not start")
	}
	return c
}

// binaryCommand is `turso-groups serve --local` on a state file with
// -load.groups synthetic groups (made once per run), in a home of its own
// so that no user configuration applies.
func binaryCommand(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	data := filepath.Join(dir, "local-api.json")
	if _, err := os.Stat(data); err != nil {
		st, err := emulator.OpenStore(data, "demo", *loadGroups)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	cmd := exec.Command(*loadBin, "serve", "--local", "--data", data,
		"--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host", "host_ed25519"),
		"--authorized-keys", filepath.Join(dir, "authorized_keys"),
		"--max-sessions", "1000", "--conn-rate", "1000000", "--conn-burst", "1000000",
		"--idle-timeout", "10m")
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"), "PATH=" + os.Getenv("PATH")}
	return cmd
}

func (c *child) stop() {
	if *loadBin != "" {
		_ = c.cmd.Process.Signal(syscall.SIGTERM) // goodbye, then stop
	}
	c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// stats samples the server process: from its stats endpoint (after a GC
// if gc), or from /proc for the real binary.
func (c *child) stats(t *testing.T, gc bool) childStats {
	t.Helper()
	if c.statsAt == "" {
		var s childStats
		pid := strconv.Itoa(c.cmd.Process.Pid)
		s.VmRSS, s.VmHWM = procStatusOf(pid)
		data, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			t.Fatal(err)
		}
		// utime and stime are fields 14 and 15, in clock ticks (100/s);
		// the command name before them is in parentheses.
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		s.UserNS, s.SysNS = ut*1e7, st*1e7
		return s
	}
	u := "http://" + c.statsAt + "/stats"
	if gc {
		u += "?gc=1"
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s childStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// resetPeak resets the process's VmHWM to its current RSS.
func (c *child) resetPeak(t *testing.T) {
	t.Helper()
	if err := os.WriteFile("/proc/"+strconv.Itoa(c.cmd.Process.Pid)+"/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("VmHWM could not be reset (%v): the peak is the process's since start", err)
	}
}

// levelResult is one row of the report.
type levelResult struct {
	sessions, failed          int
	first, paint              []time.Duration
	allOpen                   time.Duration // from the first dial to the last session's first frame
	cpu                       time.Duration
	idle, open, end           childStats // end: after the keystroke phases
	apiRequests               int64
	keysIdle, keysBusy        []time.Duration
	keysBusyOthers            int64   // keystrokes the other sessions sent meanwhile
	busyRate                  float64 // of them per second
	keyFailures, busyFailures int
	idleSkipped, busySkipped  int // keys not pressed within keyPhaseTimeout
}

// TestLoad runs the levels and prints the table.
func TestLoad(t *testing.T) {
	if os.Getenv("LOADTEST_CHILD") == "1" {
		t.Skip("in the server child, only TestLoadServerChild runs")
	}
	var levels []int
	for _, s := range strings.Split(*loadSessions, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			t.Fatalf("-load.sessions: bad count %q", s)
		}
		levels = append(levels, n)
	}
	deadline := time.Now().Add(*loadBudget)
	raiseNoFile(t, 2*slices.Max(levels)+256)
	dir := t.TempDir()
	key := newKey(t)
	writeKeys(t, filepath.Join(dir, "authorized_keys"), key)

	// The groups in list order (by name), for the cursor checks, and the
	// count line of the first frame.
	store, err := emulator.NewMemoryStore("demo", *loadGroups)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range store.Groups("demo") {
		names = append(names, g.Name)
	}
	slices.Sort(names)
	dbCount := len(store.Databases("demo"))
	store = nil
	firstFrame := fmt.Sprintf("%d groups", len(names))

	var apiRequests atomic.Int64
	apiURL := ""
	if *loadAPI == "parent" {
		hs := startAPI(t, *loadGroups, &apiRequests)
		t.Cleanup(hs.Close)
		apiURL = hs.URL
	}

	var results []levelResult
	for _, n := range levels {
		if time.Now().After(deadline) {
			t.Errorf("the time budget ran out before %d sessions", n)
			break
		}
		r := runLevel(t, dir, apiURL, key, n, names, firstFrame, &apiRequests)
		results = append(results, r)
	}
	report := formatReport(results, len(names), dbCount)
	fmt.Println(report)
	if *loadOut != "" {
		f, err := os.OpenFile(*loadOut, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fmt.Fprintln(f, report)
	}
}

func runLevel(t *testing.T, dir, apiURL string, key testKey, n int, names []string, firstFrame string, parentRequests *atomic.Int64) (r levelResult) {
	c := startChild(t, dir, apiURL, n, *loadShare)
	defer c.stop()
	r = levelResult{sessions: n}
	r.idle = c.stats(t, true)
	c.resetPeak(t)
	reqBefore := parentRequests.Load() + r.idle.APIRequests

	ctx, cancel := context.WithTimeout(context.Background(), levelTimeout)
	defer cancel()
	terms := make([]*loadTerm, n)
	lat, paint := make([]time.Duration, n), make([]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	var dialSlots chan struct{}
	if *loadDialers > 0 {
		dialSlots = make(chan struct{}, *loadDialers)
	}
	for i := range n {
		wg.Go(func() {
			<-gate
			terms[i], lat[i], paint[i], errs[i] = openLoadTerm(ctx, c.ssh, key.signer, firstFrame, dialSlots)
		})
	}
	openStart := time.Now()
	close(gate)
	wg.Wait()
	r.allOpen = time.Since(openStart)
	after := c.stats(t, false)
	r.cpu = time.Duration(after.UserNS + after.SysNS - r.idle.UserNS - r.idle.SysNS)
	r.open = c.stats(t, true)
	r.apiRequests = parentRequests.Load() + r.open.APIRequests - reqBefore
	for i, err := range errs {
		if err != nil {
			r.failed++
			if r.failed <= 3 {
				t.Errorf("%d sessions: session %d: %v", n, i, err)
			}
			continue
		}
		r.first = append(r.first, lat[i])
		r.paint = append(r.paint, paint[i])
	}
	defer func() {
		for _, lt := range terms {
			if lt != nil {
				lt.conn.Close()
			}
		}
	}()
	// The peak of the whole level, typing included.
	defer func() { r.end = c.stats(t, false) }()
	if terms[0] == nil {
		return r
	}
	// One session types j while the others are idle; then again while
	// all the others type j and k as fast as their screens follow.
	me, pos := terms[0], 0
	press := func(k int) (time.Duration, bool) {
		pos++
		want := "> " + names[pos]
		found := me.expect(want)
		t0 := time.Now()
		if _, err := io.WriteString(me.stdin, "j"); err != nil {
			return 0, false
		}
		select {
		case <-found:
			return time.Since(t0), true
		case <-time.After(keyTimeout):
			t.Errorf("%d sessions: keystroke %d: %q never shown; the terminal shows %q", n, k, want, me.tail())
			return 0, false
		}
	}
	phaseEnd := time.Now().Add(keyPhaseTimeout)
	for k := range *loadKeys {
		if time.Now().After(phaseEnd) {
			r.idleSkipped += *loadKeys - k
			break
		}
		if d, ok := press(k); ok {
			r.keysIdle = append(r.keysIdle, d)
		} else {
			r.keyFailures++
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n > 1 && *loadKeys > 0 {
		stop := make(chan struct{})
		var typists sync.WaitGroup
		var sent atomic.Int64
		busyStart := time.Now()
		for _, lt := range terms[1:] {
			if lt == nil {
				continue
			}
			typists.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					case <-time.After(*loadTyping):
					}
					if _, err := io.WriteString(lt.stdin, string("jk"[i%2])); err != nil {
						return
					}
					sent.Add(1)
				}
			})
		}
		time.Sleep(max(200*time.Millisecond, 2**loadTyping)) // let the typing get going
		phaseEnd := time.Now().Add(keyPhaseTimeout)
		for k := range *loadKeys {
			if time.Now().After(phaseEnd) {
				r.busySkipped += *loadKeys - k
				break
			}
			if d, ok := press(k); ok {
				r.keysBusy = append(r.keysBusy, d)
			} else {
				r.busyFailures++
			}
			time.Sleep(20 * time.Millisecond)
		}
		close(stop)
		typists.Wait()
		r.keysBusyOthers = sent.Load()
		r.busyRate = float64(r.keysBusyOthers) / time.Since(busyStart).Seconds()
	}
	return r
}

// raiseNoFile raises this process's soft limit on open files to its hard
// limit when it is below need (a client socket per session here, and the
// server child, which inherits the limit, a socket per session and
// more); it fails the test when even the hard limit is too low.
func raiseNoFile(t *testing.T, need int) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= uint64(need) {
		return
	}
	if lim.Max < uint64(need) {
		t.Fatalf("RLIMIT_NOFILE: %d sessions need about %d open files, the hard limit is %d", need/2, need, lim.Max)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	t.Logf("RLIMIT_NOFILE raised to %d", lim.Cur)
}

// pct is the q-quantile of sorted ds (nearest rank).
func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds))*q+0.999999) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 0, 64) }

func mb(b uint64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) }

func formatReport(rs []levelResult, groups, dbs int) string {
	var b strings.Builder
	share := "shared between sessions"
	if !*loadShare {
		share = "not shared (each session loads its own copy)"
	}
	where := "API in the parent process (the server is the SSH server only)"
	switch {
	case *loadBin != "":
		where = "the real binary " + filepath.Base(*loadBin) + ", serve --local (API in the server process)"
		share = "shared or not as that binary does"
	case *loadAPI == "child":
		where = "API in the server process, like serve --local"
	}
	fmt.Fprintf(&b, "\n%d groups, %d databases; %s; data %s; client GOMAXPROCS %d\n\n", groups, dbs, where, share, runtime.GOMAXPROCS(0))
	dialing := "all dial at once"
	if *loadDialers > 0 {
		dialing = fmt.Sprintf("at most %d dialing at once, the first frame timed from each session's own dial", *loadDialers)
	}
	fmt.Fprintf(&b, "Sessions: %s. RSS per session: (VmHWM of the level − VmHWM of the 1-session level) / (sessions − 1), both peaks over the whole level, typing included.\n\n", dialing)
	b.WriteString("| sessions | first frame with the groups p50 / p90 / p99 / max (ms) | all open (ms) | first paint p50 / max (ms) | failed | server CPU while opening (s) | API requests | Go heap in use idle → open (MB) | Go Sys (MB) | VmRSS / VmHWM open (MB) | VmHWM level (MB) | RSS per session (MB) | key p50 / p99 / max, others idle (ms) | key p50 / p99 / max, others typing (ms) |\n")
	b.WriteString("|---:|---|---:|---|---:|---:|---:|---|---:|---|---:|---:|---|---|\n")
	var base uint64 // the 1-session level's peak
	for _, r := range rs {
		if r.sessions == 1 {
			base = r.end.VmHWM
		}
	}
	for _, r := range rs {
		for _, ds := range [][]time.Duration{r.first, r.paint, r.keysIdle, r.keysBusy} {
			slices.Sort(ds)
		}
		busy := "–"
		if r.sessions > 1 {
			busy = fmt.Sprintf("%s / %s / %s (%d keys, %d keys by the others, %.0f/s)", ms(pct(r.keysBusy, .5)), ms(pct(r.keysBusy, .99)), ms(pct(r.keysBusy, 1)), len(r.keysBusy), r.keysBusyOthers, r.busyRate)
			if r.busyFailures > 0 {
				busy += fmt.Sprintf(", %d lost", r.busyFailures)
			}
			if r.busySkipped > 0 {
				busy += fmt.Sprintf(", %d not pressed within %s", r.busySkipped, keyPhaseTimeout)
			}
		}
		idle := fmt.Sprintf("%s / %s / %s (%d keys)", ms(pct(r.keysIdle, .5)), ms(pct(r.keysIdle, .99)), ms(pct(r.keysIdle, 1)), len(r.keysIdle))
		if r.keyFailures > 0 {
			idle += fmt.Sprintf(", %d lost", r.keyFailures)
		}
		if r.idleSkipped > 0 {
			idle += fmt.Sprintf(", %d not pressed within %s", r.idleSkipped, keyPhaseTimeout)
		}
		perSession := "–"
		if base > 0 && r.sessions > 1 && r.end.VmHWM > 0 {
			perSession = strconv.FormatFloat((float64(r.end.VmHWM)-float64(base))/float64(r.sessions-1)/(1<<20), 'f', 2, 64)
		}
		heap, sys, reqs := "–", "–", "–"
		if r.open.HasGo {
			heap = mb(r.idle.HeapInuse) + " → " + mb(r.open.HeapInuse)
			sys = mb(r.open.Sys)
			reqs = strconv.FormatInt(r.apiRequests, 10)
		}
		fmt.Fprintf(&b, "| %d | %s / %s / %s / %s | %s | %s / %s | %d | %.2f | %s | %s | %s | %s / %s | %s | %s | %s | %s |\n",
			r.sessions, ms(pct(r.first, .5)), ms(pct(r.first, .9)), ms(pct(r.first, .99)), ms(pct(r.first, 1)), ms(r.allOpen),
			ms(pct(r.paint, .5)), ms(pct(r.paint, 1)), r.failed, r.cpu.Seconds(), reqs,
			heap, sys, mb(r.open.VmRSS), mb(r.open.VmHWM), mb(r.end.VmHWM), perSession, idle, busy)
	}
	return b.String()
}

// configureSharing turns the sharing of loaded data on or off.
func configureSharing(cfg *Config, share bool) {
	if !share {
		cfg.CacheTTL = -1
	}
}
