package main

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// ptyScreen is a program running in a pseudo-terminal, and everything it
// printed so far.
type ptyScreen struct {
	mu  sync.Mutex
	buf bytes.Buffer
	in  interface{ Write([]byte) (int, error) }
}

func runInPTY(t *testing.T, cmd *exec.Cmd, cols, rows uint16) *ptyScreen {
	t.Helper()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	s := &ptyScreen{in: f}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			chunk := b[:n]
			// Answer the queries a real terminal answers (background
			// colour, cursor position); without an answer the program
			// waits for termenv's timeout.
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				f.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"))
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				f.Write([]byte("\x1b[1;1R"))
			}
			s.mu.Lock()
			s.buf.Write(chunk)
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		f.Close()
	})
	return s
}

// text is the output so far without escape sequences.
func (s *ptyScreen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(s.buf.String())
}

func (s *ptyScreen) send(keys string) { s.in.Write([]byte(keys)) }

// waitFor waits until every want has appeared in the output.
func (s *ptyScreen) waitFor(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out := s.text()
		all := true
		for _, w := range want {
			all = all && strings.Contains(out, w)
		}
		if all {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("waited 10s for %q; the screen showed:\n%s", want, s.text())
}

func waitExit(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		return <-done
	}
}
