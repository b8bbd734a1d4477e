//go:build unix

package localapi

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// The state file and the token file the local API keeps are refused at
// once when they are FIFOs, whatever their mode (a 0644 FIFO used to be
// refused for its permissions, a 0600 one hung the start for good).
func TestStartRefusesFIFOs(t *testing.T) {
	for _, which := range []string{"data", "token"} {
		for _, mode := range []uint32{0o600, 0o644} {
			dir := t.TempDir()
			cfg := Config{Listen: "127.0.0.1:0", DataFile: filepath.Join(dir, "api.json"), TokenFile: filepath.Join(dir, "api.token")}
			fifo := cfg.DataFile
			if which == "token" {
				fifo = cfg.TokenFile
			}
			if err := syscall.Mkfifo(fifo, mode); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			if err := syscall.Chmod(fifo, mode); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				s, err := Start(cfg)
				if err == nil {
					s.Shutdown(time.Second)
				}
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, safefile.ErrNotRegular) || !strings.Contains(err.Error(), fifo+" holds ") ||
					!strings.Contains(err.Error(), "it is a named pipe (FIFO), not a regular file") {
					t.Errorf("%s file, mode %#o: %v", which, mode, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s file, mode %#o: Start still blocked after 10 s", which, mode)
			}
		}
	}
}
