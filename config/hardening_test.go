package config

import (
	"strings"
	"testing"
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
