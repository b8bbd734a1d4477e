//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO with no writer is refused at once, however it is opened: for
// reading, and for writing (the debug log), which would block too.
func TestFIFOIsRefusedWithoutBlocking(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("this system makes no FIFOs: %v", err)
	}
	for name, open := range map[string]func() error{
		"Open":     func() error { f, err := Open(fifo); closeIf(f); return err },
		"ReadFile": func() error { _, err := ReadFile(fifo, 10); return err },
		"OpenFile for appending": func() error {
			f, err := OpenFile(fifo, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			closeIf(f)
			return err
		},
	} {
		done := make(chan error, 1)
		go func() { done <- open() }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) || err.Error() != "open "+fifo+": it is a named pipe (FIFO), not a regular file" {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s of a FIFO still blocked after 10 s", name)
		}
	}
}
