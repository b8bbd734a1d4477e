package config

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/seed372e9e9a/turso-groups/api/redact"
	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// maxLogSize is how large the debug log may grow before a run starts it
// afresh.
const maxLogSize = 10 << 20

// NewLogger returns the debug logger: JSON lines appended to s.LogFile
// (created 0600, in a 0700 directory when it is ours) when s.Debug, else a
// logger that discards everything. Either way no record carries the token:
// the handler replaces it, and anything that looks like a JWT or a bearer
// token, with "[redacted]" in messages, attribute keys and values
// (strings, errors, Stringers, groups and other values alike). Close the
// returned Closer on exit.
func NewLogger(s *Settings) (*slog.Logger, io.Closer, error) {
	if s == nil || !s.Debug {
		return slog.New(slog.DiscardHandler), nopCloser{}, nil
	}
	if s.LogFile == "" {
		return nil, nil, &Error{Key: "--" + FlagLogFile, Msg: "--debug needs a log file"}
	}
	ours := s.sources["log_file"] == SourceDefault
	f, err := openLogFile(s.LogFile, ours)
	if err != nil {
		return nil, nil, err
	}
	h := slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})
	logger := slog.New(NewRedactingHandler(h, s.Token))
	logger.Info("debug log started",
		"pid", os.Getpid(),
		"local", s.Local, "local_reason", s.LocalReason,
		"org", s.Org, "org_source", string(s.OrgSource),
		"api_url", s.APIURL, "api_url_source", string(s.APIURLSource),
		"token_set", s.Token != "", "token_source", string(s.TokenSource),
		"profile", s.Profile, "config_file", s.ConfigFile, "read_only", s.ReadOnly)
	return logger, f, nil
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// openLogFile opens path for appending, mode 0600. Directories it creates
// are 0700; when ours (the default location) the file's own directory is
// made 0700 even if it existed.
func openLogFile(path string, ours bool) (*os.File, error) {
	fail := func(err error) error {
		return &Error{File: path, Msg: "cannot open the debug log: " + describeIOError(err)}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fail(err)
	}
	if ours && runtime.GOOS != "windows" {
		if st, err := os.Stat(dir); err == nil && st.Mode().Perm() != 0o700 {
			if err := os.Chmod(dir, 0o700); err != nil {
				return nil, fail(err)
			}
		}
	}
	// A FIFO would block the open until something reads it.
	f, err := safefile.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fail(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fail(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fail(err)
		}
	}
	if st.Size() > maxLogSize {
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, fail(err)
		}
	}
	return f, nil
}

// secretsOf is the tokens as the handler looks for them: without the
// white space around them, which the config trims too, and without those
// too short to be secrets (redact.MinLen).
func secretsOf(tokens ...string) []string {
	var out []string
	for _, t := range tokens {
		if t = strings.TrimSpace(t); len(t) >= redact.MinLen {
			out = append(out, t)
		}
	}
	return out
}

// NewRedactingHandler wraps h so that no record it passes on contains one
// of secrets, a JWT or a bearer credential; each is replaced with
// "[redacted]". NewLogger uses it with the token; wrap a logger's handler
// again to add a secret learnt later (such as the local API's token).
func NewRedactingHandler(h slog.Handler, secrets ...string) slog.Handler {
	if r, ok := h.(*redactingHandler); ok {
		return &redactingHandler{h: r.h, secrets: append(append([]string(nil), r.secrets...), secretsOf(secrets...)...)}
	}
	return &redactingHandler{h: h, secrets: secretsOf(secrets...)}
}

type redactingHandler struct {
	h       slog.Handler
	secrets []string
}

func (r *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return r.h.Enabled(ctx, l)
}

func (r *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.str(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = r.attr(a)
	}
	return &redactingHandler{h: r.h.WithAttrs(out), secrets: r.secrets}
}

func (r *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{h: r.h.WithGroup(r.str(name)), secrets: r.secrets}
}

func (r *redactingHandler) str(s string) string { return redact.String(s, r.secrets...) }

func (r *redactingHandler) attr(a slog.Attr) slog.Attr {
	a.Key = r.str(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(r.str(v.String()))
	case slog.KindGroup:
		group := v.Group()
		out := make([]slog.Attr, len(group))
		for i, g := range group {
			out[i] = r.attr(g)
		}
		a.Value = slog.GroupValue(out...)
	case slog.KindAny:
		a.Value = r.any(v.Any())
	default:
		a.Value = v
	}
	return a
}

// any redacts a value of any type. The value is kept as it is unless one of
// the ways a handler might print it (Error, String, MarshalText, %+v, JSON)
// shows a secret; then it becomes its redacted text, or "[redacted]" when
// the secret shows only in another form.
func (r *redactingHandler) any(x any) (v slog.Value) {
	defer func() {
		if recover() != nil {
			v = slog.StringValue(redact.Placeholder)
		}
	}()
	var primary string
	switch t := x.(type) {
	case nil:
		return slog.AnyValue(nil)
	case error:
		primary = t.Error()
	case fmt.Stringer:
		primary = t.String()
	case []byte:
		primary = string(t)
	case encoding.TextMarshaler:
		b, _ := t.MarshalText()
		primary = string(b)
	default:
		primary = fmt.Sprintf("%+v", x)
	}
	if red := r.str(primary); red != primary {
		return slog.StringValue(red)
	}
	alts := []string{fmt.Sprintf("%+v", x), fmt.Sprintf("%#v", x)}
	if b, err := json.Marshal(x); err == nil {
		alts = append(alts, string(b))
	}
	for _, alt := range alts {
		if r.str(alt) != alt {
			return slog.StringValue(redact.Placeholder)
		}
	}
	if _, ok := x.([]byte); ok {
		// The JSON handler would base64 the bytes; give it the text.
		return slog.StringValue(primary)
	}
	return slog.AnyValue(x)
}
