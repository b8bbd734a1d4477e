package serve

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/seed372e9e9a/turso-groups/api"
)

// A full-access key gets the dashboard and can create a group through the
// form; the group reaches the API. The terminal is a colour one, whose
// background query is answered.
func TestFullKeyCreatesGroup(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	tm := s.open(t, f.full, "xterm-256color")
	select {
	case <-tm.queried:
	case <-time.After(waitTimeout):
		t.Fatal("the server never queried the terminal background")
	}
	tm.waitLoaded()
	if strings.Contains(tm.screen(), "read-only") {
		t.Fatalf("a full-access session shows read-only:\n%s", tm.screen())
	}
	f.waitLog("session start", f.full.fp, "role=full", "user=alice")

	m := tm.mark()
	tm.typeKeys("n")
	tm.waitFor(m, "New group", "Primary location")
	tm.typeKeys("orders-7")
	tm.waitFor(m, "orders-7 is a valid name")
	tm.typeKeys("\r") // name
	tm.typeKeys("\r") // location: the default
	tm.typeKeys("\r") // extensions: None
	tm.waitFor(m, "Create orders-7 at")
	tm.typeKeys("\r") // confirm: Create
	tm.waitFor(m, "Created orders-7")
	g, ok := f.store.Group("demo", "orders-7")
	if !ok {
		t.Fatalf("the store has no group orders-7: %v", f.groupNames())
	}
	if g.Primary == "" {
		t.Errorf("orders-7 has no primary location: %+v", g)
	}
	tm.waitFor(m, "7 groups")

	m = tm.mark()
	tm.typeKeys("q")
	if err := tm.waitEnd(); err != nil {
		t.Fatalf("quitting ended the session with %v, want exit status 0", err)
	}
	if strings.Contains(tm.since(m), "Goodbye") || strings.Contains(tm.since(m), "changed") {
		t.Errorf("a user's own quit got a server message: %q", tm.since(m))
	}
	f.waitLog("session end", f.full.fp)
	waitUntil(t, "the session is unregistered", func() bool { return s.Sessions() == 0 })
}

// A read-only key sees the groups but cannot change anything: the
// mutation keys do nothing, no write reaches the API, and the client the
// server gives such sessions refuses mutations itself.
func TestReadOnlyKey(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	before := f.groupNames()
	tm := s.open(t, f.ro, "dumb")
	tm.waitLoaded()
	tm.waitFor(0, "read-only")
	f.waitLog("session start", f.ro.fp, "role=read-only")

	var se *session
	s.mu.Lock()
	for x := range s.sessions {
		se = x
	}
	s.mu.Unlock()
	if se == nil || se.role != RoleReadOnly || se.fingerprint != f.ro.fp {
		t.Fatalf("registered session = %+v, want the read-only key's", se)
	}
	// Its dashboard holds the client that refuses mutations, not the
	// full one with only its keys hidden (a copy of s.ro that carries
	// the key as its actor).
	if se.client == s.full || !se.client.ReadOnly() {
		t.Fatal("the read-only session's dashboard was given the full-access client")
	}

	m := tm.mark()
	tm.typeKeys("n") // new group
	tm.typeKeys("d") // delete the selected group (analytics, unprotected)
	tm.typeKeys("x") // unarchive, then others: all disabled
	tm.waitFor(m, "read-only: your SSH key is read-only.")
	// A visible change after the keys proves they were processed; the
	// filter opens only from the list, so no form or dialog is open.
	tm.typeKeys("/leg\r")
	tm.waitFor(m, `1 of 6 groups match "leg"`)
	after := tm.since(m)
	for _, w := range []string{"New group", "Delete", "Primary location", "Name"} {
		if strings.Contains(after, w) {
			t.Errorf("a read-only session opened %q:\n%s", w, after)
		}
	}
	if n := f.writes.Load(); n != 0 {
		t.Errorf("%d mutation requests reached the API from a read-only session", n)
	}
	if got := f.groupNames(); !slices.Equal(got, before) {
		t.Errorf("groups changed: %v, want %v", got, before)
	}

	// The API layer holds too: the server's read-only client refuses
	// every mutation before it is sent, the full one does not.
	if !s.ro.ReadOnly() || s.full.ReadOnly() {
		t.Fatalf("ro.ReadOnly()=%v full.ReadOnly()=%v", s.ro.ReadOnly(), s.full.ReadOnly())
	}
	if s.full != f.client {
		t.Errorf("the full-access client is not the configured one")
	}
	ctx := t.Context()
	requests := f.requests.Load()
	if _, err := s.ro.CreateGroup(ctx, api.CreateGroupRequest{Name: "sneaky", Location: "fra"}); !errors.Is(err, api.ErrReadOnly) {
		t.Errorf("read-only CreateGroup: %v, want ErrReadOnly", err)
	}
	if _, err := s.ro.DeleteGroup(ctx, "analytics"); !errors.Is(err, api.ErrReadOnly) {
		t.Errorf("read-only DeleteGroup: %v, want ErrReadOnly", err)
	}
	if _, err := s.ro.SetDeleteProtection(ctx, "billing", false); !errors.Is(err, api.ErrReadOnly) {
		t.Errorf("read-only SetDeleteProtection: %v, want ErrReadOnly", err)
	}
	if n := f.requests.Load() - requests; n != 0 {
		t.Errorf("refused mutations still sent %d requests", n)
	}
	if got := f.groupNames(); !slices.Equal(got, before) {
		t.Errorf("groups changed: %v, want %v", got, before)
	}
	// The read-only client still reads.
	if gs, err := s.ro.ListGroups(ctx); err != nil || len(gs) != 6 {
		t.Errorf("read-only ListGroups: %d groups, %v", len(gs), err)
	}
}

// A read-only server (ui.Options.ReadOnly, --read-only) makes every
// session read-only, full-access keys included.
func TestReadOnlyServerDemotesFullKeys(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.UI.ReadOnly = true
	s := f.start(cfg)
	tm := s.open(t, f.full, "dumb")
	tm.waitLoaded()
	tm.waitFor(0, "read-only")
	f.waitLog("session start", f.full.fp, "role=read-only")
	m := tm.mark()
	tm.typeKeys("n/leg\r")
	tm.waitFor(m, `1 of 6 groups match "leg"`)
	if strings.Contains(tm.since(m), "New group") {
		t.Errorf("n opened the create form on a read-only server")
	}
	if n := f.writes.Load(); n != 0 {
		t.Errorf("%d mutation requests reached the API", n)
	}
}

// Unknown keys, passwords, keyboard-interactive and sessions without a
// terminal are refused, and each refusal is logged.
func TestRefusals(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())

	t.Run("unknown key", func(t *testing.T) {
		stranger := newKey(t)
		_, err := s.dial(t, "dumb", gossh.PublicKeys(stranger.signer))
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("dial with an unknown key: %v, want an authentication failure", err)
		}
		f.waitLog("key refused", "fingerprint="+stranger.fp, "user=alice")
	})

	// The server offers publickey only, and rejects the other methods
	// even when a client tries them unasked (AuthCallback may pick any
	// method, offered or not).
	for _, tc := range []struct {
		name string
		auth gossh.AuthMethod
	}{
		{"password", gossh.Password("hunter2")},
		{"keyboard-interactive", gossh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
			t.Error("the server sent a keyboard-interactive challenge")
			return make([]string, len(q)), nil
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var offered [][]string
			var tried atomic.Bool
			cfg := dialConfig(nil)
			cfg.AuthCallback = func(ctx *gossh.ClientAuthContext) (gossh.AuthMethod, error) {
				offered = append(offered, ctx.AllowedMethods)
				if tried.CompareAndSwap(false, true) {
					return tc.auth, nil
				}
				return nil, nil
			}
			conn, err := gossh.Dial("tcp", s.addr, cfg)
			if err == nil {
				conn.Close()
				t.Fatalf("%s authentication succeeded", tc.name)
			}
			if !tried.Load() {
				t.Fatalf("the %s attempt was never made: %v", tc.name, err)
			}
			// A refused keyboard-interactive attempt (a failure message,
			// 51, instead of a challenge) is reported as unexpected.
			if !strings.Contains(err.Error(), "unable to authenticate") && !strings.Contains(err.Error(), "unexpected message type 51") {
				t.Errorf("error %v, want an authentication failure", err)
			}
			for _, m := range offered {
				if !slices.Equal(m, []string{"publickey"}) {
					t.Errorf("the server offers %v, want only publickey", m)
				}
			}
			if len(offered) == 0 {
				t.Errorf("the server offered no methods")
			}
		})
	}

	// The same refusals with the standard client flow: only the offered
	// methods are tried, so the callbacks never run.
	t.Run("standard client", func(t *testing.T) {
		var called atomic.Bool
		_, err := s.dial(t, "dumb",
			gossh.PasswordCallback(func() (string, error) { called.Store(true); return "x", nil }),
			gossh.KeyboardInteractive(func(_, _ string, _ []string, _ []bool) ([]string, error) {
				called.Store(true)
				return nil, nil
			}))
		if err == nil || !strings.Contains(err.Error(), "[none]") {
			t.Fatalf("dial with password and keyboard-interactive: %v, want only none attempted", err)
		}
		if called.Load() {
			t.Errorf("a password or keyboard-interactive prompt ran: the server offered it")
		}
	})

	t.Run("no pty", func(t *testing.T) {
		conn, err := gossh.Dial("tcp", s.addr, dialConfig(nil, gossh.PublicKeys(f.full.signer)))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		sess.Stdout, sess.Stderr = &stdout, &stderr
		done := make(chan error, 1)
		go func() { done <- sess.Run("ls") }()
		select {
		case err = <-done:
		case <-time.After(waitTimeout):
			t.Fatal("a command session did not end")
		}
		if st := exitStatus(err); st <= 0 {
			t.Errorf("exit %v (status %d), want a non-zero status", err, st)
		}
		out := stdout.String() + stderr.String()
		if !strings.Contains(out, "connect with a terminal") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("output %q, want one line that says to connect with a terminal", out)
		}
		f.waitLog("session refused", "reason=\"no pty\"")

		// A shell without a PTY is refused the same way.
		tm, err := s.dial(t, "", gossh.PublicKeys(f.full.signer))
		if err != nil {
			t.Fatal(err)
		}
		if st := exitStatus(tm.waitEnd()); st <= 0 {
			t.Errorf("shell without a pty: status %d, want non-zero", st)
		}
		if !strings.Contains(tm.screen(), "connect with a terminal") {
			t.Errorf("shell without a pty shows %q", tm.screen())
		}
	})
	if s.Sessions() != 0 {
		t.Errorf("%d sessions registered after refusals", s.Sessions())
	}
}

// Beyond MaxSessions a session is refused politely; once one ends, a new
// one is accepted.
func TestMaxSessions(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.MaxSessions = 2
	s := f.start(cfg)
	a := s.open(t, f.full, "dumb")
	b := s.open(t, f.ro, "dumb")
	a.waitLoaded()
	b.waitLoaded()

	c := s.open(t, f.full, "dumb")
	c.waitFor(0, "maximum of 2 sessions")
	if st := exitStatus(c.waitEnd()); st <= 0 {
		t.Errorf("the refused session ended with status %d, want non-zero", st)
	}
	if strings.Contains(c.screen(), "6 groups") {
		t.Errorf("the refused session saw the dashboard:\n%s", c.screen())
	}
	f.waitLog("session refused", "reason=\"max sessions\"")
	if a.ended() || b.ended() {
		t.Fatal("a refusal ended a live session")
	}
	if n := s.Sessions(); n != 2 {
		t.Errorf("Sessions() = %d, want 2", n)
	}

	a.typeKeys("q")
	if err := a.waitEnd(); err != nil {
		t.Errorf("quit: %v", err)
	}
	waitUntil(t, "the closed session is gone", func() bool { return s.Sessions() == 1 })
	d := s.open(t, f.full, "dumb")
	d.waitLoaded()
	if d.ended() || b.ended() {
		t.Fatal("a session ended")
	}
}

// The host key is created private on first start and reused after.
func TestHostKeyPersists(t *testing.T) {
	f := newFixture(t, "")
	if _, err := os.Stat(f.hostKey); !os.IsNotExist(err) {
		t.Fatalf("host key exists before the first start: %v", err)
	}
	s1 := f.start(f.config())
	fi, err := os.Stat(f.hostKey)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("host key mode %#o, want 0600", perm)
	}
	di, err := os.Stat(filepath.Dir(f.hostKey))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("host key directory mode %#o, want 0700", perm)
	}
	t1 := s1.open(t, f.full, "dumb")
	t1.waitLoaded()

	s2 := f.start(f.config())
	t2 := s2.open(t, f.full, "dumb")
	t2.waitLoaded()
	if t1.hostKey == nil || t2.hostKey == nil {
		t.Fatal("no host key recorded")
	}
	if !bytes.Equal(t1.hostKey.Marshal(), t2.hostKey.Marshal()) {
		t.Errorf("the second server presents another host key: %s vs %s",
			gossh.FingerprintSHA256(t1.hostKey), gossh.FingerprintSHA256(t2.hostKey))
	}
	if t1.hostKey.Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s, want ed25519", t1.hostKey.Type())
	}

	// A host key others can read is refused.
	if err := os.Chmod(f.hostKey, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(f.config()); err == nil || !strings.Contains(err.Error(), "too open") {
		t.Errorf("New with a 0644 host key: %v, want too open", err)
	}
}

// Shutdown says goodbye to every session, ends them and returns promptly.
func TestShutdownSaysGoodbye(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	a := s.open(t, f.full, "dumb")
	b := s.open(t, f.ro, "dumb")
	a.waitLoaded()
	b.waitLoaded()
	// One of them has a form open: it is ended too.
	a.typeKeys("n")
	a.waitFor(0, "New group")
	// Connections without a session do not hold the shutdown: one that
	// never starts the handshake, and one authenticated without a session.
	// (The first is not made to handshake after the shutdown: the ssh
	// package's Shutdown would race in its WaitGroup.)
	raw, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	bare, err := gossh.Dial("tcp", s.addr, dialConfig(nil, gossh.PublicKeys(f.full.signer)))
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()

	// Held by those connections, Shutdown would use all its grace; it
	// typically takes 0.5-0.7 s (the half second it gives connections
	// without a session), so a minute's grace and a 10 s bound tell the
	// two apart however busy the machine is.
	start := time.Now()
	if err := s.Shutdown(time.Minute); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Shutdown took %v, want well under its minute of grace", d)
	}
	for _, tm := range []*term{a, b} {
		_ = tm.waitEnd()
		tm.shownAfterDashboard("the server is shutting down. Goodbye.")
	}
	closed := make(chan struct{})
	go func() { _ = bare.Wait(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(waitTimeout):
		t.Errorf("the connection without a session was left open")
	}
	if n := s.Sessions(); n != 0 {
		t.Errorf("Sessions() = %d after Shutdown", n)
	}
	f.waitLog("ssh server stopped")
	if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
		t.Errorf("a connection after Shutdown succeeded")
	}
	if n := f.writes.Load(); n != 0 {
		t.Errorf("%d writes reached the API", n)
	}
}

// Removing a key ends its live sessions, on Reload or on the next
// authentication (the files are re-checked then), and refuses it after.
func TestRevocation(t *testing.T) {
	t.Run("reload", func(t *testing.T) {
		f := newFixture(t, "")
		other := newKey(t)
		writeKeys(t, f.fullPath, f.full, other)
		s := f.start(f.config())
		victim := s.open(t, f.full, "dumb")
		keep := s.open(t, other, "dumb")
		ro := s.open(t, f.ro, "dumb")
		victim.waitLoaded()
		keep.waitLoaded()
		ro.waitLoaded()

		writeKeys(t, f.fullPath, other)
		if err := s.Reload(); err != nil {
			t.Fatalf("Reload: %v", err)
		}
		_ = victim.waitEnd()
		victim.shownAfterDashboard("the access of this key changed; please reconnect.")
		f.waitLog("session ended", f.full.fp, "key revoked or role changed")
		f.waitLog("key files reloaded", "full_access_keys=1", "read_only_keys=1")
		if keep.ended() || ro.ended() {
			t.Fatal("Reload ended the session of a key that kept its access")
		}
		if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
			t.Error("the revoked key still logs in")
		}
		f.waitLog("key refused", "fingerprint="+f.full.fp)
		// The others still work.
		keep.mustStillWork("the other key's session ended")
	})

	t.Run("role change", func(t *testing.T) {
		f := newFixture(t, "")
		s := f.start(f.config())
		tm := s.open(t, f.full, "dumb")
		tm.waitLoaded()
		// Moved to the read-only file: the full-access session ends.
		writeKeys(t, f.fullPath)
		writeKeys(t, f.roPath, f.ro, f.full)
		if err := s.Reload(); err != nil {
			t.Fatal(err)
		}
		_ = tm.waitEnd()
		tm.waitFor(0, "the access of this key changed")
		again := s.open(t, f.full, "dumb")
		again.waitLoaded()
		again.waitFor(0, "read-only")
		f.waitLog("session start", f.full.fp, "role=read-only")
	})

	t.Run("on next authentication", func(t *testing.T) {
		f := newFixture(t, "")
		s := f.start(f.config())
		live := s.open(t, f.full, "dumb")
		live.waitLoaded()
		// No Reload: the next authentication notices the new file.
		writeKeys(t, f.fullPath)
		if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
			t.Fatal("a removed key logs in without a Reload")
		}
		f.waitLog("key refused", "fingerprint="+f.full.fp)
		_ = live.waitEnd()
		live.waitFor(0, "the access of this key changed")
	})

	// A file that cannot be read safely grants nothing: the keys it held
	// are refused (fail closed), and come back once it is fixed.
	t.Run("bad file refuses its keys", func(t *testing.T) {
		f := newFixture(t, "")
		s := f.start(f.config())
		if err := os.WriteFile(f.fullPath, []byte("not a key\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(); err == nil {
			t.Fatal("Reload of a malformed file succeeded")
		}
		f.waitLog("key file refused", "file="+f.fullPath, "not a public key")
		if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
			t.Fatal("a key of a malformed file logs in")
		}
		// The read-only file is fine: its keys still get in.
		s.open(t, f.ro, "dumb").waitLoaded()
		writeKeys(t, f.fullPath, f.full)
		if err := s.Reload(); err != nil {
			t.Fatal(err)
		}
		s.open(t, f.full, "dumb").waitLoaded()
	})
}

// Key files must be private, well formed, and at least one must be given.
func TestKeyFiles(t *testing.T) {
	f := newFixture(t, "")
	check := func(name, want string, mod func(*Config)) {
		t.Helper()
		cfg := f.config()
		mod(&cfg)
		srv, err := New(cfg)
		if err == nil {
			_ = srv.Shutdown(time.Second)
			t.Errorf("%s: New succeeded", name)
			return
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}

	open := filepath.Join(f.dir, "open_keys")
	writeKeys(t, open, f.full)
	if err := os.Chmod(open, 0o666); err != nil {
		t.Fatal(err)
	}
	check("0666 file", "too open", func(c *Config) { c.AuthorizedKeys = open })
	if err := os.Chmod(open, 0o620); err != nil {
		t.Fatal(err)
	}
	check("group-writable file", "too open", func(c *Config) { c.ReadOnlyKeys = open })

	bad := filepath.Join(f.dir, "bad_keys")
	data := "# comment\n\n" + string(gossh.MarshalAuthorizedKey(f.full.pub)) + "ssh-ed25519 AAAAnotbase64!!\n"
	if err := os.WriteFile(bad, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	check("malformed line", bad+":4:", func(c *Config) { c.AuthorizedKeys = bad })

	check("no key file", "no key file", func(c *Config) { c.AuthorizedKeys, c.ReadOnlyKeys = "", "" })
	check("missing file", "does not exist", func(c *Config) { c.ReadOnlyKeys = filepath.Join(f.dir, "nope") })
	check("directory", "is a directory", func(c *Config) { c.AuthorizedKeys = f.dir })
	check("no client", "no API client", func(c *Config) { c.Client = nil })

	// One file is enough; a 0644 file is fine (only writes by others
	// matter), and a key in both files gets the lesser role.
	shared := filepath.Join(f.dir, "shared_keys")
	writeKeys(t, shared, f.full, f.ro)
	if err := os.Chmod(shared, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := f.config()
	cfg.AuthorizedKeys, cfg.ReadOnlyKeys = shared, f.roPath
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New with a 0644 file: %v", err)
	}
	defer srv.Shutdown(time.Second)
	if r := roleOf(srv, f.full); r != RoleFull {
		t.Errorf("full key role %v", r)
	}
	if r := roleOf(srv, f.ro); r != RoleReadOnly {
		t.Errorf("key in both files: role %v, want read-only", r)
	}
	if r := roleOf(srv, newKey(t)); r != RoleNone {
		t.Errorf("unknown key role %v", r)
	}
}

// offerOnly offers a public key it holds no private key for: the client
// sends the enquiry, and when the server finds the key acceptable it asks
// for a signature, which offerOnly cannot make.
type offerOnly struct {
	pub   gossh.PublicKey
	asked atomic.Bool
}

func (o *offerOnly) PublicKey() gossh.PublicKey { return o.pub }

func (o *offerOnly) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	o.asked.Store(true)
	return nil, errors.New("offerOnly: no private key")
}

// offerThenAuth is a client that first offers the key of offer (without
// proving it), then authenticates with auth on the same connection.
func offerThenAuth(offer *offerOnly, auth gossh.Signer) gossh.ClientAuthCallback {
	step := 0
	return func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		step++
		switch step {
		case 1:
			return gossh.PublicKeys(offer), nil
		case 2:
			return gossh.PublicKeys(auth), nil
		}
		return nil, errors.New("authentication failed")
	}
}

// dialWith dials with a custom auth callback and opens a dumb terminal.
func (s *server) dialWith(t *testing.T, cb gossh.ClientAuthCallback) (*term, error) {
	t.Helper()
	return s.dialConfig(t, "dumb", func(c *gossh.ClientConfig) { c.AuthCallback = cb })
}

// The session's identity is the key that authenticated, not a key that was
// only offered (GHSA-pchf-49fh-w34r): a client that offers the full-access
// key, which the server finds acceptable, without proving it holds it, then
// authenticates with the read-only key, is read-only.
func TestIdentityIsTheAuthenticatingKey(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	offer := &offerOnly{pub: f.full.pub}
	tm, err := s.dialWith(t, offerThenAuth(offer, f.ro.signer))
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, f.log.String())
	}
	if !offer.asked.Load() {
		t.Fatal("the server did not accept the offer of the full-access key; the test proves nothing")
	}
	tm.waitLoaded()
	tm.waitFor(0, "read-only")
	line := f.waitLog("session start", "role=read-only")
	if !strings.Contains(line, f.ro.fp) || strings.Contains(line, f.full.fp) {
		t.Errorf("session logged as %q, want the read-only key %s", line, f.ro.fp)
	}
	if strings.Contains(f.log.String(), "role=full") {
		t.Errorf("a full-access session was started:\n%s", f.log.String())
	}
	m := tm.mark()
	tm.typeKeys("n/leg\r")
	tm.waitFor(m, `1 of 6 groups match "leg"`)
	if strings.Contains(tm.since(m), "New group") {
		t.Error("the session can create groups")
	}
	if n := f.writes.Load(); n != 0 {
		t.Errorf("%d writes reached the API", n)
	}

	// The other way round: offering the read-only key, then
	// authenticating with the full one, gives full access.
	offer2 := &offerOnly{pub: f.ro.pub}
	tm2, err := s.dialWith(t, offerThenAuth(offer2, f.full.signer))
	if err != nil {
		t.Fatal(err)
	}
	if !offer2.asked.Load() {
		t.Fatal("the read-only key's offer was not accepted")
	}
	tm2.waitLoaded()
	f.waitLog("session start", f.full.fp, "role=full")
	m = tm2.mark()
	tm2.typeKeys("n")
	tm2.waitFor(m, "New group")

	// Offering an authorized key is not enough to get in.
	offer3 := &offerOnly{pub: f.full.pub}
	stranger := newKey(t)
	if _, err := s.dialWith(t, offerThenAuth(offer3, stranger.signer)); err == nil {
		t.Error("an offered but unproven key let a stranger in")
	}
	if !offer3.asked.Load() {
		t.Error("the full-access key's offer was not accepted")
	}
}

// Each session has its own program: a form open in one is not in the
// other, and keys go only to their own session.
func TestSessionsAreIsolated(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	a := s.open(t, f.full, "dumb")
	b := s.open(t, f.full, "dumb")
	a.waitLoaded()
	b.waitLoaded()

	ma, mb := a.mark(), b.mark()
	a.typeKeys("jj") // the cursor moves in a only
	a.typeKeys("n")
	a.waitFor(ma, "New group", "Primary location")
	a.typeKeys("zzz")
	a.waitFor(ma, "zzz")

	// b is on its list, without a form: its filter opens and works.
	b.typeKeys("/edge\r")
	b.waitFor(mb, `1 of 6 groups match "edge"`)
	afterB := b.since(mb)
	for _, w := range []string{"New group", "Primary location", "zzz"} {
		if strings.Contains(afterB, w) {
			t.Errorf("session b shows %q from session a:\n%s", w, afterB)
		}
	}
	if strings.Contains(a.since(ma), "match") {
		t.Errorf("session a shows b's filter:\n%s", a.since(ma))
	}

	// Quitting one leaves the other.
	b.typeKeys("q")
	if err := b.waitEnd(); err != nil {
		t.Errorf("quit: %v", err)
	}
	m := a.mark()
	a.typeKeys("1")
	a.waitFor(m, "zzz1")
	if a.ended() {
		t.Fatal("session a ended with b")
	}
}

// The API token never reaches a session's terminal nor the server's log.
func TestTokenNeverShown(t *testing.T) {
	const token = "tok-SECRET-9c1e"
	f := newFixture(t, token)
	s := f.start(f.config())
	tm := s.open(t, f.full, "xterm-256color")
	tm.waitLoaded()
	m := tm.mark()
	tm.typeKeys("n")
	tm.waitFor(m, "New group")
	tm.typeKeys("secret-check\r\r\r")
	tm.waitFor(m, "Create secret-check at")
	tm.typeKeys("\r")
	tm.waitFor(m, "Created secret-check")
	tm.typeKeys("\r") // the detail view of the selected group
	tm.typeKeys("q")
	_ = tm.waitEnd()
	f.waitLog("session end", f.full.fp)
	if _, ok := f.store.Group("demo", "secret-check"); !ok {
		t.Fatal("the group was not created: the session did not exercise the API")
	}
	if f.requests.Load() == 0 || !strings.Contains(f.log.String(), "level=DEBUG") {
		t.Fatalf("the API client logged nothing; the log check would prove nothing:\n%s", f.log.String())
	}
	for name, out := range map[string]string{"terminal": tm.out.String(), "log": f.log.String()} {
		if strings.Contains(out, token) || strings.Contains(out, "9c1e") {
			t.Errorf("the token appears in the %s:\n%s", name, out)
		}
	}
}

// Connections beyond the per-IP burst are dropped before the handshake.
func TestConnRateLimit(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.ConnRate, cfg.ConnBurst = 0.001, 1
	s := f.start(cfg)
	tm := s.open(t, f.full, "dumb")
	tm.waitLoaded()
	if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
		t.Fatal("a second connection within the burst of 1 succeeded")
	}
	f.waitLog("connection refused", "reason=\"rate limit\"")
	if tm.ended() {
		t.Error("the limit ended the live session")
	}
}

// ssh -tt host cmd: a command with a terminal is refused in one line that
// says the dashboard takes none and how to connect, rather than ignored
// for the dashboard; exit status 1, and the refusal is logged.
func TestCommandWithTerminalRefused(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	_, port, _ := net.SplitHostPort(s.addr)
	for _, termType := range []string{"xterm-256color", "dumb"} {
		tm, err := s.dialTerm(t, termOptions{termType: termType, command: "ls -la", mod: withKey(f.full)})
		if err != nil {
			t.Fatal(err)
		}
		if st := exitStatus(tm.waitEnd()); st != 1 {
			t.Errorf("%s: exit status %d, want 1", termType, st)
		}
		want := "turso-groups: this server shows the dashboard and runs no commands: connect without one (ssh -p " + port + " HOST)."
		if !strings.Contains(tm.screen(), want) {
			t.Errorf("%s: the terminal shows %q, want %q", termType, tm.screen(), want)
		}
		if strings.Contains(tm.screen(), "6 groups") {
			t.Errorf("%s: the dashboard ran:\n%s", termType, tm.screen())
		}
	}
	f.waitLog("session refused", `reason="a command was given; the dashboard takes none"`)
	if n := s.Sessions(); n != 0 {
		t.Errorf("%d sessions registered", n)
	}
}

// With a maximum of one, the refusal says "1 session", not "1 sessions".
func TestMaxSessionsOfOne(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.MaxSessions = 1
	s := f.start(cfg)
	s.open(t, f.full, "dumb").waitLoaded()
	c := s.open(t, f.ro, "dumb")
	c.waitFor(0, "the server already has its maximum of 1 session. Please try again later.")
	_ = c.waitEnd()
}
