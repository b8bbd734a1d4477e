package ui

import (
	"os"
	"strings"
)

// osc52Known reports whether the terminal described by getenv is known to
// take OSC 52, the escape sequence that sets the clipboard. Nothing can
// ask a terminal whether it does, so this goes by who the terminal says it
// is: TERM (the one name an SSH client always sends), and locally
// TERM_PROGRAM and the variables a terminal sets in its shells. Inside
// tmux or screen the answer is no: tmux passes OSC 52 on only with
// set-clipboard on, screen not at all, and the outer terminal is hidden.
// A nil getenv knows nothing. The copy key writes OSC 52 either way (it is
// harmless where unsupported); this decides only what the dashboard claims.
func osc52Known(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	term := getenv("TERM")
	if getenv("TMUX") != "" || getenv("STY") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return false
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm", "ghostty", "kitty", "Alacritty", "foot", "contour":
		return true
	}
	switch {
	case term == "xterm-kitty", term == "xterm-ghostty", term == "wezterm", term == "alacritty",
		term == "foot", strings.HasPrefix(term, "foot-"), term == "contour":
		return true
	}
	for _, v := range []string{"WT_SESSION", "KITTY_WINDOW_ID", "WEZTERM_PANE", "ALACRITTY_WINDOW_ID", "GHOSTTY_RESOURCES_DIR"} {
		if getenv(v) != "" {
			return true
		}
	}
	return false
}

// processEnv is the local terminal's environment, for Run.
var processEnv = os.Getenv
