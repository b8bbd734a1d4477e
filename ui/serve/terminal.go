package serve

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// DefaultTermQueryTimeout is how long a session waits for its terminal to
// say what its background colour is. A terminal answers in a round trip;
// one that never does (a script, a bare pipe, some multiplexers) gets a
// dark background after this.
const DefaultTermQueryTimeout = 2 * time.Second

// sessionInput is a session's input as its dashboard reads it. One
// goroutine reads the session; the background query and then the Bubble
// Tea program take what it read. A read from an SSH channel cannot be
// given a deadline or cancelled: this is how the query can stop waiting
// without losing, or stealing, what the user types.
type sessionInput struct {
	chunks chan []byte
	// err is why chunks was closed; read only after it was.
	err  error
	done <-chan struct{}
	// rest is the unread part of the current chunk; Read and the query
	// run on the same goroutine, one after the other.
	rest []byte
	// expect: the terminal's replies to the query have not all come
	// yet; when they do, late, they are taken out of the input rather
	// than typed into the dashboard.
	expect bool
}

// newSessionInput starts reading r until it fails or ctx ends.
func newSessionInput(ctx context.Context, r io.Reader) *sessionInput {
	in := &sessionInput{chunks: make(chan []byte, 16), done: ctx.Done()}
	go in.pump(r)
	return in
}

func (in *sessionInput) pump(r io.Reader) {
	defer close(in.chunks)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			select {
			case in.chunks <- bytes.Clone(buf[:n]):
			case <-in.done:
				return
			}
		}
		if err != nil {
			in.err = err
			return
		}
	}
}

// Read gives what the session sent, less late replies to the query.
func (in *sessionInput) Read(p []byte) (int, error) {
	for len(in.rest) == 0 {
		select {
		case c, ok := <-in.chunks:
			if !ok {
				if in.err != nil {
					return 0, in.err
				}
				return 0, io.EOF
			}
			if in.expect {
				var r replies
				c, r = cutReplies(c)
				if r.da1 {
					in.expect = false
				}
			}
			in.rest = c
		case <-in.done:
			return 0, io.EOF
		}
	}
	n := copy(p, in.rest)
	in.rest = in.rest[n:]
	return n, nil
}

// queryBackground asks the terminal for its background colour, then for
// its device attributes, which every terminal answers, so the second
// answer says the first will not come. It waits at most timeout; what
// the user typed meanwhile is kept for the dashboard. It reports whether
// the background is dark (dark if unknown) and whether the terminal said.
func (in *sessionInput) queryBackground(w io.Writer, timeout time.Duration) (dark, answered bool) {
	if _, err := io.WriteString(w, ansi.RequestBackgroundColor+ansi.RequestPrimaryDeviceAttributes); err != nil {
		return true, false
	}
	in.expect = true
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var buf []byte
	for {
		select {
		case c, ok := <-in.chunks:
			if !ok {
				in.rest, _ = cutReplies(buf)
				return true, false
			}
			buf = append(buf, c...)
			rest, r := cutReplies(buf)
			if r.da1 || r.haveBG {
				in.rest = rest
				in.expect = !r.da1
				if r.haveBG {
					return r.dark, true
				}
				return true, false
			}
		case <-timer.C:
			in.rest, _ = cutReplies(buf)
			return true, false
		case <-in.done:
			return true, false
		}
	}
}

// replies is what cutReplies found.
type replies struct {
	haveBG, dark bool
	da1          bool
}

// cutReplies takes the complete answers to the background query (OSC 11)
// and the device attributes query (DA1) out of b, and says what they
// were. Everything else stays, in order; an answer cut short stays too.
func cutReplies(b []byte) ([]byte, replies) {
	var r replies
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == ansi.ESC && i+1 < len(b) {
			if rest := b[i:]; len(rest) >= 5 && string(rest[:5]) == "\x1b]11;" {
				if end, n := oscEnd(rest); end > 0 {
					if d, ok := darkColor(string(rest[5:end])); ok {
						r.haveBG, r.dark = true, d
					}
					i += end + n
					continue
				}
			}
			if b[i+1] == '[' && i+2 < len(b) && b[i+2] == '?' {
				j := i + 3
				for j < len(b) && (b[j] == ';' || b[j] >= '0' && b[j] <= '9') {
					j++
				}
				if j < len(b) && b[j] == 'c' {
					r.da1 = true
					i = j + 1
					continue
				}
			}
		}
		out = append(out, b[i])
		i++
	}
	return out, r
}

// oscEnd is where the OSC sequence s ends (its BEL or ST) and the length
// of the terminator; 0 if it does not end in s.
func oscEnd(s []byte) (int, int) {
	for j := 2; j < len(s); j++ {
		switch {
		case s[j] == ansi.BEL:
			return j, 1
		case s[j] == ansi.ESC && j+1 < len(s) && s[j+1] == '\\':
			return j, 2
		case s[j] == ansi.ESC:
			return 0, 0
		}
	}
	return 0, 0
}

// darkColor reads an X11 colour spec, rgb:R/G/B or rgba:R/G/B/A with 1 to
// 4 hex digits each, and reports whether it is dark (HSL lightness under
// one half, as wish decides).
func darkColor(spec string) (dark, ok bool) {
	var parts []string
	switch {
	case strings.HasPrefix(spec, "rgb:"):
		parts = strings.Split(spec[4:], "/")
	case strings.HasPrefix(spec, "rgba:"):
		parts = strings.Split(spec[5:], "/")
		if len(parts) == 4 {
			parts = parts[:3]
		}
	}
	if len(parts) != 3 {
		return false, false
	}
	lo, hi := 1.0, 0.0
	for _, p := range parts {
		if len(p) < 1 || len(p) > 4 {
			return false, false
		}
		v, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return false, false
		}
		f := float64(v) / float64(uint64(1)<<(4*len(p))-1)
		lo, hi = min(lo, f), max(hi, f)
	}
	return (lo+hi)/2 < 0.5, true
}

// sshEnviron is a session's environment, for termenv.
type sshEnviron []string

func (e sshEnviron) Environ() []string { return e }

func (e sshEnviron) Getenv(k string) string {
	for _, v := range e {
		if strings.HasPrefix(v, k+"=") {
			return v[len(k)+1:]
		}
	}
	return ""
}

// sessionEnv is the session's environment as its terminal sees it: what
// the client sent, and TERM from its pty request, which is where an SSH
// client names the terminal.
func sessionEnv(sess ssh.Session) sshEnviron {
	pty, _, _ := sess.Pty()
	return sshEnviron(append(sess.Environ(), "TERM="+pty.Term))
}

// renderer makes a session's renderer: the colours its terminal takes
// (TERM and the session's COLORTERM and NO_COLOR) and whether its
// background is dark: ThemeMode if the server sets one, else what the
// terminal answers within TermQueryTimeout, else dark. wish's MakeRenderer
// asks too, but waits for the answer for as long as the client stays
// silent, and keeps what is typed meanwhile.
func (s *Server) renderer(sess ssh.Session, in *sessionInput) (r *lipgloss.Renderer, background string) {
	pty, _, _ := sess.Pty()
	if pty.Term == "" || pty.Term == "dumb" {
		return lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii)), "none (no colours)"
	}
	env := sessionEnv(sess)
	r = lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	switch {
	case s.cfg.ThemeMode == "dark" || s.cfg.ThemeMode == "light":
		r.SetHasDarkBackground(s.cfg.ThemeMode == "dark")
		return r, s.cfg.ThemeMode + " (theme.mode)"
	case r.ColorProfile() == termenv.Ascii:
		// No colours (NO_COLOR): nothing to ask.
		r.SetHasDarkBackground(true)
		return r, "none (no colours)"
	}
	dark, answered := in.queryBackground(sess, s.cfg.TermQueryTimeout)
	// Set either way: lipgloss would otherwise ask the terminal itself,
	// later, from inside a frame.
	r.SetHasDarkBackground(dark)
	switch {
	case !answered:
		return r, "dark (the terminal did not say)"
	case dark:
		return r, "dark"
	}
	return r, "light"
}
