package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// ExampleConfig is a commented example config.toml (config/example.toml).
//
//go:embed example.toml
var ExampleConfig string

// maxConfigSize bounds what we read of a config file; a real one is a few
// hundred bytes.
const maxConfigSize = 1 << 20

// MinRefresh is the shortest refresh interval the config file accepts.
const MinRefresh = 5 * time.Second

// ThemeModes are the values of theme.mode.
var ThemeModes = []string{"auto", "dark", "light"}

var (
	topKeys     = []string{"org", "api_url", "token", "refresh", "read_only", "cache", "mouse", "theme", "keys", "profiles"}
	themeKeys   = []string{"mode", "colors"}
	profileKeys = []string{"org", "api_url", "token", "local", "data", "read_only"}
)

// fileConfig is a parsed and validated config.toml. Pointers tell a setting
// that is absent from one set to its zero value (org = "" is the personal
// account).
type fileConfig struct {
	path      string
	found     bool
	Org       *string
	APIURL    *string
	Token     *string
	Refresh   *time.Duration
	ReadOnly  *bool
	Cache     *bool
	Mouse     *bool
	ThemeMode *string
	Colors    map[string]string
	Keys      map[string][]string
	Profiles  map[string]*fileProfile
}

type fileProfile struct {
	Org, APIURL, Token, Data *string
	Local, ReadOnly          *bool
}

// readConfigFile reads and validates the config file at path, its key
// actions and colours against vocab. A missing file is not an error unless
// explicit (given with --config).
func readConfigFile(path string, explicit bool, env Env, vocab Vocabulary) (*fileConfig, error) {
	c := &fileConfig{path: path}
	f, err := safefile.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return c, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Key: "--" + FlagConfig, Msg: fmt.Sprintf("%s does not exist", path)}
		}
		return nil, &Error{File: path, Msg: "cannot read the config file: " + describeIOError(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read the config file: " + describeIOError(err)}
	}
	if len(data) > maxConfigSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("the config file is larger than %d bytes; is it the right file?", maxConfigSize)}
	}
	c.found = true
	var mode fs.FileMode
	if st, err := f.Stat(); err == nil {
		mode = st.Mode().Perm()
	}
	if err := c.parse(data, mode, env, vocab); err != nil {
		return nil, err
	}
	return c, nil
}

// describeIOError is err without the path, which the message already has.
func describeIOError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parse decodes and validates data, the content of c.path; mode is the
// file's permission bits (0 if unknown), vocab the words it may use.
func (c *fileConfig) parse(data []byte, mode fs.FileMode, env Env, vocab Vocabulary) error {
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		return tomlError(c.path, err, data)
	}
	v := &validator{path: c.path, pos: keyPositions(data), vocab: vocab}

	// A file that holds a token must be private, as OpenSSH wants of keys.
	if line, ok := tokenLine(raw, v.pos); ok && runtime.GOOS != "windows" && mode&0o077 != 0 {
		return &Error{File: c.path, Line: line, Msg: fmt.Sprintf(
			"permissions %04o for %s are too open; it holds a token: chmod 600 %s",
			mode, filepath.Base(c.path), c.path)}
	}

	for _, k := range sortedKeys(raw) {
		val := raw[k]
		key := []string{k}
		switch k {
		case "org":
			c.Org = v.org(key, val)
		case "api_url":
			c.APIURL = v.apiURL(key, val)
		case "token":
			c.Token = v.token(key, val)
		case "refresh":
			c.Refresh = v.refresh(key, val)
		case "read_only":
			c.ReadOnly = v.boolean(key, val)
		case "cache":
			c.Cache = v.boolean(key, val)
		case "mouse":
			c.Mouse = v.boolean(key, val)
		case "theme":
			c.theme(v, key, val)
		case "keys":
			c.keys(v, key, val)
		case "profiles":
			c.profiles(v, key, val, env)
		default:
			v.unknown(key, topKeys)
		}
	}
	return v.err()
}

func (c *fileConfig) theme(v *validator, key []string, val any) {
	t, ok := v.table(key, val)
	if !ok {
		return
	}
	for _, k := range sortedKeys(t) {
		key := append(slices.Clip(key), k)
		switch k {
		case "mode":
			s, ok := v.str(key, t[k])
			if !ok {
				continue
			}
			if !slices.Contains(ThemeModes, s) {
				v.add(key, fmt.Sprintf("%q is not one of %s", s, strings.Join(ThemeModes, ", ")))
				continue
			}
			c.ThemeMode = &s
		case "colors":
			colors, ok := v.table(key, t[k])
			if !ok {
				continue
			}
			for _, name := range sortedKeys(colors) {
				key := append(slices.Clip(key), name)
				if !slices.Contains(v.vocab.Colors, name) {
					v.add(key, "unknown colour; the colours are "+strings.Join(v.vocab.Colors, ", "))
					continue
				}
				s, ok := v.str(key, colors[name])
				if !ok {
					continue
				}
				if !v.vocab.validColor(s) {
					v.add(key, fmt.Sprintf(`%q is not a colour: use "#rrggbb" or an ANSI colour number "0".."255"`, s))
					continue
				}
				if c.Colors == nil {
					c.Colors = map[string]string{}
				}
				c.Colors[name] = strings.ToLower(s)
			}
		default:
			v.unknown(key, themeKeys)
		}
	}
}

func (c *fileConfig) keys(v *validator, key []string, val any) {
	t, ok := v.table(key, val)
	if !ok {
		return
	}
	for _, action := range sortedKeys(t) {
		key := append(slices.Clip(key), action)
		if !slices.Contains(v.vocab.KeyActions, action) {
			v.add(key, "unknown action; the actions are "+strings.Join(v.vocab.KeyActions, ", "))
			continue
		}
		var list []any
		switch x := t[action].(type) {
		case string:
			list = []any{x}
		case []any:
			list = x
		default:
			v.add(key, fmt.Sprintf(`must be a key or a list of keys, like ["r", "ctrl+r"], not %s`, tomlType(x)))
			continue
		}
		if len(list) == 0 {
			v.add(key, "needs at least one key")
			continue
		}
		var keys []string
		bad := false
		for _, e := range list {
			s, ok := e.(string)
			switch {
			case !ok:
				v.add(key, fmt.Sprintf(`must be a key or a list of keys, like ["r", "ctrl+r"]; found %s in the list`, tomlType(e)))
			case s == "":
				v.add(key, "a key cannot be empty")
			case len(s) > 32:
				v.add(key, fmt.Sprintf("%q is not a key name", s))
			case slices.Contains(keys, s):
				v.add(key, fmt.Sprintf("%q is listed twice", s))
			default:
				keys = append(keys, s)
				continue
			}
			bad = true
			break
		}
		if bad {
			continue
		}
		if c.Keys == nil {
			c.Keys = map[string][]string{}
		}
		c.Keys[action] = keys
	}
	if v.vocab.CheckKeys == nil || len(c.Keys) == 0 {
		return
	}
	for _, p := range v.vocab.CheckKeys(c.Keys) {
		// At the line of the action the file set last: the one that
		// takes a key already taken, reading the file from the top.
		at := ""
		for _, a := range p.Actions {
			if _, set := c.Keys[a]; set && (at == "" || v.pos.line([]string{"keys", a}) >= v.pos.line([]string{"keys", at})) {
				at = a
			}
		}
		if at == "" {
			v.add(key, p.Msg)
			continue
		}
		v.add(append(slices.Clip(key), at), p.Msg)
	}
}

func (c *fileConfig) profiles(v *validator, key []string, val any, env Env) {
	t, ok := v.table(key, val)
	if !ok {
		return
	}
	c.Profiles = map[string]*fileProfile{}
	for _, name := range sortedKeys(t) {
		key := append(slices.Clip(key), name)
		pt, ok := t[name].(map[string]any)
		if !ok {
			v.add(key, fmt.Sprintf("a profile must be a table ([profiles.%s]), not %s", renderKeyPart(name), tomlType(t[name])))
			continue
		}
		p := &fileProfile{}
		for _, k := range sortedKeys(pt) {
			key := append(slices.Clip(key), k)
			val := pt[k]
			switch k {
			case "org":
				p.Org = v.org(key, val)
			case "api_url":
				p.APIURL = v.apiURL(key, val)
			case "token":
				p.Token = v.token(key, val)
			case "local":
				p.Local = v.boolean(key, val)
			case "read_only":
				p.ReadOnly = v.boolean(key, val)
			case "data":
				s, ok := v.str(key, val)
				if !ok {
					continue
				}
				if strings.TrimSpace(s) == "" {
					v.add(key, "must name a file")
					continue
				}
				s = expandPath(s, filepath.Dir(c.path), env)
				p.Data = &s
			default:
				v.unknown(key, profileKeys)
			}
		}
		c.Profiles[name] = p
	}
}

// expandPath expands a leading "~/" to the home directory and makes a
// relative path relative to dir (the config file's directory).
func expandPath(p, dir string, env Env) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if home, err := homeDir(env); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		return filepath.Join(dir, p)
	}
	return p
}

// tokenLine finds a token anywhere in the file: at the top level or in a
// profile.
func tokenLine(raw map[string]any, pos positions) (int, bool) {
	if _, ok := raw["token"]; ok {
		return pos.line([]string{"token"}), true
	}
	profiles, _ := raw["profiles"].(map[string]any)
	line, found := 0, false
	for name, p := range profiles {
		pt, _ := p.(map[string]any)
		if _, ok := pt["token"]; ok {
			l := pos.line([]string{"profiles", name, "token"})
			if !found || l < line {
				line = l
			}
			found = true
		}
	}
	return line, found
}

// tomlError turns go-toml's error into an *Error with the position. On a
// line that holds a token (or for the token's own key) it gives only the
// position; elsewhere, the parser's message without what it quoted from
// data.
func tomlError(path string, err error, data []byte) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		key := de.Key()
		msg := withoutQuotes(strings.TrimPrefix(de.Error(), "toml: "), data)
		if len(key) == 0 {
			msg = "TOML syntax error: " + msg
		}
		if slices.Contains(key, "token") || tokenOnLine(data, line) {
			msg = "TOML syntax error on the token's line (the parser's message is not shown: it could quote the token)"
		}
		return &Error{File: path, Line: line, Column: col, Key: renderKey(key), Msg: msg}
	}
	return &Error{File: path, Msg: "TOML: " + withoutQuotes(strings.TrimPrefix(err.Error(), "toml: "), data)}
}

// validator checks the decoded values and collects the problems, each with
// the line of its key.
type validator struct {
	path  string
	pos   positions
	vocab Vocabulary
	errs  []*Error
}

func (v *validator) add(key []string, msg string) {
	v.errs = append(v.errs, &Error{File: v.path, Line: v.pos.line(key), Key: renderKey(key), Msg: msg})
}

// err is the first problem in the file, by line.
func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Line < v.errs[j].Line })
	e := v.errs[0]
	if n := len(v.errs) - 1; n == 1 {
		e.Msg += " (and 1 more problem)"
	} else if n > 1 {
		e.Msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return e
}

func (v *validator) unknown(key []string, known []string) {
	where := "at the top level"
	if len(key) > 1 {
		where = "in [" + renderKey(key[:len(key)-1]) + "]"
		if key[0] == "profiles" && len(key) == 3 {
			where = "in a profile"
		}
	}
	v.add(key, fmt.Sprintf("unknown key; the keys %s are %s", where, strings.Join(known, ", ")))
}

func (v *validator) str(key []string, val any) (string, bool) {
	s, ok := val.(string)
	if !ok {
		v.add(key, "must be a string, not "+tomlType(val))
	}
	return s, ok
}

func (v *validator) boolean(key []string, val any) *bool {
	b, ok := val.(bool)
	if !ok {
		v.add(key, "must be true or false, not "+tomlType(val))
		return nil
	}
	return &b
}

func (v *validator) table(key []string, val any) (map[string]any, bool) {
	t, ok := val.(map[string]any)
	if !ok {
		v.add(key, fmt.Sprintf("must be a table ([%s]), not %s", renderKey(key), tomlType(val)))
	}
	return t, ok
}

func (v *validator) org(key []string, val any) *string {
	s, ok := v.str(key, val)
	if !ok {
		return nil
	}
	if msg := checkOrg(s); msg != "" {
		v.add(key, msg)
		return nil
	}
	return &s
}

func (v *validator) apiURL(key []string, val any) *string {
	s, ok := v.str(key, val)
	if !ok {
		return nil
	}
	if msg := checkAPIURL(s); msg != "" {
		v.add(key, msg)
		return nil
	}
	return &s
}

func (v *validator) token(key []string, val any) *string {
	s, ok := val.(string)
	if !ok {
		// Not tomlType(val): never echo anything of a token.
		v.add(key, "must be a string")
		return nil
	}
	if msg := checkToken(s); msg != "" {
		v.add(key, msg)
		return nil
	}
	s = strings.TrimSpace(s)
	return &s
}

func (v *validator) refresh(key []string, val any) *time.Duration {
	s, ok := val.(string)
	if !ok {
		v.add(key, fmt.Sprintf(`must be a duration string such as "30s" or "2m", or "off", not %s`, tomlType(val)))
		return nil
	}
	d, msg := parseRefresh(s)
	if msg != "" {
		v.add(key, msg)
		return nil
	}
	return &d
}

// parseRefresh reads refresh: "off", "0" or a duration of at least
// MinRefresh.
func parseRefresh(s string) (time.Duration, string) {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "off", "0", "never":
		return 0, ""
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Sprintf(`%q is not a duration such as "30s" or "2m", or "off"`, s)
	}
	if d == 0 {
		return 0, ""
	}
	if d < MinRefresh {
		return 0, fmt.Sprintf(`%q is too short: the minimum is %s ("off" turns refresh off)`, s, MinRefresh)
	}
	return d, ""
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return "a date or time"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// renderKey writes a key path as TOML would: bare parts as they are,
// others quoted.
func renderKey(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = renderKeyPart(p)
	}
	return strings.Join(out, ".")
}

func renderKeyPart(p string) string {
	if p == "" {
		return `""`
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return strconv.Quote(p)
		}
	}
	return p
}

// positions maps a key path (parts joined by NUL) to the line of its first
// definition in the document.
type positions map[string]int

func (p positions) line(key []string) int {
	for n := len(key); n > 0; n-- {
		if l, ok := p[strings.Join(key[:n], "\x00")]; ok {
			return l
		}
	}
	return 0
}

func (p positions) set(key []string, line int) {
	k := strings.Join(key, "\x00")
	if _, ok := p[k]; !ok {
		p[k] = line
	}
}

// keyPositions walks the document with go-toml's parser and records the
// line of every key: table headers, key/values (dotted ones too, with their
// prefixes) and the keys of inline tables. Only called on a document that
// decoded, so the parser does not fail.
func keyPositions(data []byte) positions {
	pos := positions{}
	var lineStarts []int
	for i, b := range data {
		if b == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	lineOf := func(n *unstable.Node) int {
		off := int(n.Raw.Offset)
		return sort.Search(len(lineStarts), func(i int) bool { return lineStarts[i] > off }) + 1
	}
	var walkKV func(prefix []string, kv *unstable.Node)
	walkKV = func(prefix []string, kv *unstable.Node) {
		path := slices.Clone(prefix)
		it := kv.Key()
		for it.Next() {
			k := it.Node()
			path = append(path, string(k.Data))
			pos.set(path, lineOf(k))
		}
		if val := kv.Value(); val.Kind == unstable.InlineTable {
			children := val.Children()
			for children.Next() {
				if n := children.Node(); n.Kind == unstable.KeyValue {
					walkKV(path, n)
				}
			}
		}
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = nil
			it := e.Key()
			for it.Next() {
				k := it.Node()
				table = append(table, string(k.Data))
				pos.set(table, lineOf(k))
			}
		case unstable.KeyValue:
			walkKV(table, e)
		}
	}
	return pos
}
