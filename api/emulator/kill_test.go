package emulator

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment switches that turn TestHelperProcessCreates into the child of
// TestKillDuringWrites.
const (
	killHelperPathEnv   = "EMULATOR_KILL_HELPER_PATH"
	killHelperPrefixEnv = "EMULATOR_KILL_HELPER_PREFIX"
)

// TestHelperProcessCreates is not a test on its own: run as a child by
// TestKillDuringWrites, it creates groups in a loop against a file-backed
// store and prints each name once its create was acknowledged (200).
func TestHelperProcessCreates(t *testing.T) {
	path := os.Getenv(killHelperPathEnv)
	if path == "" {
		return // only meaningful as TestKillDuringWrites's child
	}
	prefix := os.Getenv(killHelperPrefixEnv)
	st, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: open:", err)
		os.Exit(2)
	}
	srv, err := New(st, Options{Token: testToken})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: new:", err)
		os.Exit(2)
	}
	// Bounded in case the parent dies without killing us.
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		name := fmt.Sprintf("%s-%d", prefix, i)
		req := httptest.NewRequest("POST", "/v1/groups", strings.NewReader(`{"name":"`+name+`","location":"lhr"}`))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			fmt.Fprintf(os.Stderr, "helper: create %s: %d %s\n", name, rec.Code, rec.Body.String())
			os.Exit(3)
		}
		// os.Stdout is unbuffered: the line leaves before the next create.
		fmt.Println(name)
	}
	os.Exit(0)
}

// TestKillDuringWrites kills a writing process with SIGKILL at random
// moments; the file must always load and hold every acknowledged write.
func TestKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	st, err := OpenStore(path, SeedEmpty, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var acked []string
	rounds := 6
	for round := range rounds {
		prefix := fmt.Sprintf("r%d", round)
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessCreates$", "-test.count=1")
		cmd.Env = append(os.Environ(), killHelperPathEnv+"="+path, killHelperPrefixEnv+"="+prefix)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var names []string
		first := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if !strings.HasPrefix(line, prefix+"-") {
					continue
				}
				mu.Lock()
				names = append(names, line)
				if len(names) == 1 {
					close(first)
				}
				mu.Unlock()
			}
		}()
		// Kill while writes are in full swing, not during start-up.
		select {
		case <-first:
		case <-done:
			_ = cmd.Wait()
			t.Fatalf("round %d: helper exited before its first write: %s", round, stderr.String())
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: no acknowledged write within 15s: %s", round, stderr.String())
		}
		time.Sleep(time.Duration(10+rng.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("kill: %v", err)
		}
		_ = cmd.Wait()
		<-done
		if stderr.Len() > 0 {
			t.Logf("round %d helper stderr: %s", round, stderr.String())
		}
		mu.Lock()
		acked = append(acked, names...)
		mu.Unlock()

		re, err := OpenStore(path, SeedEmpty, 0)
		if err != nil {
			t.Fatalf("round %d: file does not load after SIGKILL: %v", round, err)
		}
		// Reopening cleaned up temp files the killed writer left behind.
		if left, _ := filepath.Glob(filepath.Join(dir, ".state.json*")); len(left) > 0 {
			t.Errorf("round %d: stale temp files after reopen: %v", round, left)
		}
		have := map[string]bool{}
		for _, g := range re.Groups(DemoOrg) {
			have[g.Name] = true
		}
		_ = re.Close()
		for _, n := range acked {
			if !have[n] {
				t.Fatalf("round %d: acknowledged group %s is missing after SIGKILL", round, n)
			}
		}
		t.Logf("round %d: %d acknowledged so far, %d groups on disk", round, len(acked), len(have))
	}
	if len(acked) < rounds {
		t.Fatalf("only %d acknowledged writes in %d rounds", len(acked), rounds)
	}
}
