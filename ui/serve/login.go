package serve

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// DefaultLoginTimeout is how long a connection has to complete the SSH
// handshake and log in: a person's ssh does it in well under a second,
// and holding connections that never do is how a server is worn down.
const DefaultLoginTimeout = 15 * time.Second

// loginConn is a connection until it has logged in: it is closed if that
// takes longer than the login timeout, and it counts what was tried, for
// the log line that says why a connection was refused.
type loginConn struct {
	net.Conn
	s     *Server
	key   string // the remote address, its key in Server.logins
	timer *time.Timer

	loggedIn atomic.Bool
	timedOut atomic.Bool

	mu    sync.Mutex
	tries map[string]int // failed attempts by method
}

type loginKey struct{}

// newLoginConn starts the login clock of conn.
func (s *Server) newLoginConn(ctx ssh.Context, conn net.Conn) *loginConn {
	lc := &loginConn{Conn: conn, s: s, key: conn.RemoteAddr().String(), tries: map[string]int{}}
	s.logins.Store(lc.key, lc)
	ctx.SetValue(loginKey{}, lc)
	lc.timer = time.AfterFunc(s.cfg.LoginTimeout, func() {
		if !lc.loggedIn.Load() {
			lc.timedOut.Store(true)
			_ = lc.Conn.Close()
		}
	})
	return lc
}

// Close stops the login clock. The connection stays in Server.logins
// until its login succeeds or connectionFailed has said why it did not:
// the handshake closes it before that.
func (lc *loginConn) Close() error {
	lc.timer.Stop()
	return lc.Conn.Close()
}

// authLog is the AuthLogCallback of conn's server configuration: a
// success stops the clock, a failure is counted.
func (lc *loginConn) authLog(method string, err error) {
	if err == nil {
		lc.loggedIn.Store(true)
		lc.timer.Stop()
		lc.s.logins.CompareAndDelete(lc.key, lc)
		return
	}
	if errors.Is(err, gossh.ErrNoAuth) {
		return // the "none" probe every client starts with
	}
	lc.mu.Lock()
	lc.tries[method]++
	lc.mu.Unlock()
}

// serverConfig is the SSH configuration of one connection: the library
// adds the host key and the public key callback to it.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		AuthLogCallback: func(_ gossh.ConnMetadata, method string, err error) {
			if lc, ok := ctx.Value(loginKey{}).(*loginConn); ok {
				lc.authLog(method, err)
			}
		},
	}
}

// connectionFailed logs, in words, why a connection ended before it
// logged in.
func (s *Server) connectionFailed(conn net.Conn, err error) {
	remote := conn.RemoteAddr().String()
	var lc *loginConn
	if v, ok := s.logins.LoadAndDelete(remote); ok {
		lc = v.(*loginConn)
	}
	s.log.Info("connection refused", "remote", remote, "reason", s.refusal(lc, err))
}

// refusal says why a connection did not log in: out of time, no key it
// offered authorized, only methods other than public keys, or it left.
func (s *Server) refusal(lc *loginConn, err error) string {
	if lc != nil && lc.timedOut.Load() {
		return fmt.Sprintf("did not log in within %s", s.cfg.LoginTimeout)
	}
	var authErr *gossh.ServerAuthError
	if lc != nil && errors.As(err, &authErr) {
		lc.mu.Lock()
		defer lc.mu.Unlock()
		keys := lc.tries["publickey"]
		var others []string
		for m := range lc.tries {
			if m != "publickey" {
				others = append(others, m)
			}
		}
		sort.Strings(others)
		switch {
		case keys > 0 && len(others) > 0:
			return fmt.Sprintf("no key it offered is authorized (%s), and it tried %s: only public keys are accepted", plural(keys, "key refused", "keys refused"), strings.Join(others, ", "))
		case keys > 0:
			return fmt.Sprintf("no key it offered is authorized (%s)", plural(keys, "key refused", "keys refused"))
		case len(others) > 0:
			return fmt.Sprintf("it tried %s: only public keys are accepted", strings.Join(others, ", "))
		}
		return "it left before trying to log in"
	}
	if errors.Is(err, io.EOF) {
		return "it left during the handshake"
	}
	return "handshake failed: " + err.Error()
}

// plural is "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
