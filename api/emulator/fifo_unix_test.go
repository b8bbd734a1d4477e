//go:build unix

package emulator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// within runs f and fails the test if it has not returned after d.
func within[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still blocked after %s", d)
		panic("unreachable")
	}
}

// mkfifo makes a FIFO at path. If a test fails because something is
// blocked opening it, opening it for writing at the end lets that open
// return, so that the test's cleanup (closing the store) can finish.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NONBLOCK, 0); err == nil {
			time.Sleep(100 * time.Millisecond)
			f.Close()
		}
	})
}

// A FIFO as the state file is refused at once, naming it, instead of
// blocking in open until a writer comes.
func TestFIFOStateFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	mkfifo(t, path)
	err := within(t, 10*time.Second, func() error {
		st, err := OpenStore(path, SeedDemo, 0)
		if err == nil {
			st.Close()
		}
		return err
	})
	if !errors.Is(err, safefile.ErrNotRegular) || err.Error() != "unusable local API state file "+path+": it is a named pipe (FIFO), not a regular file" {
		t.Fatalf("err = %v", err)
	}
}

// A state file replaced by a FIFO while the store runs: reads and writes
// fail (500, naming the file) instead of hanging the request.
func TestStateFileBecomesFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, _ := openFileAPI(t, path, SeedDemo)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, path)
	for _, req := range [][3]string{{"GET", "/v1/groups", ""}, {"POST", "/v1/groups", `{"name":"x","location":"lhr"}`}} {
		e := within(t, 10*time.Second, func() errorBody { return a.do(req[0], req[1], req[2]).expect(t, 500).errorOf(t) })
		if !strings.Contains(e.Error, path+": it is a named pipe (FIFO), not a regular file") {
			t.Errorf("%s %s: %q", req[0], req[1], e.Error)
		}
	}
}
