package config

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const secret = "tok-SECRET-4d1f"

// tokenLayers sets the token through each layer in turn.
var tokenLayers = []struct {
	name  string
	setup func(t *testing.T, h *home) []string
	src   string
}{
	{"flag", func(t *testing.T, h *home) []string { return []string{"--token", secret} }, "--token"},
	{"env", func(t *testing.T, h *home) []string { h.env["TURSO_API_TOKEN"] = secret; return nil }, "TURSO_API_TOKEN"},
	{"profile", func(t *testing.T, h *home) []string {
		h.writeConfig(t, "[profiles.work]\ntoken = \""+secret+"\"\n", 0o600)
		return []string{"--profile", "work"}
	}, "config.toml profile work"},
	{"top", func(t *testing.T, h *home) []string {
		h.writeConfig(t, "token = \""+secret+"\"\n", 0o600)
		return nil
	}, "config.toml"},
	{"cli", func(t *testing.T, h *home) []string {
		h.writeCLI(t, `{"token": "`+secret+`", "organization": "acme"}`)
		return nil
	}, "turso CLI settings ("},
}

func TestRedactedNeverShowsTheToken(t *testing.T) {
	for _, l := range tokenLayers {
		t.Run(l.name, func(t *testing.T) {
			h := newHome(t)
			s := resolve(t, h, l.setup(t, h)...)
			if s.Token != secret {
				t.Fatalf("token not resolved from %s", l.name)
			}
			out := s.Redacted()
			if strings.Contains(out, secret) || strings.Contains(out, "SECRET") {
				t.Fatalf("Redacted shows the token:\n%s", out)
			}
			mustContain(t, out, "set (from "+l.src, "), redacted", "Turso Platform API")
			// Local mode keeps the token out too.
			s = resolve(t, h, append(l.setup(t, h), "--local")...)
			if out := s.Redacted(); strings.Contains(out, "SECRET") {
				t.Fatalf("Redacted shows the token:\n%s", out)
			}
		})
	}
	t.Run("not set", func(t *testing.T) {
		h := newHome(t)
		out := resolve(t, h).Redacted()
		mustContain(t, out, "token               not set", "local API (no token found)")
		if strings.Contains(out, "organization        demo (from local mode)") == false {
			t.Errorf("organization line:\n%s", out)
		}
	})
	t.Run("a token that also shows elsewhere", func(t *testing.T) {
		// Whatever else carries it, the text does not.
		h := newHome(t)
		s := resolve(t, h, "--token", secret, "--data", "/tmp/"+secret+".json")
		if out := s.Redacted(); strings.Contains(out, secret) {
			t.Fatalf("Redacted shows the token:\n%s", out)
		}
	})
	t.Run("JWT expiry", func(t *testing.T) {
		h := newHome(t)
		tok := makeJWT(t, jwt.MapClaims{"exp": time.Now().Add(-time.Hour).Unix()})
		out := resolve(t, h, "--token", tok).Redacted()
		mustContain(t, out, "set (from --token), redacted; expired ")
		if strings.Contains(out, tok) || strings.Contains(out, "eyJ") {
			t.Fatalf("Redacted shows the JWT:\n%s", out)
		}
	})
}

func makeJWT(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenExpiry(t *testing.T) {
	exp := time.Now().Add(72 * time.Hour).Truncate(time.Second)
	got, ok := TokenExpiry(makeJWT(t, jwt.MapClaims{"exp": exp.Unix(), "a": "rw"}))
	if !ok || !got.Equal(exp) {
		t.Errorf("with exp: %v %v, want %v", got, ok, exp)
	}
	// Verification is not attempted: any key, even an EdDSA one we cannot
	// check, still yields exp.
	past := time.Unix(1_600_000_000, 0)
	got, ok = TokenExpiry(makeJWT(t, jwt.MapClaims{"exp": past.Unix()}))
	if !ok || !got.Equal(past) {
		t.Errorf("expired: %v %v", got, ok)
	}
	if _, ok := TokenExpiry(makeJWT(t, jwt.MapClaims{"sub": "x"})); ok {
		t.Error("without exp: ok")
	}
	if _, ok := TokenExpiry(makeJWT(t, jwt.MapClaims{"exp": "tomorrow"})); ok {
		t.Error("string exp: ok")
	}
	for _, s := range []string{"", secret, "a.b.c", "local-Xq3abc"} {
		if _, ok := TokenExpiry(s); ok {
			t.Errorf("%q: ok", s)
		}
	}
}

type tokenHolder struct {
	Name  string
	Token string
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.StringValue("via LogValuer " + secret) }

func TestLoggerRedacts(t *testing.T) {
	h := newHome(t)
	h.env["TURSO_API_TOKEN"] = secret
	s := resolve(t, h, "--debug")
	logger, closer, err := NewLogger(s)
	if err != nil {
		t.Fatal(err)
	}
	jwtTok := makeJWT(t, jwt.MapClaims{"exp": 2_000_000_000})
	logger.Info("message with " + secret)
	logger.Debug("string attr", "token", secret, "header", "Bearer "+secret, "auth", "bearer some-other-token")
	logger.Warn("error attr", "err", fmt.Errorf("request failed: Authorization: Bearer %s", secret))
	logger.Error("joined error", slog.Any("err", errors.Join(errors.New("x"), errors.New(secret))))
	logger.Info("group attr", slog.Group("req", slog.String("auth", secret), slog.Group("inner", slog.String("t", "x"+secret+"y"))))
	logger.Info("struct", "v", tokenHolder{Name: "n", Token: secret}, "p", &tokenHolder{Token: secret})
	logger.Info("bytes", "b", []byte(secret), "stringer", stringer{secret}, "valuer", valuer{})
	logger.With("with", secret).WithGroup("g-"+secret).Info("with and group", "k", secret)
	logger.Info("a group token", "jwt", jwtTok, "msg", "token is "+jwtTok)
	logger.Info("map", "m", map[string]any{"token": secret})
	logger.LogAttrs(context.Background(), slog.LevelInfo, secret, slog.String(secret, "as a key"))
	logger.Info("harmless", "n", 42, "d", time.Second, "ok", true, "s", "plain")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(s.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, leak := range []string{secret, "SECRET", jwtTok, "some-other-token", "eyJ"} {
		if strings.Contains(text, leak) {
			t.Errorf("the log contains %q:\n%s", leak, text)
		}
	}
	// Every record was written, as JSON, with the redaction marker.
	sc := bufio.NewScanner(bytes.NewReader(data))
	var msgs []string
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not JSON: %s", sc.Text())
		}
		msgs = append(msgs, fmt.Sprint(rec["msg"]))
	}
	if len(msgs) != 13 {
		t.Errorf("%d records, want 13: %q", len(msgs), msgs)
	}
	mustContain(t, text, "message with [redacted]", `"token":"[redacted]"`, `"header":"Bearer [redacted]"`,
		`"err":"request failed: Authorization: Bearer [redacted]"`, `"t":"x[redacted]y"`,
		`"valuer":"via LogValuer [redacted]"`, `"n":42`, `"s":"plain"`, `"token_set":true`, `"token_source":"TURSO_API_TOKEN"`)

	// The file is private, in a private directory.
	if runtime.GOOS != "windows" {
		st, err := os.Stat(s.LogFile)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("log file mode %v, want 0600", st.Mode())
		}
		dst, _ := os.Stat(filepath.Dir(s.LogFile))
		if dst.Mode().Perm() != 0o700 {
			t.Errorf("log directory mode %v, want 0700", dst.Mode())
		}
		if want := filepath.Join(h.env["XDG_STATE_HOME"], "turso-groups", "debug.log"); s.LogFile != want {
			t.Errorf("log file %q, want %q", s.LogFile, want)
		}
	}
}

func TestLoggerFileModes(t *testing.T) {
	h := newHome(t)
	// An existing, too open directory and file of ours are tightened.
	dir := filepath.Join(h.env["XDG_STATE_HOME"], "turso-groups")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	writeFile(t, filepath.Join(dir, "debug.log"), "old\n", 0o644)
	s := resolve(t, h, "--debug")
	_, c, err := NewLogger(s)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	st, _ := os.Stat(s.LogFile)
	dst, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
		t.Errorf("modes %v %v", st.Mode(), dst.Mode())
	}
	if !strings.HasPrefix(string(mustRead(t, s.LogFile)), "old\n") {
		t.Error("the log is appended to")
	}

	// --log-file: new directories are 0700, the file 0600.
	custom := filepath.Join(h.dir, "logs", "deep", "x.log")
	s = resolve(t, h, "--debug", "--log-file", custom)
	_, c, err = NewLogger(s)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	st, _ = os.Stat(custom)
	dst, _ = os.Stat(filepath.Dir(custom))
	if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
		t.Errorf("modes %v %v", st.Mode(), dst.Mode())
	}

	// A log file that cannot be opened is the user's to fix.
	s = resolve(t, h, "--debug", "--log-file", h.dir)
	if _, _, err := NewLogger(s); !IsUsage(err) || !strings.Contains(err.Error(), h.dir) {
		t.Errorf("err = %v", err)
	}

	// Without --debug nothing is written anywhere.
	h2 := newHome(t)
	s = resolve(t, h2)
	l, c, err := NewLogger(s)
	if err != nil {
		t.Fatal(err)
	}
	l.Info("x", "token", secret)
	c.Close()
	if _, err := os.Stat(filepath.Join(h2.env["XDG_STATE_HOME"])); !os.IsNotExist(err) {
		t.Errorf("something was created: %v", err)
	}
}

func TestRedactingHandlerAddsSecrets(t *testing.T) {
	var buf bytes.Buffer
	base := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	h := NewRedactingHandler(NewRedactingHandler(base, "first-secret"), "local-secret")
	slog.New(h).Info("x", "a", "first-secret", "b", "local-secret", "c", []byte("local-secret"))
	if out := buf.String(); strings.Contains(out, "secret") {
		t.Errorf("leak: %s", out)
	}
}

func TestCommand(t *testing.T) {
	run := func(t *testing.T, h *home, args ...string) (string, error) {
		t.Helper()
		cmd := NewCommand(h.Env(), vocab)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}
	h := newHome(t)
	cliPath := h.writeCLI(t, `{"token": "`+secret+`", "organization": "acme"}`)
	cfg := h.configPath(t)

	out, err := run(t, h, "path")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "config file         "+cfg+" (not found)", "turso CLI settings  "+cliPath+" (found; read only)")

	h.writeConfig(t, "[profiles.work]\norg = \"work-org\"\ntoken = \"tok-work-SECRET\"\n", 0o600)
	out, err = run(t, h, "path", "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, cfg+" (found)")

	out, err = run(t, h, "show")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, cfg+" (found)", "set (from turso CLI settings ("+cliPath+")), redacted", "acme (from turso CLI settings")

	out, err = run(t, h, "show", "--profile", "work", "--read-only")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "profile             work", "set (from config.toml profile work), redacted",
		"work-org (from config.toml profile work)", "https://api.turso.tech (from default)", "read only           true (from --read-only)")
	if strings.Contains(out, "SECRET") {
		t.Errorf("config show prints the token:\n%s", out)
	}

	_, err = run(t, h, "show", "--profile", "nope")
	if !IsUsage(err) || !strings.Contains(err.Error(), "work") {
		t.Errorf("unknown profile: %v", err)
	}
	_, err = run(t, h, "show", "--api-url", "nope")
	if !IsUsage(err) {
		t.Errorf("bad flag value: %v", err)
	}
	_, err = run(t, h, "show", "--bogus")
	if !IsUsage(err) {
		t.Errorf("unknown flag: %v", err)
	}
	_, err = run(t, h, "show", "extra")
	if !IsUsage(err) {
		t.Errorf("extra argument: %v", err)
	}
}

func TestCommandUnknownSubcommand(t *testing.T) {
	cmd := NewCommand(newHome(t).Env(), vocab)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"bogus"})
	if err := cmd.Execute(); !IsUsage(err) || !strings.Contains(err.Error(), `unknown command "bogus"`) {
		t.Errorf("config bogus: %v", err)
	}
}
