package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/config"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/styles"
)

// config checks a config file against the vocabulary main hands it, not
// against the UI itself: the one main hands in must be the key map's, the
// palette's and the local API's, or a file the dashboard would take is
// refused (or one it would refuse let through, to fail later without a
// line number).
func TestConfigVocabulary(t *testing.T) {
	// With no token anywhere, each runs in local mode.
	resolve := func(t *testing.T, content string) (*config.Settings, error) {
		t.Helper()
		home := t.TempDir()
		file := filepath.Join(home, "config.toml")
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		f := &config.Flags{ConfigFile: file}
		f.SetChanged(config.FlagConfig)
		return config.Resolve(f, config.MapEnv(map[string]string{"HOME": home}), configVocabulary())
	}

	// Every action of the key map and every colour of the palette is a
	// word the file may use, and what it sets reaches the dashboard.
	var b strings.Builder
	b.WriteString("[keys]\n")
	for i, a := range keys.Actions() {
		fmt.Fprintf(&b, "%s = \"f%d\"\n", a, i+1)
	}
	b.WriteString("[theme.colors]\n")
	for _, c := range styles.ColorNames {
		fmt.Fprintf(&b, "%s = \"#abcdef\"\n", c)
	}
	s, err := resolve(t, b.String())
	if err != nil {
		t.Fatalf("every action and colour: %v", err)
	}
	km := keys.Default()
	if err := km.Rebind(s.Keys); err != nil || len(s.Keys) != len(keys.Actions()) {
		t.Errorf("keys %v: %v", s.Keys, err)
	}
	if _, err := styles.DefaultPalette().WithOverrides(s.Theme.Colors); err != nil || len(s.Theme.Colors) != len(styles.ColorNames) {
		t.Errorf("colours %v: %v", s.Theme.Colors, err)
	}
	// Local mode opens the demo data's organization.
	if s.Org != emulator.DemoOrg || s.OrgSource != config.SourceLocal {
		t.Errorf("local mode org %q from %q, want %q", s.Org, s.OrgSource, emulator.DemoOrg)
	}

	// What the styles refuse, and an action the key map lacks, are refused
	// with the line, and the error lists the key map's actions.
	for _, tc := range []struct{ content, want string }{
		{"[theme.colors]\naccent = \"#12345\"\n", `config.toml:2: theme.colors.accent: "#12345" is not a colour`},
		{"[theme.colors]\n\nmuted = \"256\"\n", `config.toml:3: theme.colors.muted: "256" is not a colour`},
		{"[theme.colors]\nbackground = \"#000000\"\n", "config.toml:2: theme.colors.background: unknown colour; the colours are " + strings.Join(styles.ColorNames, ", ")},
		{"[keys]\nquit = \"q\"\njump = \"j\"\n", "config.toml:3: keys.jump: unknown action; the actions are " + strings.Join(keys.Actions(), ", ")},
	} {
		if _, err := resolve(t, tc.content); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.content, err, tc.want)
		}
	}
}
