// Package localapi runs the local Platform API (api/emulator) as a server:
// the `turso-groups local-api` command, and the in-process API that
// `turso-groups --local` starts on loopback.
package localapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/renameio/v2"

	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// Config says where the local API keeps its state and how it behaves.
type Config struct {
	// Listen is the address to listen on; "127.0.0.1:0" picks a free port.
	Listen string
	// DataFile holds the state; empty keeps it in memory only.
	DataFile string
	// Seed ("demo" or "empty") and SeedGroups shape a new data file; a
	// file that exists is served as it is (Server.DataExisted says so).
	Seed       string
	SeedGroups int
	// Token is the bearer token to accept. Empty means: the one kept in
	// TokenFile, created on first use.
	Token     string
	TokenFile string
	Faults    emulator.Faults
	Logger    *slog.Logger
	// ProvisionDelay is how long a new location takes to be ready
	// (emulator.Options.ProvisionDelay); zero makes it ready at once.
	ProvisionDelay time.Duration
	// GroupUpdate is whether the group update route is served
	// (emulator.Options.GroupUpdate); empty serves it.
	GroupUpdate emulator.GroupUpdateMode
	// Limits on what a client may hold: zero means the Default… value.
	// ReadHeaderTimeout bounds reading a request's headers; ReadTimeout
	// the whole request, headers and body (a handler's own time, such as
	// injected latency, is not counted); IdleTimeout how long a kept-alive
	// connection may wait for its next request; MaxHeaderBytes the size of
	// the headers. A request without the token gets its 401, and the
	// connection is closed.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
}

// Defaults for Config's limits: generous for any client on this machine,
// whose requests are a few hundred bytes, and short enough that a client
// that sends slowly or not at all cannot hold a connection for long.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 10 * time.Second
	DefaultIdleTimeout       = 30 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// EmbeddedProvisionDelay is the provisioning time of the local API that
// the dashboard starts for --local: long enough to be seen (a spinner, then
// ready), short enough not to be in the way.
const EmbeddedProvisionDelay = 1500 * time.Millisecond

// Server is a running local API.
type Server struct {
	// URL is the base URL clients use, e.g. http://127.0.0.1:8080.
	URL string
	// Token is the bearer token the server accepts.
	Token string
	// API is the handler, for tests that inject faults while serving.
	API *emulator.Server
	// DataExisted says the data file was there already, so Seed and
	// SeedGroups were not used.
	DataExisted bool

	store *emulator.Store
	srv   *http.Server
	ln    net.Listener
	done  chan error
	// stop ends the requests' context, so that a shutdown need not wait
	// out the waits for a location being provisioned.
	stop context.CancelFunc
}

// Start opens the store, listens and serves in the background.
func Start(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Seed == "" {
		cfg.Seed = emulator.SeedDemo
	}
	if cfg.Seed != emulator.SeedDemo && cfg.Seed != emulator.SeedEmpty {
		return nil, fmt.Errorf("unknown seed %q: use demo or empty", cfg.Seed)
	}
	if cfg.SeedGroups < 0 {
		return nil, fmt.Errorf("--seed-groups must be zero or more, not %d", cfg.SeedGroups)
	}
	cfg.ReadHeaderTimeout = orDefault(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	cfg.ReadTimeout = orDefault(cfg.ReadTimeout, DefaultReadTimeout)
	cfg.IdleTimeout = orDefault(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.MaxHeaderBytes = orDefault(cfg.MaxHeaderBytes, DefaultMaxHeaderBytes)
	if err := checkPrivate(cfg.DataFile, "the keys that sign the local API's tokens"); err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		if err := checkPrivate(cfg.TokenFile, "the local API's token"); err != nil {
			return nil, err
		}
	}
	var store *emulator.Store
	var err error
	existed := false
	if cfg.DataFile == "" {
		store, err = emulator.NewMemoryStore(cfg.Seed, cfg.SeedGroups)
	} else {
		_, statErr := os.Stat(cfg.DataFile)
		existed = statErr == nil
		store, err = emulator.OpenStore(cfg.DataFile, cfg.Seed, cfg.SeedGroups)
	}
	if err != nil {
		return nil, err
	}
	token := cfg.Token
	if token == "" {
		if token, err = loadOrCreateToken(cfg.TokenFile); err != nil {
			store.Close()
			return nil, err
		}
	}
	api, err := emulator.New(store, emulator.Options{Token: token, Faults: cfg.Faults, Logger: cfg.Logger, ProvisionDelay: cfg.ProvisionDelay, GroupUpdate: cfg.GroupUpdate})
	if err != nil {
		store.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	base, stop := context.WithCancel(context.Background())
	s := &Server{
		stop:        stop,
		URL:         "http://" + clientAddr(ln.Addr()),
		Token:       token,
		API:         api,
		DataExisted: existed,
		store:       store,
		ln:          ln,
		done:        make(chan error, 1),
		srv: &http.Server{
			Handler:           readWhole(api, cfg.ReadTimeout),
			BaseContext:       func(net.Listener) context.Context { return base },
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			ReadTimeout:       cfg.ReadTimeout,
			IdleTimeout:       cfg.IdleTimeout,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
			ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
		},
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

func orDefault[T time.Duration | int](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// readWhole reads a request's body (up to the emulator's limit, and one
// byte more for it to refuse) before the handler runs, and then lifts the
// read deadline that ReadTimeout set. The handler may read the body only
// after an injected delay (--latency), when that deadline has passed, and
// would then fail to read a body that arrived in time. So ReadTimeout
// bounds exactly the reading of the request, as a client sees it.
func readWhole(next http.Handler, readTimeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A body declared too large is refused by the emulator unread.
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength <= emulator.MaxBodyBytes {
			body, err := io.ReadAll(io.LimitReader(r.Body, emulator.MaxBodyBytes+1))
			if err != nil {
				status, msg := http.StatusBadRequest, "the request body could not be read: "+err.Error()
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					status, msg = http.StatusRequestTimeout, fmt.Sprintf("the request did not arrive within %s", readTimeout)
				}
				w.Header().Set("Connection", "close")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// clientAddr turns a listening address into one a client can dial: an
// unspecified host (":8080", "[::]:8080") becomes loopback.
func clientAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Wait blocks until the server stops on its own (an error) or ctx ends, and
// then shuts it down: in-flight requests finish, and since every write is
// on disk before it is acknowledged, nothing acknowledged is lost.
func (s *Server) Wait(ctx context.Context) error {
	select {
	case err := <-s.done:
		s.store.Close()
		return err
	case <-ctx.Done():
	}
	return s.Shutdown(5 * time.Second)
}

// Shutdown stops accepting requests, lets in-flight ones finish for up to
// grace, and closes the store.
func (s *Server) Shutdown(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	s.stop()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	if cerr := s.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkPrivate refuses a file of secrets that others may read, as OpenSSH
// refuses such a private key: with what it holds, anyone on the machine
// could use the local API, which listens on loopback for them too. A file
// that does not exist yet is created private.
func checkPrivate(path, holds string) error {
	if path == "" {
		return nil
	}
	// First, as opening a FIFO would block: only a regular file will do.
	if err := safefile.Check(path); errors.Is(err, safefile.ErrNotRegular) {
		return fmt.Errorf("%s holds %s, but %w", path, holds, withoutPath(err, path))
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil // missing, or an error that opening it reports better
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("permissions %#o for %s are too open: it holds %s, and must be readable by you alone (chmod 600 %s)", perm, path, holds, path)
	}
	return nil
}

// loadOrCreateToken reads the token kept in path, or writes a new random
// one there (0600, in a 0700 directory) so the turso CLI and other clients
// keep working across restarts. An empty path gives a fresh token.
func loadOrCreateToken(path string) (string, error) {
	if path == "" {
		return newToken()
	}
	b, err := safefile.ReadFile(path, maxTokenFile)
	if err == nil {
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", fmt.Errorf("token file %s is empty; remove it to get a new token", path)
		}
		return tok, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read token file %s: %w", path, withoutPath(err, path))
	}
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create the token file's directory: %w", err)
	}
	if err := renameio.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write token file: %w", err)
	}
	return tok, nil
}

// maxTokenFile bounds what is read of a token file: ours are 39 bytes.
const maxTokenFile = 4 << 10

// withoutPath is err without the *fs.PathError naming path, for a message
// that names it already.
func withoutPath(err error, path string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return pe.Err
	}
	return err
}

func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return "local-" + base64.RawURLEncoding.EncodeToString(b), nil
}
