package redact

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
		if got := String(tc.in, "tok-SECRET-1", "abc"); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Secrets takes out the secrets named and leaves the rest of a server's
// words alone, JWT-shaped or not.
func TestSecrets(t *testing.T) {
	const jwt = "eyJhbGciOiJFZERTQSJ9.eyJleHAiOjE5MDAwMDAwMDB9.c2lnbmF0dXJl"
	for _, tc := range []struct{ in, want string }{
		{"you sent Bearer tok-SECRET-1", "you sent Bearer [redacted]"},
		{"tok-SECRET-1tok-SECRET-1", "[redacted][redacted]"},
		{"a token of theirs " + jwt, "a token of theirs " + jwt},
		{"a short secret abc stays", "a short secret abc stays"},
	} {
		if got := Secrets(tc.in, "tok-SECRET-1", "abc"); got != tc.want {
			t.Errorf("Secrets(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
