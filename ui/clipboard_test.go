package ui

import "testing"

func TestOSC52Known(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"nothing known", nil, false},
		{"plain xterm", map[string]string{"TERM": "xterm-256color"}, false},
		{"Apple Terminal", map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"}, false},
		{"VS Code", map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "vscode"}, false},
		{"iTerm2", map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, true},
		{"WezTerm", map[string]string{"TERM_PROGRAM": "WezTerm"}, true},
		{"ghostty by TERM over SSH", map[string]string{"TERM": "xterm-ghostty"}, true},
		{"kitty by TERM over SSH", map[string]string{"TERM": "xterm-kitty"}, true},
		{"Alacritty", map[string]string{"TERM": "alacritty"}, true},
		{"foot", map[string]string{"TERM": "foot-extra"}, true},
		{"Windows Terminal", map[string]string{"TERM": "xterm-256color", "WT_SESSION": "5b8c"}, true},
		{"kitty window", map[string]string{"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, true},
		{"tmux in kitty", map[string]string{"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"}, false},
		{"tmux TERM without TMUX (over SSH)", map[string]string{"TERM": "screen-256color"}, false},
		{"screen in iTerm2", map[string]string{"TERM": "screen", "STY": "1.pts", "TERM_PROGRAM": "iTerm.app"}, false},
		{"dumb", map[string]string{"TERM": "dumb"}, false},
	} {
		getenv := func(k string) string { return c.env[k] }
		if got := osc52Known(getenv); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if osc52Known(nil) {
		t.Error("a nil environment is known to take OSC 52")
	}
}
