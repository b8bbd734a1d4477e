// Package serve serves the dashboard over SSH with wish, to authorized
// keys only: each session gets its own Bubble Tea program and renderer,
// while all share the server's API clients (one full, one read-only) and
// what they load (a cache.Cache): sessions opening at once make one set of
// requests and hold one copy of the groups, not one each.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/safefile"
	"github.com/seed372e9e9a/turso-groups/ui"
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
	// that another session made (cache.DefaultTTL if zero); concurrent
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
		cfg.UI.Cache = cache.New(cfg.CacheTTL)
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
