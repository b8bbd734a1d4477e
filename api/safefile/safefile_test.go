package safefile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRegularFilesOpen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(p, link); err != nil {
		t.Skipf("this system makes no symlinks: %v", err)
	}
	for _, path := range []string{p, link} {
		if b, err := ReadFile(path, 5); err != nil || string(b) != "hello" {
			t.Errorf("ReadFile(%s) = %q, %v", path, b, err)
		}
		if err := Check(path); err != nil {
			t.Errorf("Check(%s) = %v", path, err)
		}
	}
	if _, err := ReadFile(p, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile over the limit: %v", err)
	}
	if err := Check(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("Check of a missing file: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

func TestNotRegularIsRefused(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{dir: "a directory"}
	if runtime.GOOS != "windows" {
		cases["/dev/null"] = "a character device"
		sock := filepath.Join(dir, "s")
		ln, err := net.Listen("unix", sock)
		if err == nil {
			t.Cleanup(func() { ln.Close() })
			cases[sock] = "a socket"
		}
	}
	for path, kind := range cases {
		for name, open := range map[string]func() error{
			"Check":    func() error { return Check(path) },
			"Open":     func() error { f, err := Open(path); closeIf(f); return err },
			"ReadFile": func() error { _, err := ReadFile(path, 10); return err },
		} {
			err := open()
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), path+": it is "+kind+", not a regular file") {
				t.Errorf("%s(%s) = %v", name, path, err)
			}
		}
	}
}

func closeIf(f *os.File) {
	if f != nil {
		f.Close()
	}
}
