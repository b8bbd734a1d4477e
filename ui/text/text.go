// Package text makes strings from the API safe and tidy for a terminal.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Sanitize returns s with every control character, escape sequence
// introducer and invalid byte replaced by a visible placeholder, so that
// text from the API (names, messages) is shown as text and never acts on
// the terminal. Tabs and newlines become spaces: every caller draws s on
// one line.
func Sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune('\uFFFD')
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// C0 and C1 controls (ESC, CSI, OSC...) become a visible mark.
			b.WriteRune('\uFFFD')
		case unicode.Is(unicode.Cf, r) && r != '\u200d':
			// Format characters (bidi overrides and the like) can make
			// text display as something else; zero-width joiners are kept
			// for emoji.
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// Truncate cuts s (already sanitized, possibly styled) to at most width
// cells, ending with "…" when cut.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// Pad truncates s to width and pads it with spaces to exactly width cells.
func Pad(s string, width int) string {
	s = Truncate(s, width)
	if w := ansi.StringWidth(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}
