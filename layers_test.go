package main

import (
	"os/exec"
	"strings"
	"testing"
)

// module is this module's path, which every package of it starts with.
const module = "github.com/seed372e9e9a/turso-groups"

// TestLayersPointOneWay holds the packages to the layers ARCHITECTURE.md
// draws, as `go list` sees them, test code included: config is handed
// what it checks (key actions, colours, the local API's organization)
// rather than importing the UI or the local API; everything under api/ is
// below both config and ui, the data cache that the SSH sessions share
// (api/cache) included; and the SSH server depends on ui, never the
// reverse. An import the wrong way compiles, since no cycle forms, so
// only a test like this one says so.
func TestLayersPointOneWay(t *testing.T) {
	for _, rule := range []struct {
		pattern string   // the packages held to the rule
		not     []string // what they must not depend on, with what is under it
		// covers are packages the pattern must list: were one moved out
		// from under it, the rule would pass without checking it.
		covers []string
	}{
		{"./config/...", []string{"ui", "api/emulator"}, nil},
		{"./api/...", []string{"ui", "config"}, []string{"api/cache"}},
		{"./ui/...", []string{"ui/serve"}, nil},
	} {
		out, err := exec.Command("go", "list", "-test", "-f", "{{.ImportPath}}\t{{join .Deps \"\\t\"}}", rule.pattern).Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("go list %s: %v\n%s", rule.pattern, err, stderr)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) == 0 || lines[0] == "" {
			t.Fatalf("go list %s listed nothing", rule.pattern)
		}
		listed := map[string]bool{}
		for _, line := range lines {
			fields := strings.Split(line, "\t")
			pkg := withoutTestSuffix(fields[0])
			listed[pkg] = true
			if under(pkg, rule.not) != "" {
				// ui/serve is under ./ui/... but is the rule's other side.
				continue
			}
			for _, dep := range fields[1:] {
				if bad := under(withoutTestSuffix(dep), rule.not); bad != "" {
					t.Errorf("%s depends on %s: nothing of %s may depend on %s/", fields[0], dep, rule.pattern, bad)
				}
			}
		}
		for _, c := range rule.covers {
			if !listed[module+"/"+c] {
				t.Errorf("go list %s does not list %s, which the rule is meant to hold", rule.pattern, c)
			}
		}
	}
}

// withoutTestSuffix is a package path as `go list -test` prints it
// ("p [p.test]" for p compiled for its tests, "p_test [p.test]" for its
// external tests, "p.test" for the test binary) without what it adds.
func withoutTestSuffix(p string) string {
	p, _, _ = strings.Cut(p, " [")
	return strings.TrimSuffix(strings.TrimSuffix(p, ".test"), "_test")
}

// under is the entry of dirs (relative to the module) that pkg is or is
// under, or "".
func under(pkg string, dirs []string) string {
	for _, d := range dirs {
		if full := module + "/" + d; pkg == full || strings.HasPrefix(pkg, full+"/") {
			return d
		}
	}
	return ""
}
