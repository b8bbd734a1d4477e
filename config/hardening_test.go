package config

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// A plain http:// API URL to another machine is refused from every source,
// naming the source, unless --insecure-http is given; http:// to this
// machine (the local API) is fine, and local mode does not use the URL.
func TestPlainHTTPToAnotherMachine(t *testing.T) {
	const remote = "http://api.example.com"
	for _, l := range []struct {
		name  string
		setup func(h *home) []string
		src   string
	}{
		{"flag", func(h *home) []string { return []string{"--api-url", remote} }, "--api-url"},
		{"env", func(h *home) []string { h.env["TURSO_API_BASEURL"] = remote; return nil }, "TURSO_API_BASEURL"},
		{"file", func(h *home) []string { h.writeConfig(t, "api_url = \""+remote+"\"\n", 0o600); return nil }, "config.toml"},
		{"profile", func(h *home) []string {
			h.writeConfig(t, "[profiles.w]\napi_url = \""+remote+"\"\n", 0o600)
			return []string{"--profile", "w"}
		}, "config.toml profile w"},
		{"cli", func(h *home) []string { h.writeCLI(t, `{"baseurl": "`+remote+`"}`); return nil }, "turso CLI settings ("},
	} {
		t.Run(l.name, func(t *testing.T) {
			h := newHome(t)
			h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
			args := l.setup(h)
			e := resolveErr(t, h, args...)
			mustContain(t, e.Error(), l.src, remote+" is plain http:// to another machine", "unencrypted", "--insecure-http")
			s := resolve(t, h, append(args, "--insecure-http")...)
			if s.APIURL != remote || !s.InsecureHTTP {
				t.Fatalf("with --insecure-http: %s, %v", s.APIURL, s.InsecureHTTP)
			}
			mustContain(t, s.Redacted(), "insecure http       allowed (from --insecure-http)")
			// Local mode does not send the token to the URL.
			if s := resolve(t, h, append(args, "--local")...); !s.Local {
				t.Fatal("not local")
			}
		})
	}
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:8080/v1/", "http://[::1]:1", "https://api.example.com"} {
		h := newHome(t)
		h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
		if s := resolve(t, h, "--api-url", ok); s.APIURL != ok || strings.Contains(s.Redacted(), "insecure") {
			t.Errorf("%s: %+v", ok, s)
		}
	}
}

// Organization slugs are ASCII letters, digits, hyphens and underscores,
// from every source: bidi controls and other invisible or look-alike
// characters are refused with a message that shows them escaped, never
// raw.
func TestOrgSlugIsValidated(t *testing.T) {
	for _, bad := range []string{"acme\u202egro", "\u2066acme\u2069", "ac\u200fme", "ac\u2028me", "аcme" /* Cyrillic а */, "a.b", "a b", "a/b", "..", strings.Repeat("a", 65)} {
		for _, l := range []struct {
			name  string
			setup func(h *home) []string
			src   string
		}{
			{"flag", func(h *home) []string { return []string{"--org", bad} }, "--org: "},
			{"env", func(h *home) []string { h.env["TURSO_ORG"] = bad; return nil }, "TURSO_ORG: "},
			{"file", func(h *home) []string { h.writeConfig(t, "org = "+tomlString(bad)+"\n", 0o600); return nil }, "config.toml:1: org: "},
			{"profile", func(h *home) []string {
				h.writeConfig(t, "[profiles.w]\norg = "+tomlString(bad)+"\n", 0o600)
				return []string{"--profile", "w"}
			}, "config.toml:2: profiles.w.org: "},
			{"cli", func(h *home) []string { h.writeCLI(t, `{"organization": `+jsonString(bad)+`}`); return nil }, "settings.json: organization: "},
		} {
			h := newHome(t)
			e := resolveErr(t, h, l.setup(h)...)
			msg := e.Error()
			mustContain(t, msg, l.src, "organization slug")
			for _, r := range msg {
				if r > unicode.MaxASCII {
					t.Errorf("%s %+q: the message holds %U raw: %+q", l.name, bad, r, msg)
					break
				}
			}
		}
	}
	for _, good := range []string{"acme", "my-org", "Some_User-42", ""} {
		h := newHome(t)
		h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
		if s := resolve(t, h, "--org", good); s.Org != good {
			t.Errorf("--org %q: %q", good, s.Org)
		}
	}
}

// tomlString and jsonString quote s for a TOML or JSON file, escaping
// what is not ASCII.
func tomlString(s string) string { return jsonString(s) }

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return strings.NewReplacer("\u2028", `\u2028`, "\u2029", `\u2029`).Replace(string(b))
}

// `config show` prints nothing a terminal would not show as itself: a data
// file path (which may be anything) with a bidi control or an escape
// sequence is printed escaped.
func TestShowEscapesInvisibleCharacters(t *testing.T) {
	h := newHome(t)
	out := resolve(t, h, "--data", "/tmp/evil\u202e\x1b[2Jnosj.json").Redacted()
	mustContain(t, out, `/tmp/evil\u202e\x1b[2Jnosj.json`)
	for _, r := range out {
		if r != '\n' && !unicode.IsPrint(r) {
			t.Fatalf("config show holds %U raw:\n%s", r, out)
		}
	}
}

// tokenChars are the letters of the tokens in TestSyntaxErrorsNeverQuoteTheToken:
// none of them occurs in any of our own messages.
const tokenChars = "QZXWKVY"

// A syntax error on a token's line names the file, line and column, and
// never a character of the token: the parsers quote the character they
// stumbled on ("U+0051 'Q'", "invalid character 'Q'") or the whole value.
func TestSyntaxErrorsNeverQuoteTheToken(t *testing.T) {
	toml := []string{
		`token = QZXWKVY`,
		`token = "QZXWKVY`,
		`token = "QZX\KVY"`,
		`token = 'QZX'WKVY`,
		`token = "QZX"WKVY`,
		`token = 1e5QZXWKVY`,
		`token = 0xQZXWKVY`,
		`token = 1979-05-27TQZX`,
		`token = tQZXWKVY`,
		`token = """QZX\KVY"""`,
		`token = [QZXWKVY]`,
		`token = {QZX = 1, QZX = 2}`,
		"token = \"QZX\nWKVY\"",
		`QZXWKVY`,
		"[profiles.w]\ntoken = \"QZX\\KVY\"",
	}
	for _, doc := range toml {
		h := newHome(t)
		h.writeConfig(t, doc+"\n", 0o600)
		e := resolveErr(t, h)
		if e.Line == 0 || strings.ContainsAny(e.Msg+e.Key, tokenChars) {
			t.Errorf("%q: %q (line %d, key %q)", doc, e.Msg, e.Line, e.Key)
		}
	}
	json := []string{
		`{"token": QZXWKVY}`,
		`{"token": "QZX\KVY"}`,
		`{"token": "QZX" WKVY}`,
		`{"token": tQZXWKVY}`,
		`{"token": 1QZXWKVY}`,
		`{"token": "QZXWKVY`,
		`{"token": "QZXWKVY",, "organization": "acme"}`,
		`{QZXWKVY: 1}`,
		"{\n  \"organization\": \"acme\",\n  \"token\": \"QZX\\KVY\"\n}",
		"{\"organization\": \"acme\", \"token\": \"QZX\",\n\"x\": 1 WKVY}",
	}
	for _, doc := range json {
		h := newHome(t)
		h.writeCLI(t, doc)
		e := resolveErr(t, h)
		if strings.ContainsAny(e.Msg+e.Key, tokenChars) || !strings.Contains(e.Msg, "not valid JSON") {
			t.Errorf("%q: %q (line %d, key %q)", doc, e.Msg, e.Line, e.Key)
		}
	}
}

// What the parsers quote from their own grammar stays: it tells what was
// expected.
func TestSyntaxErrorsKeepTheGrammar(t *testing.T) {
	h := newHome(t)
	h.writeConfig(t, "read_only = tru\n", 0o600)
	mustContain(t, resolveErr(t, h).Msg, `expected keyword "true"`)
}

// When the token and a non-default API URL come from different places,
// the settings say so (the program prints it, the dashboard's header shows
// it) and so does `config show`; from one place, or with the default URL,
// nothing is said.
func TestTokenAndURLFromDifferentPlaces(t *testing.T) {
	const url = "http://127.0.0.1:18101"
	for _, tc := range []struct {
		name  string
		setup func(h *home) []string
		warn  string // "" for none
	}{
		{"env token, CLI url", func(h *home) []string {
			h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
			h.writeCLI(t, `{"token":"tok-cli-77a1","baseurl":"`+url+`"}`)
			return nil
		}, "The token (from TURSO_API_TOKEN) is sent to " + url + ", an API URL from turso CLI settings ("},
		{"flag token, file url", func(h *home) []string {
			h.writeConfig(t, "api_url = \""+url+"\"\n", 0o600)
			return []string{"--token", "tok-flag-4d1f"}
		}, "The token (from --token) is sent to " + url + ", an API URL from config.toml"},
		{"CLI token, env url", func(h *home) []string {
			h.writeCLI(t, `{"token":"tok-cli-77a1"}`)
			h.env["TURSO_API_BASEURL"] = url
			return nil
		}, "from turso CLI settings ("},
		{"both from the CLI", func(h *home) []string {
			h.writeCLI(t, `{"token":"tok-cli-77a1","baseurl":"`+url+`"}`)
			return nil
		}, ""},
		{"both from the environment", func(h *home) []string {
			h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
			h.env["TURSO_API_BASEURL"] = url
			return nil
		}, ""},
		{"both from flags", func(h *home) []string { return []string{"--token", "tok-flag-4d1f", "--api-url", url} }, ""},
		{"file and its profile", func(h *home) []string {
			h.writeConfig(t, "api_url = \""+url+"\"\n[profiles.w]\ntoken = \"tok-prof-4d1f\"\n", 0o600)
			return []string{"--profile", "w"}
		}, ""},
		{"the default url", func(h *home) []string { h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"; return nil }, ""},
		{"local mode", func(h *home) []string {
			h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
			h.writeCLI(t, `{"baseurl":"`+url+`"}`)
			return []string{"--local"}
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHome(t)
			s := resolve(t, h, tc.setup(h)...)
			if tc.warn == "" {
				if len(s.Warnings) != 0 || strings.Contains(s.Redacted(), "warning") {
					t.Fatalf("warnings %q", s.Warnings)
				}
				return
			}
			if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], tc.warn) {
				t.Fatalf("warnings %q, want one saying %q", s.Warnings, tc.warn)
			}
			mustContain(t, s.Redacted(), "warning             "+s.Warnings[0])
			if strings.Contains(s.Warnings[0], "tok-") {
				t.Fatal("the warning shows the token")
			}
		})
	}
}
