//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a FIFO at path (and its directory).
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	return path
}

// within runs f and fails the test if it has not returned after d: a FIFO
// opened for reading blocks until a writer comes, here never.
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("still blocked after %s", d)
		return nil
	}
}

// Every file the settings are read from is refused if it is a FIFO, at
// once and with a message naming it, instead of hanging the program.
func TestFIFOSettingsFilesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *home) []string
	}{
		{"--config", func(h *home) []string {
			return []string{"--config", mkfifo(t, filepath.Join(h.dir, "fifo.toml"))}
		}},
		{"the default config file", func(h *home) []string { mkfifo(t, h.configPath(t)); return nil }},
		{"the turso CLI's settings.json", func(h *home) []string {
			p, err := CLISettingsPath(h.Env())
			if err != nil {
				t.Fatal(err)
			}
			mkfifo(t, p)
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t)
			args := tc.setup(h)
			err := within(t, 10*time.Second, func() error {
				_, err := Resolve(flags(t, args...), h.Env(), vocab)
				return err
			})
			var ce *Error
			if !errors.As(err, &ce) || ce.File == "" || !strings.Contains(err.Error(), ce.File+": ") ||
				!strings.Contains(err.Error(), "it is a named pipe (FIFO), not a regular file") {
				t.Fatalf("err = %v, want a usage error naming the FIFO", err)
			}
		})
	}
}

// The debug log is written, not read, but opening a FIFO to write blocks
// just the same until a reader comes.
func TestFIFOLogFileIsRefused(t *testing.T) {
	h := newHome(t)
	fifo := mkfifo(t, filepath.Join(h.dir, "log.fifo"))
	s := resolve(t, h, "--debug", "--log-file", fifo)
	err := within(t, 10*time.Second, func() error {
		_, c, err := NewLogger(s)
		if err == nil {
			c.Close()
		}
		return err
	})
	if err == nil || !strings.Contains(err.Error(), fifo+": cannot open the debug log: it is a named pipe (FIFO), not a regular file") {
		t.Fatalf("err = %v", err)
	}
}

// A directory or a device given as the config file is refused by name
// too, rather than read (a device such as /dev/zero would be read up to
// the size limit).
func TestConfigFileMustBeRegular(t *testing.T) {
	h := newHome(t)
	for path, kind := range map[string]string{h.dir: "a directory", "/dev/zero": "a character device"} {
		e := resolveErr(t, h, "--config", path)
		mustContain(t, e.Error(), path+": cannot read the config file: it is "+kind+", not a regular file")
	}
}
