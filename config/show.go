package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/seed372e9e9a/turso-groups/api/redact"
)

// Redacted is the text of `config show`: every setting and where it came
// from. The token itself never appears: only "set (from SOURCE), redacted"
// (with its expiry, when it is a JWT) or "not set".
func (s *Settings) Redacted() string {
	var b strings.Builder
	row := func(name, format string, args ...any) {
		fmt.Fprintf(&b, "%-20s%s\n", name, fmt.Sprintf(format, args...))
	}
	found := func(ok bool) string {
		if ok {
			return "found"
		}
		return "not found"
	}
	src := func(key string) Source {
		if v, ok := s.sources[key]; ok && v != "" {
			return v
		}
		return SourceDefault
	}

	row("config file", "%s (%s)", orNone(s.ConfigFile), found(s.ConfigFileFound))
	row("turso CLI settings", "%s (%s; read only)", orNone(s.CLISettingsFile), found(s.CLISettingsFound))
	if s.Profile != "" {
		row("profile", "%s (from --profile)", s.Profile)
	} else {
		row("profile", "none")
	}
	if s.Local {
		row("mode", "local API (%s)", s.LocalReason)
	} else {
		row("mode", "Turso Platform API")
	}
	if s.Token != "" {
		line := fmt.Sprintf("set (from %s), redacted", s.TokenSource)
		if exp, ok := TokenExpiry(s.Token); ok {
			if exp.Before(time.Now()) {
				line += "; expired " + exp.UTC().Format(time.RFC3339)
			} else {
				line += "; expires " + exp.UTC().Format(time.RFC3339)
			}
		}
		if s.Local {
			line += "; not used in local mode"
		}
		row("token", "%s", line)
	} else {
		row("token", "not set")
	}
	org := s.Org
	if org == "" {
		org = `"" (personal account)`
	}
	row("organization", "%s (from %s)", org, s.OrgSource)
	apiURL := fmt.Sprintf("%s (from %s)", s.APIURL, s.APIURLSource)
	if s.Local {
		apiURL += "; not used in local mode"
	}
	row("api url", "%s", apiURL)
	for _, w := range s.Warnings {
		row("warning", "%s", w)
	}
	if s.InsecureHTTP {
		row("insecure http", "allowed (from --%s): an http:// API URL sends the token unencrypted", FlagInsecureHTTP)
	}
	row("data file", "%s (from %s)", orNone(s.DataFile), src("data"))
	row("read only", "%t (from %s)", s.ReadOnly, src("read_only"))
	refresh := "off"
	if s.Refresh > 0 {
		refresh = s.Refresh.String()
	}
	row("refresh", "%s (from %s)", refresh, src("refresh"))
	row("theme", "%s (from %s)", s.Theme.Mode, src("theme"))
	if len(s.Theme.Colors) > 0 {
		var parts []string
		for _, k := range sortedKeys(s.Theme.Colors) {
			parts = append(parts, k+"="+s.Theme.Colors[k])
		}
		row("colors", "%s", strings.Join(parts, ", "))
	} else {
		row("colors", "defaults")
	}
	if len(s.Keys) > 0 {
		var parts []string
		for _, k := range sortedKeys(s.Keys) {
			keys := make([]string, len(s.Keys[k]))
			for i, key := range s.Keys[k] {
				keys[i] = strconv.Quote(key)
			}
			parts = append(parts, k+"="+strings.Join(keys, ","))
		}
		row("keys", "%s (from %s)", strings.Join(parts, " "), src("keys"))
	} else {
		row("keys", "defaults")
	}
	if s.NoColor {
		row("no color", "true (from NO_COLOR)")
	} else {
		row("no color", "false")
	}
	row("debug", "%t", s.Debug)
	row("log file", "%s (from %s)", orNone(s.LogFile), src("log_file"))
	return printable(redact.String(b.String(), secretsOf(s.Token)...))
}

// printable escapes (as \u202e, say) every rune of s that a terminal would
// not show as itself, lines apart: a path or value from the environment
// could hold bidi controls or escape sequences that make the text say
// something else.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\n' || unicode.IsPrint(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRuneToASCII(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
