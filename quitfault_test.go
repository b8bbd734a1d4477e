package main

import (
	"bufio"
	"os"
	"os/exec"
	"testing"
	"time"
)

// startFaultyAPI runs `turso-groups local-api` with the given fault flags
// and returns its URL and token.
func startFaultyAPI(t *testing.T, faults ...string) (url, token string) {
	t.Helper()
	args := append([]string{"local-api", "--listen", "127.0.0.1:0", "--data", "", "--quiet"}, faults...)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	url, token = readBanner(t, sc)
	go func() {
		for sc.Scan() {
		}
	}()
	return url, token
}

// q and ctrl+c end the program within a second while its first requests
// are in flight, on an API that stalls halfway through each answer or is
// slow to begin one. The client's own timeout (30 s) is far away: only
// quitting ends those requests.
func TestQuitWithRequestsInFlight(t *testing.T) {
	faults := map[string][]string{
		"stalled body": {"--stall-rate", "1"},
		"latency":      {"--latency", "1m"},
	}
	for name, flags := range faults {
		for _, key := range []struct{ name, seq string }{{"q", "q"}, {"ctrl+c", "\x03"}} {
			t.Run(name+"/"+key.name, func(t *testing.T) {
				t.Parallel()
				url, token := startFaultyAPI(t, flags...)
				cmd := exec.Command(binary)
				cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"),
					"TURSO_API_BASEURL=" + url, "TURSO_API_TOKEN=" + token, "TURSO_ORG=demo"}
				screen := runInPTY(t, cmd, 100, 30)
				screen.waitFor(t, "Loading the groups of demo")
				// The requests leave as the loading screen is drawn; give
				// them a moment to reach the API and hang there.
				time.Sleep(300 * time.Millisecond)
				start := time.Now()
				screen.send(key.seq)
				err := waitExit(cmd, 10*time.Second)
				took := time.Since(start)
				if err != nil {
					t.Fatalf("after %s: %v (%s)\n%s", key.name, err, took, screen.text())
				}
				t.Logf("exited %s after %s", took, key.name)
				// Typically 12 ms; the requests it must not wait for would
				// hold it a minute or for ever.
				if took > 5*time.Second {
					t.Errorf("the program took %s to exit after %s", took, key.name)
				}
			})
		}
	}
}
