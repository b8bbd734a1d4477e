package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// tmuxSession is the dashboard running in its own tmux server.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

// keys sends tmux key names one at a time, as a person types them.
func (s *tmuxSession) keys(keys ...string) {
	for _, k := range keys {
		s.tmux("send-keys", "-t", "e2e", k)
		time.Sleep(60 * time.Millisecond)
	}
}

func (s *tmuxSession) typeText(text string) { s.tmux("send-keys", "-t", "e2e", "-l", text) }

func (s *tmuxSession) waitFor(want string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.screen(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("waited 10s for %q; the screen:\n%s", want, s.screen())
}

// TestEndToEndInTmux drives the built binary in tmux against a separate
// `turso-groups local-api` process with keystrokes alone, and checks the
// server's state over HTTP after each step.
func TestEndToEndInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run this test: .ci/run installs tmux")
		}
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	const token = "e2e-token-0123456789"
	apiCmd := exec.Command(binary, "local-api", "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "api.json"), "--token", token, "--quiet")
	stdout, _ := apiCmd.StdoutPipe()
	if err := apiCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { apiCmd.Process.Kill(); apiCmd.Wait() })
	var url string
	sc := bufio.NewScanner(stdout)
	for url == "" && sc.Scan() {
		if m := regexp.MustCompile(`on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if url == "" {
		t.Fatal("local-api printed no URL")
	}
	server, err := api.New(api.Options{BaseURL: url, Token: token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	s := &tmuxSession{t: t, socket: fmt.Sprintf("tg-e2e-%d", os.Getpid())}
	shell := fmt.Sprintf("env -i HOME=%s TERM=xterm-256color PATH=%s %s --api-url %s --token %s --org demo",
		dir, os.Getenv("PATH"), binary, url, token)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", shell)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.waitFor("6 groups")

	// Create a group through the form: name, the proposed location, no
	// extensions, confirm.
	s.keys("n")
	s.waitFor("New group")
	s.typeText("e2e-group")
	s.waitFor("e2e-group is a valid name")
	s.keys("Enter", "Enter", "Enter")
	s.waitFor("Create e2e-group at")
	s.keys("Enter")
	s.waitFor("Created e2e-group")
	g, err := server.GetGroup(ctx, "e2e-group")
	if err != nil {
		t.Fatalf("after create: %v", err)
	}
	primary := g.Primary

	// Add the first location offered.
	s.keys("a")
	s.waitFor("Add a location to e2e-group")
	s.keys("Enter")
	s.waitFor("Added ")
	g, err = server.GetGroup(ctx, "e2e-group")
	if err != nil || len(g.Locations) != 2 || g.Locations[0] != primary {
		t.Fatalf("after add location: %+v, %v", g, err)
	}
	added := g.Locations[1]

	// Protection on: the server says so, and delete is refused with why.
	s.keys("p")
	s.waitFor("Delete protection is on for e2e-group")
	if cfg, err := server.GetGroupConfig(ctx, "e2e-group"); err != nil || !cfg.DeleteProtection {
		t.Fatalf("after p: %+v, %v", cfg, err)
	}
	s.keys("d")
	s.waitFor("cannot be deleted while its delete protection is on")
	s.keys("Escape")
	time.Sleep(100 * time.Millisecond)
	if _, err := server.GetGroup(ctx, "e2e-group"); err != nil {
		t.Fatalf("a protected group was deleted: %v", err)
	}
	s.keys("p")
	s.waitFor("Delete protection is off for e2e-group")
	if cfg, _ := server.GetGroupConfig(ctx, "e2e-group"); cfg.DeleteProtection {
		t.Fatal("protection still on after the second p")
	}

	// Delete with the typed confirmation.
	s.keys("d")
	s.waitFor("Type e2e-group to delete it")
	s.typeText("e2e-group")
	s.keys("Enter")
	s.waitFor("Deleted e2e-group")
	if _, err := server.GetGroup(ctx, "e2e-group"); !api.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	groups, _ := server.ListGroups(ctx)
	if slices.ContainsFunc(groups, func(g api.Group) bool { return g.Name == "e2e-group" }) || len(groups) != 6 {
		t.Errorf("server groups after delete: %d", len(groups))
	}
	for _, line := range strings.Split(s.screen(), "\n") {
		if row := strings.TrimLeft(line, " >"); strings.HasPrefix(row, "e2e-group ") {
			t.Errorf("the deleted group is still listed:\n%s", s.screen())
		}
	}
	t.Logf("created at %s, added %s, protected, refused, unprotected, deleted", primary, added)
	s.keys("q")
}
