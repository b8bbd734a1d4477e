package serve

import "testing"

// TestTokenCopyWordsFollowTheClientsTerminal: the dashboard says it copied
// a token only to a session whose terminal (TERM from the client's pty
// request) is known to take OSC 52, whatever the server's own terminal.
func TestTokenCopyWordsFollowTheClientsTerminal(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	for _, c := range []struct{ term, want string }{
		{"xterm-kitty", "Sent the token to the terminal's clipboard"},
		{"xterm-256color", "which your terminal may not support"},
	} {
		tm := s.open(t, f.full, c.term)
		tm.waitLoaded()
		tm.typeKeys("t")
		tm.waitFor(0, "Create a group token")
		mark := tm.mark()
		tm.typeKeys("\r\r\r")
		tm.waitFor(mark, "shown once")
		mark = tm.mark()
		tm.typeKeys("c")
		tm.waitFor(mark, c.want)
		tm.close()
	}
}
