package text

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"default":               "default",
		"évian-café":            "évian-café",
		"a\x1b[31mred\x1b[0m":   "a\uFFFD[31mred\uFFFD[0m",
		"osc\x1b]52;c;aGk=\x07": "osc\uFFFD]52;c;aGk=\uFFFD",
		"c1\u009b31m":           "c1\uFFFD31m",
		"tab\there\nnew":        "tab here new",
		"bad\xffbyte":           "bad\uFFFDbyte",
		"bidi\u202eevil":        "bidi\uFFFDevil",
		"del\x7f":               "del\uFFFD",
		"family👨‍👩‍👧":           "family👨‍👩‍👧",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"x", "\x1b[2J", "\x9b", "\xff", "a\u202eb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Sanitize(%q) kept control %U", s, r)
			}
		}
		if ansi.Strip(out) != out {
			t.Fatalf("Sanitize(%q) = %q still holds an escape sequence", s, out)
		}
	})
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
