//go:build unix

package listcache

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFileModeAndNoToken: the file is 0600 in a 0700 directory and holds
// no credential, not even one in the API URL.
func TestFileModeAndNoToken(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "cache", "turso-groups")
	s := New(dir)
	apiURL := "https://user:" + token + "@api.turso.tech/?token=" + token + "#" + token
	if err := s.Save(apiURL, "demo", someGroups(3), time.Now()); err != nil {
		t.Fatal(err)
	}
	path := s.Path(apiURL, "demo")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", di.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, ent := range entries {
		b, err := os.ReadFile(filepath.Join(dir, ent.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{token, "secret-token", "user:"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q:\n%s", ent.Name(), secret, b)
			}
		}
	}
	if len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary file left)", len(entries))
	}
	// The list is found again under the same URL.
	if _, err := s.Load(apiURL, "demo"); err != nil {
		t.Errorf("Load: %v", err)
	}
}

// TestOddFilesIgnored: whatever is at the file's path that is not a list
// we wrote is refused with ErrIgnored, quickly, without blocking.
func TestOddFilesIgnored(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	path := s.Path(testURL, "demo")
	good := filepath.Join(t.TempDir(), "good.json")
	other := New(filepath.Dir(good))
	if err := other.Save(testURL, "demo", someGroups(2), time.Now()); err != nil {
		t.Fatal(err)
	}
	goodBytes, _ := os.ReadFile(other.Path(testURL, "demo"))
	cases := map[string]func(t *testing.T){
		"corrupt":  func(t *testing.T) { write(t, path, goodBytes[:len(goodBytes)/2]) },
		"not json": func(t *testing.T) { write(t, path, []byte("\x00\x01garbage")) },
		"null":     func(t *testing.T) { write(t, path, []byte("null")) },
		"other org": func(t *testing.T) {
			write(t, path, bytes.Replace(goodBytes, []byte(`"org":"demo"`), []byte(`"org":"evil"`), 1))
		},
		"other format": func(t *testing.T) {
			write(t, path, bytes.Replace(goodBytes, []byte(`"format":2`), []byte(`"format":99`), 1))
		},
		"oversized": func(t *testing.T) {
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(MaxSize + 1); err != nil {
				t.Fatal(err)
			}
		},
		"symlink": func(t *testing.T) {
			if err := os.Symlink(other.Path(testURL, "demo"), path); err != nil {
				t.Fatal(err)
			}
		},
		"fifo": func(t *testing.T) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("mkfifo:", err)
			}
		},
		"directory": func(t *testing.T) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		},
		"another owner": func(t *testing.T) {
			write(t, path, goodBytes)
			if err := os.Chown(path, 65534, 65534); err != nil {
				t.Skip("chown needs root:", err)
			}
		},
		"writable by others": func(t *testing.T) {
			write(t, path, goodBytes)
			if err := os.Chmod(path, 0o666); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			os.RemoveAll(path)
			setup(t)
			done := make(chan error, 1)
			go func() {
				_, err := s.Load(testURL, "demo")
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrIgnored) {
					t.Errorf("Load: %v, want ErrIgnored", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Load blocked")
			}
		})
	}
	// The good file itself, copied in place with its mode, is used.
	os.RemoveAll(path)
	write(t, path, goodBytes)
	if _, err := s.Load(testURL, "demo"); err != nil {
		t.Errorf("a good file: %v", err)
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
