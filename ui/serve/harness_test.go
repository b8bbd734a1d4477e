package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/ui"
)

// waitTimeout bounds every wait for text or for a session to end.
const waitTimeout = 10 * time.Second

// keyDelay separates typed runes: runes written at once may reach the
// program as one multi-rune key message.
const keyDelay = 40 * time.Millisecond

// demoGroups are the groups of the demo seed in org "demo".
var demoGroups = []string{"analytics", "billing", "default", "edge-cache", "legacy", "staging"}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// testKey is a client key pair.
type testKey struct {
	signer gossh.Signer
	pub    gossh.PublicKey
	fp     string
}

func newKey(t testing.TB) testKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{signer: signer, pub: signer.PublicKey(), fp: gossh.FingerprintSHA256(signer.PublicKey())}
}

// writeKeys (re)writes an authorized_keys file with mode 0600, atomically
// (a rename), so that a concurrent authentication never reads half of it.
func writeKeys(t testing.TB, path string, keys ...testKey) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("# test keys\n")
	for _, k := range keys {
		b.Write(gossh.MarshalAuthorizedKey(k.pub))
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// fixture is a local API (with its store) and the key files of a server.
type fixture struct {
	t        *testing.T
	dir      string
	token    string
	store    *emulator.Store
	client   *api.Client
	requests atomic.Int64 // every request that reached the API
	writes   atomic.Int64 // those that were not GET or HEAD
	paths    syncBuffer   // "METHOD path" of each request, a line each
	full, ro testKey
	fullPath string
	roPath   string
	hostKey  string
	log      *syncBuffer
}

func newFixture(t *testing.T, token string) *fixture {
	t.Helper()
	if token == "" {
		token = "t"
	}
	f := &fixture{t: t, dir: t.TempDir(), token: token, log: &syncBuffer{}}
	store, err := emulator.NewMemoryStore("demo", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.store = store
	h, err := emulator.New(store, emulator.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		fmt.Fprintf(&f.paths, "%s %s\n", r.Method, r.URL.Path)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			f.writes.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	// The API client logs to the server's log too (debug level), so that
	// the token test covers its request lines.
	f.client, err = api.New(api.Options{BaseURL: hs.URL, Token: token, Org: "demo", Logger: f.logger()})
	if err != nil {
		t.Fatal(err)
	}
	f.full, f.ro = newKey(t), newKey(t)
	f.fullPath = filepath.Join(f.dir, "authorized_keys")
	f.roPath = filepath.Join(f.dir, "read_only_keys")
	writeKeys(t, f.fullPath, f.full)
	writeKeys(t, f.roPath, f.ro)
	f.hostKey = filepath.Join(f.dir, "host", "host_ed25519")
	return f
}

func (f *fixture) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// config is the server configuration of the fixture; tests adjust it.
func (f *fixture) config() Config {
	return Config{
		Listen:         "127.0.0.1:0",
		HostKeyPath:    f.hostKey,
		AuthorizedKeys: f.fullPath,
		ReadOnlyKeys:   f.roPath,
		MaxSessions:    10,
		IdleTimeout:    time.Minute,
		ConnRate:       1000,
		ConnBurst:      1000,
		Client:         f.client,
		UI:             ui.Options{Local: true, User: "demo"},
		Logger:         f.logger(),
	}
}

// server is a running server and where it listens.
type server struct {
	*Server
	addr string
	errc chan error
}

func (f *fixture) start(cfg Config) *server {
	f.t.Helper()
	srv, err := New(cfg)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	s := &server{Server: srv, addr: ln.Addr().String(), errc: make(chan error, 1)}
	go func() { s.errc <- srv.Serve(ln) }()
	f.t.Cleanup(func() {
		if err := srv.Shutdown(waitTimeout); err != nil {
			f.t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-s.errc:
			if err != nil {
				f.t.Errorf("Serve: %v", err)
			}
		case <-time.After(waitTimeout):
			f.t.Errorf("Serve did not return after Shutdown")
		}
	})
	return s
}

// groupNames are the names of the groups of org demo in the store.
func (f *fixture) groupNames() []string {
	var names []string
	for _, g := range f.store.Groups("demo") {
		names = append(names, g.Name)
	}
	return names
}

// requestsTo counts the requests so far whose path ends with suffix.
func (f *fixture) requestsTo(suffix string) int {
	n := 0
	for line := range strings.SplitSeq(f.paths.String(), "\n") {
		if line != "" && strings.HasSuffix(line, suffix) {
			n++
		}
	}
	return n
}

// waitLog waits for a log line that contains every one of parts.
func (f *fixture) waitLog(parts ...string) string {
	f.t.Helper()
	return f.waitLogAfter(0, parts...)
}

// waitLogAfter is waitLog for the lines logged after mark (a length of
// the log).
func (f *fixture) waitLogAfter(mark int, parts ...string) string {
	f.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		for line := range strings.SplitSeq(f.log.String()[mark:], "\n") {
			if containsAll(line, parts...) {
				return line
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no log line with %q in:\n%s", parts, f.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// dialConfig is a client config for auth that records the host key.
func dialConfig(hostKey *gossh.PublicKey, auth ...gossh.AuthMethod) *gossh.ClientConfig {
	return &gossh.ClientConfig{
		User: "alice",
		Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if hostKey != nil {
				*hostKey = key
			}
			return nil
		},
		Timeout: waitTimeout,
	}
}

// term is one SSH session as a user's terminal sees it.
type term struct {
	t       *testing.T
	conn    *gossh.Client
	sess    *gossh.Session
	stdin   io.WriteCloser
	out     syncBuffer // stdout and stderr, raw
	hostKey gossh.PublicKey
	done    chan struct{}
	waitErr error
	// queried is closed once the background colour query was answered.
	queried chan struct{}
}

// open connects with key and starts the dashboard in a terminal of type
// termType ("dumb" skips colours and the background query).
func (s *server) open(t *testing.T, key testKey, termType string) *term {
	t.Helper()
	tm, err := s.dial(t, termType, gossh.PublicKeys(key.signer))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return tm
}

// dial connects with auth and opens a shell in a PTY (none if termType
// is empty).
func (s *server) dial(t *testing.T, termType string, auth ...gossh.AuthMethod) (*term, error) {
	t.Helper()
	return s.dialConfig(t, termType, func(c *gossh.ClientConfig) { c.Auth = auth })
}

// dialConfig is dial with the client configuration adjusted by mod.
func (s *server) dialConfig(t *testing.T, termType string, mod func(*gossh.ClientConfig)) (*term, error) {
	t.Helper()
	return s.dialSized(t, termType, 30, 100, mod)
}

// dialSized is dialConfig with a terminal of rows x cols.
func (s *server) dialSized(t *testing.T, termType string, rows, cols int, mod func(*gossh.ClientConfig)) (*term, error) {
	t.Helper()
	return s.dialTerm(t, termOptions{termType: termType, rows: rows, cols: cols, mod: mod})
}

// darkReply is a dark terminal's answer to the background query, then to
// the device attributes query that follows it.
const darkReply = "\x1b]11;rgb:0000/0000/0000\x07\x1b[?62;22c"

// termOptions say how a test client connects.
type termOptions struct {
	termType   string // "" for no PTY
	rows, cols int    // 30x100 if zero
	mod        func(*gossh.ClientConfig)
	// reply answers the terminal queries of a colour terminal
	// (darkReply if ""); silent never answers them.
	reply  string
	silent bool
	// command is run instead of a shell.
	command string
}

// dialTerm connects as o says and starts the session.
func (s *server) dialTerm(t *testing.T, o termOptions) (*term, error) {
	t.Helper()
	if o.rows == 0 {
		o.rows, o.cols = 30, 100
	}
	if o.reply == "" {
		o.reply = darkReply
	}
	tm := &term{t: t, done: make(chan struct{}), queried: make(chan struct{})}
	cfg := dialConfig(&tm.hostKey)
	if o.mod != nil {
		o.mod(cfg)
	}
	conn, err := gossh.Dial("tcp", s.addr, cfg)
	if err != nil {
		return nil, err
	}
	tm.conn = conn
	t.Cleanup(tm.close)
	if tm.sess, err = conn.NewSession(); err != nil {
		t.Fatalf("new session: %v", err)
	}
	if tm.stdin, err = tm.sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := tm.sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := tm.sess.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	reply := ""
	if o.termType != "" && o.termType != "dumb" && !o.silent {
		reply = o.reply
	}
	go tm.read(stdout, reply, &readers)
	go tm.read(stderr, "", &readers)
	if o.termType != "" {
		if err := tm.sess.RequestPty(o.termType, o.rows, o.cols, gossh.TerminalModes{}); err != nil {
			t.Fatalf("pty: %v", err)
		}
	}
	if o.command != "" {
		err = tm.sess.Start(o.command)
	} else {
		err = tm.sess.Shell()
	}
	if err != nil {
		t.Fatalf("shell: %v", err)
	}
	go func() {
		tm.waitErr = tm.sess.Wait()
		readers.Wait()
		close(tm.done)
	}()
	return tm, nil
}

// close ends the session the way a user does (ctrl+c), then hangs up.
// Hanging up on a live dashboard would make the ssh package close the PTY
// while the program still uses it, a data race in those packages (see
// disconnect_test.go).
func (tm *term) close() {
	// Until the program has the terminal in raw mode, the PTY's line
	// discipline eats a ctrl+c: it is sent again until the session ends.
	deadline := time.After(waitTimeout)
	for tm.sess != nil && !tm.ended() {
		_, _ = io.WriteString(tm.stdin, "\x03")
		select {
		case <-tm.done:
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			tm.t.Errorf("the session did not end on ctrl+c")
			tm.conn.Close()
			return
		}
	}
	tm.conn.Close()
}

// read copies r into the output; if reply is not "", it sends it when
// the terminal background query comes, as a terminal answers it.
func (tm *term) read(r io.Reader, reply string, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			tm.out.Write(buf[:n])
			if reply != "" && strings.Contains(tm.out.String(), "\x1b]11;?") {
				_, _ = io.WriteString(tm.stdin, reply)
				reply = ""
				close(tm.queried)
			}
		}
		if err != nil {
			return
		}
	}
}

// screen is everything the terminal received so far, without escapes.
func (tm *term) screen() string { return ansi.Strip(tm.out.String()) }

// mark is a position in the raw output, for since.
func (tm *term) mark() int { return tm.out.Len() }

// since is the output received after mark, without escapes.
func (tm *term) since(mark int) string {
	raw := tm.out.String()
	return ansi.Strip(raw[min(mark, len(raw)):])
}

// waitFor waits until the output after mark has every one of texts.
func (tm *term) waitFor(mark int, texts ...string) {
	tm.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !containsAll(tm.since(mark), texts...) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %q; the terminal shows:\n%s", texts, tail(tm.since(mark), 3000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// shownAfterDashboard checks that msg was printed once, after the
// dashboard left the alternate screen: on the terminal's normal screen,
// where the user sees it.
func (tm *term) shownAfterDashboard(msg string) {
	tm.t.Helper()
	raw := tm.out.String()
	at := strings.Index(raw, msg)
	exit := strings.LastIndex(raw, "\x1b[?1049l")
	switch {
	case at < 0:
		tm.t.Errorf("the terminal never got %q:\n%s", msg, tail(tm.screen(), 500))
	case exit < 0:
		tm.t.Errorf("the dashboard never left the alternate screen: %q", tail(raw, 300))
	case at < exit:
		tm.t.Errorf("%q was printed on the alternate screen, which then went away: %q", msg, tail(raw, 300))
	case strings.Count(raw, msg) != 1:
		tm.t.Errorf("%q printed %d times", msg, strings.Count(raw, msg))
	}
}

// typeKeys writes s one rune at a time.
func (tm *term) typeKeys(s string) {
	tm.t.Helper()
	for _, r := range s {
		if _, err := io.WriteString(tm.stdin, string(r)); err != nil {
			tm.t.Fatalf("type %q: %v", r, err)
		}
		time.Sleep(keyDelay)
	}
}

// waitLoaded waits for the dashboard with the demo groups and the
// locations (so that the create form can open).
func (tm *term) waitLoaded() {
	tm.t.Helper()
	tm.waitFor(0, append([]string{"6 groups"}, demoGroups...)...)
	// The list shows a location's name once the locations are in.
	tm.waitFor(0, "fra Frankfurt")
}

// waitEnd waits for the session to end and returns how (nil for exit
// status 0, *gossh.ExitError otherwise, *gossh.ExitMissingError if the
// server closed without a status).
func (tm *term) waitEnd() error {
	tm.t.Helper()
	select {
	case <-tm.done:
		return tm.waitErr
	case <-time.After(waitTimeout):
		tm.t.Fatalf("the session did not end; the terminal shows:\n%s", tail(tm.screen(), 2000))
		return nil
	}
}

// ended reports whether the session has ended, without waiting.
// mustStillWork fails unless the session still takes keys: a filter typed
// into it shows its match (the filter opens only from the list, so this
// also proves no form or dialog is open).
func (tm *term) mustStillWork(why string) {
	tm.t.Helper()
	m := tm.mark()
	tm.typeKeys("/leg\r")
	tm.waitFor(m, `1 of 6 groups match "leg"`)
	if tm.ended() {
		tm.t.Fatal(why)
	}
}

func (tm *term) ended() bool {
	select {
	case <-tm.done:
		return true
	default:
		return false
	}
}

// exitStatus is the status of a session's end error; -1 when there is
// none.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	return -1
}

// waitUntil polls cond until it holds or the wait times out.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// roleOf is the role srv gives key for a client on loopback now.
func roleOf(srv *Server, key testKey) Role {
	r, _ := srv.keys.role(key.fp, netip.MustParseAddr("127.0.0.1"), time.Now())
	return r
}

// atomicTime is a clock tests move.
type atomicTime struct{ v atomic.Value }

func (a *atomicTime) Store(t time.Time) { a.v.Store(t) }
func (a *atomicTime) Load() time.Time   { return a.v.Load().(time.Time) }
