package ui

import (
	"context"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestRunEndsQuietlyWhenItsContextEnds: SIGTERM cancels the context Run
// was given; that is a normal end, not an error to print and exit 1 on.
func TestRunEndsQuietlyWhenItsContextEnds(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, h.m.opts, tea.WithInput(nil), tea.WithOutput(io.Discard)) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run ended with %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end after its context did")
	}
}
