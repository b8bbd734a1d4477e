package serve

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A connection that does not log in within LoginTimeout is closed, and
// the log says so: one that sends only its banner, one that sends nothing,
// one that stops in the middle of the key exchange. The idle timeout (a
// minute here, 30 by default) does not apply before login. A session that
// logged in is not cut by the limit. The limit is 500ms; the wait for the
// close is waitTimeout, 20 times it.
func TestLoginTimeLimit(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.LoginTimeout = 500 * time.Millisecond
	s := f.start(cfg)

	live := s.open(t, f.full, "dumb")
	live.waitLoaded()

	for _, tc := range []struct {
		name string
		send string
	}{
		{"banner only", "SSH-2.0-OpenSSH_9.6\r\n"},
		{"nothing", ""},
		// A key exchange begun, never finished: the packet's length
		// announces more than is sent.
		{"half a packet", "SSH-2.0-OpenSSH_9.6\r\n\x00\x00\x01\x00\x0a\x14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mark := f.log.Len()
			conn, err := net.Dial("tcp", s.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.send); err != nil {
				t.Fatal(err)
			}
			closed := make(chan error, 1)
			go func() {
				_, err := io.Copy(io.Discard, conn)
				closed <- err
			}()
			select {
			case <-closed:
			case <-time.After(waitTimeout):
				t.Fatalf("the connection is still open %s after it opened, with a login limit of %s", waitTimeout, cfg.LoginTimeout)
			}
			f.waitLogAfter(mark, "connection refused", `reason="did not log in within 500ms"`)
		})
	}

	// Well past the limit, the session that logged in still works.
	time.Sleep(3 * cfg.LoginTimeout)
	live.mustStillWork("the login limit ended a session that had logged in")
}

// A refused connection is logged with a reason in words, not the SSH
// library's list of errors ("[ssh: no auth passed yet, permission
// denied]").
func TestRefusalReasonsAreReadable(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	for _, tc := range []struct {
		name string
		auth []gossh.AuthMethod
		want string
	}{
		{"unknown key", []gossh.AuthMethod{gossh.PublicKeys(newKey(t).signer)}, "no key it offered is authorized (1 key refused)"},
		{"two unknown keys", []gossh.AuthMethod{gossh.PublicKeys(newKey(t).signer, newKey(t).signer)}, "no key it offered is authorized (2 keys refused)"},
		{"no method", nil, "it left before trying to log in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mark := f.log.Len()
			if _, err := s.dial(t, "dumb", tc.auth...); err == nil {
				t.Fatal("logged in")
			}
			line := f.waitLogAfter(mark, "connection refused", `reason="`+tc.want+`"`)
			if strings.Contains(line, "ssh:") || strings.Contains(line, "[") {
				t.Errorf("the reason is the library's: %s", line)
			}
		})
	}
	// A password, which the server does not offer, tried anyway.
	mark := f.log.Len()
	cfg := dialConfig(nil)
	tried := false
	cfg.AuthCallback = func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		if tried {
			return nil, nil
		}
		tried = true
		return gossh.Password("hunter2"), nil
	}
	if conn, err := gossh.Dial("tcp", s.addr, cfg); err == nil {
		conn.Close()
		t.Fatal("a password logged in")
	}
	f.waitLogAfter(mark, "connection refused", `reason="it tried password: only public keys are accepted"`)
}
