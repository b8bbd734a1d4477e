package serve

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

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
