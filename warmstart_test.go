package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// TestWarmStartInPTY runs the dashboard three times against a local API
// that answers every request 2 s late: the first run saves the list; the
// second draws it at once, marked cached, before the live answer (with a
// group created meanwhile) replaces it; --no-cache (and cache = false in
// the config file) neither reads nor writes it; with the API gone, the cached list is shown marked stale and
// the failure is told. The cache file is 0600 and never holds the token.
func TestWarmStartInPTY(t *testing.T) {
	home := t.TempDir()
	cacheDir := filepath.Join(home, "cache", "turso-groups")
	const token = "warm-token-0123456789abcdef"
	url, stopAPI := startLocalAPI(t, filepath.Join(home, "api.json"), "--token", token, "--quiet", "--latency", "2s")

	dash := func(extra ...string) (*exec.Cmd, *ptyScreen) {
		cmd := exec.Command(binary, append([]string{"--api-url", url, "--token", token, "--org", "demo"}, extra...)...)
		cmd.Env = []string{"HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}
		return cmd, runInPTY(t, cmd, 120, 30)
	}
	quit := func(cmd *exec.Cmd, s *ptyScreen) {
		t.Helper()
		s.send("q")
		if err := waitExit(cmd, 10*time.Second); err != nil {
			t.Fatalf("after q: %v\n%s", err, s.text())
		}
	}

	// 1: cold, the list is saved.
	cmd, s := dash()
	s.waitFor(t, "6 groups · sorted by name", "updated just now")
	if strings.Contains(s.text(), "cached") {
		t.Errorf("the first start showed a cached list:\n%s", s.text())
	}
	quit(cmd, s)
	files, _ := filepath.Glob(filepath.Join(cacheDir, "*"))
	if len(files) != 1 {
		t.Fatalf("cache directory holds %v, want one file", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(files[0])
	if bytes.Contains(b, []byte(token)) || bytes.Contains(b, []byte("warm-token")) || !bytes.Contains(b, []byte("analytics")) {
		t.Errorf("the cache file holds the token, or not the list:\n%.400s", b)
	}

	// A group created elsewhere: the live answer has 7.
	c, err := api.New(api.Options{BaseURL: url, Token: token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(context.Background(), api.CreateGroupRequest{Name: "made-meanwhile", Location: "aws-eu-west-1"}); err != nil {
		t.Fatal(err)
	}

	// 2: warm. The cached 6 come before any answer, then the live 7.
	cmd, s = dash()
	s.waitFor(t, "6 groups · sorted by name", "· cached ") // "just now" or "10s ago": the API answers 2 s late
	if strings.Contains(s.text(), "7 groups") {
		t.Errorf("the live answer came before the cached list")
	}
	s.waitFor(t, "7 groups · sorted by name", "made-meanwhile", "updated just now")
	quit(cmd, s)

	// 3: --no-cache neither reads nor writes.
	if err := os.RemoveAll(cacheDir); err != nil {
		t.Fatal(err)
	}
	cmd, s = dash("--no-cache")
	s.waitFor(t, "7 groups · sorted by name", "updated just now")
	quit(cmd, s)
	if strings.Contains(s.text(), "cached") {
		t.Error("--no-cache showed a cached list")
	}
	if _, err := os.Stat(cacheDir); !os.IsNotExist(err) {
		t.Errorf("--no-cache wrote the cache: %v", err)
	}
	// So does cache = false in the config file.
	confDir := filepath.Join(home, ".config", "turso-groups")
	if err := os.MkdirAll(confDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confDir, "config.toml"), []byte("cache = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, s = dash()
	s.waitFor(t, "7 groups · sorted by name", "updated just now")
	quit(cmd, s)
	if _, err := os.Stat(cacheDir); !os.IsNotExist(err) {
		t.Errorf("cache = false wrote the cache: %v", err)
	}
	if err := os.Remove(filepath.Join(confDir, "config.toml")); err != nil {
		t.Fatal(err)
	}

	// Saved again, then the API goes away: the cached list, marked stale.
	cmd, s = dash()
	s.waitFor(t, "7 groups · sorted by name", "updated just now")
	quit(cmd, s)
	stopAPI()
	cmd, s = dash()
	s.waitFor(t, "7 groups · sorted by name", "made-meanwhile", "· cached ")
	waitLong(t, s, 60*time.Second, "stale", "Could not load the groups; showing the list cached")
	quit(cmd, s)
}

// waitLong is ptyScreen.waitFor with a longer limit: a load that fails
// has had its retries first.
func waitLong(t *testing.T, s *ptyScreen, d time.Duration, want ...string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		out := s.text()
		all := true
		for _, w := range want {
			all = all && strings.Contains(out, w)
		}
		if all {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waited %s for %q; the screen showed:\n%s", d, want, s.text())
}
