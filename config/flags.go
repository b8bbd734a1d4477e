package config

import "github.com/spf13/pflag"

// Flags are the command-line settings. Resolve gives a flag precedence over
// everything else only if it was given on the command line, which BindFlags'
// flag set tells (so "--org=" selects the personal account while no --org
// at all leaves the organization to the other layers). A Flags built by hand
// rather than by BindFlags counts its non-zero fields as given, and those
// marked with SetChanged.
type Flags struct {
	// Token is --token: a Platform API token.
	Token string
	// Org is --org: an organization slug; "" is the personal account.
	Org string
	// APIURL is --api-url: the Platform API's base URL.
	APIURL string
	// Profile is --profile: a [profiles.NAME] of the config file.
	Profile string
	// ConfigFile is --config: the config file to read instead of the
	// default one.
	ConfigFile string
	// DataFile is --data: the local API's state file, for local mode.
	DataFile string
	// LogFile is --log-file: where --debug writes.
	LogFile string
	// Local is --local: use the embedded local API, whatever the token.
	Local bool
	// ReadOnly is --read-only: refuse every change.
	ReadOnly bool
	// Debug is --debug: write a debug log.
	Debug bool
	// InsecureHTTP is --insecure-http: allow a plain http:// API URL to
	// another machine, which sends the token unencrypted.
	InsecureHTTP bool

	fs      *pflag.FlagSet
	changed map[string]bool
}

// Flag names, as given on the command line.
const (
	FlagToken    = "token"
	FlagOrg      = "org"
	FlagAPIURL   = "api-url"
	FlagLocal    = "local"
	FlagProfile  = "profile"
	FlagConfig   = "config"
	FlagData     = "data"
	FlagReadOnly = "read-only"
	FlagDebug    = "debug"
	FlagLogFile  = "log-file"
	// FlagInsecureHTTP allows a plain http:// API URL to another machine.
	FlagInsecureHTTP = "insecure-http"
)

// BindFlags registers --token, --org, --api-url, --local, --profile,
// --config, --data, --read-only, --debug, --log-file and --insecure-http
// on fs and returns
// the Flags they fill in. Resolve asks fs which were given.
func BindFlags(fs *pflag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	fs.StringVar(&f.Token, FlagToken, "", "Platform API token (env TURSO_API_TOKEN, which is safer: a flag shows in ps and shell history; default: the turso CLI's login)")
	fs.StringVar(&f.Org, FlagOrg, "", `organization slug, "" for your personal account (env TURSO_ORG; default: the turso CLI's current organization)`)
	fs.StringVar(&f.APIURL, FlagAPIURL, "", "Platform API URL (env TURSO_API_BASEURL; default https://api.turso.tech)")
	fs.BoolVar(&f.Local, FlagLocal, false, "use the built-in local API with demo data instead of a Turso account (the default when no token is found)")
	fs.StringVar(&f.Profile, FlagProfile, "", "use the settings of [profiles.NAME] in the config file")
	fs.StringVar(&f.ConfigFile, FlagConfig, "", `config file (default <user config dir>/turso-groups/config.toml; see "turso-groups config path")`)
	fs.StringVar(&f.DataFile, FlagData, "", "state file of the local API for --local (default <data dir>/turso-groups/local-api.json)")
	fs.BoolVar(&f.ReadOnly, FlagReadOnly, false, "browse only: refuse every change")
	fs.BoolVar(&f.Debug, FlagDebug, false, "write a debug log to --log-file (it never contains the token)")
	fs.BoolVar(&f.InsecureHTTP, FlagInsecureHTTP, false, "allow a plain http:// API URL to another machine (the token then crosses the network unencrypted; http:// to this machine is always allowed)")
	fs.StringVar(&f.LogFile, FlagLogFile, "", "debug log file (default $XDG_STATE_HOME/turso-groups/debug.log, i.e. ~/.local/state/turso-groups/debug.log)")
	return f
}

// Changed reports whether the flag name (e.g. "org") was given: on the
// command line, by SetChanged, or (for a Flags not made by BindFlags) by a
// non-zero field.
func (f *Flags) Changed(name string) bool {
	if f == nil {
		return false
	}
	if f.changed[name] {
		return true
	}
	if f.fs != nil {
		return f.fs.Changed(name)
	}
	switch name {
	case FlagToken:
		return f.Token != ""
	case FlagOrg:
		return f.Org != ""
	case FlagAPIURL:
		return f.APIURL != ""
	case FlagLocal:
		return f.Local
	case FlagProfile:
		return f.Profile != ""
	case FlagConfig:
		return f.ConfigFile != ""
	case FlagData:
		return f.DataFile != ""
	case FlagReadOnly:
		return f.ReadOnly
	case FlagDebug:
		return f.Debug
	case FlagLogFile:
		return f.LogFile != ""
	case FlagInsecureHTTP:
		return f.InsecureHTTP
	}
	return false
}

// SetChanged marks the flag name as given, for a caller that fills in
// Flags itself: e.g. Flags{Org: ""} with SetChanged("org") selects the
// personal account over the other layers.
func (f *Flags) SetChanged(name string) {
	if f.changed == nil {
		f.changed = map[string]bool{}
	}
	f.changed[name] = true
}
