package serve

import (
	"cmp"
	"context"
	"net/netip"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui"
)

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
	// comment is the key's authorized_keys comment ("alice@laptop"), made
	// printable; "" when its line has none.
	comment string
}

type ctxKey struct{ name string }

// sessionKey holds the *session that identify made, for program.
var sessionKey = &ctxKey{"session"}

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
	// Whether the dashboard may say a token was copied (OSC 52) depends
	// on the client's terminal, never the server's.
	opts.Getenv = sessionEnv(sess).Getenv
	opts.Client = s.full
	if se.role != RoleFull {
		opts.Client, opts.ReadOnly, opts.ReadOnlyReason = s.ro, true, cmp.Or(opts.ReadOnlyReason, "your SSH key is read-only")
	}
	opts.Client = s.actorClient(opts.Client, se)
	opts.OnChange = s.logChange(se)
	se.client = opts.Client
	ctx, cancel := context.WithCancel(sess.Context())
	stop := context.AfterFunc(s.ctx, cancel)
	defer func() {
		// A dashboard that panics while being built ends this session
		// alone, with a word to its user; the server keeps running.
		if r := recover(); r != nil {
			stop()
			cancel()
			s.failed(sess, r)
			p = nil
		}
	}()
	m := ui.New(withContext(opts, ctx))
	// The server process handles signals (goodbye, then stop); a program
	// listening too would be interrupted by the server's own Ctrl+C.
	// The mouse escape codes go to the session's own terminal (its
	// output is sess), as the server's setting says (opts.Mouse).
	progOpts := append([]tea.ProgramOption{tea.WithInput(in), tea.WithOutput(sess), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler(), tea.WithFilter(s.checkInput(se))},
		ui.MouseOptions(opts.Mouse)...)
	se.program = tea.NewProgram(m, progOpts...)
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

// Sessions is the number of live dashboards.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}
