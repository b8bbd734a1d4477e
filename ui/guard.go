package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/redact"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// maxInternalErrLen bounds the panic message shown on screen; the whole
// of it goes to the debug log.
const maxInternalErrLen = 300

// Update routes keys to what has focus and messages to their owner.
//
// A panic on the way is recovered: Bubble Tea would otherwise end the
// program (and with it an SSH session) and print the panic, which may
// quote a token, to the process's stdout. The dashboard says instead, in
// plain words, that something went wrong, and keeps running.
func (m *Model) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			// Bubble Tea carries on with the model returned: it must
			// not be the nil of an unfinished return.
			model, cmd = m, m.recovered(r, false)
		}
	}()
	m.noteInternal(msg)
	if _, tick := msg.(spinner.TickMsg); tick && m.memo.valid && !m.memo.spins {
		// A turn of the spinner changes the footer's frame and nothing
		// else: no layout, no body to draw again. While loading, a
		// session gets 12 a second.
		return m.update(msg)
	}
	m.memo.valid = false
	model, cmd = m.update(msg)
	if m.relayout() {
		// Content that took or gave back rows (a warning in the header)
		// changes what the open form may draw in, as a resize does.
		cmd = tea.Batch(cmd, m.resizeForm())
	}
	if more := m.afterMsg(); more != nil {
		cmd = tea.Batch(cmd, more)
	}
	return model, cmd
}

// View draws the screen from the model and changes none of it: the sizes
// it draws at are kept by relayout. It does no I/O, sorting or work
// proportional to the number of groups: only the visible rows are drawn.
//
// A panic while drawing is recovered as in Update. The screen that
// panicked cannot be drawn again, so what may be broken (a form, a
// dialog, the detail view) is closed, and this frame says what happened.
func (m *Model) View() (v string) {
	defer func() {
		if r := recover(); r != nil {
			m.recovered(r, true)
			v = m.viewInternalError()
		}
	}()
	return m.view()
}

// recovered records a panic: redacted, its message goes on the model and
// on screen, and its stack to the log (once per distinct message, since a
// broken view would otherwise log every frame).
func (m *Model) recovered(r any, inView bool) tea.Cmd {
	msg := m.redact(panicText(r))
	if msg != m.internalErr {
		m.log.Error("internal error: recovered from a panic", "in", map[bool]string{true: "view", false: "update"}[inView],
			"panic", msg, "stack", m.redact(string(debug.Stack())))
	}
	m.internalErr = msg
	if inView {
		m.focus.clear()
		m.screen = screenList
		if m.list.filtering {
			m.list.filtering = false
			m.list.filter.Blur()
		}
	}
	if old := m.focus.notice(); old != nil {
		m.focus.remove(old) // one notice of what went wrong, the latest
	}
	n := newNotice(m.common, "Something went wrong", m.internalErrMsg()+"\n\n"+m.internalErrAdvice())
	if m.focus.form() != nil || m.focus.tokenDialog() != nil {
		// The notice waits behind what is open (a form with what the
		// user typed, a token shown once); the footer says it now.
		m.focus.pushUnder(n)
		return m.showBackgroundToast(toastError, m.internalErrText())
	}
	m.focus.push(n)
	return nil
}

// panicText is the message of a panic value, even one whose Error or
// String method panics in turn.
func panicText(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("a panic of type %T", r)
		}
	}()
	return fmt.Sprint(r)
}

// redact removes the client's token, and anything shaped like a token, from
// s.
func (m *Model) redact(s string) string { return redactWith(m.sess.client, s) }

// internalErrText is what the user is told about the last internal error.
func (m *Model) internalErrText() string {
	return "Something went wrong: " + m.internalErrMsg() + " " + m.internalErrAdvice()
}

// internalErrMsg is the last internal error's message, as a sentence.
func (m *Model) internalErrMsg() string {
	s := strings.TrimSuffix(text.Truncate(text.Sanitize(m.internalErr), maxInternalErrLen), ".")
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s + "."
}

// internalErrAdvice says where to find out more.
func (m *Model) internalErrAdvice() string {
	if !m.log.Enabled(context.Background(), slog.LevelError) {
		return "The dashboard keeps running; run with --debug to record the details."
	}
	return "The dashboard keeps running; details are in the debug log."
}

// viewInternalError is the frame drawn when View panicked: the message
// alone, which needs nothing that could have broken.
func (m *Model) viewInternalError() string {
	w, h := m.width, m.height
	body := ansi.Wrap(m.internalErrText(), max(w-2, 10), "") + "\n\nPress any key to go on; ctrl+c quits."
	return fitScreen(indent(body, 1), w, h)
}

// internalError is a panic in an API call, turned into the call's error:
// those run on a command's goroutine, where a panic would end the
// program, or an SSH server with every session on it. The change fails
// like any other, with this error; Update logs the stack. The loads
// (package api/cache) do the same with a cache.PanicError, since theirs
// may run on the shared cache's goroutine.
type internalError struct {
	msg, stack string // redacted
}

func (e *internalError) Error() string { return "internal error: " + e.msg }

// onPanic, deferred, hands fail an internalError for a panic, with the
// token and anything shaped like one removed from its message and stack.
func onPanic(c *api.Client, fail func(error)) {
	if r := recover(); r != nil {
		fail(&internalError{msg: redactWith(c, panicText(r)), stack: redactWith(c, string(debug.Stack()))})
	}
}

func redactWith(c *api.Client, s string) string {
	if c != nil {
		s = c.Redact(s)
	}
	return redact.String(s)
}

// noteInternal logs and records an internalError, or a load's
// cache.PanicError, that msg carries.
func (m *Model) noteInternal(msg tea.Msg) {
	var errs []error
	switch msg := msg.(type) {
	case groupsLoadedMsg:
		if msg.data != nil {
			errs = []error{msg.data.Err}
		}
	case databasesLoadedMsg:
		if msg.data != nil {
			errs = []error{msg.data.Err}
		}
	case locationsLoadedMsg:
		errs = []error{msg.err}
	case tokenValidatedMsg:
		errs = []error{msg.err}
	case orgsLoadedMsg:
		errs = []error{msg.err}
	case opDoneMsg:
		errs = []error{msg.err}
	}
	for _, err := range errs {
		var ie *internalError
		var pe *cache.PanicError
		switch {
		case errors.As(err, &ie):
			m.notePanic(ie.msg, ie.stack)
		case errors.As(err, &pe):
			m.notePanic(pe.Msg, pe.Stack)
		}
	}
}

// notePanic logs and records a panic recovered in a command; msg and
// stack are redacted already.
func (m *Model) notePanic(msg, stack string) {
	m.log.Error("internal error: recovered from a panic", "in", "command", "panic", msg, "stack", stack)
	m.internalErr = msg
}
