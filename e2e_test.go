package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/plain"
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
	requireTmux(t)
	url, server := startE2EAPI(t, "demo")
	ctx := context.Background()
	s := startTmux(t, "e2e", url)

	// Create a group through the form: name, the proposed location, no
	// extensions, confirm.
	s.keys("n")
	s.waitFor("New group")
	s.typeText("e2e-group")
	s.waitFor("e2e-group is a valid name")
	// At lhr: a group whose primary is in AWS (the first location
	// offered) has no edge replicas, so no location could be added.
	s.keys("Enter")
	s.waitFor("Primary location")
	// "/" alone: sent with the name, it would arrive as one key of four runes.
	s.keys("/")
	s.typeText("lhr")
	s.waitFor("filter /lhr")
	s.keys("Enter", "Enter")
	s.waitFor("Create e2e-group at lhr")
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

// script runs the binary as a script would: stdout and stderr are pipes,
// the environment holds only HOME and PATH (no TURSO_*, no TERM). It
// returns both outputs and the exit status.
func script(t *testing.T, home string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%v: %v", args, err)
	}
	// Not a terminal: not one escape, whatever happened.
	for _, s := range []string{out.String(), errOut.String()} {
		if strings.ContainsAny(s, "\x1b\x07\u009b") {
			t.Errorf("%v: control sequence in the output:\n%q", args, s)
		}
	}
	return out.String(), errOut.String(), code
}

// TestListAndShowCommands runs list and show on the embedded local API
// (--local, its demo data), as tables and as JSON.
func TestListAndShowCommands(t *testing.T) {
	home := t.TempDir()
	data := filepath.Join(home, "api.json")

	out, errOut, code := script(t, home, "list", "--local", "--data", data)
	if code != 0 {
		t.Fatalf("list: exit %d, %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "NAME ") || !strings.HasPrefix(lines[1], "analytics ") {
		t.Errorf("list: want a header and the 6 demo groups by name:\n%s", out)
	}
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) != 8 {
			t.Errorf("list: %d fields in %q, want 8", len(f), l)
		}
	}
	if strings.Contains(out, "legacy") && !regexp.MustCompile(`(?m)^legacy +lhr +lhr +Archived `).MatchString(out) {
		t.Errorf("list: legacy should be Archived:\n%s", out)
	}

	out, errOut, code = script(t, home, "list", "--local", "--data", data, "--json")
	if code != 0 {
		t.Fatalf("list --json: exit %d, %s", code, errOut)
	}
	var list plain.List
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json does not parse: %v\n%s", err, out)
	}
	total := 0
	for _, g := range list.Groups {
		total += g.Databases
		if g.Locations == nil || g.Status == "" {
			t.Errorf("list --json: %+v", g)
		}
		if g.Name == "billing" && !g.DeleteProtection {
			t.Error("list --json: billing is delete protected")
		}
	}
	if len(list.Groups) != 6 || total != 13 {
		t.Errorf("list --json: %d groups, %d databases; want the demo's 6 and 13", len(list.Groups), total)
	}

	out, errOut, code = script(t, home, "show", "billing", "--local", "--data", data, "--json")
	if code != 0 {
		t.Fatalf("show --json: exit %d, %s", code, errOut)
	}
	var g plain.Group
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("show --json does not parse: %v\n%s", err, out)
	}
	if g.Name != "billing" || !g.DeleteProtection || g.Status != "Healthy" || len(g.Locations) == 0 || !g.Locations[0].Primary || len(g.Databases) != 2 || g.Databases[0].Hostname == "" {
		t.Errorf("show billing --json: %+v", g)
	}

	out, errOut, code = script(t, home, "show", "default", "--local", "--data", data)
	if code != 0 || !strings.Contains(out, "Delete protection:  no") || !regexp.MustCompile(`(?m)^fra +up +yes$`).MatchString(out) {
		t.Errorf("show default: exit %d\n%s%s", code, out, errOut)
	}

	out, errOut, code = script(t, home, "show", "nope", "--local", "--data", data)
	if code != 1 || out != "" || strings.TrimSpace(errOut) != `turso-groups: no group "nope" in organization demo: group not found` {
		t.Errorf("show nope: exit %d, stdout %q, stderr %q; want 1 and one clear line", code, out, errOut)
	}

	// With no token anywhere: the demo data, and stderr says so.
	out, errOut, code = script(t, home, "list", "--data", data)
	if code != 0 || !strings.Contains(out, "analytics") || !strings.Contains(errOut, "no Turso API token found") {
		t.Errorf("list without a token: exit %d\n%s%s", code, out, errOut)
	}
}

// TestScriptingExitStatus: 2 for how the command was called, 1 for what
// the API said, one line on stderr each time.
func TestScriptingExitStatus(t *testing.T) {
	home := t.TempDir()
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error": "invalid API token"}`))
	}))
	defer refuse.Close()
	remote := []string{"--api-url", refuse.URL, "--token", "t0ken-for-tests", "--org", "demo"}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"list", "extra"}, 2},
		{[]string{"list", "--bogus"}, 2},
		{[]string{"list", "--json=maybe"}, 2},
		{[]string{"show"}, 2},
		{[]string{"show", "a", "b"}, 2},
		{[]string{"show", "a", "--nope"}, 2},
		{[]string{"list", "--token", "  "}, 2},
		{append([]string{"list"}, remote...), 1},
		{append([]string{"list", "--json"}, remote...), 1},
		{append([]string{"show", "default"}, remote...), 1},
	} {
		out, errOut, code := script(t, home, tc.args...)
		if code != tc.code || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want %d and nothing", tc.args, code, out, tc.code)
		}
		if lines := strings.Split(strings.TrimSpace(errOut), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "turso-groups: ") || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: stderr %q is not one clear line", tc.args, errOut)
		}
		if tc.code == 1 && !strings.Contains(errOut, "invalid API token") {
			t.Errorf("%v: stderr %q does not say what the API said", tc.args, errOut)
		}
	}
}

// TestScriptingHostileAPIText: an API whose names and messages hold
// escape sequences moves no cursor and colours nothing, in the table, the
// JSON (which still reads back the names exactly) and the error.
func TestScriptingHostileAPIText(t *testing.T) {
	const evil = "\x1b]0;pwned\x07\x1b[2J\u009b31mred\u202e"
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/organizations/demo/groups", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"groups": []api.Group{{Name: evil, Primary: "fra", Version: evil, Locations: []string{"fra", evil}}}})
	})
	mux.HandleFunc("/v1/organizations/demo/databases", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"databases": []api.Database{{Name: evil, Hostname: evil, Group: evil}}})
	})
	mux.HandleFunc("/v1/organizations/demo/groups/", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": evil})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	home := t.TempDir()
	remote := []string{"--api-url", srv.URL, "--token", "t0ken-for-tests", "--org", "demo"}

	// script fails the test on any escape in either output.
	out, errOut, code := script(t, home, append([]string{"list"}, remote...)...)
	if code != 0 || !strings.Contains(out, "red") || strings.Count(out, "\n") != 2 {
		t.Errorf("list: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = script(t, home, append([]string{"list", "--json"}, remote...)...)
	var list plain.List
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Groups) != 1 || list.Groups[0].Name != evil || list.Groups[0].Databases != 1 {
		t.Errorf("list --json: exit %d, %v, %+v\n%s", code, err, list, errOut)
	}
	_, errOut, code = script(t, home, append([]string{"show", "x"}, remote...)...)
	if code != 1 || !strings.Contains(errOut, "no group") {
		t.Errorf("show x: exit %d, %q", code, errOut)
	}
}

// requireTmux skips a tmux test where tmux is missing, except in CI,
// which installs it and must run the test.
func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run this test: .ci/run installs tmux")
		}
		t.Skip("tmux is not installed")
	}
}

// runLocalAPI starts `turso-groups local-api` on a free port with the
// state file data and args, stops it when the test ends, and returns its
// URL.
// e2eToken is the token the end-to-end tests' local APIs accept.
const e2eToken = "e2e-token-0123456789"

// startE2EAPI runs a local API with a fresh state file for an end-to-end
// test (with extra flags), and returns its URL and a client of it for
// organization org, to check the server's state.
func startE2EAPI(t *testing.T, org string, flags ...string) (string, *api.Client) {
	t.Helper()
	url := runLocalAPI(t, filepath.Join(t.TempDir(), "api.json"), append([]string{"--token", e2eToken, "--quiet"}, flags...)...)
	server, err := api.New(api.Options{BaseURL: url, Token: e2eToken, Org: org})
	if err != nil {
		t.Fatal(err)
	}
	return url, server
}

// startTmux runs the dashboard in a tmux server of its own, 100x30,
// against the local API at url, with extra flags, and waits for the
// demo organization's list.
func startTmux(t *testing.T, name, url string, flags ...string) *tmuxSession {
	t.Helper()
	return startTmuxAt(t, name, url, 100, 30, "6 groups", flags...)
}

// startTmuxAt is startTmux at w x h, waiting for first on the screen.
func startTmuxAt(t *testing.T, name, url string, w, h int, first string, flags ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("tg-%s-%d", name, os.Getpid())}
	shell := fmt.Sprintf("env -i HOME=%s TERM=xterm-256color PATH=%s %s --api-url %s --token %s --org demo %s",
		t.TempDir(), os.Getenv("PATH"), binary, url, e2eToken, strings.Join(flags, " "))
	s.tmux("new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), shell)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.waitFor(first)
	return s
}

// runLocalAPI runs `turso-groups local-api` on a free loopback port with
// the state file data and extra flags, until the test ends, and returns
// its URL.
func runLocalAPI(t *testing.T, data string, args ...string) string {
	t.Helper()
	url, _ := startLocalAPI(t, data, args...)
	return url
}

// startLocalAPI is runLocalAPI that can also be stopped before the test
// ends (stop kills it and waits for it).
func startLocalAPI(t *testing.T, data string, args ...string) (url string, stop func()) {
	t.Helper()
	apiCmd := exec.Command(binary, append([]string{"local-api", "--listen", "127.0.0.1:0", "--data", data}, args...)...)
	stdout, _ := apiCmd.StdoutPipe()
	if err := apiCmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop = func() { apiCmd.Process.Kill(); apiCmd.Wait() }
	t.Cleanup(stop)
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
	return url, stop
}

// TestBulkProtectInTmux marks three groups with the space bar and turns
// their delete protection on with one confirmation, through the built
// binary: the report says each was done, the server holds it, and the
// list shows it.
func TestBulkProtectInTmux(t *testing.T) {
	requireTmux(t)
	url, server := startE2EAPI(t, "demo")
	ctx := context.Background()
	s := startTmux(t, "e2e-bulk", url)

	// analytics, billing (already protected) and default: space marks and
	// moves down.
	s.keys("Space", "Space", "Space")
	s.waitFor("3 marked")
	s.keys("p")
	s.waitFor("3 groups: analytics, billing, default.")
	s.keys("Enter")
	s.waitFor("Turn delete protection on for 3 groups?")
	s.keys("y")
	s.waitFor("3 done.")
	s.waitFor("Done: analytics, billing, default.")
	for _, name := range []string{"analytics", "billing", "default"} {
		if cfg, err := server.GetGroupConfig(ctx, name); err != nil || !cfg.DeleteProtection {
			t.Errorf("%s after the bulk protect: %+v, %v", name, cfg, err)
		}
	}
	if cfg, _ := server.GetGroupConfig(ctx, "edge-cache"); cfg.DeleteProtection {
		t.Error("edge-cache, not marked, was protected")
	}
	s.keys("Escape") // closes the report
	s.waitFor("6 groups · sorted by name")
	protected := 0
	for _, line := range strings.Split(s.screen(), "\n") {
		row := strings.TrimLeft(line, " >*")
		for _, name := range []string{"analytics ", "billing ", "default "} {
			if strings.HasPrefix(row, name) && strings.Contains(row, "protected") {
				protected++
			}
		}
	}
	if protected != 3 {
		t.Errorf("the list shows %d of the 3 groups protected:\n%s", protected, s.screen())
	}
	s.keys("q")
}
