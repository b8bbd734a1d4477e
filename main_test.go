package main

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/spf13/pflag"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/localapi"
	"github.com/seed372e9e9a/turso-groups/config"
)

// binary is the turso-groups binary built once for the tests that run it
// as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "turso-groups-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "turso-groups")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestLocalAPICommand(t *testing.T) {
	home := t.TempDir()
	data := filepath.Join(home, "api.json")
	cmd := exec.Command(binary, "local-api", "--listen", "127.0.0.1:0", "--data", data)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"))
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	sc := bufio.NewScanner(stdout)
	url, token := readBanner(t, sc)
	c, err := api.New(api.Options{BaseURL: url, Token: token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateGroup(ctx, api.CreateGroupRequest{Name: "acked", Location: "lhr"}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("local-api did not stop within 10s of SIGTERM")
	}
	// stderr is complete once Wait has returned.
	if log := stderr.String(); !strings.Contains(log, "path=/v1/organizations/demo/groups status=200") || strings.Contains(log, token) {
		t.Errorf("the request log should name each request and never the token:\n%s", log)
	}
	b, err := os.ReadFile(data)
	if err != nil || !strings.Contains(string(b), `"acked"`) {
		t.Errorf("the acknowledged group is not in the state file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "api.token")); err != nil {
		t.Errorf("token file: %v", err)
	}
}

// local-api --group-update removed answers the update route as an unknown
// route: a 404, which the client reports as such.
func TestLocalAPIGroupUpdateRemoved(t *testing.T) {
	home := t.TempDir()
	cmd := exec.Command(binary, "local-api", "--listen", "127.0.0.1:0", "--data", "", "--quiet", "--group-update", "removed")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "share"))
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url, token := readBanner(t, bufio.NewScanner(stdout))
	c, err := api.New(api.Options{BaseURL: url, Token: token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateGroupDatabases(context.Background(), "default"); !api.IsNotFound(err) || !strings.Contains(err.Error(), "no route for POST") {
		t.Errorf("update with --group-update removed: %v, want the unknown route's 404", err)
	}
}

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"local-api", "--no-such-flag"},
		{"local-api", "--fail-rate", "2"},
		{"local-api", "--latency", "soon"},
		{"local-api", "--malformed-rate", "-0.5"},
		{"local-api", "--stall-rate", "0.6", "--drop-rate", "0.6"},
		{"local-api", "--seed", "nope"},
		{"local-api", "--group-update", "gone"},
		{"local-api", "--seed-groups", "-1"},
		{"local-api", "--listen", "127.0.0.1:99999"},
		{"local-api", "--listen", "nowhere"},
		{"serve", "--login-timeout", "-1s"},
		{"serve", "--listen", "nowhere"},
		{"serve", "--max-sessions", "0"},
		{"serve", "--conn-rate", "0"},
		{"config", "show", "--no-such-flag"},
		{"--org", "not a slug"},
		{"bogus"},
		{"version", "extra"},
		{"serve", "extra"},
		{"local-api", "extra"},
		{"config", "bogus"},
		{"--token", "  "},
	} {
		// A home of its own: a flag that slipped through must not start
		// anything in the real one.
		cmd := exec.Command(binary, args...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%v: exit %v, want 2; output %s", args, err, out)
		}
		if strings.Contains(string(out), "goroutine") || !strings.HasPrefix(string(out), "turso-groups: ") {
			t.Errorf("%v: output %q is not one clear message", args, out)
		}
	}
}

// TestFirstRunReachesLocalDashboard runs the binary as a newcomer would:
// an empty home, no token anywhere, a real terminal. It must open the
// dashboard on the local API with demo data, say how to use a real
// account, keep its state under the data directory, and quit on q.
func TestFirstRunReachesLocalDashboard(t *testing.T) {
	home := t.TempDir()
	cmd := exec.Command(binary)
	cmd.Env = []string{"HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}
	screen := runInPTY(t, cmd, 80, 24)
	screen.waitFor(t, "6 groups", "local", "turso auth login")
	screen.send("q")
	if err := waitExit(cmd, 5*time.Second); err != nil {
		t.Fatalf("after q: %v\n%s", err, screen.text())
	}
	state := filepath.Join(home, ".local", "share", "turso-groups", "local-api.json")
	fi, err := os.Stat(state)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("local state file %s: %v, %v", state, fi, err)
	}
	if fi, err := os.Stat(filepath.Dir(state)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory: %v, %v", fi, err)
	}
}

func TestConfigShowNeverPrintsTheToken(t *testing.T) {
	home := t.TempDir()
	const token = "tok-SECRET-5e1f-0123456789"
	cmd := exec.Command(binary, "config", "show")
	cmd.Env = []string{"HOME=" + home, "TURSO_API_TOKEN=" + token, "TURSO_ORG=acme", "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("config show: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "SECRET") {
		t.Fatalf("config show printed the token:\n%s", out)
	}
	for _, want := range []string{"TURSO_API_TOKEN", "redacted", "acme"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("config show lacks %q:\n%s", want, out)
		}
	}
}

func TestBadConfigFileExitsTwoAndIsKept(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "turso-groups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.toml")
	content := "org = \"acme\"\n\n[theme]\nmode = \"blue\"\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit %v, want 2; output %s", err, out)
	}
	if !strings.Contains(string(out), "config.toml:4: theme.mode") || strings.Contains(string(out), "goroutine") {
		t.Errorf("message = %q", out)
	}
	if b, _ := os.ReadFile(file); string(b) != content {
		t.Error("the config file was changed")
	}
}

// A [keys] table that gives quit's key to another action: the dashboard
// refused it without a line number while `config show` took it and
// exited 0. Both refuse it now, with the same message and exit status.
func TestKeyConflictIsRefusedByBothPaths(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "turso-groups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(file, []byte("org = \"acme\"\n[keys]\nrefresh = [\"q\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "turso-groups: " + file + `:3: keys.refresh: "q" is bound to both quit and refresh`
	var first string
	for _, args := range [][]string{{"config", "show"}, {}} {
		cmd := exec.Command(binary, args...)
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%v: exit %v, want 2; output %s", args, err, out)
		}
		if !strings.HasPrefix(string(out), want) || strings.Count(string(out), "\n") != 1 {
			t.Errorf("%v: %q, want one line starting %q", args, out, want)
		}
		if first == "" {
			first = string(out)
		} else if string(out) != first {
			t.Errorf("the dashboard says %q, config show %q", out, first)
		}
	}
}

// TestRealAccountWarnsAboutTokenExpiry points the dashboard at an API (the
// local one, standing in for api.turso.tech) through the environment, with
// a JWT that expires soon, and then one that has expired.
func TestRealAccountWarnsAboutTokenExpiry(t *testing.T) {
	for name, tc := range map[string]struct {
		exp  time.Duration
		want string
	}{
		"soon":    {30 * time.Hour, "expires in 29 hours"}, // truncated: time passes after minting
		"expired": {-time.Hour, "has expired"},
		// The advice is for where the token came from (TURSO_API_TOKEN
		// here), wrapped rather than cut.
	} {
		t.Run(name, func(t *testing.T) {
			tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": time.Now().Add(tc.exp).Unix()}).SignedString([]byte("k"))
			if err != nil {
				t.Fatal(err)
			}
			srv, err := localapi.Start(localapi.Config{Listen: "127.0.0.1:0", Token: tok})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Shutdown(time.Second)
			cmd := exec.Command(binary)
			cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"),
				"TURSO_API_BASEURL=" + srv.URL, "TURSO_API_TOKEN=" + tok, "TURSO_ORG=demo"}
			screen := runInPTY(t, cmd, 100, 30)
			screen.waitFor(t, "6 groups", tc.want, "Set TURSO_API_TOKEN", "makes one).")
			if strings.Contains(screen.text(), "local ·") || strings.Contains(screen.text(), tok) {
				t.Errorf("a real-account session shows the local badge or the token:\n%s", screen.text())
			}
			screen.send("\x03") // ctrl+c
			if err := waitExit(cmd, 5*time.Second); err != nil {
				t.Errorf("after ctrl+c: %v", err)
			}
		})
	}
}

// After a first `turso-groups --local` has created the state file,
// `local-api --seed demo` (as the README writes it) used to exit 1: the
// file exists. It starts on the existing data now, and says in one line
// on stderr that --seed was not used and how to start over.
func TestSeedForAnExistingStateFile(t *testing.T) {
	home := t.TempDir()
	data := filepath.Join(home, "api.json")
	srv, err := localapi.Start(localapi.Config{Listen: "127.0.0.1:0", DataFile: data, Seed: "empty", Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Shutdown(time.Second)
	before, _ := os.ReadFile(data)

	cmd := exec.Command(binary, "local-api", "--quiet", "--listen", "127.0.0.1:0", "--data", data, "--seed", "demo", "--token", "x")
	cmd.Env = append(os.Environ(), "HOME="+home)
	stdout, _ := cmd.StdoutPipe()
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	url, token := readBanner(t, bufio.NewScanner(stdout))
	c, err := api.New(api.Options{BaseURL: url, Token: token, Org: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if groups, err := c.ListGroups(context.Background()); err != nil || len(groups) != 0 {
		t.Errorf("the existing (empty) data should be served: %d groups, %v", len(groups), err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	note := stderr.String()
	if strings.Count(note, "\n") != 1 || !strings.Contains(note, "--seed") || !strings.Contains(note, data) || !strings.Contains(note, "start over") {
		t.Errorf("stderr should be one line saying --seed was not used and how to start over:\n%s", note)
	}
	if after, _ := os.ReadFile(data); string(after) != string(before) {
		t.Error("the existing state file was changed")
	}
}

// `local-api` prints the line that starts this dashboard on it, with the
// token quoted for the shell: pasted into a shell, it opens the dashboard
// on the local API's demo data.
func TestLocalAPIPrintsTheDashboardLine(t *testing.T) {
	home := t.TempDir()
	const token = `it's$token"quoted"\;`
	cmd := exec.Command(binary, "local-api", "--quiet", "--listen", "127.0.0.1:0", "--data", "", "--token", token)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url, line string
	urlRe := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	deadline := time.After(10 * time.Second)
	for line == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("local-api ended")
			}
			if m := urlRe.FindStringSubmatch(l); m != nil {
				url = m[1]
			}
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "turso-groups ") {
				line = l
			}
		case <-deadline:
			t.Fatal("local-api printed no turso-groups line within 10s")
		}
	}
	if url == "" {
		t.Fatal("local-api printed no URL before the turso-groups line")
	}
	rest := strings.TrimPrefix(line, "turso-groups")

	// The shell reads it as these words.
	out, err := exec.Command("sh", "-c", "set --"+rest+`; printf '%s\n' "$@"`).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	if got, want := string(out), strings.Join([]string{"--api-url", url, "--token", token, "--org", "demo"}, "\n")+"\n"; got != want {
		t.Fatalf("the shell reads %q as\n%s\nwant\n%s", line, got, want)
	}

	// And it opens the dashboard on the local API's data.
	dash := exec.Command("sh", "-c", "exec "+binary+rest)
	dash.Env = []string{"HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}
	screen := runInPTY(t, dash, 100, 30)
	screen.waitFor(t, "6 groups", "analytics")
	screen.send("q")
	if err := waitExit(dash, 5*time.Second); err != nil {
		t.Errorf("after q: %v\n%s", err, screen.text())
	}
}

// readBanner reads what `turso-groups local-api` prints first, up to its
// URL and token, and returns them.
func readBanner(t *testing.T, sc *bufio.Scanner) (url, token string) {
	t.Helper()
	urlRe := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	tokRe := regexp.MustCompile(`token:\s+(\S+)`)
	for sc.Scan() && (url == "" || token == "") {
		if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if m := tokRe.FindStringSubmatch(sc.Text()); m != nil {
			token = m[1]
		}
	}
	if url == "" || token == "" {
		t.Fatal("local-api did not print its URL and token")
	}
	return url, token
}

// A FIFO as --data used to hang the program before its first line of
// output, and Ctrl+C did nothing: the open blocked in the kernel. Both the
// dashboard and local-api now refuse it at once and say why.
func TestFIFODataFileIsRefused(t *testing.T) {
	home := t.TempDir()
	fifo := filepath.Join(home, "state.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, args := range [][]string{{"--local", "--data", fifo}, {"local-api", "--listen", "127.0.0.1:0", "--data", fifo}} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cmd := exec.CommandContext(ctx, binary, args...)
		cmd.Env = []string{"HOME=" + home, "TERM=dumb", "PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("%v: still running after 10 s", args)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || !strings.Contains(string(out), fifo) || !strings.Contains(string(out), "it is a named pipe (FIFO), not a regular file") {
			t.Errorf("%v: %v, output %q", args, err, out)
		}
	}
}

// TURSO_API_TOKEN with the baseurl a turso session left in its
// settings.json: the token goes to that URL, and the dashboard says so in
// its header for as long as it runs (and on stderr before it starts).
func TestTokenAndURLFromDifferentPlacesIsShown(t *testing.T) {
	srv, err := localapi.Start(localapi.Config{Listen: "127.0.0.1:0", Token: "tok-env-5e1f"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(time.Second)
	home := t.TempDir()
	cli := filepath.Join(home, "turso")
	if err := os.MkdirAll(cli, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cli, "settings.json"), []byte(`{"baseurl":"`+srv.URL+`","organization":"demo"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary)
	cmd.Env = []string{"HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"),
		"TURSO_CONFIG_FOLDER=" + cli, "TURSO_API_TOKEN=tok-env-5e1f"}
	screen := runInPTY(t, cmd, 140, 30)
	screen.waitFor(t, "6 groups", "The token (from TURSO_API_TOKEN) is sent to "+srv.URL+", an API URL from turso CLI settings")
	screen.send("\x03")
	if err := waitExit(cmd, 5*time.Second); err != nil {
		t.Errorf("after ctrl+c: %v", err)
	}
}

// In local mode the account's token goes nowhere: the dashboard's client
// talks to the embedded local API with that API's own token (which the
// local API alone accepts: a request with the account's would be a 401).
func TestLocalModeNeverSendsTheAccountToken(t *testing.T) {
	home := t.TempDir()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	flags := config.BindFlags(fs)
	if err := fs.Parse([]string{"--local", "--data", filepath.Join(home, "api.json")}); err != nil {
		t.Fatal(err)
	}
	s, err := config.Resolve(flags, config.MapEnv(map[string]string{"HOME": home, "TURSO_API_TOKEN": "tok-account-5e1f"}), configVocabulary())
	if err != nil || !s.Local || s.Token != "tok-account-5e1f" {
		t.Fatalf("%+v, %v", s, err)
	}
	se, err := prepare(s, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer se.close()
	if !strings.HasPrefix(se.client.BaseURL(), "http://127.0.0.1:") {
		t.Fatalf("base URL %s", se.client.BaseURL())
	}
	if _, err := se.client.ListGroups(context.Background()); err != nil {
		t.Fatalf("the local API refused the client's token: %v", err)
	}
	// Redact scrubs the client's own token: the account's must not be it.
	if se.client.Redact("tok-account-5e1f") != "tok-account-5e1f" {
		t.Fatal("the client holds the account's token")
	}
}

// A read-only dashboard says why when a key would change something: the
// flag, or the config file by its path; a served one in the server's
// terms, without the server's paths.
func TestReadOnlyReason(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "config.toml")
	if err := os.WriteFile(file, []byte("read_only = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args          []string
		local, served string
	}{
		{[]string{"--local"}, "", ""},
		{[]string{"--local", "--read-only"}, "it was started with --read-only", "the server was started with --read-only"},
		{[]string{"--local", "--config", file}, "read_only is set in " + file, "the server's config file sets read_only"},
	} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		flags := config.BindFlags(fs)
		if err := fs.Parse(append(c.args, "--data", filepath.Join(home, "api.json"))); err != nil {
			t.Fatal(err)
		}
		s, err := config.Resolve(flags, config.MapEnv(map[string]string{"HOME": home}), configVocabulary())
		if err != nil {
			t.Fatal(err)
		}
		if got := readOnlyReason(flags, s, false); got != c.local {
			t.Errorf("%v: %q, want %q", c.args, got, c.local)
		}
		if got := readOnlyReason(flags, s, true); got != c.served {
			t.Errorf("%v served: %q, want %q", c.args, got, c.served)
		}
	}
}
