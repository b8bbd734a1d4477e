package localapi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

func TestStartServesAndKeepsTokenAndState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	cfg := Config{Listen: "127.0.0.1:0", DataFile: filepath.Join(dir, "local-api.json"), TokenFile: filepath.Join(dir, "local-api.token")}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || !strings.HasPrefix(s.Token, "local-") {
		t.Errorf("URL %q token %q", s.URL, s.Token)
	}
	c, err := api.New(api.Options{BaseURL: s.URL, Token: s.Token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(context.Background(), api.CreateGroupRequest{Name: "kept", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	for path, want := range map[string]os.FileMode{cfg.TokenFile: 0o600, cfg.DataFile: 0o600, dir: 0o700 | os.ModeDir} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, fi.Mode(), err, want)
		}
	}

	// A restart keeps the token (clients keep working) and the state.
	s2, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Shutdown(time.Second)
	if s2.Token != s.Token {
		t.Errorf("token changed across restarts")
	}
	c2, _ := api.New(api.Options{BaseURL: s2.URL, Token: s2.Token, Org: "demo"})
	if _, err := c2.GetGroup(context.Background(), "kept"); err != nil {
		t.Errorf("group lost across restarts: %v", err)
	}
}

func TestStartRefusals(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "s.json")
	s, err := Start(Config{Listen: "127.0.0.1:0", DataFile: data, Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	s.Shutdown(time.Second)
	before, _ := os.ReadFile(data)

	for name, c := range map[string]struct {
		cfg  Config
		says string
	}{
		"unknown seed":         {Config{Listen: "127.0.0.1:0", Token: "x", Seed: "lots"}, `unknown seed "lots"`},
		"negative seed groups": {Config{Listen: "127.0.0.1:0", Token: "x", SeedGroups: -1}, "zero or more"},
		"bad listen address":   {Config{Listen: "127.0.0.1:99999", Token: "x"}, "99999"},
		"empty token file":     {Config{Listen: "127.0.0.1:0", TokenFile: writeFile(t, dir, "empty.token", "\n")}, "empty.token"},
	} {
		s, err := Start(c.cfg)
		if err == nil {
			s.Shutdown(time.Second)
			t.Errorf("%s: started", name)
			continue
		}
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %q, want it to say %q", name, err, c.says)
		}
	}
	if after, _ := os.ReadFile(data); string(after) != string(before) {
		t.Error("a refused start changed the data file")
	}

	// A seed for a file that exists is not used: the file is served as it
	// is, and the server says it existed.
	s, err = Start(Config{Listen: "127.0.0.1:0", DataFile: data, Token: "x", Seed: "empty"})
	if err != nil {
		t.Fatalf("seed for an existing file: %v", err)
	}
	if !s.DataExisted {
		t.Error("DataExisted is false for a file that existed")
	}
	s.Shutdown(time.Second)
	if after, _ := os.ReadFile(data); string(after) != string(before) {
		t.Error("a seed for an existing file changed it")
	}
	s, err = Start(Config{Listen: "127.0.0.1:0", DataFile: filepath.Join(dir, "new.json"), Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if s.DataExisted {
		t.Error("DataExisted is true for a new file")
	}
	s.Shutdown(time.Second)

	// A corrupt state file is an error naming it, and is left as it was.
	bad := writeFile(t, dir, "corrupt.json", `{"version": 1, "orgs": [`)
	_, err = Start(Config{Listen: "127.0.0.1:0", DataFile: bad, Token: "x"})
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt file: %v", err)
	}
	if b, _ := os.ReadFile(bad); string(b) != `{"version": 1, "orgs": [` {
		t.Error("the corrupt file was rewritten")
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A token or state file that others may read is refused, as OpenSSH
// refuses such a private key, with the command that fixes it; the file is
// left as it was. Private again, it is used.
func TestStartRefusesOpenSecretFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	cfg := Config{Listen: "127.0.0.1:0", DataFile: filepath.Join(dir, "local-api.json"), TokenFile: filepath.Join(dir, "local-api.token")}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{cfg.TokenFile, cfg.DataFile} {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			s, err := Start(cfg)
			if err == nil {
				s.Shutdown(time.Second)
				t.Fatalf("%s at %#o: started", path, mode)
			}
			want := fmt.Sprintf("permissions %#o for %s are too open", mode, path)
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "chmod 600 "+path) {
				t.Errorf("%s at %#o: %v; want %q and the chmod", path, mode, err, want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("%s at %#o: the refused start changed it", path, mode)
			}
		}
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A token given outright does not read the token file.
	os.Chmod(cfg.TokenFile, 0o644)
	s, err = Start(Config{Listen: "127.0.0.1:0", DataFile: cfg.DataFile, TokenFile: cfg.TokenFile, Token: "given"})
	if err != nil {
		t.Fatalf("with --token, an open token file that is not read: %v", err)
	}
	s.Shutdown(time.Second)
	os.Chmod(cfg.TokenFile, 0o600)
	s, err = Start(cfg)
	if err != nil {
		t.Fatalf("private again: %v", err)
	}
	s.Shutdown(time.Second)
}
