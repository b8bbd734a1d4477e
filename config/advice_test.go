package config

import (
	"strings"
	"testing"
)

// The advice for a refused token follows where it came from: `turso auth
// login` is only advised for the turso CLI's own token.
func TestTokenAdvice(t *testing.T) {
	for src, want := range map[Source]string{
		"--token":         "given with --token",
		"TURSO_API_TOKEN": "Set TURSO_API_TOKEN",
		"turso CLI settings (/home/u/.config/turso/settings.json)": "turso auth login",
		"config.toml":              "token in config.toml",
		"config.toml profile work": "token in config.toml profile work",
	} {
		got := (&Settings{TokenSource: src}).TokenAdvice()
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q in it", src, got, want)
		}
		if src != "turso CLI settings (/home/u/.config/turso/settings.json)" && strings.Contains(got, "auth login") {
			t.Errorf("%s: advises turso auth login: %q", src, got)
		}
	}
	if got := (&Settings{}).TokenAdvice(); got != "" {
		t.Errorf("no token: %q", got)
	}
}
