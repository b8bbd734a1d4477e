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
		err := c.parse([]byte(doc), 0o600, MapEnv(map[string]string{"HOME": "/home/u"}), vocab)
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
