package main

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionInfo(t *testing.T) {
	const rev = "5d179b98b333c0ffee5d179b98b333c0ffee0123"
	stamped := func(mainVersion string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: mainVersion}, Settings: settings}, true
		}
	}
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "true"}}
	cases := []struct {
		name            string
		xVersion, xHash string
		read            func() (*debug.BuildInfo, bool)
		want            string
	}{
		{"no build info", "dev", "", func() (*debug.BuildInfo, bool) { return nil, false }, "dev"},
		{"go run / -buildvcs=false", "dev", "", stamped("(devel)"), "dev"},
		{"go install @version", "dev", "", stamped("v1.4.0"), "v1.4.0"},
		{"checkout with vcs stamping", "dev", "", stamped("v0.0.0-20261202082619-5d179b98b333+dirty", vcs...), "dev (commit 5d179b98b333, modified)"},
		{"release build with -X", "v1.2.0", "abcdef0123456789", stamped("(devel)", vcs...), "v1.2.0 (commit abcdef012345)"},
		{"-X commit only", "dev", "abc1234", stamped("(devel)"), "dev (commit abc1234)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			version, commit = c.xVersion, c.xHash
			t.Cleanup(func() { version, commit = "dev", "" })
			if got := versionInfo(c.read).String(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestVersionFlagsPrintOneLine: `version`, `--version` and `-v` say the
// same thing, in the same words.
func TestVersionFlagsPrintOneLine(t *testing.T) {
	var first string
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		out, err := exec.Command(binary, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		line := string(out)
		if !strings.HasPrefix(line, "turso-groups ") || strings.Count(line, "\n") != 1 || strings.Contains(line, " version ") {
			t.Errorf("%v printed %q", args, line)
		}
		if first == "" {
			first = line
		} else if line != first {
			t.Errorf("%v printed %q, `version` printed %q", args, line, first)
		}
	}
}

// TestVersionNamesTheCommit builds the binary as a user would from a
// checkout (the go command stamps the commit), and as a release would (-X
// values), and asks each which it is.
func TestVersionNamesTheCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("needs a git checkout to build from (git rev-parse HEAD: %v)", err)
	}
	short := strings.TrimSpace(string(head))[:12]
	builds := []struct {
		name  string
		flags []string
		want  string
	}{
		// CI and these machines set -buildvcs=false in GOFLAGS; a flag on
		// the command line overrides it, as a user's default build does.
		{"checkout", []string{"-buildvcs=true"}, "turso-groups dev (commit " + short},
		{"release", []string{"-ldflags", "-X main.version=v9.8.7 -X main.commit=" + strings.TrimSpace(string(head))}, "turso-groups v9.8.7 (commit " + short + ")\n"},
	}
	for _, b := range builds {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			bin := filepath.Join(t.TempDir(), "turso-groups")
			args := append(append([]string{"build"}, b.flags...), "-o", bin, ".")
			if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
				t.Fatalf("go %v: %v\n%s", args, err, out)
			}
			out, err := exec.Command(bin, "-v").CombinedOutput()
			if err != nil {
				t.Fatalf("-v: %v\n%s", err, out)
			}
			if !strings.HasPrefix(string(out), b.want) {
				t.Errorf("-v printed %q, want it to start with %q", out, b.want)
			}
		})
	}
}
