package config

import (
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/seed372e9e9a/turso-groups/api"
)

// Source says where a setting came from: a flag ("--token"), an environment
// variable ("TURSO_API_TOKEN"), our config file ("config.toml", "config.toml
// profile work"), the turso CLI's settings ("turso CLI settings
// (/path/settings.json)"), local mode ("local mode") or "default".
type Source string

// SourceDefault marks a setting nobody set.
const SourceDefault Source = "default"

// SourceLocal marks the organization local mode picks (Vocabulary.LocalOrg).
const SourceLocal Source = "local mode"

// Reasons for local mode, in Settings.LocalReason. A profile with
// local = true gives "profile NAME".
const (
	LocalReasonFlag    = "--local"
	LocalReasonNoToken = "no token found"
)

// Theme is the colour scheme.
type Theme struct {
	// Mode is "auto" (follow the terminal's background), "dark" or "light".
	Mode string
	// Colors overrides named colours (the names in Vocabulary.Colors) with
	// "#rrggbb" or an ANSI colour number "0".."255".
	Colors map[string]string
}

// Settings are the resolved settings, each with where it came from.
type Settings struct {
	// Token is the Platform API token; "" when there is none. Never print
	// or log it (Redacted and NewLogger do not). In local mode it is not
	// for the local API, which has a token of its own.
	Token       string
	TokenSource Source // where Token came from; "" when there is none
	// Org is the organization slug; "" is the personal account, which the
	// api client reaches through the user-scoped /v1/groups paths.
	// OrgSource tells "" set on purpose (e.g. the turso CLI's personal
	// account) from "" by default. In local mode it is
	// Vocabulary.LocalOrg unless --org or the local profile names another.
	Org       string
	OrgSource Source // where Org came from
	// APIURL is the Platform API's base URL (api.DefaultBaseURL by
	// default). It is not used in local mode.
	APIURL       string
	APIURLSource Source // where APIURL came from
	// InsecureHTTP (--insecure-http) allows an APIURL that is plain
	// http:// to another machine; without it Resolve refuses one.
	InsecureHTTP bool
	// Warnings are things about these settings the user should know
	// before the token is used, each one sentence: the program prints
	// them before it starts, the dashboard's header shows them, and so
	// does `config show`.
	Warnings []string
	// Local means running on the embedded local API instead of a Turso
	// account; LocalReason says why: LocalReasonFlag, LocalReasonNoToken or
	// "profile NAME". The real API is never called without a token.
	Local       bool
	LocalReason string // why Local; "" when not
	// DataFile is the local API's state file, for local mode.
	DataFile string
	// Profile is the selected [profiles.NAME], or "".
	Profile string
	// ConfigFile is our config file's path; ConfigFileFound whether it
	// exists.
	ConfigFile      string
	ConfigFileFound bool // whether ConfigFile exists
	// CLISettingsFile is the turso CLI's settings.json; CLISettingsFound
	// whether it exists.
	CLISettingsFile  string
	CLISettingsFound bool // whether CLISettingsFile exists
	// Theme is the colour scheme.
	Theme Theme
	// Keys overrides the keys of actions (names from
	// Vocabulary.KeyActions); an action listed here has exactly these keys
	// instead of its defaults.
	Keys map[string][]string
	// Refresh is how often to reload; 0 is off.
	Refresh time.Duration
	// NoColor is set by a non-empty $NO_COLOR.
	NoColor bool
	// ReadOnly refuses every change.
	ReadOnly bool
	// Cache keeps the last group list seen for a warm start (the config
	// file's cache, true unless it says false; --no-cache is main's).
	Cache bool
	// Mouse lets the dashboard take clicks and the wheel (the config
	// file's mouse, true unless it says false; --no-mouse is main's).
	Mouse bool
	// Debug writes a debug log to LogFile.
	Debug   bool
	LogFile string // where Debug logs to

	// sources of the settings that have no Source field of their own.
	sources map[string]Source
}

// Resolve combines, highest first: flags, the environment
// (TURSO_API_TOKEN, TURSO_ORG, TURSO_API_BASEURL, NO_COLOR), the selected
// profile of our config file, the config file's top level, the turso CLI's
// settings.json and the defaults. It reads files and never writes one.
// The config file's key actions and colours are checked against vocab,
// which also names local mode's organization. Errors that are the user's
// to fix are *Error; IsUsage tells them. A nil env is os.Getenv.
func Resolve(f *Flags, env Env, vocab Vocabulary) (*Settings, error) {
	if f == nil {
		f = &Flags{}
	}
	if err := checkFlags(f); err != nil {
		return nil, err
	}
	s := &Settings{sources: map[string]Source{}}

	// Our config file.
	explicit := f.Changed(FlagConfig)
	path := f.ConfigFile
	if !explicit {
		p, err := ConfigPath(env)
		if err == nil {
			path = p
		}
	}
	file := &fileConfig{}
	if path != "" {
		var err error
		if file, err = readConfigFile(path, explicit, env, vocab); err != nil {
			return nil, err
		}
	}
	s.ConfigFile, s.ConfigFileFound = path, file.found
	fileSrc := Source(filepath.Base(path))

	// The profile.
	var prof *fileProfile
	var profSrc Source
	if f.Changed(FlagProfile) && f.Profile != "" {
		p, ok := file.Profiles[f.Profile]
		if !ok {
			return nil, unknownProfile(f.Profile, file)
		}
		prof, s.Profile = p, f.Profile
		profSrc = Source(fmt.Sprintf("%s profile %s", filepath.Base(path), f.Profile))
	}
	if prof == nil {
		prof = &fileProfile{}
	}

	// The turso CLI's settings.
	cliPath, err := CLISettingsPath(env)
	if err != nil {
		cliPath = ""
	}
	cli, err := readCLISettings(cliPath)
	if err != nil {
		return nil, err
	}
	s.CLISettingsFile, s.CLISettingsFound = cli.path, cli.found

	// Token.
	envToken := strings.TrimSpace(env.get("TURSO_API_TOKEN"))
	if envToken != "" {
		if msg := checkToken(envToken); msg != "" {
			return nil, &Error{Key: "TURSO_API_TOKEN", Msg: msg}
		}
	}
	s.Token, s.TokenSource = first(
		layer{f.Changed(FlagToken), strings.TrimSpace(f.Token), "--" + FlagToken},
		layer{envToken != "", envToken, "TURSO_API_TOKEN"},
		layer{prof.Token != nil && *prof.Token != "", deref(prof.Token), profSrc},
		layer{file.Token != nil && *file.Token != "", deref(file.Token), fileSrc},
		layer{cli.hasToken, cli.token, cli.source()},
	)
	if s.TokenSource == SourceDefault {
		s.TokenSource = ""
	}

	// Organization.
	envOrg := strings.TrimSpace(env.get("TURSO_ORG"))
	if envOrg != "" {
		if msg := checkOrg(envOrg); msg != "" {
			return nil, &Error{Key: "TURSO_ORG", Msg: msg}
		}
	}
	cliOrgOK := cli.hasOrg
	if cliOrgOK {
		if msg := checkOrg(cli.org); msg != "" {
			return nil, cli.fail(0, 0, "organization", msg)
		}
	}
	s.Org, s.OrgSource = first(
		layer{f.Changed(FlagOrg), strings.TrimSpace(f.Org), "--" + FlagOrg},
		layer{envOrg != "", envOrg, "TURSO_ORG"},
		layer{prof.Org != nil, deref(prof.Org), profSrc},
		layer{file.Org != nil, deref(file.Org), fileSrc},
		layer{cliOrgOK, cli.org, cli.source()},
	)

	// API URL.
	envURL := strings.TrimSpace(env.get("TURSO_API_BASEURL"))
	s.APIURL, s.APIURLSource = first(
		layer{f.Changed(FlagAPIURL), strings.TrimSpace(f.APIURL), "--" + FlagAPIURL},
		layer{envURL != "", envURL, "TURSO_API_BASEURL"},
		layer{prof.APIURL != nil, deref(prof.APIURL), profSrc},
		layer{file.APIURL != nil, deref(file.APIURL), fileSrc},
		layer{cli.hasBaseURL, cli.baseURL, cli.source()},
	)
	switch s.APIURLSource {
	case SourceDefault:
		s.APIURL = api.DefaultBaseURL
	case "TURSO_API_BASEURL":
		if msg := checkAPIURL(s.APIURL); msg != "" {
			return nil, &Error{Key: "TURSO_API_BASEURL", Msg: msg}
		}
	case cli.source():
		if msg := checkAPIURL(s.APIURL); msg != "" {
			return nil, cli.fail(0, 0, "baseurl", msg)
		}
	}

	// Local mode.
	switch {
	case f.Changed(FlagLocal):
		s.Local = f.Local
		if s.Local {
			s.LocalReason = LocalReasonFlag
		}
	case prof.Local != nil:
		s.Local = *prof.Local
		if s.Local {
			s.LocalReason = "profile " + s.Profile
		}
	}
	if !s.Local && s.Token == "" {
		s.Local, s.LocalReason = true, LocalReasonNoToken
	}
	// The token must not cross the network in clear by accident: an http://
	// URL to another machine (a typo, a stale setting) is refused unless
	// asked for. It does not matter in local mode, which does not use it.
	s.InsecureHTTP = f.Changed(FlagInsecureHTTP) && f.InsecureHTTP
	if !s.Local && !s.InsecureHTTP && api.PlainHTTPRemote(s.APIURL) {
		return nil, &Error{Key: string(s.APIURLSource), Msg: fmt.Sprintf(
			"%s is plain http:// to another machine: the token would cross the network unencrypted. Use https://, or give --%s if you mean it",
			s.APIURL, FlagInsecureHTTP)}
	}
	if s.Local {
		switch {
		case f.Changed(FlagOrg):
			// --org as resolved above.
		case prof.Local != nil && *prof.Local && prof.Org != nil:
			s.Org, s.OrgSource = *prof.Org, profSrc
		default:
			s.Org, s.OrgSource = vocab.LocalOrg, SourceLocal
		}
	}

	if w := tokenURLWarning(s, fileSrc); w != "" {
		s.Warnings = append(s.Warnings, w)
	}

	// The local API's data file.
	switch {
	case f.Changed(FlagData) && f.DataFile != "":
		s.DataFile, s.sources["data"] = f.DataFile, "--"+FlagData
	case prof.Data != nil:
		s.DataFile, s.sources["data"] = *prof.Data, profSrc
	default:
		d, err := localAPIFile(env)
		if err != nil && s.Local {
			return nil, &Error{Key: "--" + FlagData, Msg: "cannot find the data directory (" + err.Error() + "): give --data FILE"}
		}
		s.DataFile, s.sources["data"] = d, SourceDefault
	}

	// Read-only.
	switch {
	case f.Changed(FlagReadOnly):
		s.ReadOnly, s.sources["read_only"] = f.ReadOnly, "--"+FlagReadOnly
	case prof.ReadOnly != nil:
		s.ReadOnly, s.sources["read_only"] = *prof.ReadOnly, profSrc
	case file.ReadOnly != nil:
		s.ReadOnly, s.sources["read_only"] = *file.ReadOnly, fileSrc
	default:
		s.sources["read_only"] = SourceDefault
	}

	// The list cache: the config file only (--no-cache is the
	// dashboard's flag).
	s.Cache, s.sources["cache"] = true, SourceDefault
	if file.Cache != nil {
		s.Cache, s.sources["cache"] = *file.Cache, fileSrc
	}

	// The mouse: the config file only (--no-mouse is main's).
	s.Mouse, s.sources["mouse"] = true, SourceDefault
	if file.Mouse != nil {
		s.Mouse, s.sources["mouse"] = *file.Mouse, fileSrc
	}

	// Appearance and behaviour: the config file only.
	s.Theme = Theme{Mode: "auto", Colors: map[string]string{}}
	s.sources["theme"] = SourceDefault
	if file.ThemeMode != nil || len(file.Colors) > 0 {
		s.sources["theme"] = fileSrc
	}
	if file.ThemeMode != nil {
		s.Theme.Mode = *file.ThemeMode
	}
	maps.Copy(s.Theme.Colors, file.Colors)
	s.Keys = map[string][]string{}
	maps.Copy(s.Keys, file.Keys)
	s.sources["keys"] = SourceDefault
	if len(s.Keys) > 0 {
		s.sources["keys"] = fileSrc
	}
	s.sources["refresh"] = SourceDefault
	if file.Refresh != nil {
		s.Refresh, s.sources["refresh"] = *file.Refresh, fileSrc
	}
	if v := env.get("NO_COLOR"); v != "" {
		s.NoColor, s.sources["no_color"] = true, "NO_COLOR"
	}

	// Debugging.
	s.Debug = f.Changed(FlagDebug) && f.Debug
	switch {
	case f.Changed(FlagLogFile) && f.LogFile != "":
		s.LogFile, s.sources["log_file"] = f.LogFile, "--"+FlagLogFile
	default:
		p, err := DefaultLogFile(env)
		if err != nil && s.Debug {
			return nil, &Error{Key: "--" + FlagDebug, Msg: err.Error() + ": give --log-file FILE"}
		}
		s.LogFile, s.sources["log_file"] = p, SourceDefault
	}
	return s, nil
}

// LocalHint is one line for the UI saying why it runs on the local API and
// how to use a real account instead; "" when not in local mode. Each fits
// in 78 columns, so an 80-column terminal shows it whole.
func (s *Settings) LocalHint() string {
	if !s.Local {
		return ""
	}
	switch s.LocalReason {
	case LocalReasonFlag:
		return "Local demo data (--local). Run without --local to use your Turso account."
	case LocalReasonNoToken:
		return "Local demo data: no token found. Use `turso auth login` or TURSO_API_TOKEN."
	}
	return fmt.Sprintf("Local demo data (%s). Choose another --profile for your account.", s.LocalReason)
}

// tokenURLWarning says so when the token and a non-default API URL were
// set in different places: a token from TURSO_API_TOKEN going to the
// baseurl an old `turso` session left in its settings.json, say. Each
// setting was chosen by the rules, but nobody chose the pair, and the
// token is sent to that URL. The places are the command line, the
// environment, our config file (its profiles included) and the turso
// CLI's settings. Warning rather than refusing: a token in the environment with
// api_url in the config file is a normal setup, and an http:// URL to
// another machine is refused anyway. Nothing is said in local mode, which
// sends the token nowhere.
func tokenURLWarning(s *Settings, fileSrc Source) string {
	if s.Local || s.Token == "" || s.APIURLSource == SourceDefault {
		return ""
	}
	place := func(src Source) Source {
		switch {
		case strings.HasPrefix(string(src), "--"):
			return "the command line"
		case src == "TURSO_API_TOKEN" || src == "TURSO_API_BASEURL":
			return "the environment"
		case src == fileSrc || strings.HasPrefix(string(src), string(fileSrc)+" profile "):
			return fileSrc
		}
		return src
	}
	if place(s.TokenSource) == place(s.APIURLSource) {
		return ""
	}
	return fmt.Sprintf("The token (from %s) is sent to %s, an API URL from %s: check that you mean it, or set both in one place.",
		s.TokenSource, s.APIURL, s.APIURLSource)
}

// layer is one candidate value of a setting.
type layer struct {
	ok  bool
	val string
	src Source
}

// first is the value of the first layer that is set, else "" by default.
func first(layers ...layer) (string, Source) {
	for _, l := range layers {
		if l.ok {
			return l.val, l.src
		}
	}
	return "", SourceDefault
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkFlags validates the values of the flags that were given.
func checkFlags(f *Flags) error {
	if f.Changed(FlagToken) {
		// A blank token ("--token $UNSET") is a mistake to point out, not
		// a reason to fall back quietly to another account's token.
		if strings.TrimSpace(f.Token) == "" {
			return &Error{Key: "--" + FlagToken, Msg: "is empty"}
		}
		if msg := checkToken(f.Token); msg != "" {
			return &Error{Key: "--" + FlagToken, Msg: msg}
		}
	}
	if f.Changed(FlagOrg) {
		if msg := checkOrg(strings.TrimSpace(f.Org)); msg != "" {
			return &Error{Key: "--" + FlagOrg, Msg: msg}
		}
	}
	if f.Changed(FlagAPIURL) {
		if msg := checkAPIURL(strings.TrimSpace(f.APIURL)); msg != "" {
			return &Error{Key: "--" + FlagAPIURL, Msg: msg}
		}
	}
	if f.Changed(FlagProfile) && strings.TrimSpace(f.Profile) == "" {
		return &Error{Key: "--" + FlagProfile, Msg: "needs a profile name"}
	}
	for _, name := range []string{FlagConfig, FlagData, FlagLogFile} {
		v := map[string]string{FlagConfig: f.ConfigFile, FlagData: f.DataFile, FlagLogFile: f.LogFile}[name]
		if f.Changed(name) && strings.TrimSpace(v) == "" {
			return &Error{Key: "--" + name, Msg: "needs a file name"}
		}
	}
	return nil
}

func unknownProfile(name string, file *fileConfig) error {
	if !file.found {
		return &Error{Key: "--" + FlagProfile, Msg: fmt.Sprintf("no profile %q: there is no config file %s", name, file.path)}
	}
	known := sortedKeys(file.Profiles)
	if len(known) == 0 {
		return &Error{Key: "--" + FlagProfile, Msg: fmt.Sprintf("no profile %q: %s has no [profiles.NAME] tables", name, file.path)}
	}
	return &Error{Key: "--" + FlagProfile, Msg: fmt.Sprintf("no profile %q in %s; the profiles are %s", name, file.path, strings.Join(known, ", "))}
}

// checkAPIURL returns what is wrong with an API URL, or "".
func checkAPIURL(s string) string {
	bad := fmt.Sprintf("%q is not an http:// or https:// URL with a host, like %s", s, api.DefaultBaseURL)
	if s == "" {
		return "must not be empty (leave it out for " + api.DefaultBaseURL + ")"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return bad
	}
	if u.Hostname() == "" {
		return bad
	}
	if u.User != nil {
		return fmt.Sprintf("%s: a URL must not hold a user name or password; the token goes in TURSO_API_TOKEN", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return fmt.Sprintf("%q: the API URL takes no query or fragment", s)
	}
	for _, r := range s {
		// Shown by `config show` and in the header: nothing that reorders
		// or hides text.
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return fmt.Sprintf("%+q: the API URL must not hold spaces or invisible characters", s)
		}
	}
	return ""
}

// maxOrgLen bounds an organization slug.
const maxOrgLen = 64

// checkOrg returns what is wrong with an organization slug, or "". Empty
// is fine (the personal account). A slug is a username or a name made of
// ASCII letters, digits, hyphens and underscores (it is part of database
// host names); anything else, bidi controls and look-alike letters
// included, would be printed by `config show` and put in request paths as
// something other than what it looks like.
func checkOrg(s string) string {
	if len(s) > maxOrgLen {
		return fmt.Sprintf("%+.40q... is too long for an organization slug (at most %d characters)", s, maxOrgLen)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Sprintf("%+q is not an organization slug (ASCII letters, digits, hyphens and underscores)", s)
		}
	}
	return ""
}

// checkToken returns what is wrong with a token, or "". It never quotes
// the token.
func checkToken(s string) string {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "the token contains a space or control character; is it the whole token and only the token? (not shown)"
		}
	}
	return ""
}
