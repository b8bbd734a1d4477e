// Package text makes strings from the API safe and tidy for a terminal.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// MaxLen is the most bytes Sanitize returns. It is more than the widest
// terminal line shows, and it bounds what drawing a string from the API
// costs, whatever the API sent: a name of a megabyte would otherwise be
// measured, wrapped and styled in full on every frame.
const MaxLen = 2048

// ellipsis ends a string that Sanitize cut.
const ellipsis = "…"

// Sanitize returns s with every control character, escape sequence
// introducer, format character (the bidi controls U+200E, U+200F, U+061C,
// U+202A-U+202E, U+2066-U+2069 among them) and invalid byte replaced by a
// visible placeholder, so that text from the API (names, messages) is
// shown as text, in the order it was sent, and never acts on the terminal.
// Tabs, newlines and the line and paragraph separators (U+2028, U+2029)
// become spaces: every caller draws s on one line. Past MaxLen bytes it is
// cut, and ends with "…".
func Sanitize(s string) string { return sanitize(s, MaxLen) }

// SanitizeWhole is Sanitize without the cut, for text that must be shown
// whole however long it is: a token, which the user may copy off the
// screen.
func SanitizeWhole(s string) string { return sanitize(s, -1) }

func sanitize(s string, limit int) string {
	clean := limit < 0 || len(s) <= limit
	for i := 0; clean && i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	if limit >= 0 {
		b.Grow(min(len(s), limit))
	} else {
		b.Grow(len(s))
	}
	cutAt := -1 // where to cut, if the result is too long: room for "…"
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '\uFFFD'
		case r == '\t' || r == '\n' || r == '\r' || unicode.In(r, unicode.Zl, unicode.Zp):
			// U+2028 and U+2029 end a line too, in terminals that honour
			// them: in a dialog they pushed its right border out of line.
			r = ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// C0 and C1 controls (ESC, CSI, OSC...) become a visible mark.
			r = '\uFFFD'
		case unicode.Is(unicode.Cf, r) && r != '\u200d':
			// Format characters (bidi overrides and the like) can make
			// text display as something else; zero-width joiners are kept
			// for emoji.
			r = '\uFFFD'
		}
		if limit >= 0 {
			n := utf8.RuneLen(r)
			if cutAt < 0 && b.Len()+n > limit-len(ellipsis) {
				cutAt = b.Len()
			}
			if b.Len()+n > limit {
				return b.String()[:cutAt] + ellipsis
			}
		}
		b.WriteRune(r)
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
