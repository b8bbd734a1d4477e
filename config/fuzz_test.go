package config

import (
	"errors"
	"strings"
	"testing"
)

// FuzzConfigFile: any document either parses or gives an *Error naming the
// file, within the document's lines, that never quotes the token; parsing
// never panics.
func FuzzConfigFile(f *testing.F) {
	f.Add(ExampleConfig)
	for _, s := range []string{
		"org = \"acme\"\n[theme\n",
		"theme = { mode = \"blue\", colors = { accent = \"#zzzzzz\" } }\n",
		"[profiles.\"a.b\"]\napi_url = \"http://x\"\n[profiles.c]\nlocal = 1\n",
		"[keys]\nquit = [\"q\", [\"x\"]]\n",
		"a.b.c = 1\n[[x]]\ny = 2\n",
		"token = \"tok-SECRET-4d1f\"\nrefresh = 3\n",
	} {
		f.Add(s)
	}
	f.Add("token = \"tok-SECRET-4d1f \\u0000\"\n")
	f.Fuzz(func(t *testing.T, doc string) {
		c := &fileConfig{path: "/cfg/config.toml"}
		err := c.parse([]byte(doc), 0o600, MapEnv(map[string]string{"HOME": "/home/u"}))
		if err == nil {
			return
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("%T %v", err, err)
		}
		if ce.File != c.path {
			t.Fatalf("error names %q: %v", ce.File, err)
		}
		if lines := strings.Count(doc, "\n") + 1; ce.Line < 0 || ce.Line > lines {
			t.Fatalf("line %d of a %d-line document: %v", ce.Line, lines, err)
		}
		if (ce.Key == "token" || strings.HasSuffix(ce.Key, ".token")) && strings.Contains(ce.Msg, "tok-SECRET-4d1f") {
			t.Fatalf("error quotes the token: %v", err)
		}
	})
}

// FuzzRedact: once redacted, a text holds no copy of a token made of the
// characters tokens are made of.
func FuzzRedact(f *testing.F) {
	f.Add("request failed: Bearer tok-SECRET-4d1f", "tok-SECRET-4d1f")
	f.Add("tok-SECRET-4d1ftok-SECRET-4d1f eyJhbGciOi.eyJleHAiOjF9.sig", "4d1ft")
	f.Fuzz(func(t *testing.T, text, token string) {
		if len(token) < minSecretLen || strings.Contains(redactedText, token) {
			return
		}
		for _, r := range token {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				return
			}
		}
		if out := redactString(text, secretsOf(token)); strings.Contains(out, token) {
			t.Fatalf("redactString(%q, %q) = %q", text, token, out)
		}
	})
}
