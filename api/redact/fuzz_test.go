package redact

import (
	"strings"
	"testing"
)

// FuzzRedact: once redacted, a text holds no copy of a token made of the
// characters tokens are made of.
func FuzzRedact(f *testing.F) {
	f.Add("request failed: Bearer tok-SECRET-4d1f", "tok-SECRET-4d1f")
	f.Add("tok-SECRET-4d1ftok-SECRET-4d1f eyJhbGciOi.eyJleHAiOjF9.sig", "4d1ft")
	f.Fuzz(func(t *testing.T, text, token string) {
		if len(token) < MinLen || strings.Contains(Placeholder, token) {
			return
		}
		for _, r := range token {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				return
			}
		}
		if out := String(text, token); strings.Contains(out, token) {
			t.Fatalf("String(%q, %q) = %q", text, token, out)
		}
	})
}
