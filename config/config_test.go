package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/seed372e9e9a/turso-groups/api"
)

// home is a throw-away home directory and the environment pointing at it,
// so that no test reads the real one.
type home struct {
	dir string
	env map[string]string
}

func newHome(t *testing.T) *home {
	t.Helper()
	dir := t.TempDir()
	return &home{dir: dir, env: map[string]string{
		"HOME":            dir,
		"USERPROFILE":     dir,
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"AppData":         filepath.Join(dir, "config"),
		"APPDATA":         filepath.Join(dir, "config"),
		"LocalAppData":    filepath.Join(dir, "local"),
	}}
}

func (h *home) Env() Env { return MapEnv(h.env) }

// configPath is where Resolve looks for config.toml in this home.
func (h *home) configPath(t *testing.T) string {
	t.Helper()
	p, err := ConfigPath(h.Env())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeConfig writes config.toml with mode and returns its path.
func (h *home) writeConfig(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	return writeFile(t, h.configPath(t), content, mode)
}

// writeCLI writes the turso CLI's settings.json where the CLI would.
func (h *home) writeCLI(t *testing.T, content string) string {
	t.Helper()
	p, err := CLISettingsPath(h.Env())
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, p, content, 0o600)
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

func flags(t *testing.T, args ...string) *Flags {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	f := BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

func resolve(t *testing.T, h *home, args ...string) *Settings {
	t.Helper()
	s, err := Resolve(flags(t, args...), h.Env(), vocab)
	if err != nil {
		t.Fatalf("Resolve(%q): %v", args, err)
	}
	return s
}

func resolveErr(t *testing.T, h *home, args ...string) *Error {
	t.Helper()
	s, err := Resolve(flags(t, args...), h.Env(), vocab)
	if err == nil {
		t.Fatalf("Resolve(%q) = %+v, want an error", args, s)
	}
	var ce *Error
	if !errors.As(err, &ce) || !IsUsage(err) {
		t.Fatalf("Resolve(%q): %T %v, want a usage *Error", args, err, err)
	}
	return ce
}

func mustContain(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%q does not contain %q", got, w)
		}
	}
}

func TestPrecedence(t *testing.T) {
	layers := []string{"flag", "env", "profile", "top", "cli", "default"}
	type field struct {
		name          string
		flag, env     string
		toml, json    string
		value         func(layer string) string
		got           func(*Settings) (string, Source)
		defaultValue  string
		defaultSource Source
		needsToken    bool
	}
	fields := []field{
		{
			name: "token", flag: "token", env: "TURSO_API_TOKEN", toml: "token", json: "token",
			value:        func(l string) string { return "tok-" + l + "-4d1f" },
			got:          func(s *Settings) (string, Source) { return s.Token, s.TokenSource },
			defaultValue: "", defaultSource: "",
		},
		{
			name: "org", flag: "org", env: "TURSO_ORG", toml: "org", json: "organization",
			value:        func(l string) string { return "org-" + l },
			got:          func(s *Settings) (string, Source) { return s.Org, s.OrgSource },
			defaultValue: "", defaultSource: SourceDefault, needsToken: true,
		},
		{
			name: "api url", flag: "api-url", env: "TURSO_API_BASEURL", toml: "api_url", json: "baseurl",
			value:        func(l string) string { return "https://" + l + ".example.com" },
			got:          func(s *Settings) (string, Source) { return s.APIURL, s.APIURLSource },
			defaultValue: api.DefaultBaseURL, defaultSource: SourceDefault, needsToken: true,
		},
	}
	for _, f := range fields {
		for i, winner := range layers {
			t.Run(f.name+"/"+winner, func(t *testing.T) {
				h := newHome(t)
				if f.needsToken {
					h.env["TURSO_API_TOKEN"] = "tok-other-4d1f"
				}
				args := []string{"--profile", "work"}
				var top, prof strings.Builder
				cli := map[string]string{}
				// Set the winner and every layer below it.
				for _, l := range layers[i:] {
					v := f.value(l)
					switch l {
					case "flag":
						args = append(args, "--"+f.flag, v)
					case "env":
						h.env[f.env] = v
					case "profile":
						fmt.Fprintf(&prof, "%s = %q\n", f.toml, v)
					case "top":
						fmt.Fprintf(&top, "%s = %q\n", f.toml, v)
					case "cli":
						cli[f.json] = v
					}
				}
				path := h.writeConfig(t, top.String()+"\n[profiles.work]\n"+prof.String(), 0o600)
				b, _ := json.Marshal(cli)
				cliPath := h.writeCLI(t, string(b))

				s := resolve(t, h, args...)
				gotV, gotS := f.got(s)
				wantV, wantS := f.defaultValue, f.defaultSource
				switch winner {
				case "flag":
					wantV, wantS = f.value(winner), Source("--"+f.flag)
				case "env":
					wantV, wantS = f.value(winner), Source(f.env)
				case "profile":
					wantV, wantS = f.value(winner), "config.toml profile work"
				case "top":
					wantV, wantS = f.value(winner), "config.toml"
				case "cli":
					wantV, wantS = f.value(winner), Source("turso CLI settings ("+cliPath+")")
				}
				if gotV != wantV || gotS != wantS {
					t.Errorf("%s = %q from %q, want %q from %q", f.name, gotV, gotS, wantV, wantS)
				}
				if !s.ConfigFileFound || s.ConfigFile != path || !s.CLISettingsFound || s.CLISettingsFile != cliPath {
					t.Errorf("files: %q %v, %q %v", s.ConfigFile, s.ConfigFileFound, s.CLISettingsFile, s.CLISettingsFound)
				}
				// A token anywhere means the real API; none means local.
				if wantLocal := s.Token == ""; s.Local != wantLocal {
					t.Errorf("Local = %v with token %q", s.Local, s.Token)
				}
			})
		}
	}
}

func TestOrgPersonalFromCLI(t *testing.T) {
	h := newHome(t)
	h.env["TURSO_CONFIG_FOLDER"] = "testdata/cli/personal"
	s := resolve(t, h)
	if s.Org != "" || s.OrgSource != "turso CLI settings (testdata/cli/personal/settings.json)" {
		t.Errorf("org = %q from %q, want the personal account from the CLI settings", s.Org, s.OrgSource)
	}
	if s.Token != "tok-cli-personal-51aa" || s.Local {
		t.Errorf("token %q local %v", s.Token, s.Local)
	}

	// "" set on purpose is not "" by default...
	h2 := newHome(t)
	h2.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
	s2 := resolve(t, h2)
	if s2.Org != "" || s2.OrgSource != SourceDefault {
		t.Errorf("org = %q from %q, want the default", s2.Org, s2.OrgSource)
	}
	// ...and the personal account of a layer above wins over a team below.
	h3 := newHome(t)
	h3.env["TURSO_CONFIG_FOLDER"] = "testdata/cli/team"
	h3.writeConfig(t, "org = \"\"\n", 0o644)
	s3 := resolve(t, h3)
	if s3.Org != "" || s3.OrgSource != "config.toml" {
		t.Errorf("org = %q from %q, want the personal account from config.toml", s3.Org, s3.OrgSource)
	}
	// --org= selects the personal account over the CLI's team.
	s4 := resolve(t, h3, "--org=")
	if s4.Org != "" || s4.OrgSource != "--org" {
		t.Errorf("org = %q from %q, want the personal account from --org", s4.Org, s4.OrgSource)
	}
}

func TestLocalMode(t *testing.T) {
	t.Run("no token", func(t *testing.T) {
		h := newHome(t)
		h.env["TURSO_ORG"] = "acme"
		s := resolve(t, h)
		if !s.Local || s.LocalReason != LocalReasonNoToken {
			t.Fatalf("Local %v %q, want local because no token", s.Local, s.LocalReason)
		}
		if s.Org != vocab.LocalOrg || s.OrgSource != SourceLocal {
			t.Errorf("org %q from %q, want demo", s.Org, s.OrgSource)
		}
		want := filepath.Join(h.env["XDG_DATA_HOME"], "turso-groups", "local-api.json")
		if s.DataFile != want || !strings.HasPrefix(s.DataFile, h.dir) {
			t.Errorf("data file %q, want %q", s.DataFile, want)
		}
		mustContain(t, s.LocalHint(), "turso auth login", "TURSO_API_TOKEN")
	})
	t.Run("--local wins over every token", func(t *testing.T) {
		h := newHome(t)
		h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
		h.env["TURSO_CONFIG_FOLDER"] = "testdata/cli/team"
		h.writeConfig(t, "token = \"tok-top-4d1f\"\n", 0o600)
		s := resolve(t, h, "--local", "--token", "tok-flag-4d1f", "--data", "/tmp/x.json")
		if !s.Local || s.LocalReason != LocalReasonFlag || s.DataFile != "/tmp/x.json" || s.Org != vocab.LocalOrg {
			t.Errorf("%+v", s)
		}
		s = resolve(t, h, "--local", "--org", "acme")
		if s.Org != "acme" || s.OrgSource != "--org" {
			t.Errorf("org %q from %q, want --org in local mode", s.Org, s.OrgSource)
		}
	})
	t.Run("token means the real API", func(t *testing.T) {
		h := newHome(t)
		h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
		s := resolve(t, h)
		if s.Local || s.LocalReason != "" || s.LocalHint() != "" {
			t.Errorf("Local %v %q", s.Local, s.LocalReason)
		}
	})
	t.Run("profile", func(t *testing.T) {
		h := newHome(t)
		h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
		h.writeConfig(t, "[profiles.demo]\nlocal = true\ndata = \"demo.json\"\n[profiles.acme]\nlocal = true\norg = \"acme\"\n", 0o644)
		s := resolve(t, h, "--profile", "demo")
		if !s.Local || s.LocalReason != "profile demo" || s.Org != vocab.LocalOrg {
			t.Errorf("%+v", s)
		}
		if want := filepath.Join(filepath.Dir(h.configPath(t)), "demo.json"); s.DataFile != want {
			t.Errorf("data %q, want %q (relative to the config file)", s.DataFile, want)
		}
		s = resolve(t, h, "--profile", "acme")
		if s.Org != "acme" || s.OrgSource != "config.toml profile acme" {
			t.Errorf("org %q from %q", s.Org, s.OrgSource)
		}
		s = resolve(t, h, "--profile", "demo", "--local=false")
		if s.Local {
			t.Errorf("--local=false should override the profile")
		}
	})
}

// fileHash remembers a file's bytes to check later that it was never
// written.
func unchanged(t *testing.T, path string) func() {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	return func() {
		t.Helper()
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("%s was rewritten", path)
		}
		st2, _ := os.Stat(path)
		if st.Mode() != st2.Mode() || !st.ModTime().Equal(st2.ModTime()) {
			t.Errorf("%s was touched: %v %v -> %v %v", path, st.Mode(), st.ModTime(), st2.Mode(), st2.ModTime())
		}
	}
}

func TestCLISettingsFixtures(t *testing.T) {
	cases := []struct {
		dir                   string
		token, org, url       string
		orgSet                bool
		wantErr               []string
		wantLocal, wantAPIURL bool
	}{
		{dir: "team", token: "tok-cli-team-7c1e", org: "acme", orgSet: true, url: api.DefaultBaseURL},
		{dir: "personal", token: "tok-cli-personal-51aa", org: "", orgSet: true, url: api.DefaultBaseURL},
		{dir: "baseurl-lower", token: "tok-cli-baseurl-90b2", org: "demo", orgSet: true, url: "http://127.0.0.1:8080", wantAPIURL: true},
		{dir: "baseurl-camel", token: "tok-cli-camel-33f0", org: "demo", orgSet: true, url: "http://127.0.0.1:9090", wantAPIURL: true},
		{dir: "empty-token", wantLocal: true, url: api.DefaultBaseURL},
		{dir: "malformed", wantErr: []string{"testdata/cli/malformed/settings.json:4:", "not valid JSON"}},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			h := newHome(t)
			dir := filepath.Join("testdata", "cli", c.dir)
			path := filepath.Join(dir, "settings.json")
			h.env["TURSO_CONFIG_FOLDER"] = dir
			check := unchanged(t, path)
			defer check()
			if c.wantErr != nil {
				e := resolveErr(t, h)
				mustContain(t, e.Error(), c.wantErr...)
				if e.File != path || strings.Contains(e.Error(), "tok-cli") {
					t.Errorf("error %q: file %q", e, e.File)
				}
				return
			}
			s := resolve(t, h)
			src := Source("turso CLI settings (" + path + ")")
			if s.CLISettingsFile != path || !s.CLISettingsFound {
				t.Errorf("CLI settings %q found %v", s.CLISettingsFile, s.CLISettingsFound)
			}
			if s.Local != c.wantLocal {
				t.Errorf("Local = %v", s.Local)
			}
			if !c.wantLocal {
				if s.Token != c.token || s.TokenSource != src {
					t.Errorf("token from %q, want %q", s.TokenSource, src)
				}
				if s.Org != c.org || (c.orgSet && s.OrgSource != src) {
					t.Errorf("org %q from %q", s.Org, s.OrgSource)
				}
			}
			if s.APIURL != c.url || (c.wantAPIURL && s.APIURLSource != src) {
				t.Errorf("api url %q from %q", s.APIURL, s.APIURLSource)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("%s holds %d files; something wrote there", dir, len(entries))
			}
		})
	}
}

func TestCLISettingsDefaultLocation(t *testing.T) {
	h := newHome(t)
	data, err := os.ReadFile("testdata/cli/team/settings.json")
	if err != nil {
		t.Fatal(err)
	}
	path := h.writeCLI(t, string(data))
	if want := filepath.Join(h.env["XDG_CONFIG_HOME"], "turso", "settings.json"); path != want {
		t.Errorf("CLISettingsPath = %q, want %q", path, want)
	}
	check := unchanged(t, path)
	s := resolve(t, h)
	check()
	if s.Token != "tok-cli-team-7c1e" || s.Org != "acme" || s.CLISettingsFile != path {
		t.Errorf("%+v", s)
	}
	// Without XDG_CONFIG_HOME: ~/.config/turso.
	delete(h.env, "XDG_CONFIG_HOME")
	p, _ := CLISettingsPath(h.Env())
	if want := filepath.Join(h.dir, ".config", "turso", "settings.json"); p != want {
		t.Errorf("CLISettingsPath = %q, want %q", p, want)
	}
	// The absent file is fine.
	s = resolve(t, h)
	if s.CLISettingsFound || !s.Local {
		t.Errorf("%+v", s)
	}
}

func TestCLISettingsUnreadable(t *testing.T) {
	h := newHome(t)
	path := h.writeCLI(t, `{"token": "tok-cli-4d1f"}`)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(path); err == nil {
		// Root reads mode 000 files: a directory in its place cannot be
		// read by anyone.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e := resolveErr(t, h)
	if e.File != path {
		t.Errorf("error %q names %q, want %q", e, e.File, path)
	}
	mustContain(t, e.Error(), path, "cannot read")
}

func TestCLISettingsBadValues(t *testing.T) {
	h := newHome(t)
	path := h.writeCLI(t, `{"token": 12345678}`)
	e := resolveErr(t, h)
	mustContain(t, e.Error(), path, "token: must be a string")
	if strings.Contains(e.Error(), "12345678") {
		t.Errorf("error shows the token: %q", e)
	}
	h.writeCLI(t, `{"token": "tok-cli-4d1f", "baseurl": "ftp://x"}`)
	e = resolveErr(t, h)
	mustContain(t, e.Error(), path, "baseurl:", `"ftp://x" is not an http:// or https:// URL`)
	// A bad baseurl that a higher layer overrides is no concern of ours.
	h.env["TURSO_API_BASEURL"] = "http://127.0.0.1:1"
	if s := resolve(t, h); s.APIURL != "http://127.0.0.1:1" {
		t.Errorf("api url %q", s.APIURL)
	}
	h.writeCLI(t, `[1, 2]`)
	e = resolveErr(t, h)
	mustContain(t, e.Error(), path, "not a JSON object")
}

func TestProfiles(t *testing.T) {
	h := newHome(t)
	path := h.writeConfig(t, `org = "top-org"
api_url = "https://top.example.com"
token = "tok-top-4d1f"
read_only = false

[profiles.work]
org = "work-org"
token = "tok-work-4d1f"
read_only = true

[profiles.staging]
api_url = "http://127.0.0.1:8080"
`, 0o600)
	s := resolve(t, h, "--profile", "work")
	if s.Profile != "work" || s.Org != "work-org" || s.Token != "tok-work-4d1f" || !s.ReadOnly {
		t.Errorf("profile work: %+v", s)
	}
	if s.APIURL != "https://top.example.com" || s.APIURLSource != "config.toml" {
		t.Errorf("api url %q from %q: the top level should fill what the profile leaves out", s.APIURL, s.APIURLSource)
	}
	if s.OrgSource != "config.toml profile work" || s.TokenSource != "config.toml profile work" {
		t.Errorf("sources %q %q", s.OrgSource, s.TokenSource)
	}
	s = resolve(t, h)
	if s.Profile != "" || s.Org != "top-org" || s.ReadOnly {
		t.Errorf("no profile: %+v", s)
	}
	s = resolve(t, h, "--profile", "work", "--read-only=false")
	if s.ReadOnly {
		t.Errorf("--read-only=false should win over the profile")
	}

	check := unchanged(t, path)
	e := resolveErr(t, h, "--profile", "prod")
	check()
	mustContain(t, e.Error(), "--profile", `"prod"`, "staging, work", path)

	// No config file at all.
	h2 := newHome(t)
	e = resolveErr(t, h2, "--profile", "work")
	mustContain(t, e.Error(), `"work"`, "no config file")
}

func TestInvalidConfigFiles(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string // after "<path>:"
	}{
		{"syntax", "org = \"acme\"\n[theme\nmode = \"dark\"\n", []string{":2:7: TOML syntax error"}},
		{"unterminated string", "org = \"acme\nread_only = true\n", []string{":1:", "TOML syntax error"}},
		{"duplicate", "org = \"a\"\norg = \"b\"\n", []string{":2:", "org:", "already defined"}},
		{"unknown key", "org = \"acme\"\n\n# note\ncolour = \"red\"\n", []string{":4: colour: unknown key; the keys at the top level are org, api_url"}},
		{"unknown theme key", "[theme]\nmode = \"dark\"\nbackground = \"x\"\n", []string{":3: theme.background: unknown key"}},
		{"unknown profile key", "[profiles.work]\norg = \"a\"\norganization = \"b\"\n", []string{":3: profiles.work.organization: unknown key", "in a profile"}},
		{"bad theme mode", "refresh = \"30s\"\n\n[theme]\n# dark\n\n\nmode = \"blue\"\n", []string{`:7: theme.mode: "blue" is not one of auto, dark, light`}},
		{"bad theme mode inline", "theme = { mode = \"blue\" }\n", []string{`:1: theme.mode: "blue" is not one of auto, dark, light`}},
		{"bad theme mode dotted", "org = \"a\"\ntheme.mode = 3\n", []string{`:2: theme.mode: must be a string, not an integer`}},
		{"bad colour", "[theme.colors]\naccent = \"#12345\"\n", []string{`:2: theme.colors.accent: "#12345" is not a colour`}},
		{"bad colour number", "[theme.colors]\nmuted = \"256\"\n", []string{`:2: theme.colors.muted: "256" is not a colour`}},
		{"unknown colour", "[theme.colors]\nbackground = \"#000000\"\n", []string{`:2: theme.colors.background: unknown colour`}},
		{"bad refresh", "refresh = \"soon\"\n", []string{`:1: refresh: "soon" is not a duration`}},
		{"short refresh", "\nrefresh = \"2s\"\n", []string{`:2: refresh: "2s" is too short: the minimum is 5s`}},
		{"refresh number", "refresh = 30\n", []string{`:1: refresh: must be a duration string`, "not an integer"}},
		{"unknown action", "[keys]\nquit = \"q\"\njump = \"j\"\n", []string{`:3: keys.jump: unknown action`, "switch_org"}},
		{"bad key list", "[keys]\nquit = [\"q\", 3]\n", []string{`:2: keys.quit: must be a key or a list of keys`}},
		{"empty key list", "[keys]\nquit = []\n", []string{`:2: keys.quit: needs at least one key`}},
		{"bad api_url", "api_url = \"api.turso.tech\"\n", []string{`:1: api_url: "api.turso.tech" is not an http:// or https:// URL with a host`}},
		{"bad profile api_url", "[profiles.\"my work\"]\n\napi_url = \"ftp://x\"\n", []string{`:3: profiles."my work".api_url: "ftp://x" is not an http:// or https:// URL`}},
		{"read_only type", "read_only = \"yes\"\n", []string{`:1: read_only: must be true or false, not a string`}},
		{"cache type", "cache = 0\n", []string{`:1: cache: must be true or false`}},
		{"mouse type", "mouse = \"no\"\n", []string{`:1: mouse: must be true or false`}},
		{"profile not a table", "profiles = 3\n", []string{`:1: profiles: must be a table`}},
		{"two problems", "[theme]\nmode = \"blue\"\n[keys]\njump = \"j\"\n", []string{`:2: theme.mode:`, "(and 1 more problem)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHome(t)
			h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
			path := h.writeConfig(t, c.content, 0o644)
			check := unchanged(t, path)
			e := resolveErr(t, h)
			check()
			msg := e.Error()
			if !strings.HasPrefix(msg, path+":") {
				t.Errorf("%q does not start with the file name", msg)
			}
			for _, w := range c.want {
				if strings.HasPrefix(w, ":") {
					w = path + w
				}
				mustContain(t, msg, w)
			}
			if e.Line == 0 {
				t.Errorf("no line in %q", msg)
			}
		})
	}
}

func TestConfigFileMissingExplicit(t *testing.T) {
	h := newHome(t)
	e := resolveErr(t, h, "--config", filepath.Join(h.dir, "nope.toml"))
	mustContain(t, e.Error(), "--config", "nope.toml does not exist")
	// The default one may be absent.
	s := resolve(t, h)
	if s.ConfigFileFound || s.ConfigFile != h.configPath(t) {
		t.Errorf("%q %v", s.ConfigFile, s.ConfigFileFound)
	}
	// --config reads the named file, and sources name it.
	other := writeFile(t, filepath.Join(h.dir, "other.toml"), "org = \"x\"\n", 0o644)
	h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
	s = resolve(t, h, "--config", other)
	if s.ConfigFile != other || !s.ConfigFileFound || s.Org != "x" || s.OrgSource != "other.toml" {
		t.Errorf("%+v", s)
	}
	// A directory is not a config file.
	e = resolveErr(t, h, "--config", h.dir)
	mustContain(t, e.Error(), h.dir+": cannot read the config file")
}

func TestConfigFileModes(t *testing.T) {
	for _, c := range []struct {
		content string
		mode    os.FileMode
		ok      bool
	}{
		{"token = \"tok-top-4d1f\"\n", 0o644, false},
		{"token = \"tok-top-4d1f\"\n", 0o640, false},
		{"token = \"tok-top-4d1f\"\n", 0o604, false},
		{"org = \"a\"\n[profiles.w]\ntoken = \"tok-prof-4d1f\"\n", 0o644, false},
		{"token = \"tok-top-4d1f\"\n", 0o600, true},
		{"token = \"tok-top-4d1f\"\n", 0o400, true},
		{"org = \"acme\"\n", 0o644, true},
	} {
		t.Run(fmt.Sprintf("%04o %d", c.mode, len(c.content)), func(t *testing.T) {
			h := newHome(t)
			path := h.writeConfig(t, c.content, c.mode)
			check := unchanged(t, path)
			defer check()
			s, err := Resolve(flags(t), h.Env(), vocab)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				if !s.ConfigFileFound {
					t.Error("not found")
				}
				return
			}
			if err == nil || !IsUsage(err) {
				t.Fatalf("err = %v, want refusal", err)
			}
			mustContain(t, err.Error(), fmt.Sprintf("permissions %04o for config.toml are too open; it holds a token: chmod 600 %s", c.mode, path))
			if strings.Contains(err.Error(), "tok-") {
				t.Errorf("the error shows the token: %q", err)
			}
		})
	}
}

func TestFlagAndEnvValues(t *testing.T) {
	h := newHome(t)
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--api-url", "ftp://example.com"}, nil, `--api-url: "ftp://example.com" is not an http:// or https:// URL with a host`},
		{[]string{"--api-url", "https://"}, nil, `--api-url: "https://" is not`},
		{[]string{"--api-url", "https://u:p@example.com"}, nil, `--api-url: https://u:xxxxx@example.com: a URL must not hold`},
		{[]string{"--api-url", "https://example.com/?x=1"}, nil, "takes no query"},
		{[]string{"--org", "a/b"}, nil, `--org: "a/b" is not an organization slug`},
		{[]string{"--token", "tok en"}, nil, "--token: the token contains a space"},
		{[]string{"--token", "  "}, map[string]string{"TURSO_API_TOKEN": "tok-env-4d1f"}, "--token: is empty"},
		{[]string{"--token", ""}, nil, "--token: is empty"},
		{[]string{"--profile", ""}, nil, "--profile: needs a profile name"},
		{[]string{"--data", ""}, nil, "--data: needs a file name"},
		{nil, map[string]string{"TURSO_API_BASEURL": "localhost:8080", "TURSO_API_TOKEN": "tok-env-4d1f"}, `TURSO_API_BASEURL: "localhost:8080" is not an http:// or https:// URL`},
		{nil, map[string]string{"TURSO_ORG": "a b", "TURSO_API_TOKEN": "tok-env-4d1f"}, `TURSO_ORG: "a b" is not an organization slug`},
		{nil, map[string]string{"TURSO_API_TOKEN": "tok\nSECRET"}, "TURSO_API_TOKEN: the token contains"},
	} {
		t.Run(strings.Join(c.args, " ")+fmt.Sprint(c.env), func(t *testing.T) {
			h := &home{dir: h.dir, env: map[string]string{"HOME": h.dir}}
			for k, v := range c.env {
				h.env[k] = v
			}
			e := resolveErr(t, h, c.args...)
			mustContain(t, e.Error(), c.want)
			if strings.Contains(e.Error(), "SECRET") || strings.Contains(e.Error(), "tok en") {
				t.Errorf("error shows a token: %q", e)
			}
		})
	}
	// Good values pass, and the npm client's "/v1/" form of the URL too.
	s := resolve(t, h, "--api-url", "http://127.0.0.1:8080/v1/", "--token", " tok-flag-4d1f\n", "--org", "acme")
	if s.APIURL != "http://127.0.0.1:8080/v1/" || s.Token != "tok-flag-4d1f" || s.Org != "acme" {
		t.Errorf("%+v", s)
	}
}

func TestIsUsage(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	BindFlags(fs)
	for _, args := range [][]string{{"--nope"}, {"--local=maybe"}, {"--org"}} {
		err := fs.Parse(args)
		if err == nil || !IsUsage(fmt.Errorf("wrapped: %w", err)) {
			t.Errorf("%q: IsUsage(%v) = false", args, err)
		}
	}
	if IsUsage(nil) || IsUsage(errors.New("network down")) {
		t.Error("IsUsage of a plain error")
	}
	if !IsUsage(&Error{Msg: "x"}) {
		t.Error("IsUsage(*Error) = false")
	}
}

func TestErrorFormat(t *testing.T) {
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{File: "config.toml", Line: 7, Key: "theme.mode", Msg: `"blue" is not one of auto, dark, light`}, `config.toml:7: theme.mode: "blue" is not one of auto, dark, light`},
		{Error{File: "c.toml", Line: 2, Column: 7, Msg: "TOML syntax error: x"}, "c.toml:2:7: TOML syntax error: x"},
		{Error{File: "s.json", Msg: "cannot read"}, "s.json: cannot read"},
		{Error{Key: "--api-url", Msg: "bad"}, "--api-url: bad"},
		{Error{Msg: "bad"}, "bad"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestThemeKeysRefresh(t *testing.T) {
	h := newHome(t)
	h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
	h.env["NO_COLOR"] = "1"
	h.writeConfig(t, `refresh = "1m"
[theme]
mode = "light"
colors = { accent = "#7C3AED", muted = "245", text = "#abc", selected = "17" }
[keys]
quit = ["q", "ctrl+c"]
filter = "/"
`, 0o644)
	s := resolve(t, h)
	if s.Refresh != time.Minute || s.Theme.Mode != "light" || s.Theme.Colors["accent"] != "#7c3aed" || s.Theme.Colors["muted"] != "245" {
		t.Errorf("%+v", s)
	}
	// Every colour and form the styles take (ui/styles) is accepted here.
	if s.Theme.Colors["text"] != "#abc" || s.Theme.Colors["selected"] != "17" {
		t.Errorf("colours %v: text and selected lost", s.Theme.Colors)
	}
	if fmt.Sprint(s.Keys) != "map[filter:[/] quit:[q ctrl+c]]" {
		t.Errorf("keys %v", s.Keys)
	}
	if !s.NoColor {
		t.Error("NO_COLOR ignored")
	}
	h.writeConfig(t, "refresh = \"off\"\n", 0o644)
	delete(h.env, "NO_COLOR")
	s = resolve(t, h)
	if s.Refresh != 0 || s.Theme.Mode != "auto" || len(s.Keys) != 0 || s.NoColor {
		t.Errorf("%+v", s)
	}
}

func TestExampleConfigParses(t *testing.T) {
	h := newHome(t)
	path := h.writeConfig(t, ExampleConfig, 0o644)
	if string(mustRead(t, "example.toml")) != ExampleConfig {
		t.Fatal("ExampleConfig is not example.toml")
	}
	s := resolve(t, h, "--profile", "work", "--token", "tok-flag-4d1f")
	if s.Org != "acme" || s.Refresh != 30*time.Second || s.Theme.Mode != "auto" || s.ReadOnly || s.ConfigFile != path {
		t.Errorf("%+v", s)
	}
	s = resolve(t, h, "--profile", "personal", "--token", "tok-flag-4d1f")
	if s.Org != "" || s.OrgSource != "config.toml profile personal" {
		t.Errorf("%q %q", s.Org, s.OrgSource)
	}
	s = resolve(t, h, "--profile", "demo", "--token", "tok-flag-4d1f")
	if !s.Local || s.LocalReason != "profile demo" {
		t.Errorf("%+v", s)
	}
	// Every commented-out setting is valid too, once uncommented.
	var b strings.Builder
	for _, line := range strings.Split(ExampleConfig, "\n") {
		if rest, ok := strings.CutPrefix(line, "# "); ok && strings.Contains(rest, " = ") && !strings.Contains(rest, ": ") {
			if strings.HasPrefix(rest, "token") {
				continue
			}
			line = rest
		}
		b.WriteString(line + "\n")
	}
	h.writeConfig(t, b.String(), 0o644)
	s = resolve(t, h, "--profile", "demo", "--token", "tok-flag-4d1f")
	if s.Theme.Colors["accent"] != "#7c3aed" || len(s.Keys["refresh"]) != 2 || s.Keys["filter"][0] != "/" {
		t.Errorf("uncommented example: %+v", s)
	}
	if want := filepath.Join(h.dir, "turso-groups-demo.json"); s.DataFile != want {
		t.Errorf("data %q, want %q", s.DataFile, want)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPaths(t *testing.T) {
	h := newHome(t)
	p, _ := ConfigPath(h.Env())
	if want := filepath.Join(h.env["XDG_CONFIG_HOME"], "turso-groups", "config.toml"); p != want {
		t.Errorf("ConfigPath = %q, want %q", p, want)
	}
	h.env["XDG_CONFIG_HOME"] = "relative/dir"
	p, _ = ConfigPath(h.Env())
	if want := filepath.Join(h.dir, ".config", "turso-groups", "config.toml"); p != want {
		t.Errorf("ConfigPath with a relative XDG_CONFIG_HOME = %q, want %q", p, want)
	}
	// The turso CLI takes $XDG_CONFIG_HOME as it is.
	p, _ = CLISettingsPath(h.Env())
	if want := filepath.Join("relative/dir", "turso", "settings.json"); p != want {
		t.Errorf("CLISettingsPath = %q, want %q", p, want)
	}
	h.env["TURSO_CONFIG_FOLDER"] = "/x/y"
	p, _ = CLISettingsPath(h.Env())
	if p != filepath.Join("/x/y", "settings.json") {
		t.Errorf("CLISettingsPath = %q", p)
	}
	l, _ := DefaultLogFile(h.Env())
	if want := filepath.Join(h.env["XDG_STATE_HOME"], "turso-groups", "debug.log"); l != want {
		t.Errorf("DefaultLogFile = %q, want %q", l, want)
	}
	delete(h.env, "XDG_STATE_HOME")
	l, _ = DefaultLogFile(h.Env())
	if want := filepath.Join(h.dir, ".local", "state", "turso-groups", "debug.log"); l != want {
		t.Errorf("DefaultLogFile = %q, want %q", l, want)
	}
	if _, err := ConfigPath(MapEnv(nil)); err == nil {
		t.Error("ConfigPath without HOME")
	}
}

func TestFlagsByHand(t *testing.T) {
	h := newHome(t)
	h.env["TURSO_CONFIG_FOLDER"] = "testdata/cli/team"
	f := &Flags{Org: "other", ReadOnly: true}
	s, err := Resolve(f, h.Env(), vocab)
	if err != nil {
		t.Fatal(err)
	}
	if s.Org != "other" || s.OrgSource != "--org" || !s.ReadOnly || s.Token != "tok-cli-team-7c1e" {
		t.Errorf("%+v", s)
	}
	f = &Flags{}
	f.SetChanged(FlagOrg)
	if s, err = Resolve(f, h.Env(), vocab); err != nil || s.Org != "" || s.OrgSource != "--org" {
		t.Errorf("org %q from %q (%v), want the personal account from --org", s.Org, s.OrgSource, err)
	}
	// Flags from BindFlags go by the command line only.
	f = flags(t, "--org", "x")
	f.Org = "changed-later"
	f.Token = "tok-not-given"
	if s, err = Resolve(f, h.Env(), vocab); err != nil || s.Org != "changed-later" || s.Token != "tok-cli-team-7c1e" {
		t.Errorf("%+v %v", s, err)
	}
}
