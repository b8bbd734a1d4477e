package serve

import (
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A session whose dashboard panics as it is built (its clock, which it
// asks how long the token has left, fails) ends with a word to its user;
// the panic, token and all, neither reaches that user nor the log
// unredacted, and the server and its other sessions carry on. Unrecovered,
// the panic would end the test binary.
func TestPanicInSessionSparesServer(t *testing.T) {
	const token = "tok-SECRET-5d0c"
	f := newFixture(t, token)
	var boom atomic.Bool
	cfg := f.config()
	cfg.UI.Local = false
	cfg.UI.TokenExpiry = time.Now().Add(24 * time.Hour)
	cfg.UI.Now = func() time.Time {
		// Once: the clock is shared by every session's dashboard, and
		// only the one being built is meant to meet the panic.
		if boom.CompareAndSwap(true, false) {
			panic("clock broke while holding Bearer " + token)
		}
		return time.Now()
	}
	s := f.start(cfg)
	a := s.open(t, f.full, "dumb")
	a.waitLoaded()

	boom.Store(true)
	b := s.open(t, f.full, "dumb")
	err := b.waitEnd()
	boom.Store(false)
	if exitStatus(err) != 1 || !strings.Contains(b.out.String(), "something went wrong, and this session had to end") {
		t.Fatalf("the failed session ended with %v, showing:\n%s", err, b.out.String())
	}
	line := f.waitLog("level=ERROR", "session failed on an internal error", "clock broke while holding Bearer [redacted]")
	if !strings.Contains(line, "stack=") {
		t.Errorf("the log line has no stack: %s", line)
	}

	if a.ended() {
		t.Fatal("the other session ended with the failed one")
	}
	m := a.mark()
	a.typeKeys("/edge\r")
	a.waitFor(m, `1 of 6 groups match "edge"`)
	c := s.open(t, f.full, "dumb")
	c.waitLoaded()
	for name, out := range map[string]string{"failed session": b.out.String(), "log": f.log.String()} {
		if strings.Contains(out, "SECRET") {
			t.Errorf("the token appears in the %s:\n%s", name, out)
		}
	}
}

// Shutdown before Serve has begun (a signal right at start): Serve returns
// at once rather than accept for ever on a listener no one will close.
func TestServeAfterShutdownReturns(t *testing.T) {
	f := newFixture(t, "")
	srv, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve after Shutdown: %v", err)
		}
	case <-time.After(waitTimeout):
		ln.Close()
		t.Fatal("Serve after Shutdown did not return")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("the listener still accepts")
	}
}
