package serve

import (
	"context"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/seed372e9e9a/turso-groups/api"
)

// The actor a session's client sends is the key's fingerprint and
// comment, printable, and never longer than the API client takes.
func TestActor(t *testing.T) {
	fp := "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	if got := actor(fp, "alice@laptop"); got != fp+" alice@laptop" {
		t.Errorf("actor = %q", got)
	}
	if got := actor(fp, ""); got != fp {
		t.Errorf("without a comment: %q", got)
	}
	if got := printable("alice\x1b[31m\nroot\u202e  laptop"); got != "alice?[31m?root? laptop" {
		t.Errorf("printable = %q", got)
	}
	long := actor(fp, strings.Repeat("é", 300))
	if len(long) > api.MaxActorLen || !utf8.ValidString(long) || !strings.HasPrefix(long, fp+" é") {
		t.Errorf("a long comment: %d bytes, valid %v", len(long), utf8.ValidString(long))
	}
	c, err := api.New(api.Options{BaseURL: "http://127.0.0.1:1", Token: "t", Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WithActor(long); err != nil {
		t.Errorf("the client refuses the actor: %v", err)
	}
}

// A change made over SSH is in the organization's audit log with the
// session's key (its fingerprint and the authorized_keys comment), the
// server log names the key on the change, and the session's activity
// view (!) shows it.
func TestChangesAreAttributedToTheKey(t *testing.T) {
	f := newFixture(t, "")
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(f.full.pub))) + " alice@laptop\n"
	if err := os.WriteFile(f.fullPath, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	s := f.start(f.config())
	tm := s.open(t, f.full, "xterm-256color")
	tm.waitLoaded()

	m := tm.mark()
	tm.typeKeys("p") // protection on for the first group, analytics
	tm.waitFor(m, "Delete protection is on for analytics")
	want := f.full.fp + " alice@laptop"
	page, err := f.client.AuditLogs(context.Background(), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Logs) == 0 || page.Logs[0].Code != "group-protect" || page.Logs[0].Actor() != want || page.Logs[0].Target() != "analytics" {
		t.Fatalf("the newest audit entry is %+v, want group-protect of analytics by %q", page.Logs, want)
	}
	f.waitLog("change", "fingerprint="+f.full.fp, "key=alice@laptop", "user=alice", `change="Turning delete protection on for analytics"`, "outcome=made")

	m = tm.mark()
	tm.typeKeys("!")
	tm.waitFor(m, "Activity of analytics", "turned delete protection on", "alice@laptop")
	tm.typeKeys("\x1b")
}

// A read-only key's session changes nothing, so nothing is logged as a
// change; its client carries its key all the same.
func TestReadOnlySessionCarriesItsKey(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	tm := s.open(t, f.ro, "dumb")
	tm.waitLoaded()
	var se *session
	waitUntil(t, "the session is registered", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for x := range s.sessions {
			se = x
		}
		return se != nil && se.client != nil
	})
	if se.client == f.client || se.client == s.ro {
		t.Error("the session's client is the server's, without the key as its actor")
	}
	m := tm.mark()
	tm.typeKeys("!")
	tm.waitFor(m, "Activity of analytics")
	if strings.Contains(f.log.String(), "msg=change") {
		t.Errorf("a read-only session logged a change:\n%s", f.log.String())
	}
}
