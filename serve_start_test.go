package main

import (
	"crypto/ed25519"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/crypto/ssh"
)

// sshKeyFile makes a key and an authorized_keys file in dir that lists it.
func sshKeyFile(t *testing.T, dir string) (ssh.Signer, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(keys, ssh.MarshalAuthorizedKey(sshPub), 0o600); err != nil {
		t.Fatal(err)
	}
	return signer, keys
}

// lockedBuffer is a strings.Builder safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitText waits until read() holds want.
func waitText(t *testing.T, what string, read func() string, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(read(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q:\n%s", what, want, read())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startServe starts `turso-groups serve` with args and an environment with no
// token anywhere, and returns its address and its stdout and stderr.
func startServe(t *testing.T, dir string, keys string, args ...string) (addr string, stdout, stderr *lockedBuffer) {
	t.Helper()
	args = append([]string{"serve", "--data", filepath.Join(dir, "state.json"), "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host_key"), "--authorized-keys", keys}, args...)
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"), "TURSO_CONFIG_FOLDER=" + filepath.Join(dir, "turso")}
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	waitText(t, "serve's stdout", stdout.String, "Ctrl+C stops.")
	m := regexp.MustCompile(`on (127\.0\.0\.1:\d+)`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("serve did not say where it listens:\n%s", stdout.String())
	}
	return m[1], stdout, stderr
}

// With no token and no --local, serve serves demo data: it says so at
// start and in its log, and its users read that the server has no token,
// not advice about flags of theirs. Its start names the host key's
// fingerprint, the one ssh shows.
func TestServeSaysDemoDataAndHostKey(t *testing.T) {
	dir := t.TempDir()
	signer, keys := sshKeyFile(t, dir)

	for _, tc := range []struct {
		name          string
		args          []string
		start, header string
	}{
		{"no token", nil, "No Turso API token found", "Demo data: this server has no Turso token. Its operator can give it one."},
		{"--local", []string{"--local"}, "Serving DEMO DATA from the built-in local API (--local).", "Demo data from this server's built-in local API"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, stdout, stderr := startServe(t, dir, keys, tc.args...)
			if !strings.Contains(stdout.String(), tc.start) || !strings.Contains(stdout.String(), "DEMO DATA") {
				t.Errorf("serve's start does not say it serves demo data (%q):\n%s", tc.start, stdout.String())
			}
			waitText(t, "serve's log", stderr.String, "serving demo data from the built-in local API")

			var shown ssh.PublicKey
			client, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
				User: "tester", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, Timeout: 10 * time.Second,
				HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error { shown = key; return nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			fp := ssh.FingerprintSHA256(shown)
			if !strings.Contains(stdout.String(), "Host key fingerprint: "+fp) {
				t.Errorf("serve's start does not name the host key the client saw (%s):\n%s", fp, stdout.String())
			}
			waitText(t, "serve's log", stderr.String, "host_key="+fp)

			sess, err := client.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			var screen lockedBuffer
			sess.Stdout = &screen
			in, err := sess.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.RequestPty("dumb", 30, 100, nil); err != nil {
				t.Fatal(err)
			}
			if err := sess.Shell(); err != nil {
				t.Fatal(err)
			}
			plain := func() string { return ansi.Strip(screen.String()) }
			waitText(t, "the session", plain, tc.header)
			for _, bad := range []string{"--local", "turso auth login", "TURSO_API_TOKEN"} {
				if strings.Contains(plain(), bad) {
					t.Errorf("an SSH user is told about %q, a setting of the server:\n%s", bad, plain())
				}
			}
			_, _ = io.WriteString(in, "\x03")
		})
	}
}
