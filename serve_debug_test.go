package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestServeDebugLog: `serve --debug --log-file F` writes the debug log
// (every API request a session makes) to F, as the dashboard does, while
// stderr keeps to the server's own lines.
func TestServeDebugLog(t *testing.T) {
	dir := t.TempDir()
	signer, keys := sshKeyFile(t, dir)
	logFile := filepath.Join(dir, "debug.log")
	cmd := exec.Command(binary, "serve", "--local", "--data", filepath.Join(dir, "state.json"),
		"--debug", "--log-file", logFile, "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host_key"), "--authorized-keys", keys)
	cmd.Env = []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		pw.Close()
	})
	var (
		mu     sync.Mutex
		output strings.Builder
	)
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`on (127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			mu.Lock()
			output.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var at string
	select {
	case at = <-addr:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not say where it listens")
	}

	client, err := ssh.Dial("tcp", at, &ssh.ClientConfig{
		User: "tester", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	sess.Stdout = io.Discard
	if err := sess.RequestPty("xterm", 30, 100, nil); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(logFile)
		if strings.Contains(string(b), `"msg":"request"`) && strings.Contains(string(b), "/groups") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the debug log has no API request of the session:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(output.String(), "msg=request") {
		t.Errorf("stderr carries the debug lines too:\n%s", output.String())
	}
}
