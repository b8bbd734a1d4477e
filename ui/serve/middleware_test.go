package serve

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/ssh"
)

// fakeCtx is the connection context of a fake session: values, and the
// keys that were set.
type fakeCtx struct {
	ssh.Context // nil: only the methods below may be used
	base        context.Context
	mu          sync.Mutex
	values      map[any]any
	set         []any
}

func newFakeCtx(t *testing.T) *fakeCtx {
	return &fakeCtx{base: t.Context(), values: map[any]any{}}
}

func (c *fakeCtx) Deadline() (time.Time, bool) { return c.base.Deadline() }
func (c *fakeCtx) Done() <-chan struct{}       { return c.base.Done() }
func (c *fakeCtx) Err() error                  { return c.base.Err() }
func (c *fakeCtx) User() string                { return "mallory" }
func (c *fakeCtx) RemoteAddr() net.Addr        { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 4242} }

func (c *fakeCtx) Value(k any) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.values[k]; ok {
		return v
	}
	return c.base.Value(k)
}

func (c *fakeCtx) SetValue(k, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values[k] = v
	c.set = append(c.set, k)
}

// fakeSession is a session that authenticated with key.
type fakeSession struct {
	ssh.Session // nil: only the methods below may be used
	ctx         *fakeCtx
	key         ssh.PublicKey
	stdout      bytes.Buffer
	stderr      bytes.Buffer
	exit        int
	closed      bool
}

func (s *fakeSession) PublicKey() ssh.PublicKey    { return s.key }
func (s *fakeSession) Context() ssh.Context        { return s.ctx }
func (s *fakeSession) User() string                { return "mallory" }
func (s *fakeSession) RemoteAddr() net.Addr        { return s.ctx.RemoteAddr() }
func (s *fakeSession) Write(p []byte) (int, error) { return s.stdout.Write(p) }
func (s *fakeSession) Stderr() io.ReadWriter       { return &s.stderr }
func (s *fakeSession) Exit(code int) error         { s.exit = code; return nil }
func (s *fakeSession) Close() error                { s.closed = true; return nil }

// identifyAs runs the identify middleware for a session whose
// authenticating key is key, while the context holds decoy as the public
// key (what a server that kept the last offered key would see). It
// returns the session that reached the next handler, if any.
func identifyAs(t *testing.T, s *Server, key, decoy ssh.PublicKey) (*session, *fakeSession) {
	t.Helper()
	fs := &fakeSession{ctx: newFakeCtx(t), key: key}
	if decoy != nil {
		fs.ctx.values[ssh.ContextKeyPublicKey] = decoy
	}
	var got *session
	s.identify(func(sess ssh.Session) {
		se, ok := sess.Context().Value(sessionKey).(*session)
		if !ok {
			t.Fatal("identify passed on a session without its *session")
		}
		got = se
		if n := s.Sessions(); n != 0 {
			t.Errorf("identify registered the session itself (%d): program does that", n)
		}
	})(fs)
	return got, fs
}

// The role of a session is that of the key it authenticated with
// (sess.PublicKey()), whatever else the connection's context holds; keys
// without access get one line and exit status 1.
func TestIdentifyUsesTheSessionKey(t *testing.T) {
	f := newFixture(t, "")
	s, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })

	se, _ := identifyAs(t, s, f.ro.pub, f.full.pub)
	if se == nil || se.role != RoleReadOnly || se.fingerprint != f.ro.fp {
		t.Errorf("read-only key with a full-access decoy: %+v, want read-only %s", se, f.ro.fp)
	}
	se, _ = identifyAs(t, s, f.full.pub, f.ro.pub)
	if se == nil || se.role != RoleFull || se.fingerprint != f.full.fp || se.user != "mallory" {
		t.Errorf("full key: %+v, want full %s", se, f.full.fp)
	}
	f.waitLog("session start", f.full.fp, "role=full", "remote=192.0.2.7:4242")
	f.waitLog("session end", f.full.fp)

	for name, key := range map[string]ssh.PublicKey{"no key": nil, "unknown key": newKey(t).pub} {
		se, fs := identifyAs(t, s, key, f.full.pub)
		if se != nil {
			t.Errorf("%s reached the dashboard as %v", name, se.role)
		}
		if fs.exit != 1 || !fs.closed || !strings.Contains(fs.stderr.String(), "this key is not authorized") {
			t.Errorf("%s: exit %d, closed %v, stderr %q", name, fs.exit, fs.closed, fs.stderr.String())
		}
	}
	f.waitLog("session refused", "key no longer authorized")

	// A read-only server demotes full-access keys.
	cfg := f.config()
	cfg.UI.ReadOnly = true
	ro, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ro.Shutdown(time.Second) })
	if se, _ := identifyAs(t, ro, f.full.pub, nil); se == nil || se.role != RoleReadOnly {
		t.Errorf("full key on a read-only server: %+v, want read-only", se)
	}
}

// The public-key callback only answers yes or no: it records nothing in
// the connection's context, since a client may offer keys it cannot use.
func TestAuthorizeStoresNothing(t *testing.T) {
	f := newFixture(t, "")
	s, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })
	ctx := newFakeCtx(t)
	if !s.authorize(ctx, f.full.pub) || !s.authorize(ctx, f.ro.pub) {
		t.Error("authorized keys refused")
	}
	stranger := newKey(t)
	if s.authorize(ctx, stranger.pub) {
		t.Error("an unknown key was accepted")
	}
	if len(ctx.set) != 0 {
		t.Errorf("authorize stored %d values in the context", len(ctx.set))
	}
	f.waitLog("key refused", "fingerprint="+stranger.fp, "user=mallory", "remote=192.0.2.7:4242")
}
