package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

func newTestStatusBar(w int, in statusInput) *statusBar {
	s := newStatusBar(newCommon(Options{}))
	s.SetSize(w, in)
	return &s
}

// lines is the footer as drawn, checked against the Height it said.
func (s *statusBar) drawn(t *testing.T) []string {
	t.Helper()
	lines := strings.Split(s.View(), "\n")
	if len(lines) != s.Height() {
		t.Fatalf("Height %d, View drew %d lines:\n%s", s.Height(), len(lines), s.View())
	}
	return lines
}

func TestStatusBarToastExpiresByItsOwnTimer(t *testing.T) {
	s := newTestStatusBar(80, statusInput{})
	s.Show(toastInfo, "first", false)
	first := s.toast.id
	s.Show(toastSuccess, "second", false)
	// The first toast's timer fires after the second replaced it.
	if _, ok := s.Update(clearToastMsg{id: first}); !ok || s.toast.text != "second" {
		t.Fatalf("an old timer cleared the toast: %+v", s.toast)
	}
	s.Update(clearToastMsg{id: s.toast.id})
	if s.toast.text != "" {
		t.Errorf("the toast outlived its timer: %+v", s.toast)
	}
	if _, ok := s.Update(keyMsg("j")); ok {
		t.Error("the footer took a key")
	}
}

func TestStatusBarClearActionKeepsNewsAboutTheData(t *testing.T) {
	s := newTestStatusBar(80, statusInput{})
	s.Show(toastError, "Refresh failed", true)
	s.clearAction()
	if s.toast.text == "" {
		t.Error("a form opening cleared news about the data")
	}
	s.Show(toastSuccess, "Deleted x.", false)
	s.clearAction()
	if s.toast.text != "" {
		t.Error("a form opening kept the outcome of an earlier action")
	}
}

func TestStatusBarWrapsAMessage(t *testing.T) {
	long := "Could not delete: " + strings.Repeat("word ", 60)
	s := newTestStatusBar(60, statusInput{})
	s.Show(toastError, long, false)
	s.SetSize(60, statusInput{})
	lines := s.drawn(t)
	if len(lines) != maxStatusLines+1 {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), maxStatusLines+1, s.View())
	}
	if !strings.Contains(lines[0], "Could not delete") || !strings.HasSuffix(lines[maxStatusLines-1], "…") {
		t.Errorf("not wrapped, then cut at the last line:\n%s", s.View())
	}
	// Under a form, one line.
	s.SetSize(60, statusInput{underForm: true})
	if got := len(s.drawn(t)); got != 2 {
		t.Errorf("under a form: %d lines", got)
	}
}

func TestStatusBarInFlightAndKeys(t *testing.T) {
	keys := []key.Binding{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "explode"))}
	s := newTestStatusBar(80, statusInput{pending: "Deleting a… (+1 more)", keys: keys})
	frame := s.spinner.View()
	s.Show(toastInfo, "still in progress", false)
	s.SetSize(80, s.in)
	lines := s.drawn(t)
	if len(lines) != 3 || !strings.Contains(lines[0], frame+" Deleting a… (+1 more)") || !strings.Contains(lines[1], "still in progress") || !strings.Contains(lines[2], "x explode") {
		t.Errorf("footer:\n%s", s.View())
	}
	s = newTestStatusBar(80, statusInput{refreshing: true})
	if lines := s.drawn(t); !strings.Contains(lines[0], frame+" Refreshing…") {
		t.Errorf("refresh not shown:\n%s", s.View())
	}
	// Nothing to say still takes its line, so the body does not jump.
	s = newTestStatusBar(80, statusInput{})
	if got := len(s.drawn(t)); got != 2 {
		t.Errorf("idle footer: %d lines", got)
	}
}

func TestPendingSummaryIsSteady(t *testing.T) {
	if got := pendingSummary([]string{"Deleting b", "Deleting a", "Protecting c"}); got != "Deleting a… (+2 more)" {
		t.Errorf("got %q", got)
	}
}
