package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagCompletion asks the binary, through cobra's __complete (what
// the shell scripts of `turso-groups completion` call), for the values of
// the flags that have a fixed set: the config file's profiles for
// --profile (every command that takes it; --config on the same line
// names the file), demo and empty for --seed.
func TestFlagCompletion(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "turso-groups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	doc := "org = \"acme\"\n[profiles.work]\norg = \"acme\"\n[profiles.demo]\nlocal = true\n"
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(home, "other.toml")
	if err := os.WriteFile(other, []byte("[profiles.staging]\n[profiles.prod]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const noFiles = ":4\n" // cobra.ShellCompDirectiveNoFileComp
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--profile", ""}, "demo\nwork\n"},
		{[]string{"--profile", "w"}, "work\n"},
		{[]string{"serve", "--profile", ""}, "demo\nwork\n"},
		{[]string{"config", "show", "--profile", ""}, "demo\nwork\n"},
		{[]string{"--config", other, "--profile", ""}, "prod\nstaging\n"},
		{[]string{"local-api", "--seed", ""}, "demo\nempty\n"},
		{[]string{"local-api", "--group-update", ""}, "served\nremoved\n"},
	} {
		cmd := exec.Command(binary, append([]string{"__complete"}, tc.args...)...)
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if got := string(out); got != tc.want+noFiles {
			t.Errorf("__complete %s: %q, want %q", strings.Join(tc.args, " "), got, tc.want+noFiles)
		}
	}

	// No config file: no profile to offer, and no file names either.
	cmd := exec.Command(binary, "__complete", "--profile", "")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	if out, err := cmd.Output(); err != nil || string(out) != noFiles {
		t.Errorf("without a config file: %q, %v", out, err)
	}
}
