package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A key loses its access however it leaves, with no Reload, no SIGHUP and
// no other login: the server watches the files (a full read every
// KeyCheckInterval, 1s here). Its live sessions end within a few seconds
// with a word to their user, it cannot log in again, and a file that
// cannot be read safely grants nothing (fail closed). The waits are
// waitTimeout, 10x the interval.
func TestRevocationByWatchingTheFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		// change does it to the fixture.
		change func(t *testing.T, f *fixture)
		// roEnds: the read-only session ends too.
		roEnds bool
		// log is in the line that says why: the session's end, or the
		// refusal of a file.
		log string
	}{
		{name: "emptied", change: func(t *testing.T, f *fixture) { writeKeys(t, f.fullPath) }, log: "not in any key file"},
		{name: "truncated in place", change: func(t *testing.T, f *fixture) {
			// Same inode: no rename, the file is cut where it is.
			if err := os.Truncate(f.fullPath, 0); err != nil {
				t.Fatal(err)
			}
		}, log: "not in any key file"},
		{name: "removed", change: func(t *testing.T, f *fixture) {
			if err := os.Rename(f.fullPath, filepath.Join(t.TempDir(), "elsewhere")); err != nil {
				t.Fatal(err)
			}
		}, log: "does not exist"},
		{name: "made writable by others", change: func(t *testing.T, f *fixture) {
			if err := os.Chmod(f.fullPath, 0o666); err != nil {
				t.Fatal(err)
			}
		}, log: "too open"},
		{name: "bad line", change: func(t *testing.T, f *fixture) {
			appendLine(t, f.fullPath, "ssh-ed25519 AAAAnotbase64!!")
		}, log: "not a public key"},
		{name: "unsupported option", change: func(t *testing.T, f *fixture) {
			appendLine(t, f.fullPath, `command="/bin/sh" `+strings.TrimSpace(string(gossh.MarshalAuthorizedKey(newKey(t).pub))))
		}, log: "option command is not supported"},
		// Both files are in it: no key is accepted.
		{name: "directory made writable by others", change: func(t *testing.T, f *fixture) {
			if err := os.Chmod(f.dir, 0o777); err != nil {
				t.Fatal(err)
			}
		}, roEnds: true, log: "others could replace the key file"},
		// The read-only file may hold back any key: none is accepted.
		{name: "read-only file broken", change: func(t *testing.T, f *fixture) {
			appendLine(t, f.roPath, "garbage")
		}, roEnds: true, log: "read-only key file cannot be used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each mostly waits for the next read
			f := newFixture(t, "")
			s := f.start(f.config())
			full := s.open(t, f.full, "dumb")
			ro := s.open(t, f.ro, "dumb")
			full.waitLoaded()
			ro.waitLoaded()

			tc.change(t, f)
			_ = full.waitEnd()
			full.shownAfterDashboard("the access of this key changed; please reconnect.")
			f.waitLog("session ended", f.full.fp)
			f.waitLog(tc.log)
			if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
				t.Fatal("the key logs in after its file changed")
			}
			if tc.roEnds {
				_ = ro.waitEnd()
				ro.shownAfterDashboard("the access of this key changed; please reconnect.")
				return
			}
			// The other file's keys are untouched.
			ro.mustStillWork("the read-only session ended")
		})
	}
}

// A key moved from the full-access file to the read-only one keeps no
// full-access session, without a Reload; it logs in again read-only.
func TestMovedToReadOnlyEndsFullSession(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	tm := s.open(t, f.full, "dumb")
	tm.waitLoaded()
	writeKeys(t, f.roPath, f.ro, f.full)
	_ = tm.waitEnd()
	tm.shownAfterDashboard("the access of this key changed; please reconnect.")
	f.waitLog("session ended", f.full.fp, "now read-only")
	again := s.open(t, f.full, "dumb")
	again.waitLoaded()
	again.waitFor(0, "read-only")
	f.waitLog("session start", f.full.fp, "role=read-only")
}

// The attack of the issue: with the files read again only once an hour,
// the key file is emptied and the user at once presses p (delete
// protection, no confirmation). Each key press first checks the files
// with a stat: the key is not acted on, no change reaches the API, and
// the session ends.
func TestKeyPressAfterRevocationIsNotActedOn(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.KeyCheckInterval = time.Hour
	s := f.start(cfg)
	tm := s.open(t, f.full, "dumb")
	tm.waitLoaded()
	writeKeys(t, f.fullPath)
	tm.typeKeys("p")
	_ = tm.waitEnd()
	tm.shownAfterDashboard("the access of this key changed; please reconnect.")
	if n := f.writes.Load(); n != 0 {
		t.Fatalf("%d changes reached the API after the key was revoked:\n%s", n, f.paths.String())
	}
}

// An expiry-time that passes during a session ends it, as a revocation
// does; the key cannot log in after it.
func TestExpiryEndsLiveSession(t *testing.T) {
	f := newFixture(t, "")
	line := `expiry-time="20300101Z" ` + string(gossh.MarshalAuthorizedKey(f.full.pub))
	if err := os.WriteFile(f.fullPath, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	var clock atomicTime
	clock.Store(time.Date(2029, 12, 31, 23, 0, 0, 0, time.UTC))
	cfg := f.config()
	cfg.now = clock.Load
	s := f.start(cfg)
	tm := s.open(t, f.full, "dumb")
	tm.waitLoaded()
	clock.Store(time.Date(2030, 1, 1, 0, 0, 1, 0, time.UTC))
	_ = tm.waitEnd()
	tm.shownAfterDashboard("the access of this key changed; please reconnect.")
	f.waitLog("session ended", f.full.fp, "expiry-time passed at 2030-01-01T00:00:00Z")
	if _, err := s.dial(t, "dumb", gossh.PublicKeys(f.full.signer)); err == nil {
		t.Fatal("an expired key logs in")
	}
	f.waitLog("key refused", f.full.fp, "expiry-time passed")
}

// appendLine adds a line to a key file, in place.
func appendLine(t *testing.T, path, line string) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
}
