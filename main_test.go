package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
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

	urlRe := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	tokRe := regexp.MustCompile(`token:\s+(\S+)`)
	var url, token string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && (url == "" || token == "") {
		if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if m := tokRe.FindStringSubmatch(sc.Text()); m != nil {
			token = m[1]
		}
	}
	if url == "" || token == "" {
		t.Fatalf("the command did not print its URL and token")
	}
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

func TestBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"local-api", "--no-such-flag"},
		{"local-api", "--fail-rate", "2"},
		{"local-api", "--latency", "soon"},
	} {
		out, err := exec.Command(binary, args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%v: exit %v, want 2; output %s", args, err, out)
		}
		if strings.Contains(string(out), "goroutine") || !strings.HasPrefix(string(out), "turso-groups: ") {
			t.Errorf("%v: output %q is not one clear message", args, out)
		}
	}
}
