package serve

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// from= is matched as sshd matches it (UseDNS off): addresses, CIDR
// networks and address wildcards, any of them negated; a negated match
// refuses whatever else matches, and no match refuses.
func TestFromPatterns(t *testing.T) {
	for _, tc := range []struct {
		list  string
		allow []string
		deny  []string
	}{
		{"10.9.9.9", []string{"10.9.9.9", "::ffff:10.9.9.9"}, []string{"127.0.0.1", "10.9.9.90", "::1"}},
		{"127.0.0.1", []string{"127.0.0.1"}, []string{"127.0.0.2"}},
		{"10.0.0.0/8,192.168.1.0/24", []string{"10.1.2.3", "192.168.1.200"}, []string{"192.168.2.1", "11.0.0.1"}},
		{"!10.0.0.5,10.0.0.0/8", []string{"10.0.0.4"}, []string{"10.0.0.5", "127.0.0.1"}},
		{"10.0.0.0/8,!10.0.0.5", []string{"10.0.0.4"}, []string{"10.0.0.5"}},
		{"!127.0.0.1,*", []string{"10.0.0.1", "::1"}, []string{"127.0.0.1"}},
		{"!127.0.0.0/8", nil, []string{"127.0.0.1", "10.0.0.1"}}, // a negation alone admits nobody
		{"10.1.*", []string{"10.1.2.3", "10.1.0.0"}, []string{"10.2.1.1"}},
		{"10.1.2.?", []string{"10.1.2.3"}, []string{"10.1.2.30"}},
		{"*", []string{"127.0.0.1", "2001:db8::1"}, nil},
		{"2001:db8::/32,::1", []string{"2001:db8::5", "::1"}, []string{"2001:db9::1", "127.0.0.1"}},
		{"FE80:*", []string{"fe80::1"}, []string{"fe81::1"}},
	} {
		l, err := parseFrom(tc.list)
		if err != nil {
			t.Errorf("from=%q: %v", tc.list, err)
			continue
		}
		for _, a := range tc.allow {
			if !l.allows(netip.MustParseAddr(a)) {
				t.Errorf("from=%q refuses %s", tc.list, a)
			}
		}
		for _, a := range tc.deny {
			if l.allows(netip.MustParseAddr(a)) {
				t.Errorf("from=%q allows %s", tc.list, a)
			}
		}
		if l.allows(netip.Addr{}) {
			t.Errorf("from=%q allows a client without an address", tc.list)
		}
	}
	for _, bad := range []struct{ list, want string }{
		{"", "empty pattern"},
		{"10.0.0.1,", "empty pattern"},
		{"!", "empty pattern"},
		{"10.0.0.1/8", "bits set beyond its /8 mask (10.0.0.0/8 is the network)"},
		{"10.0.0.0/33", "not a network in CIDR form"},
		{"*.example.com", "host name pattern"},
		{"!bad.example.com,*", "host name pattern"},
	} {
		if _, err := parseFrom(bad.list); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("from=%q: %v, want %q", bad.list, err, bad.want)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"", "", true}, {"", "a", false}, {"a*b", "ab", true}, {"a*b", "axxb", true},
		{"a*b", "axxbc", false}, {"*b*", "abc", true}, {"?", "", false}, {"a?c", "abc", true},
		{"**a", "bba", true}, {"*a*a*a*b", strings.Repeat("a", 200), false},
	} {
		if got := wildcardMatch(tc.p, tc.s); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

// expiry-time is read as sshd reads it: a date (its midnight) or a time
// to the minute or second, local unless it ends in Z.
func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]time.Time{
		"20000101Z":       time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		"203001021504Z":   time.Date(2030, 1, 2, 15, 4, 0, 0, time.UTC),
		"20300102150405z": time.Date(2030, 1, 2, 15, 4, 5, 0, time.UTC),
		"20300102":        time.Date(2030, 1, 2, 0, 0, 0, 0, time.Local),
	} {
		got, err := parseExpiry(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseExpiry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2030", "2030010", "203001011", "20301301", "2030-01-01", "20300101ZZ", "tomorrow"} {
		if _, err := parseExpiry(bad); err == nil {
			t.Errorf("parseExpiry(%q) succeeded", bad)
		}
	}
}

// A line with an option the server cannot honour refuses the file,
// naming the line and the option, rather than letting the key in with
// the restriction dropped; the options that say what the server always
// does are accepted.
func TestKeyOptionsRefusedOrHonoured(t *testing.T) {
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(newKey(t).pub)))
	for _, tc := range []struct{ opts, want string }{
		{`command="/usr/bin/true"`, "option command is not supported: this server runs the dashboard only"},
		{`permitopen="localhost:80"`, "option permitopen is not supported: this server never forwards"},
		{`permitlisten="8080"`, "option permitlisten is not supported"},
		{`no-pty`, "option no-pty is not supported: the dashboard needs a terminal"},
		{`restrict`, "option restrict is not supported"},
		{`restrict,pty`, "option restrict is not supported"},
		{`environment="A=b"`, "option environment is not supported"},
		{`cert-authority`, "option cert-authority is not supported"},
		{`principals="alice"`, "option principals is not supported"},
		{`tunnel="1"`, "option tunnel is not supported"},
		{`verify-required`, "option verify-required is not supported"},
		{`frobnicate`, "option frobnicate is not supported: unknown option"},
		{`Command="x"`, "option command is not supported"},
		{`from="10.0.0.1",from="10.0.0.2"`, "option from is given twice"},
		{`from=10.0.0.1`, `option from needs a value in double quotes`},
		{`from`, `option from needs a value in double quotes`},
		{`expiry-time="soon"`, `expiry-time="soon" is not YYYYMMDD`},
		{`from="*.example.com"`, "host name pattern"},
		{`no-pty,from="10.0.0.1"`, "option no-pty is not supported"},
		{`no-port-forwarding="yes"`, "option no-port-forwarding takes no value"},
	} {
		data := "# keys\n" + tc.opts + " " + key + "\n"
		_, err := parseKeyFile("K", []byte(data))
		if err == nil || !strings.Contains(err.Error(), "K:2: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want K:2: … %q", tc.opts, err, tc.want)
		}
	}
	for _, opts := range []string{
		`from="127.0.0.1"`, `expiry-time="20991231"`, `no-agent-forwarding,no-port-forwarding,no-X11-forwarding,no-user-rc`,
		`from="10.0.0.0/8,!10.0.0.5",expiry-time="209912312359Z",no-agent-forwarding`,
	} {
		if _, err := parseKeyFile("K", []byte(opts+" "+key+"\n")); err != nil {
			t.Errorf("%s: %v", opts, err)
		}
	}
}

// The line of the issue: from="10.9.9.9",expiry-time="20000101" does not
// log in from 127.0.0.1, and the log says why. from= that names the
// client lets it in; a negated match keeps it out whatever else matches;
// of two lines for one key, the one that admits the client counts, as in
// sshd. A key in the read-only file is never full access, even when its
// read-only line does not admit the client.
func TestKeyOptionsAtLogin(t *testing.T) {
	f := newFixture(t, "")
	other := newKey(t)
	line := func(opts string, k testKey) string {
		return opts + " " + string(gossh.MarshalAuthorizedKey(k.pub))
	}
	write := func(path string, lines ...string) {
		t.Helper()
		if err := os.WriteFile(path+".tmp", []byte(strings.Join(lines, "")), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			t.Fatal(err)
		}
	}
	s := f.start(f.config())
	for _, tc := range []struct {
		name     string
		full, ro []string
		key      testKey
		want     Role
		why      string
	}{
		{"the issue's line", []string{line(`from="10.9.9.9",expiry-time="20000101"`, f.full)}, nil, f.full, RoleNone, "expiry-time passed"},
		{"from elsewhere", []string{line(`from="10.9.9.9"`, f.full)}, nil, f.full, RoleNone, `from=\"10.9.9.9\" does not allow 127.0.0.1`},
		{"expired", []string{line(`expiry-time="20000101Z"`, f.full)}, nil, f.full, RoleNone, "expiry-time passed at 2000-01-01T00:00:00Z"},
		{"from here", []string{line(`from="10.0.0.0/8,127.0.0.1"`, f.full)}, nil, f.full, RoleFull, ""},
		{"negated", []string{line(`from="!127.0.0.1,*"`, f.full)}, nil, f.full, RoleNone, "does not allow 127.0.0.1"},
		{"negated network", []string{line(`from="127.0.0.0/8,!127.0.0.0/24"`, f.full)}, nil, f.full, RoleNone, "does not allow"},
		{"not yet expired", []string{line(`expiry-time="20991231Z"`, f.full)}, nil, f.full, RoleFull, ""},
		{"second line admits", []string{line(`from="10.9.9.9"`, f.full), line(`from="127.0.0.1"`, f.full)}, nil, f.full, RoleFull, ""},
		{"read-only line elsewhere", []string{line("", other)}, []string{line(`from="10.9.9.9"`, other)}, other, RoleNone, "does not allow"},
		{"read-only line here", []string{line("", other)}, []string{line(`from="127.0.0.1"`, other)}, other, RoleReadOnly, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(f.fullPath, tc.full...)
			write(f.roPath, append([]string{line("", f.ro)}, tc.ro...)...)
			if err := s.Reload(); err != nil {
				t.Fatal(err)
			}
			mark := f.log.Len()
			if got := roleOf(s.Server, tc.key); got != tc.want {
				t.Errorf("role %v, want %v", got, tc.want)
			}
			if tc.want == RoleNone {
				if _, err := s.dial(t, "dumb", gossh.PublicKeys(tc.key.signer)); err == nil {
					t.Fatal("the key logs in")
				}
				f.waitLogAfter(mark, "key refused", tc.key.fp, tc.why)
				return
			}
			tm := s.open(t, tc.key, "dumb")
			tm.waitLoaded()
			f.waitLogAfter(mark, "session start", tc.key.fp, "role="+tc.want.String())
			tm.close()
		})
	}
}

// As OpenSSH's StrictModes: a key file must be owned by root or the
// server's user and not writable by others, and so must every directory
// above it up to /, whether named or reached through a symbolic link. A
// sticky directory (like /tmp) may be writable by all: others cannot
// replace what is in it.
func TestKeyFileDirectories(t *testing.T) {
	f := newFixture(t, "")
	check := func(name, path, want string) {
		t.Helper()
		cfg := f.config()
		cfg.AuthorizedKeys = path
		srv, err := New(cfg)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			_ = srv.Shutdown(time.Second)
			return
		}
		if err == nil {
			_ = srv.Shutdown(time.Second)
			t.Errorf("%s: New succeeded", name)
			return
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
	mkdir := func(path string, mode os.FileMode) string {
		t.Helper()
		if err := os.Mkdir(path, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}

	open := mkdir(filepath.Join(f.dir, "open"), 0o777)
	writeKeys(t, filepath.Join(open, "keys"), f.full)
	check("0777 directory", filepath.Join(open, "keys"), "permissions 0777 for directory "+open)

	group := mkdir(filepath.Join(f.dir, "group"), 0o770)
	sub := mkdir(filepath.Join(group, "sub"), 0o700)
	writeKeys(t, filepath.Join(sub, "keys"), f.full)
	check("group-writable grandparent", filepath.Join(sub, "keys"), "permissions 0770 for directory "+group)

	sticky := mkdir(filepath.Join(f.dir, "sticky"), os.ModeSticky|0o777)
	writeKeys(t, filepath.Join(sticky, "keys"), f.full)
	check("sticky directory", filepath.Join(sticky, "keys"), "")

	// A link from a safe directory to a file in an open one.
	link := filepath.Join(f.dir, "link")
	if err := os.Symlink(filepath.Join(open, "keys"), link); err != nil {
		t.Fatal(err)
	}
	check("link into an open directory", link, "permissions 0777 for directory "+open)
	// And a safe file reached through a link in an open directory.
	safe := mkdir(filepath.Join(f.dir, "safe"), 0o700)
	writeKeys(t, filepath.Join(safe, "keys"), f.full)
	if err := os.Symlink(filepath.Join(safe, "keys"), filepath.Join(open, "to-safe")); err != nil {
		t.Fatal(err)
	}
	check("link in an open directory", filepath.Join(open, "to-safe"), "permissions 0777 for directory "+open)

	fifo := filepath.Join(safe, "fifo")
	if err := mkfifo(fifo); err == nil {
		check("fifo", fifo, "is not a regular file")
	}

	big := filepath.Join(safe, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("# padding\n", maxKeyFileSize/10+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	check("over a megabyte", big, "is larger than")

	if os.Geteuid() != 0 {
		t.Skip("owners other than the server's user need root to set up")
	}
	owned := filepath.Join(safe, "owned")
	writeKeys(t, owned, f.full)
	if err := os.Chown(owned, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	check("file owned by another user", owned, "key file "+owned+" is owned by uid 4242, neither root nor the server's user")
	theirs := mkdir(filepath.Join(f.dir, "theirs"), 0o755)
	writeKeys(t, filepath.Join(theirs, "keys"), f.full)
	if err := os.Chown(theirs, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	check("directory owned by another user", filepath.Join(theirs, "keys"), "directory "+theirs+" (of key file "+filepath.Join(theirs, "keys")+") is owned by uid 4242")
}

// TestHostKeyFIFOIsRefused: wish reads the host key while the server is
// built; a FIFO there blocked New for good, deaf to signals.
func TestHostKeyFIFOIsRefused(t *testing.T) {
	f := newFixture(t, "")
	cfg := f.config()
	cfg.HostKeyPath = filepath.Join(t.TempDir(), "host_ed25519")
	if err := mkfifo(cfg.HostKeyPath); err != nil {
		t.Skipf("this system makes no FIFOs: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		srv, err := New(cfg)
		if err == nil {
			_ = srv.Shutdown(time.Second)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), cfg.HostKeyPath) {
			t.Fatalf("New with a FIFO host key: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("New blocked on a FIFO host key")
	}
}
