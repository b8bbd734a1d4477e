package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/ui/text"
)

type toastKind int

const (
	toastInfo toastKind = iota
	toastSuccess
	toastError
)

type toast struct {
	text string
	kind toastKind
	id   int
	// background marks news about the data (a failed refresh), as
	// opposed to the outcome of something the user did, which belongs to
	// the screen that caused it and goes when the next form opens.
	background bool
}

// statusBar is the footer component: the toast, which it owns (shown,
// replaced, expired by its own timer), above the keys that apply now.
// What is in flight and the keys come from the root, which alone knows
// them, through SetSize, so that View reads what Update kept. Its spinner
// turns while the root says there is work (spinner.TickMsg is the
// footer's), and the loading screen borrows its frame.
type statusBar struct {
	c       *common
	help    help.Model // styled once; SetSize sets its width
	spinner spinner.Model
	toast   toast
	width   int
	in      statusInput
	keys    []key.Binding // in.keys that fit the width, kept by SetSize
	// keysLine is their help line, drawn by SetSize: View runs on every
	// turn of the spinner, SetSize on every other message.
	keysLine string
	fitted   fittedKeys   // what keys and keysLine were fitted for
	lines    []statusLine // of the message, kept by SetSize
}

// statusInput is what the root tells the footer each time it lays out.
type statusInput struct {
	// pending names what is in flight ("" for nothing), drawn after the
	// spinner, as "Refreshing…" is.
	pending    string
	refreshing bool
	// underForm keeps the toast to one line: the form's own error is
	// above it, and the form needs its rows.
	underForm bool
	keys      []key.Binding
	// status is where the data comes from and how fresh it is ("demo ·
	// local · updated 20s ago"), drawn at the right when there is room.
	status string
}

func newStatusBar(c *common) statusBar {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.st.Spinner))
	return statusBar{c: c, help: newHelp(c.st), spinner: sp}
}

// Show displays a toast and returns the timer that clears it: an error
// stays longer, as it is read more slowly. background marks news about
// the data rather than the outcome of something the user did.
func (s *statusBar) Show(kind toastKind, msg string, background bool) tea.Cmd {
	s.toast = toast{text: msg, kind: kind, id: s.toast.id + 1, background: background}
	d := 4 * time.Second
	if kind == toastError {
		d = 10 * time.Second
	}
	return clearToastAfter(s.toast.id, d)
}

// clear removes the toast; its timer, when it fires, finds another id.
func (s *statusBar) clear() { s.toast = toast{id: s.toast.id} }

// clearAction removes the outcome of an earlier action: a form that
// opens is about something else, and would show it cut, as if it were
// its own.
func (s *statusBar) clearAction() {
	if !s.toast.background {
		s.clear()
	}
}

// clearBackground removes news about the data (a failed refresh): a new
// load is on its way, and will say so again if it fails too.
func (s *statusBar) clearBackground() {
	if s.toast.background {
		s.clear()
	}
}

// Update expires the toast its timer was set for, not a newer one, and
// turns the spinner, and reports whether msg was the footer's. The root
// only passes a tick on while there is work: the spinner then stops
// asking for more.
func (s *statusBar) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case clearToastMsg:
		if m.id == s.toast.id {
			s.clear()
		}
		return nil, true
	case spinner.TickMsg:
		var cmd tea.Cmd
		s.spinner, cmd = s.spinner.Update(m)
		if s.in.pending != "" || s.in.refreshing {
			// The lines hold the spinner's frame; the keys stay fitted.
			s.lines = s.status(s.width)
		}
		return cmd, true
	}
	return nil, false
}

// SetSize lays the footer out at width w with what the root says now;
// Height is then its lines.
func (s *statusBar) SetSize(w int, in statusInput) {
	s.width, s.in = w, in
	s.help.Width = max(w-2, 10)
	if s.fitted.same(in.keys, w) {
		// The same keys at the same width: fitting them draws the help
		// line up to once per key, a fifth of a keystroke's time.
		s.keys = in.keys[len(in.keys)-len(s.keys):]
	} else {
		var view string
		s.keys, view = fitShortHelp(s.help, in.keys, s.help.Width)
		if lipgloss.Width(view) > s.help.Width {
			view = s.help.ShortHelpView(s.keys) // cut with "…"
		}
		s.keysLine = text.Truncate(" "+view, w)
		s.fitted = fittedFor(in.keys, w)
	}
	s.lines = s.status(w)
}

// fittedKeys is what the footer's keys were fitted for: each key's help
// and whether it was enabled, and the width.
type fittedKeys struct {
	help  []key.Help
	on    []bool
	width int
}

func fittedFor(keys []key.Binding, w int) fittedKeys {
	f := fittedKeys{help: make([]key.Help, len(keys)), on: make([]bool, len(keys)), width: w}
	for i, k := range keys {
		f.help[i], f.on[i] = k.Help(), k.Enabled()
	}
	return f
}

func (f *fittedKeys) same(keys []key.Binding, w int) bool {
	if f.width != w || len(f.help) != len(keys) {
		return false
	}
	for i, k := range keys {
		if k.Help() != f.help[i] || k.Enabled() != f.on[i] {
			return false
		}
	}
	return true
}

// fitShortHelp drops keys from the front of keys until the rest fit in
// width: the root lists the moving keys first, which users know, and
// help and quit last, which must stay (the help lists what was dropped).
// It returns the keys' help line too, uncut: it was drawn to measure.
func fitShortHelp(h help.Model, keys []key.Binding, width int) ([]key.Binding, string) {
	h.Width = 0 // measured, not cut with "…"
	view := h.ShortHelpView(keys)
	for len(keys) > 2 && lipgloss.Width(view) > width {
		keys = keys[1:]
		view = h.ShortHelpView(keys)
	}
	return keys, view
}

// Height is the lines View draws: the message's and the keys'.
func (s *statusBar) Height() int { return len(s.lines) + 1 }

// maxStatusLines is how far a message in the footer may wrap.
const maxStatusLines = 3

// statusLine is a line of the footer's message, and its style (nil: drawn
// as it is).
type statusLine struct {
	text  string
	style *lipgloss.Style
	// right is drawn at the line's right end: where the data comes from
	// and how fresh it is.
	right string
}

// status is the footer's message at width w: what is in flight, and the
// last message, which it must not hide (a key pressed while a change is
// in flight says why it did nothing). SetSize keeps its lines, View
// draws them.
func (s *statusBar) status(w int) []statusLine {
	st := s.c.st
	var lines []statusLine
	switch {
	case s.in.pending != "":
		lines = append(lines, statusLine{text: s.spinner.View() + " " + s.in.pending})
	case s.in.refreshing:
		// Whatever else is said: r must show that it is working.
		lines = append(lines, statusLine{text: s.spinner.View() + st.Muted.Render(" Refreshing…")})
	}
	if s.toast.text != "" {
		style := st.Info
		switch s.toast.kind {
		case toastSuccess:
			style = st.Success
		case toastError:
			style = st.Error
		}
		msg := []string{s.toast.text}
		if !s.in.underForm {
			// Wrapped, not cut: what failed and what to do about it
			// come last. Under a form it is news from elsewhere (the
			// form's own error is above it): one line, so the form
			// keeps its rows.
			msg = strings.Split(ansi.Wrap(s.toast.text, max(w-1, 1), ""), "\n")
			if len(msg) > maxStatusLines {
				msg = append(msg[:maxStatusLines-1], strings.Join(msg[maxStatusLines-1:], " "))
			}
		}
		for _, l := range msg {
			lines = append(lines, statusLine{text: l, style: &style})
		}
	}
	if len(lines) == 0 {
		lines = append(lines, statusLine{})
	}
	// Where the data comes from and how fresh it is, on the first line
	// when the message leaves room for it, as gh-dash's footer does.
	if r := s.in.status; r != "" {
		if free := w - 2 - ansi.StringWidth(lines[0].text); free >= ansi.StringWidth(r)+3 {
			lines[0].right = r
		}
	}
	return lines
}

// View draws the message and the keys.
func (s *statusBar) View() string {
	w := s.width
	var b strings.Builder
	for _, l := range s.lines {
		line := l.text
		if l.style != nil {
			line = l.style.Render(line)
		}
		line = " " + line
		if l.right != "" {
			gap := max(w-1-ansi.StringWidth(line)-ansi.StringWidth(l.right), 1)
			line += strings.Repeat(" ", gap) + s.c.st.Muted.Render(l.right)
		}
		b.WriteString(text.Truncate(line, w) + "\n")
	}
	b.WriteString(s.keysLine)
	return b.String()
}
