package serve

import (
	"fmt"
	"net"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"github.com/seed372e9e9a/turso-groups/api/redact"
)

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
		se := &session{fingerprint: fp, comment: printable(s.keys.comment(fp)), role: role, user: sess.User(), remote: remote, addr: addr}
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
				s.failed(sess, r)
			}
		}()
		next(sess)
	}
}

// failed logs the panic r that ended sess, and tells its user. A panic's
// text and stack may hold anything, a token too: both are redacted.
func (s *Server) failed(sess ssh.Session, r any) {
	clean := func(v string) string { return redact.String(s.full.Redact(v)) }
	s.log.Error("session failed on an internal error; the server keeps running",
		"user", sess.User(), "remote", sess.RemoteAddr().String(),
		"panic", clean(fmt.Sprint(r)), "stack", clean(string(debug.Stack())))
	wish.Fatalln(sess, sessionFailed)
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
