package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// overlay is a component drawn instead of the body while it is open, and
// given every key: the form host, the token dialog, a notice, the help.
// Its Update reports when it has closed; the root then takes it off the
// focus stack.
type overlay interface {
	Update(msg tea.Msg) (cmd tea.Cmd, closed bool)
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
}

// focusStack is what is open over the list or the detail, the latest on
// top: the top has the focus, and the ones below wait for it to close (a
// notice of a recovered panic behind an open form; a form reopened with
// its error over the help). An empty stack leaves the keys to the list or
// the detail.
//
// It also keeps drafts: what the user typed into a form they left
// without sending, by action, so that the next form of that action
// starts from it.
type focusStack struct {
	open   []overlay
	drafts map[*action]*formValues
}

// top is the overlay with the focus, or nil.
func (s *focusStack) top() overlay {
	if len(s.open) == 0 {
		return nil
	}
	return s.open[len(s.open)-1]
}

// push opens o over what is open.
func (s *focusStack) push(o overlay) { s.open = append(s.open, o) }

// pushUnder opens o beneath what is open: it shows when they close.
func (s *focusStack) pushUnder(o overlay) { s.open = slices.Insert(s.open, 0, o) }

// remove closes o wherever it is.
func (s *focusStack) remove(o overlay) {
	s.open = slices.DeleteFunc(s.open, func(x overlay) bool { return x == o })
}

// clear closes everything.
func (s *focusStack) clear() { s.open = nil }

// SetSize gives every open overlay the body's w x h cells.
func (s *focusStack) SetSize(w, h int) {
	for _, o := range s.open {
		o.SetSize(w, h)
	}
}

// form is the open form, on top or not, or nil: huh's own messages go to
// it wherever it is.
func (s *focusStack) form() *formState { return find[*formState](s) }

// tokenDialog is the open token dialog, or nil.
func (s *focusStack) tokenDialog() *tokenDialog { return find[*tokenDialog](s) }

// notice is the open notice, or nil.
func (s *focusStack) notice() *notice { return find[*notice](s) }

// help is the open help, or nil.
func (s *focusStack) help() *helpView { return find[*helpView](s) }

// find is the latest open overlay of type T.
func find[T overlay](s *focusStack) T {
	for i := len(s.open) - 1; i >= 0; i-- {
		if o, ok := s.open[i].(T); ok {
			return o
		}
	}
	var zero T
	return zero
}

// draft is what was typed into a form of a left unsent, or nil.
func (s *focusStack) draft(a *action) *formValues { return s.drafts[a] }

// keepDraft remembers v as a's draft; nil forgets it.
func (s *focusStack) keepDraft(a *action, v *formValues) {
	if v == nil {
		delete(s.drafts, a)
		return
	}
	if s.drafts == nil {
		s.drafts = map[*action]*formValues{}
	}
	s.drafts[a] = v
}
