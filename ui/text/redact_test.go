package text

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	const jwt = "eyJhbGciOiJFZERTQSJ9.eyJleHAiOjE5MDAwMDAwMDB9.c2lnbmF0dXJl"
	for _, tc := range []struct{ in, want string }{
		{"boom: tok-SECRET-1 and tok-SECRET-1", "boom: [redacted] and [redacted]"},
		{"header Authorization: Bearer abc.def", "header Authorization: Bearer [redacted]"},
		{"bearer=xyz, next", "bearer [redacted], next"},
		{"a group token " + jwt + " in a panic", "a group token [redacted] in a panic"},
		{"unsigned " + jwt[:strings.LastIndexByte(jwt, '.')+1], "unsigned [redacted]"},
		{"nothing secret here: eyJ alone", "nothing secret here: eyJ alone"},
		{"a short secret abc stays", "a short secret abc stays"},
	} {
		if got := Redact(tc.in, "tok-SECRET-1", "abc"); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
