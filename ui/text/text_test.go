package text

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"default":                 "default",
		"évian-café":              "évian-café",
		"a\x1b[31mred\x1b[0m":     "a\uFFFD[31mred\uFFFD[0m",
		"osc\x1b]52;c;aGk=\x07":   "osc\uFFFD]52;c;aGk=\uFFFD",
		"c1\u009b31m":             "c1\uFFFD31m",
		"tab\there\nnew":          "tab here new",
		"bad\xffbyte":             "bad\uFFFDbyte",
		"bidi\u202eevil":          "bidi\uFFFDevil",
		"del\x7f":                 "del\uFFFD",
		"family👨‍👩‍👧":             "family👨‍👩‍👧",
		"line\u2028para\u2029end": "line para end",
		"nel\u0085":               "nel\uFFFD",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// bidiControls are every character that reorders text on screen: the
// marks, embeddings, overrides and isolates.
var bidiControls = []rune{'\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
	'\u2066', '\u2067', '\u2068', '\u2069'}

// unsafeRune reports a rune Sanitize must never return: a control, a line
// or paragraph separator, a bidi control.
func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.In(r, unicode.Zl, unicode.Zp) || slices.Contains(bidiControls, r)
}

func TestSanitizeSeparatorsAndBidi(t *testing.T) {
	for _, r := range append([]rune{'\u2028', '\u2029'}, bidiControls...) {
		in := "abc" + string(r) + "def"
		out := Sanitize(in)
		for _, o := range out {
			if unsafeRune(o) {
				t.Errorf("Sanitize(%q) = %q keeps %U", in, out, o)
			}
		}
		if !strings.HasPrefix(out, "abc") || !strings.HasSuffix(out, "def") {
			t.Errorf("Sanitize(%q) = %q", in, out)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"x", "\x1b[2J", "\x9b", "\xff", "a\u202eb", "a\u2028b\u2029", "\u2066x\u2069\u200f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		for _, r := range out {
			if unsafeRune(r) {
				t.Fatalf("Sanitize(%q) kept %U", s, r)
			}
		}
		if ansi.Strip(out) != out {
			t.Fatalf("Sanitize(%q) = %q still holds an escape sequence", s, out)
		}
		if len(out) > MaxLen || Sanitize(out) != out {
			t.Fatalf("Sanitize(%q) = %q: %d bytes, or not a fixed point", s, out, len(out))
		}
		if len(s) <= MaxLen/3 && strings.HasSuffix(out, "…") && !strings.HasSuffix(s, "…") {
			t.Fatalf("Sanitize(%q) = %q cut a short string", s, out)
		}
	})
}

// A string from the API of any length costs at most MaxLen bytes to draw;
// a token is shown whole.
func TestSanitizeCapsLength(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("n", 1<<20),
		strings.Repeat("\x1b", 1<<20), // each byte grows to three
		strings.Repeat("界", 1<<18),
		strings.Repeat("x", MaxLen-1) + "界", // the cut falls inside a rune
	} {
		out := Sanitize(s)
		if len(out) > MaxLen || !strings.HasSuffix(out, "…") || !utf8.ValidString(out) {
			t.Errorf("Sanitize(%.10q… of %d bytes) = %d bytes ending %q", s, len(s), len(out), out[max(len(out)-6, 0):])
		}
		if Sanitize(out) != out {
			t.Errorf("Sanitize of a cut string cut it again")
		}
	}
	if s := strings.Repeat("x", MaxLen); Sanitize(s) != s {
		t.Error("a string of MaxLen bytes was cut")
	}
	if s := strings.Repeat("\x1b", MaxLen/3); Sanitize(s) != strings.Repeat("\uFFFD", MaxLen/3) {
		t.Error("a short string that grows when sanitized was cut")
	}
	tok := "eyJ" + strings.Repeat("a", 3*MaxLen)
	if SanitizeWhole(tok) != tok || SanitizeWhole("a\x1bb") != "a\uFFFDb" {
		t.Error("SanitizeWhole cut a token, or did not sanitize")
	}
}

func TestTruncateAndPad(t *testing.T) {
	if got := Truncate("abcdef", 4); got != "abc…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := Pad("ab", 4); got != "ab  " {
		t.Errorf("Pad = %q", got)
	}
	if got := Pad(strings.Repeat("界", 5), 5); ansi.StringWidth(got) != 5 {
		t.Errorf("Pad wide = %q (%d cells)", got, ansi.StringWidth(got))
	}
	if Truncate("x", 0) != "" || Truncate("x", -3) != "" {
		t.Error("non-positive widths must give empty strings")
	}
}
