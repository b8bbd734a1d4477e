package serve

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// A host key that anyone but its owner may read or write is refused, as
// OpenSSH refuses such a private key, naming the mode and the fix; a
// read-only one (0400) serves.
func TestHostKeyRefusedWhenOpen(t *testing.T) {
	f := newFixture(t, "")
	f.start(f.config()) // creates the key
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o606, 0o620} {
		if err := os.Chmod(f.hostKey, mode); err != nil {
			t.Fatal(err)
		}
		_, err := New(f.config())
		want := fmt.Sprintf("permissions %#o for host key %s are too open (chmod 600 %s)", mode, f.hostKey, f.hostKey)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("host key at %#o: %v; want %q", mode, err, want)
		}
	}
	if err := os.Chmod(f.hostKey, 0o400); err != nil {
		t.Fatal(err)
	}
	f.start(f.config()).open(t, f.full, "dumb").waitLoaded()
}
