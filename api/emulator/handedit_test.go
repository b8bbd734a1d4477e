package emulator

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// billingProtected and billingOpen are the demo seed's billing group
// with and without delete protection, as the state file has them: a
// hand edit that keeps the file's generation.
const (
	billingProtected = `"locations":["aws-us-west-2"],"archived":false,"delete_protection":true`
	billingOpen      = `"locations":["aws-us-west-2"],"archived":false,"delete_protection":false`
)

// handEdit turns billing's delete protection off in the file, as an
// editor would: in place, the generation untouched.
func handEdit(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(billingProtected)) {
		t.Fatalf("the file has no protected billing group:\n%.300s", data)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(bytes.Replace(data, []byte(billingProtected), []byte(billingOpen), 1)); err != nil {
		t.Fatal(err)
	}
}

// A hand edit of the state file made while the local API runs is taken
// in (reloaded) by the next request, and the next write is made on top of
// it: it used to be written over, since the file's generation was
// unchanged.
func TestHandEditIsReloadedNotOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, st := openFileAPI(t, path, SeedDemo)
	handEdit(t, path)
	a.do("POST", "/v1/groups", `{"name":"after-edit","location":"lhr"}`).expect(t, 200)
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte(billingOpen)) || !bytes.Contains(data, []byte(`"after-edit"`)) {
		t.Fatalf("the hand edit or the write is missing from the file:\n%.300s", data)
	}
	if g, _ := st.Group(DemoOrg, "billing"); g.DeleteProtection {
		t.Error("the store did not take in the hand edit")
	}
	// And reads see it too, without any write, once the write's flusher
	// has let go of the file: while it holds the lock no other Store can
	// write, and reads skip the check (an editor is not that quick).
	waitFlushed(st)
	handEditBack := bytes.Replace(data, []byte(billingOpen), []byte(billingProtected), 1)
	if err := os.WriteFile(path, handEditBack, 0o600); err != nil {
		t.Fatal(err)
	}
	if !a.do("GET", "/v1/groups/billing", "").expect(t, 200).group(t).DeleteProtection {
		t.Error("a read did not see the hand edit")
	}
}

// A hand edit that lands while a write is under way (after the store read
// the file under its lock, before it writes it) makes that write fail,
// saying why; the file keeps the edit, and the next write builds on it.
func TestHandEditDuringAWriteRefusesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, st := openFileAPI(t, path, SeedDemo)
	err := st.update(func(s *state) error {
		handEdit(t, path)
		return nil
	})
	if !errors.Is(err, ErrChangedOnDisk) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "left as it is") {
		t.Fatalf("err = %v, want ErrChangedOnDisk naming the file", err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte(billingOpen)) {
		t.Fatal("the hand edit was written over")
	}
	a.do("POST", "/v1/groups", `{"name":"after-edit","location":"lhr"}`).expect(t, 200)
	data, _ = os.ReadFile(path)
	if !bytes.Contains(data, []byte(billingOpen)) || !bytes.Contains(data, []byte(`"after-edit"`)) {
		t.Fatalf("the next write lost the hand edit or itself:\n%.300s", data)
	}
}

// A state file reached through a symlink stays one: writes replace the
// file it points to, which keeps its permissions. A link to a file that
// does not exist yet creates that file.
func TestSymlinkedStateFileStaysALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "state.json")
	link := filepath.Join(dir, "link.json")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("real", "state.json"), link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	a, _ := openFileAPI(t, link, SeedDemo) // creates real through the dangling link
	if runtime.GOOS != "windows" {
		if err := os.Chmod(real, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	a.do("POST", "/v1/groups", `{"name":"through-link","location":"lhr"}`).expect(t, 200)
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	data, err := os.ReadFile(real)
	if err != nil || !bytes.Contains(data, []byte(`"through-link"`)) {
		t.Fatalf("the write did not reach the link's target: %v", err)
	}
	if fi, _ := os.Stat(real); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("the target's mode became %v, want 0700 as it was", fi.Mode().Perm())
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".link.json*")); len(m) != 0 {
		t.Errorf("temp files beside the link: %v", m)
	}
}

// A state file its owner made read-only (chmod 400) is read, and every
// change is refused with a message that says why and how to allow it; the
// file is neither changed nor made writable.
func TestReadOnlyStateFileRefusesWrites(t *testing.T) {
	// The check is ours, not the kernel's: it holds for root too.
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	a, _ := openFileAPI(t, path, SeedDemo)
	a.do("GET", "/v1/groups/default", "").expect(t, 200)
	e := a.do("POST", "/v1/groups", `{"name":"refused","location":"lhr"}`).expect(t, 500).errorOf(t)
	for _, want := range []string{path, "read-only", "mode 0400", "chmod u+w " + path} {
		if !strings.Contains(e.Error, want) {
			t.Errorf("500 message %q does not say %q", e.Error, want)
		}
	}
	after, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if !bytes.Equal(before, after) || fi.Mode().Perm() != 0o400 {
		t.Errorf("the read-only file was changed (mode %v)", fi.Mode().Perm())
	}
}

// waitFlushed waits until st's flusher has written everything and
// released the file lock.
func waitFlushed(st *Store) {
	st.wmu.Lock()
	flushed := st.flushed
	st.wmu.Unlock()
	if flushed != nil {
		<-flushed
	}
}
