// Package serve serves the dashboard over SSH with wish, to authorized
// keys only: each session gets its own Bubble Tea program and renderer,
// while all share the server's API clients (one full, one read-only) and
// what they load (a ui.Cache): sessions opening at once make one set of
// requests and hold one copy of the groups, not one each.
package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/safefile"
	"github.com/seed372e9e9a/turso-groups/ui"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// Config is what the server needs.
type Config struct {
	// Listen is the address, e.g. ":23234".
	Listen string
	// HostKeyPath is the server's ed25519 key, created (0600) on first start.
	HostKeyPath string
	// AuthorizedKeys lists the keys with full access; ReadOnlyKeys those
	// that may only look. At least one must be given.
	AuthorizedKeys, ReadOnlyKeys string
	// MaxSessions caps the sessions at once; others are refused politely.
	MaxSessions int
	// IdleTimeout closes a connection with no traffic for that long.
	IdleTimeout time.Duration
	// LoginTimeout closes a connection that has not completed the
	// handshake and logged in that long after it opened
	// (DefaultLoginTimeout if zero).
	LoginTimeout time.Duration
	// ConnRate and ConnBurst limit new connections per remote IP.
	ConnRate  rate.Limit
	ConnBurst int
	// ThemeMode "dark" or "light" sets every session's background, for
	// terminals that answer the query wrongly; "" or "auto" asks each
	// terminal.
	ThemeMode string
	// TermQueryTimeout bounds the wait for a terminal to say what its
	// background is (DefaultTermQueryTimeout if zero).
	TermQueryTimeout time.Duration
	// KeyCheckInterval is how often the key files are read again to see
	// whether they changed (DefaultKeyCheckInterval if zero). Each login
	// and each key press also checks them with a stat.
	KeyCheckInterval time.Duration
	// Client acts for full-access sessions; read-only sessions get a copy
	// that refuses every mutation before it is sent.
	Client *api.Client
	// UI is the base of every session's dashboard options (keys, palette,
	// refresh, local badge); the server fills in the rest per session.
	// UI.Cache, if set, is the cache the sessions share; otherwise the
	// server makes one.
	UI ui.Options
	// CacheTTL is how long the sessions reuse a load of an organization
	// that another session made (ui.DefaultCacheTTL if zero); concurrent
	// loads are shared whatever it is. Negative turns the sharing off:
	// every session loads and holds its own copy.
	CacheTTL time.Duration
	// Logger receives one line per session and per refusal; never a token.
	Logger *slog.Logger

	// now is the clock expiry-time options are checked against; nil
	// means time.Now (tests move it).
	now func() time.Time
}

// DefaultKeyCheckInterval is how often the key files are read again.
const DefaultKeyCheckInterval = time.Second

// Server is a running SSH server for the dashboard.
type Server struct {
	cfg  Config
	ssh  *ssh.Server
	keys *keyring
	// reloadMu makes one reload of the key files at a time.
	reloadMu sync.Mutex
	full, ro *api.Client
	log      *slog.Logger

	// ctx ends every session when the server shuts down.
	ctx    context.Context
	cancel context.CancelFunc

	active   atomic.Int64
	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool
	// listeners are those given to Serve, closed by Shutdown.
	listeners []net.Listener
	limiter   *ipLimiter
	// logins are the connections not yet logged in, by remote address.
	logins sync.Map
	// hostKey is the SHA256 fingerprint of the host key.
	hostKey string
}

// session is one live dashboard.
type session struct {
	program     *tea.Program
	fingerprint string
	role        Role
	user        string
	remote      string
	// addr is the client's address, which from= options are matched on.
	addr netip.Addr
	// ending is set once the server has decided to end the session.
	ending atomic.Bool
	// why says, once the program ends, why the server ended it.
	why atomic.Value
	// done releases the session's context and requests in flight.
	done func()
	// client is the API client the session's dashboard was given.
	client *api.Client
}

type ctxKey struct{ name string }

// sessionKey holds the *session that identify made, for program.
var sessionKey = &ctxKey{"session"}

// New prepares the server: host key (created if missing), key files and
// the middleware chain. It does not listen yet, but it watches the key
// files from now until Shutdown.
func New(cfg Config) (*Server, error) {
	if cfg.Client == nil {
		return nil, errors.New("serve: no API client")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 50
	}
	if cfg.ConnRate <= 0 {
		cfg.ConnRate, cfg.ConnBurst = 2, 20
	}
	if cfg.KeyCheckInterval <= 0 {
		cfg.KeyCheckInterval = DefaultKeyCheckInterval
	}
	if cfg.LoginTimeout <= 0 {
		cfg.LoginTimeout = DefaultLoginTimeout
	}
	if cfg.TermQueryTimeout <= 0 {
		cfg.TermQueryTimeout = DefaultTermQueryTimeout
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.UI.Cache == nil && cfg.CacheTTL >= 0 {
		cfg.UI.Cache = ui.NewCache(cfg.CacheTTL)
	}
	keys, err := newKeyring(cfg.AuthorizedKeys, cfg.ReadOnlyKeys)
	if err != nil {
		return nil, err
	}
	if cfg.HostKeyPath == "" {
		return nil, errors.New("serve: no host key path")
	}
	if err := os.MkdirAll(filepath.Dir(cfg.HostKeyPath), 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	// wish reads the host key as it builds the server: a FIFO there would
	// block it for good, deaf to signals.
	if err := safefile.Check(cfg.HostKeyPath); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	roOpts := cfg.Client
	s := &Server{
		cfg:      cfg,
		keys:     keys,
		full:     cfg.Client,
		ro:       readOnlyClient(roOpts),
		log:      cfg.Logger,
		sessions: map[*session]struct{}{},
		limiter:  newIPLimiter(cfg.ConnRate, cfg.ConnBurst),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithHostKeyPath(cfg.HostKeyPath),
		// Only public keys: no password, no keyboard-interactive, and no
		// "anyone" (wish accepts everyone when no auth handler is set).
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithIdleTimeout(cfg.IdleTimeout),
		// No server-side PTY (ssh.AllocatePty): with one, the ssh library
		// drains the window-change channel itself to resize it, racing
		// wish for every event, and the program never sees the resize.
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			s.recoverPanics,
			s.refuseCommand,
			s.requirePTY,
			s.limitSessions,
			s.identify,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	srv.ConnCallback = s.admit
	srv.ServerConfigCallback = s.serverConfig
	srv.ConnectionFailedCallback = s.connectionFailed
	s.ssh = srv
	if err := checkHostKey(cfg.HostKeyPath); err != nil {
		return nil, err
	}
	if s.hostKey, err = hostKeyFingerprint(cfg.HostKeyPath); err != nil {
		return nil, err
	}
	full, ro := keys.count()
	s.log.Info("ssh server ready", "listen", cfg.Listen, "host_key", s.hostKey, "full_access_keys", full, "read_only_keys", ro, "max_sessions", cfg.MaxSessions)
	go s.watchKeys(cfg.KeyCheckInterval)
	return s, nil
}

// readOnlyClient is c's twin that refuses mutations: read-only keys are
// held to it in the API layer, whatever their dashboard shows.
func readOnlyClient(c *api.Client) *api.Client { return c.ReadOnlyCopy() }

// checkHostKey makes sure the host key is private.
func checkHostKey(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("host key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("permissions %#o for host key %s are too open (chmod 600 %s)", fi.Mode().Perm(), path, path)
	}
	return nil
}

// hostKeyFingerprint is the SHA256 fingerprint of the host key at path,
// as ssh shows it on a first connection.
func hostKeyFingerprint(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return "", fmt.Errorf("host key %s: %w", path, err)
	}
	return gossh.FingerprintSHA256(signer.PublicKey()), nil
}

// HostKeyFingerprint is the SHA256 fingerprint of the server's host key,
// which users compare with what ssh shows on their first connection.
func (s *Server) HostKeyFingerprint() string { return s.hostKey }

// Serve accepts connections on ln until Shutdown, and returns at once
// after it.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	// The ssh library closes only the listeners its Serve has reached:
	// one that Shutdown overtook would accept for ever.
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe listens on the configured address.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ln)
}

// authorize is the public-key callback. It only answers whether the key
// may log in: it stores nothing, because a client may offer keys it does
// not hold (GHSA-pchf-49fh-w34r); who the session is comes from the key
// that actually authenticated, in identify.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	s.refreshKeys()
	fp := gossh.FingerprintSHA256(key)
	role, why := s.keys.role(fp, addrOf(ctx.RemoteAddr()), s.cfg.now())
	if role == RoleNone {
		s.log.Info("key refused", "fingerprint", fp, "user", ctx.User(), "remote", ctx.RemoteAddr().String(), "reason", why)
	}
	return role != RoleNone
}

// addrOf is the IP address of a remote address; invalid if it has none.
func addrOf(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(t.IP)
		return ip.Unmap()
	}
	if a == nil {
		return netip.Addr{}
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// identify derives the session's role from the key it authenticated with,
// logs the session, and after its dashboard has ended (and the client's
// screen is back to normal) tells the user why, if the server ended it.
func (s *Server) identify(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		key := sess.PublicKey()
		remote := sess.RemoteAddr().String()
		if key == nil {
			s.log.Info("session refused", "user", sess.User(), "remote", remote, "reason", "no key")
			wish.Fatalln(sess, "turso-groups: this key is not authorized.")
			return
		}
		fp, addr := gossh.FingerprintSHA256(key), addrOf(sess.RemoteAddr())
		role, why := s.roleNow(fp, addr, s.cfg.now())
		if role == RoleNone {
			s.log.Info("session refused", "user", sess.User(), "remote", remote, "reason", "key no longer authorized: "+why)
			wish.Fatalln(sess, "turso-groups: this key is not authorized.")
			return
		}
		se := &session{fingerprint: fp, role: role, user: sess.User(), remote: remote, addr: addr}
		sess.Context().SetValue(sessionKey, se)
		start := time.Now()
		s.log.Info("session start", "fingerprint", se.fingerprint, "user", se.user, "remote", remote, "role", role.String())
		next(sess)
		if why, ok := se.why.Load().(string); ok {
			wish.Println(sess, why+"\r")
		}
		// Shutdown waits for this: the goodbye is written first.
		s.unregister(se)
		s.log.Info("session end", "fingerprint", se.fingerprint, "user", se.user, "remote", remote, "duration", time.Since(start).Round(time.Millisecond))
	}
}

// limitSessions refuses a session beyond MaxSessions, politely.
func (s *Server) limitSessions(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if n := s.active.Add(1); n > int64(s.cfg.MaxSessions) {
			s.active.Add(-1)
			s.log.Info("session refused", "user", sess.User(), "remote", sess.RemoteAddr().String(), "reason", "max sessions")
			wish.Fatalln(sess, fmt.Sprintf("turso-groups: the server already has its maximum of %s. Please try again later.", plural(s.cfg.MaxSessions, "session", "sessions")))
			return
		}
		defer s.active.Add(-1)
		next(sess)
	}
}

// sessionFailed is what a user reads when an internal error ended the
// session.
const sessionFailed = "turso-groups: something went wrong, and this session had to end. The server keeps running: connect again, and tell its operator if this goes on."

// recoverPanics ends a session whose dashboard could not even start (a
// panic while building it) with a word to its user. The ssh library runs
// each session on a goroutine of its own and recovers nothing: one
// session's panic would otherwise end the server, and every session on it.
// Once running, a dashboard recovers its own panics, and Bubble Tea ends
// just that program on any it misses.
func (s *Server) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				redact := func(v string) string { return text.Redact(s.full.Redact(v)) }
				s.log.Error("session failed on an internal error; the server keeps running",
					"user", sess.User(), "remote", sess.RemoteAddr().String(),
					"panic", redact(fmt.Sprint(r)), "stack", redact(string(debug.Stack())))
				wish.Fatalln(sess, sessionFailed)
			}
		}()
		next(sess)
	}
}

// requirePTY explains, in one line, that the dashboard needs a terminal.
func (s *Server) requirePTY(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			s.log.Info("session refused", "user", sess.User(), "remote", sess.RemoteAddr().String(), "reason", "no pty")
			wish.Fatalln(sess, "turso-groups is a terminal dashboard: connect with a terminal (ssh -t), not a command.")
			return
		}
		next(sess)
	}
}

// refuseCommand explains that the dashboard takes no command when a
// client asks for one with a terminal (ssh -t host cmd): running the
// dashboard instead would ignore it without a word.
func (s *Server) refuseCommand(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if sess.RawCommand() == "" && sess.Subsystem() == "" {
			next(sess)
			return
		}
		s.log.Info("session refused", "user", sess.User(), "remote", sess.RemoteAddr().String(), "reason", "a command was given; the dashboard takes none")
		how := "ssh -p PORT HOST"
		if _, port, err := net.SplitHostPort(sess.LocalAddr().String()); err == nil {
			how = "ssh -p " + port + " HOST"
		}
		wish.Fatalln(sess, "turso-groups: this server shows the dashboard and runs no commands: connect without one ("+how+").")
	}
}

// program builds the session's dashboard: its own renderer (colour profile
// and background of this client), its own program, the shared client of
// its role, and a context that ends with the session or the server.
func (s *Server) program(sess ssh.Session) (p *tea.Program) {
	se, ok := sess.Context().Value(sessionKey).(*session)
	if !ok {
		return nil
	}
	opts := s.cfg.UI
	in := newSessionInput(sess.Context(), sess)
	var background string
	opts.Renderer, background = s.renderer(sess, in)
	s.log.Debug("terminal", "fingerprint", se.fingerprint, "remote", se.remote, "background", background)
	opts.Client = s.full
	if se.role != RoleFull {
		opts.Client, opts.ReadOnly, opts.ReadOnlyReason = s.ro, true, cmp.Or(opts.ReadOnlyReason, "your SSH key is read-only")
	}
	se.client = opts.Client
	ctx, cancel := context.WithCancel(sess.Context())
	stop := context.AfterFunc(s.ctx, cancel)
	defer func() {
		// A dashboard that panics while being built ends this session
		// alone, with a word to its user; the server keeps running.
		if r := recover(); r != nil {
			stop()
			cancel()
			redact := func(v string) string { return text.Redact(s.full.Redact(v)) }
			s.log.Error("session failed on an internal error; the server keeps running",
				"user", sess.User(), "remote", sess.RemoteAddr().String(),
				"panic", redact(fmt.Sprint(r)), "stack", redact(string(debug.Stack())))
			wish.Fatalln(sess, sessionFailed)
			p = nil
		}
	}()
	m := ui.New(withContext(opts, ctx))
	// The server process handles signals (goodbye, then stop); a program
	// listening too would be interrupted by the server's own Ctrl+C.
	se.program = tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(sess), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler(), tea.WithFilter(s.checkInput(se)))
	se.done = func() { stop(); cancel(); m.Close() }
	if !s.register(se) {
		se.done()
		se.why.Store("turso-groups: the server is shutting down. Goodbye.")
		return nil
	}
	return se.program
}

func (s *Server) register(se *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions[se] = struct{}{}
	return true
}

func (s *Server) unregister(se *session) {
	if se.done != nil {
		se.done()
	}
	s.mu.Lock()
	delete(s.sessions, se)
	s.mu.Unlock()
}

func withContext(o ui.Options, ctx context.Context) ui.Options {
	o.Context = ctx
	return o
}

// admit limits new connections per remote IP, before any SSH handshake,
// and starts the clock by which a connection must have logged in.
func (s *Server) admit(ctx ssh.Context, conn net.Conn) net.Conn {
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		host = conn.RemoteAddr().String()
	}
	if !s.limiter.allow(host) {
		s.log.Info("connection refused", "remote", conn.RemoteAddr().String(), "reason", "rate limit")
		return nil
	}
	return s.newLoginConn(ctx, conn)
}

// roleNow is the role key fp has now for a client at addr, and if none,
// why; a read-only server makes every key read-only.
func (s *Server) roleNow(fp string, addr netip.Addr, now time.Time) (Role, string) {
	role, why := s.keys.role(fp, addr, now)
	if s.cfg.UI.ReadOnly && role != RoleNone {
		role = RoleReadOnly
	}
	return role, why
}

// Reload re-reads the key files now (SIGHUP) and ends the sessions of
// keys that lost their access or changed role. A file that cannot be read
// safely (gone, too open, a bad line) grants nothing until it is fixed:
// the error says which and why.
func (s *Server) Reload() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	return s.reload(true)
}

// reload reads the key files again, applies them, logs what changed (or,
// if always, what is in force) and ends the sessions that lost their
// access. The caller holds reloadMu.
func (s *Server) reload(always bool) error {
	full, ro := s.keys.load()
	changed := s.keys.update(full, ro)
	if changed || always {
		for _, f := range []*keyFile{full, ro} {
			if f != nil && f.err != nil {
				s.log.Error("key file refused: none of its keys is accepted until it is fixed", "file", f.path, "err", f.err.Error())
			}
		}
		if ro != nil && ro.err != nil {
			s.log.Error("no key is accepted while the read-only key file cannot be used: it may hold back any key")
		}
		nFull, nRO := s.keys.count()
		s.log.Info("key files reloaded", "full_access_keys", nFull, "read_only_keys", nRO)
	}
	s.endLostSessions(s.cfg.now())
	return s.keys.err()
}

// refreshKeys reloads the key files if a stat shows a change since they
// were read. Logins and key presses call it, so that a key removed a
// moment ago neither logs in nor acts, whenever the next poll is due.
func (s *Server) refreshKeys() {
	if !s.keys.stale() {
		return
	}
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.keys.stale() {
		_ = s.reload(false)
	}
}

// watchKeys reads the key files every interval until the server shuts
// down, so that a revoked key's sessions end within about that time
// without waiting for a login or a signal; an expiry-time reached ends
// them too.
func (s *Server) watchKeys(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.reloadMu.Lock()
		_ = s.reload(false)
		s.reloadMu.Unlock()
	}
}

// endLostSessions ends the sessions whose key's role is no longer the one
// they started with.
func (s *Server) endLostSessions(now time.Time) {
	s.mu.Lock()
	var lost []*session
	var whys []string
	for se := range s.sessions {
		if role, why := s.roleNow(se.fingerprint, se.addr, now); role != se.role && !se.ending.Load() {
			if why == "" {
				why = "now " + role.String()
			}
			lost, whys = append(lost, se), append(whys, why)
		}
	}
	s.mu.Unlock()
	for i, se := range lost {
		s.end(se, whys[i])
	}
}

// end ends a session whose key lost its access or changed role, once.
// The program is told from a goroutine of its own: the caller may be that
// program's own input filter, whose event loop Quit would wait for.
func (s *Server) end(se *session, why string) {
	if !se.ending.CompareAndSwap(false, true) {
		return
	}
	se.why.Store("turso-groups: the access of this key changed; please reconnect.")
	s.log.Info("session ended", "fingerprint", se.fingerprint, "user", se.user, "remote", se.remote, "reason", "key revoked or role changed: "+why)
	go se.program.Quit()
}

// checkInput vets a session's input before its dashboard acts on it: a
// key press or click from a key that lost its access or changed role is
// dropped, and the session ends.
func (s *Server) checkInput(se *session) func(tea.Model, tea.Msg) tea.Msg {
	return func(_ tea.Model, msg tea.Msg) tea.Msg {
		switch msg.(type) {
		case tea.KeyMsg, tea.MouseMsg:
		default:
			return msg
		}
		s.refreshKeys()
		if role, why := s.roleNow(se.fingerprint, se.addr, s.cfg.now()); role != se.role || se.ending.Load() {
			s.end(se, why)
			return tea.QuitMsg{}
		}
		return msg
	}
}

// Sessions is the number of live dashboards.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown says goodbye to every live session, waits up to grace for them
// to end, then closes the server.
func (s *Server) Shutdown(grace time.Duration) error {
	s.mu.Lock()
	s.closing = true
	live := make([]*session, 0, len(s.sessions))
	for se := range s.sessions {
		live = append(live, se)
	}
	s.mu.Unlock()
	// Quit waits for each program's event loop, which may itself be
	// waiting for s.mu (checkInput): the lock is not held here.
	for _, se := range live {
		se.why.Store("turso-groups: the server is shutting down. Goodbye.")
		se.program.Quit()
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Programs quit on their own; each session prints its goodbye once
	// its screen is restored. Only stragglers are cut off, by cancelling
	// the server's context (and their requests with it).
	for s.Sessions() > 0 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	s.cancel()
	// Sessions have ended (or grace ran out): closing is now prompt. Their
	// clients hang up at once; an authenticated connection without a
	// session (ssh -N, a library client) is not waited for beyond a moment.
	drain, cancelDrain := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelDrain()
	err := s.ssh.Shutdown(drain)
	if err != nil {
		err = s.ssh.Close()
	}
	s.mu.Lock()
	for _, ln := range s.listeners {
		ln.Close() // already closed, unless Serve had not yet begun
	}
	s.mu.Unlock()
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	s.log.Info("ssh server stopped")
	return err
}

// ipLimiter is a token bucket per remote IP, bounded in size.
type ipLimiter struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	ips   map[string]*rate.Limiter
}

const maxTrackedIPs = 10000

func newIPLimiter(r rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{r: r, burst: max(burst, 1), ips: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.ips[ip]
	if !ok {
		if len(l.ips) >= maxTrackedIPs {
			// Forget everyone rather than grow without bound; a full
			// bucket for all is the lesser harm.
			clear(l.ips)
		}
		lim = rate.NewLimiter(l.r, l.burst)
		l.ips[ip] = lim
	}
	return lim.Allow()
}
