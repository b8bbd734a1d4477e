// Command turso-groups is a terminal dashboard for the groups of a Turso
// account, with a local Platform API for offline use.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
	"github.com/seed372e9e9a/turso-groups/api/listcache"
	"github.com/seed372e9e9a/turso-groups/api/localapi"
	"github.com/seed372e9e9a/turso-groups/config"
	"github.com/seed372e9e9a/turso-groups/ui"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/plain"
	"github.com/seed372e9e9a/turso-groups/ui/serve"
	"github.com/seed372e9e9a/turso-groups/ui/styles"
)

// version and commit are set by a release build:
//
//	go build -ldflags "-X main.version=v1.2.0 -X main.commit=$(git rev-parse HEAD)"
//
// Otherwise a `go install …@v1.2.0` build reports its module version, and a
// build from a checkout the commit that Go stamped into it (unless it was
// built with -buildvcs=false, as CI and the machines here do: then only the
// -X value can tell).
var (
	version = "dev"
	commit  = ""
)

// buildVersion is the version alone, as the API client's User-Agent
// gives it.
func buildVersion() string {
	return versionInfo(debug.ReadBuildInfo).version
}

// versionLine is what `version`, `--version` and `-v` print, one line for
// all three: "turso-groups v1.2.0 (commit 0123456789ab, modified)".
func versionLine() string {
	return "turso-groups " + versionInfo(debug.ReadBuildInfo).String()
}

type buildVersionInfo struct {
	version, commit string
	modified        bool
}

// String is the version, then the commit in brackets where it is known.
func (v buildVersionInfo) String() string {
	if v.commit == "" {
		return v.version
	}
	c := v.commit
	if len(c) > 12 {
		c = c[:12]
	}
	if v.modified {
		return fmt.Sprintf("%s (commit %s, modified)", v.version, c)
	}
	return fmt.Sprintf("%s (commit %s)", v.version, c)
}

// versionInfo gathers what the binary knows of its build: the -X values
// win, then what the go command stamped (module version, vcs.revision and
// vcs.modified).
func versionInfo(read func() (*debug.BuildInfo, bool)) buildVersionInfo {
	v := buildVersionInfo{version: version, commit: commit}
	bi, ok := read()
	if !ok {
		return v
	}
	var rev string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			v.modified = s.Value == "true"
		}
	}
	if v.commit == "" {
		v.commit = rev
	} else {
		v.modified = false // the -X commit is the release's word
	}
	// A build from a checkout is stamped with a pseudo-version made of the
	// commit ("v0.0.0-20261202082619-5d179b98b333+dirty"): it says nothing
	// the commit does not, so such a build stays "dev".
	mv := bi.Main.Version
	fromCheckout := len(rev) >= 12 && strings.Contains(mv, rev[:12])
	if v.version == "dev" && mv != "" && mv != "(devel)" && !fromCheckout {
		v.version = mv
	}
	return v
}

// usageError marks errors in how the command was called: exit status 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "turso-groups:", err)
		var ue usageError
		if errors.As(err, &ue) || config.IsUsage(err) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "turso-groups",
		Short: "A terminal dashboard for the groups of a Turso account",
		Long: `turso-groups opens a full-screen dashboard of the groups of a Turso account:
browse them and their databases, create and delete groups, add and remove
locations, mint and rotate group tokens, transfer, unarchive, and switch
organizations.

It uses the account the turso CLI is logged in to (its settings.json), or
TURSO_API_TOKEN, or the flags below. With no token anywhere, or with
--local, it runs on a built-in local Platform API with demo data, kept on
disk, so it works offline.

Environment:
  TURSO_API_TOKEN     Platform API token (over the config file and the turso CLI's)
  TURSO_API_BASEURL   Platform API URL (default https://api.turso.tech)
  TURSO_ORG           organization slug ("" is the personal account)
  TURSO_CONFIG_FOLDER where the turso CLI keeps settings.json
  NO_COLOR            any value turns colours off
  XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME  where config, data and logs live
  XDG_CACHE_HOME      where the last list seen is kept for a warm start (--no-cache: not)`,
		Args:          config.NoArgs,
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	flags := config.BindFlags(root.Flags())
	var noCache, noMouse, allOrgs bool
	root.Flags().BoolVar(&noCache, "no-cache", false, "do not draw the last list seen at once on start, nor keep it in $XDG_CACHE_HOME/turso-groups (it never holds the token)")
	addNoMouseFlag(root, &noMouse)
	addAllOrgsFlag(root, &allOrgs)
	config.RegisterCompletion(root, flags, nil)
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := config.Resolve(flags, nil, configVocabulary())
		if err != nil {
			return err
		}
		s.Mouse = mouseOn(s, noMouse)
		return runDashboard(cmd.Context(), s, readOnlyReason(flags, s, false), !noCache && s.Cache, allOrgs)
	}
	// --version and -v print the line `version` prints, not cobra's
	// "turso-groups version …".
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(newLocalAPICmd(), newServeCmd(), newVersionCmd(), config.NewCommand(nil, configVocabulary()))
	root.AddCommand(newListCmd(), newShowCmd())
	return root
}

// configVocabulary is what config checks a config file's words against:
// the key map's actions and the palette's colours, which the dashboard
// defines, and the local API's demo organization for local mode. Handing
// them in keeps config free of the UI and the local API.
func configVocabulary() config.Vocabulary {
	return config.Vocabulary{
		KeyActions: keys.Actions(),
		Colors:     styles.ColorNames,
		ValidColor: func(s string) bool {
			_, err := styles.ParseColor(s)
			return err == nil
		},
		LocalOrg:  emulator.DemoOrg,
		CheckKeys: checkKeys,
	}
}

// checkKeys applies a config file's [keys] table to the default key map,
// as the dashboard does when it starts (prepare), and says what the key
// map refuses, action by action, so that config reports it with the line.
func checkKeys(overrides map[string][]string) []config.KeyProblem {
	var out []config.KeyProblem
	km := keys.Default()
	actions := make([]string, 0, len(overrides))
	for a := range overrides {
		actions = append(actions, a)
	}
	slices.Sort(actions)
	for _, a := range actions {
		if err := km.Rebind(map[string][]string{a: overrides[a]}); err != nil {
			out = append(out, config.KeyProblem{Actions: []string{a}, Msg: err.Error()})
		}
	}
	for _, c := range km.ConflictList() {
		out = append(out, config.KeyProblem{
			Actions: []string{c.First, c.Second},
			Msg:     fmt.Sprintf("%q is bound to both %s and %s; two actions cannot share a key", c.Key, c.First, c.Second),
		})
	}
	return out
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  config.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return nil
		},
	}
}

// scriptingLong is what list and show say of their settings and output.
const scriptingLong = `The settings (--token, --org, --api-url, --local, --profile, ...) are
resolved as for the dashboard; with no token anywhere it prints the demo
data of the built-in local API, and says so on stderr. The output is plain
text whether or not stdout is a terminal: no colour, no cursor movement,
and text from the API cannot bring any in. With --json it is the JSON
documented in README ("Scripting"). Exit status: 0 done, 1 the API or the
program failed (or the group does not exist), 2 bad flags or arguments.`

// newListCmd is `list`: the organization's groups, for scripts and pipes.
func newListCmd() *cobra.Command {
	var (
		asJSON   bool
		apiFlags *config.Flags
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print the groups: name, locations, status, databases (--json for scripts)",
		Long: `Print the groups of the organization, sorted by name: name, primary
location, locations, status (Healthy, Degraded, Unhealthy, Archived),
version, number of databases, archived and delete protection.

` + scriptingLong,
		Args: config.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, closeClient, err := scriptClient(apiFlags, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer closeClient()
			groups, counts, err := listGroups(cmd.Context(), c)
			if err != nil {
				return plain.Error(err)
			}
			if asJSON {
				err = plain.WriteListJSON(cmd.OutOrStdout(), groups, counts)
			} else {
				err = plain.WriteListTable(cmd.OutOrStdout(), groups, counts)
			}
			if err != nil {
				return fmt.Errorf("write the list: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the shape is in README, \"Scripting\")")
	apiFlags = config.BindFlags(cmd.Flags())
	return cmd
}

// listGroups fetches the groups, sorted by name, and how many databases
// each has: two requests, sent at once (the databases' answer is read
// after the groups', as the client arranges).
func listGroups(ctx context.Context, c *api.Client) ([]api.Group, map[string]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		dbs   []api.Database
		dbErr error
		wg    sync.WaitGroup
	)
	wg.Go(func() { dbs, dbErr = c.ListDatabases(ctx) })
	groups, err := c.ListGroups(ctx)
	if err != nil {
		cancel() // the count is of no use without the groups
		wg.Wait()
		return nil, nil, err
	}
	wg.Wait()
	if dbErr != nil {
		return nil, nil, dbErr
	}
	slices.SortFunc(groups, func(a, b api.Group) int { return strings.Compare(a.Name, b.Name) })
	return groups, plain.CountDatabases(dbs), nil
}

// newShowCmd is `show GROUP`: one group, its locations and databases.
func newShowCmd() *cobra.Command {
	var (
		asJSON   bool
		apiFlags *config.Flags
	)
	cmd := &cobra.Command{
		Use:   "show GROUP",
		Short: "Print one group: its locations with their status, its databases (--json for scripts)",
		Long: `Print one group: name, UUID, primary location, status, version, archived,
delete protection (from the group's configuration), its locations with
their status, and its databases with their hostname and region. A group
that does not exist is exit status 1.

` + scriptingLong,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("show takes one group name, not %d arguments (see %s --help)", len(args), c.CommandPath())}
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			// One request with the flags given so far; on any failure
			// the shell simply offers nothing.
			c, closeClient, err := scriptClient(apiFlags, io.Discard)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			defer closeClient()
			groups, err := c.ListGroups(cmd.Context())
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			names := make([]cobra.Completion, 0, len(groups))
			for _, g := range groups {
				if api.ValidateGroupName(g.Name) == nil { // nothing a shell could choke on
					names = append(names, g.Name)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, closeClient, err := scriptClient(apiFlags, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer closeClient()
			g, err := showGroup(cmd.Context(), c, args[0])
			if err != nil {
				return plain.Error(err)
			}
			if asJSON {
				err = plain.WriteGroupJSON(cmd.OutOrStdout(), g)
			} else {
				err = plain.WriteGroupTable(cmd.OutOrStdout(), g)
			}
			if err != nil {
				return fmt.Errorf("write the group: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the shape is in README, \"Scripting\")")
	apiFlags = config.BindFlags(cmd.Flags())
	return cmd
}

// showGroup fetches the group, its configuration and the organization's
// databases at once.
func showGroup(ctx context.Context, c *api.Client, name string) (plain.Group, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		cfg           api.GroupConfig
		dbs           []api.Database
		cfgErr, dbErr error
		wg            sync.WaitGroup
	)
	wg.Go(func() { cfg, cfgErr = c.GetGroupConfig(ctx, name) })
	wg.Go(func() { dbs, dbErr = c.ListDatabases(ctx) })
	g, err := c.GetGroup(ctx, name)
	if err != nil {
		cancel()
		wg.Wait()
		var ae *api.Error
		if api.IsNotFound(err) && errors.As(err, &ae) {
			where := "your personal account"
			if c.Org() != "" {
				where = "organization " + c.Org()
			}
			// The server's words after ours: "group not found", or
			// "organization not found" when it is the organization.
			return plain.Group{}, fmt.Errorf("no group %q in %s: %w", name, where, ae)
		}
		return plain.Group{}, err
	}
	wg.Wait()
	protected := cfg.DeleteProtection
	switch {
	case api.IsNotFound(cfgErr):
		// An API without group configurations: the group's own field.
		protected = g.DeleteProtection
	case cfgErr != nil:
		return plain.Group{}, cfgErr
	}
	if dbErr != nil {
		return plain.Group{}, dbErr
	}
	return plain.NewGroup(g, protected, dbs), nil
}

// scriptClient resolves the settings as the dashboard does and builds its
// API client, starting the embedded local API if they say so, for list
// and show. The settings' warnings go to stderr, and so does a note when
// the data is the local API's demo data for want of a token: a script
// must not take it for an account's. Call the returned func when done.
func scriptClient(flags *config.Flags, stderr io.Writer) (*api.Client, func(), error) {
	s, err := config.Resolve(flags, nil, configVocabulary())
	if err != nil {
		return nil, nil, err
	}
	logger, closeLog, err := config.NewLogger(s)
	if err != nil {
		return nil, nil, err
	}
	se, err := prepare(s, logger)
	if err != nil {
		closeLog.Close()
		return nil, nil, err
	}
	for _, w := range s.Warnings {
		fmt.Fprintln(stderr, "turso-groups: warning:", w)
	}
	if s.LocalReason == config.LocalReasonNoToken {
		fmt.Fprintln(stderr, "turso-groups: no Turso API token found: this is the demo data of the built-in local API (log in with `turso auth login`, or set TURSO_API_TOKEN)")
	}
	return se.client, func() { se.close(); closeLog.Close() }, nil
}

func newLocalAPICmd() *cobra.Command {
	var (
		cfg         localapi.Config
		failRate    float64
		rateLimit   float64
		dropRate    float64
		malformed   float64
		stallRate   float64
		latency     time.Duration
		groupUpdate string
		quiet       bool
	)
	cmd := &cobra.Command{
		Use:   "local-api",
		Short: "Run the local Turso Platform API on its own",
		Long: `Run the local Turso Platform API: the groups, locations, organizations and
databases endpoints of api.turso.tech, served from a state file on disk.
This dashboard, the turso CLI and @tursodatabase/api all accept it (at
start it prints the first two lines ready to paste):

  turso-groups --api-url <url> --token <token> --org demo
  TURSO_API_BASEURL=<url> TURSO_API_TOKEN=<token> turso group list
  createClient({ org: "demo", token: "<token>", baseUrl: "<url>/v1/" })

Every write is on disk before it is acknowledged. The token is kept next to
the data file (mode 0600) unless --token sets one.`,
		Args: config.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rates := map[string]float64{"fail-rate": failRate, "rate-limit-rate": rateLimit, "drop-rate": dropRate, "malformed-rate": malformed, "stall-rate": stallRate}
			sum := 0.0
			for name, v := range rates {
				if v < 0 || v > 1 {
					return usageError{fmt.Errorf("--%s must be between 0 and 1, not %g", name, v)}
				}
				sum += v
			}
			if sum > 1 {
				// Each rate is a share of the requests: together they
				// cannot be more than all of them.
				return usageError{fmt.Errorf("the fault rates add up to %g; together they must be at most 1", sum)}
			}
			if latency < 0 {
				return usageError{fmt.Errorf("--latency must not be negative")}
			}
			if cfg.Seed != emulator.SeedDemo && cfg.Seed != emulator.SeedEmpty {
				return usageError{fmt.Errorf("--seed must be %s or %s, not %q", emulator.SeedDemo, emulator.SeedEmpty, cfg.Seed)}
			}
			if cfg.SeedGroups < 0 {
				return usageError{fmt.Errorf("--seed-groups must be zero or more, not %d", cfg.SeedGroups)}
			}
			if err := checkListen(cfg.Listen); err != nil {
				return err
			}
			if cfg.ProvisionDelay < 0 {
				return usageError{fmt.Errorf("--provision-delay must not be negative")}
			}
			if !slices.Contains(emulator.GroupUpdateModes, emulator.GroupUpdateMode(groupUpdate)) {
				return usageError{fmt.Errorf("--group-update must be %s or %s, not %q", emulator.GroupUpdateServed, emulator.GroupUpdateRemoved, groupUpdate)}
			}
			cfg.GroupUpdate = emulator.GroupUpdateMode(groupUpdate)
			cfg.Faults = emulator.Faults{Latency: latency, FailRate: failRate, RateLimitRate: rateLimit, DropRate: dropRate, MalformedRate: malformed, StallRate: stallRate}
			seedGiven := cmd.Flags().Changed("seed") || cmd.Flags().Changed("seed-groups")
			if !cmd.Flags().Changed("data") {
				f, err := config.LocalAPIFile()
				if err != nil {
					return fmt.Errorf("find the data directory (use --data): %w", err)
				}
				cfg.DataFile = f
			}
			if cfg.DataFile != "" {
				cfg.TokenFile = strings.TrimSuffix(cfg.DataFile, filepath.Ext(cfg.DataFile)) + ".token"
			}
			// A dev server shows its traffic: one line per request (debug
			// level), unless --quiet. The token is never logged.
			level := slog.LevelDebug
			if quiet {
				level = slog.LevelWarn
			}
			cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			srv, err := localapi.Start(cfg)
			if err != nil {
				return err
			}
			if seedGiven && srv.DataExisted {
				// Said even for the default, --seed demo: nothing records
				// which seed made the file, which may be empty.
				fmt.Fprintf(cmd.ErrOrStderr(), "turso-groups: note: --seed and --seed-groups only shape a new state file; serving the existing %s as it is (to start over, stop this server, remove that file and start again, or use another --data)\n", cfg.DataFile)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Local Turso Platform API on %s\n", srv.URL)
			if cfg.DataFile != "" {
				fmt.Fprintf(out, "  data:   %s\n", cfg.DataFile)
			} else {
				fmt.Fprintf(out, "  data:   in memory (lost on exit)\n")
			}
			fmt.Fprintf(out, "  token:  %s\n\n", srv.Token)
			fmt.Fprintf(out, "  turso-groups --api-url %s --token %s --org %s\n", srv.URL, shellQuote(srv.Token), emulator.DemoOrg)
			fmt.Fprintf(out, "  TURSO_API_BASEURL=%s TURSO_API_TOKEN=%s turso group list\n", srv.URL, shellQuote(srv.Token))
			fmt.Fprintf(out, "\nPress Ctrl+C to stop.\n")
			err = srv.Wait(cmd.Context())
			fmt.Fprintln(out, "Stopped.")
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&cfg.DataFile, "data", "", `state file (default "<data dir>/turso-groups/local-api.json"; "" keeps state in memory)`)
	f.StringVar(&cfg.Seed, "seed", "demo", "data for a new state file: demo or empty")
	f.IntVar(&cfg.SeedGroups, "seed-groups", 0, "add this many synthetic groups to a new state file (load tests)")
	f.StringVar(&cfg.Token, "token", "", "bearer token to accept (default: one kept next to the data file)")
	f.BoolVarP(&quiet, "quiet", "q", false, "do not log each request to stderr")
	f.DurationVar(&cfg.ProvisionDelay, "provision-delay", 0, "how long a new location (create, add location, unarchive) is provisioning before it is ready; its wait route blocks until then")
	// served by default: the spec still documents the route, and the
	// demo and tests show what it does; removed tries a client against a
	// platform that no longer serves it, as the CLI no longer calls it.
	f.StringVar(&groupUpdate, "group-update", string(emulator.GroupUpdateServed), "the group update route (update databases): served, or removed (answered as an unknown route, a 404)")
	f.DurationVar(&latency, "latency", 0, "fault injection: add this delay to every request")
	f.Float64Var(&failRate, "fail-rate", 0, "fault injection: fraction of requests answered 500 or 503")
	f.Float64Var(&rateLimit, "rate-limit-rate", 0, "fault injection: fraction of requests answered 429 with Retry-After")
	f.Float64Var(&dropRate, "drop-rate", 0, "fault injection: fraction of connections dropped without an answer")
	f.Float64Var(&malformed, "malformed-rate", 0, "fault injection: fraction of requests answered 200 with JSON cut short")
	f.Float64Var(&stallRate, "stall-rate", 0, "fault injection: fraction of requests whose answer starts and never finishes")
	_ = cmd.RegisterFlagCompletionFunc("seed", cobra.FixedCompletions([]string{emulator.SeedDemo, emulator.SeedEmpty}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("group-update", cobra.FixedCompletions([]string{string(emulator.GroupUpdateServed), string(emulator.GroupUpdateRemoved)}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// shellQuote is s as one word for a POSIX shell: in single quotes, each
// single quote of s closing the quotes, escaped, and opening them again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// checkListen refuses a --listen that is no address, as a usage error
// (exit status 2); an address that is taken is found when listening.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil && port != "" {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return usageError{fmt.Errorf("--listen %q is not a host:port address: %w", addr, err)}
	}
	return nil
}

// session is what the dashboard needs from the settings: the API client
// and the base options, with the embedded local API started if asked for.
type session struct {
	client *api.Client
	opts   ui.Options
	logger *slog.Logger
	// secrets are the tokens in play, for the log redaction.
	secrets []string
	close   func()
}

// prepare resolves everything the dashboard needs from s: on the embedded
// local API (started on loopback, its state on disk) or on the Platform
// API the settings name.
func prepare(s *config.Settings, logger *slog.Logger) (*session, error) {
	// Resolve has refused what the key map and the palette would refuse
	// (configVocabulary), with the config file's line; these checks stand
	// behind it.
	km := keys.Default()
	if err := km.Rebind(s.Keys); err != nil {
		return nil, usageError{fmt.Errorf("%s: keys: %w", s.ConfigFile, err)}
	}
	if c := km.Conflicts(); len(c) > 0 {
		return nil, usageError{fmt.Errorf("%s: keys: %s", s.ConfigFile, strings.Join(c, "; "))}
	}
	palette, err := styles.DefaultPalette().WithOverrides(s.Theme.Colors)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: theme: %w", s.ConfigFile, err)}
	}
	se := &session{
		opts:    ui.Options{ReadOnly: s.ReadOnly, Palette: palette, Keys: km, Refresh: s.Refresh, Warnings: s.Warnings, Mouse: s.Mouse},
		secrets: []string{s.Token},
		close:   func() {},
	}
	clientOpts := api.Options{Version: buildVersion(), ReadOnly: s.ReadOnly, Org: s.Org, InsecureHTTP: s.InsecureHTTP}
	if s.Local {
		srv, err := localapi.Start(localapi.Config{Listen: "127.0.0.1:0", DataFile: s.DataFile, Logger: logger, ProvisionDelay: localapi.EmbeddedProvisionDelay})
		if err != nil {
			return nil, fmt.Errorf("start the local API: %w", err)
		}
		se.close = func() { srv.Shutdown(2 * time.Second) }
		se.secrets = append(se.secrets, srv.Token)
		clientOpts.BaseURL, clientOpts.Token = srv.URL, srv.Token
		se.opts.Local, se.opts.LocalHint, se.opts.User, se.opts.APIURL = true, s.LocalHint(), emulator.DemoUser, srv.URL
	} else {
		clientOpts.BaseURL, clientOpts.Token = s.APIURL, s.Token
		se.opts.APIURL = s.APIURL
		se.opts.TokenAdvice = s.TokenAdvice()
		if exp, ok := config.TokenExpiry(s.Token); ok {
			se.opts.TokenExpiry = exp
		}
	}
	// Every token in play is kept out of the logs, the local API's
	// random one included.
	se.logger = slog.New(config.NewRedactingHandler(logger.Handler(), se.secrets...))
	clientOpts.Logger = se.logger
	se.opts.Logger = se.logger
	client, err := api.New(clientOpts)
	if err != nil {
		se.close()
		return nil, usageError{err}
	}
	se.client = client
	se.opts.Client = client
	return se, nil
}

// serveLocalHint is what SSH users read in the header when the server
// runs on its local API: about the server, not about flags of theirs.
func serveLocalHint(s *config.Settings) string {
	if s.LocalReason == config.LocalReasonNoToken {
		return "Demo data: this server has no Turso token. Its operator can give it one."
	}
	return "Demo data from this server's built-in local API, not a Turso account."
}

// serveDemoNotice tells the operator, at start, that the sessions will
// see demo data, and why.
func serveDemoNotice(s *config.Settings) string {
	if s.LocalReason == config.LocalReasonNoToken {
		return "No Turso API token found (--token, TURSO_API_TOKEN, the config file, `turso auth login`): serving DEMO DATA from the built-in local API."
	}
	return fmt.Sprintf("Serving DEMO DATA from the built-in local API (%s).", s.LocalReason)
}

// readOnlyReason says why the settings make the dashboard read-only, for
// a user who presses a key that would change something; served, the user
// is someone else, who knows nothing of the server's files.
func readOnlyReason(f *config.Flags, s *config.Settings, served bool) string {
	switch {
	case !s.ReadOnly:
		return ""
	case f.ReadOnly && served:
		return "the server was started with --read-only"
	case f.ReadOnly:
		return "it was started with --read-only"
	case served:
		return "the server's config file sets read_only"
	}
	return "read_only is set in " + s.ConfigFile
}

// runDashboard opens the dashboard in this terminal; readOnly says why
// it is read-only, when it is.
// runDashboard runs the dashboard in this terminal. warm keeps the last
// list seen of each organization on disk and draws it at once on the next
// start (listcache), unless the API is the embedded local one, which
// answers as fast as the disk.
func runDashboard(ctx context.Context, s *config.Settings, readOnly string, warm, allOrgs bool) error {
	logger, closeLog, err := config.NewLogger(s)
	if err != nil {
		return err
	}
	defer closeLog.Close()
	se, err := prepare(s, logger)
	if err != nil {
		return err
	}
	defer se.close()
	se.opts.ReadOnlyReason = readOnly
	se.opts.AllOrgs = allOrgs
	// Said before the dashboard takes the screen, so that it stays in the
	// terminal once it is gone; the header shows it meanwhile.
	for _, w := range s.Warnings {
		fmt.Fprintln(os.Stderr, "turso-groups: warning:", w)
	}
	if warm && !s.Local {
		if dir, err := config.CacheDir(nil); err != nil {
			se.logger.Warn("no list cache", "err", err)
		} else {
			se.opts.ListCache = listcache.New(dir)
		}
	}
	se.opts.Renderer = ui.Renderer(os.Stdout, s.NoColor, s.Theme.Mode)
	se.logger.Info("dashboard starting", "local", s.Local, "org", s.Org, "api", se.opts.APIURL, "read_only", s.ReadOnly)
	return ui.Run(ctx, se.opts)
}

func newServeCmd() *cobra.Command {
	var (
		cfg      serve.Config
		connRate float64
		apiFlags *config.Flags
		noMouse  bool
		allOrgs  bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard over SSH to authorized keys",
		Long: `Serve the dashboard over SSH, so a team shares one dashboard without a
token on their laptops:

  turso-groups serve --authorized-keys ~/.config/turso-groups/authorized_keys
  ssh -p 23234 dash.example.com

Only public keys are accepted: keys in --authorized-keys get the full
dashboard, keys in --read-only-keys may only look (enforced in the API
client, not only hidden). Without a key file the server refuses to start.
Key files take the from= and expiry-time= options; one with an option the
server cannot honour, a bad line, or that others could change (the file or
a directory above it) grants nothing. They are read again every second and
on SIGHUP: within about a second a revoked key's sessions end. A
connection has --login-timeout to log in. The API settings (--token,
--org, --local, profiles, ...) are those of the dashboard; with no token,
it serves demo data and says so. SIGINT or SIGTERM says goodbye to every
session, then stops.`,
		Args: config.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.MaxSessions < 1 {
				return usageError{fmt.Errorf("--max-sessions must be at least 1, not %d", cfg.MaxSessions)}
			}
			if cfg.IdleTimeout < 0 || connRate <= 0 || cfg.ConnBurst < 1 {
				return usageError{fmt.Errorf("--idle-timeout must not be negative, --conn-rate must be positive and --conn-burst at least 1")}
			}
			if cfg.LoginTimeout <= 0 {
				return usageError{fmt.Errorf("--login-timeout must be positive, not %s", cfg.LoginTimeout)}
			}
			if err := checkListen(cfg.Listen); err != nil {
				return err
			}
			cfg.ConnRate = rate.Limit(connRate)
			s, err := config.Resolve(apiFlags, nil, configVocabulary())
			if err != nil {
				return err
			}
			s.Mouse = mouseOn(s, noMouse)
			if !cmd.Flags().Changed("host-key") {
				dir, err := config.DataDir()
				if err != nil {
					return fmt.Errorf("find the data directory (use --host-key): %w", err)
				}
				cfg.HostKeyPath = filepath.Join(dir, "ssh_host_ed25519")
			}
			// The server logs to stderr: sessions, refusals. Never a token.
			// --debug adds the debug log (every API request), as for the
			// dashboard.
			debugLog, closeLog, err := config.NewLogger(s)
			if err != nil {
				return err
			}
			defer closeLog.Close()
			base := slog.New(slog.NewMultiHandler(
				slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}),
				debugLog.Handler()))
			se, err := prepare(s, base)
			if err != nil {
				return err
			}
			defer se.close()
			cfg.Client, cfg.UI, cfg.Logger, cfg.ThemeMode = se.client, se.opts, se.logger, s.Theme.Mode
			cfg.UI.ReadOnlyReason = readOnlyReason(apiFlags, s, true)
			cfg.UI.AllOrgs = allOrgs
			for _, w := range s.Warnings {
				se.logger.Warn(w)
			}
			demo := ""
			if s.Local {
				// What the dashboard says about local mode is about its own
				// flags; over SSH it would be about the server's.
				cfg.UI.LocalHint = serveLocalHint(s)
				demo = serveDemoNotice(s)
				se.logger.Warn("serving demo data from the built-in local API, not a Turso account", "reason", s.LocalReason)
			}
			srv, err := serve.New(cfg)
			if err != nil {
				return usageError{err}
			}
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			go func() {
				for range hup {
					srv.Reload()
				}
			}()
			// Bind before announcing: a port already in use is an error
			// now, not after "Serving" was printed.
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
			}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			// One write: a reader (a log collector, a test) that sees the
			// first line sees the whole banner.
			banner := fmt.Sprintf("Serving the dashboard over SSH on %s (host key %s). Ctrl+C stops.\n", ln.Addr(), cfg.HostKeyPath) +
				fmt.Sprintf("Host key fingerprint: %s (users can check it against what ssh shows on their first connection).\n", srv.HostKeyFingerprint())
			if demo != "" {
				banner += demo + "\n"
			}
			_, _ = io.WriteString(cmd.OutOrStdout(), banner)
			select {
			case err := <-errc:
				return err
			case <-cmd.Context().Done():
			}
			return srv.Shutdown(5 * time.Second)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", ":23234", "address to listen on")
	f.StringVar(&cfg.HostKeyPath, "host-key", "", "the server's host key, created (ed25519, 0600) if missing (default <data dir>/turso-groups/ssh_host_ed25519)")
	f.StringVar(&cfg.AuthorizedKeys, "authorized-keys", "", "authorized_keys file of the keys with full access")
	f.StringVar(&cfg.ReadOnlyKeys, "read-only-keys", "", "authorized_keys file of the keys that may only look")
	f.IntVar(&cfg.MaxSessions, "max-sessions", 50, "most sessions at once; more are refused politely")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", 30*time.Minute, "close a connection idle this long (0: never)")
	f.DurationVar(&cfg.LoginTimeout, "login-timeout", serve.DefaultLoginTimeout, "close a connection that has not logged in this long after it opened")
	f.Float64Var(&connRate, "conn-rate", 2, "new connections per second allowed from one address")
	f.IntVar(&cfg.ConnBurst, "conn-burst", 20, "burst of new connections allowed from one address")
	addNoMouseFlag(cmd, &noMouse)
	addAllOrgsFlag(cmd, &allOrgs)
	apiFlags = config.BindFlags(f)
	config.RegisterCompletion(cmd, apiFlags, nil)
	return cmd
}

// addAllOrgsFlag gives cmd --all-orgs: the dashboard (each session's,
// served) opens on the groups of every organization the token can see,
// as O does.
func addAllOrgsFlag(cmd *cobra.Command, allOrgs *bool) {
	cmd.Flags().BoolVar(allOrgs, "all-orgs", false, "open on the groups of every organization the token can see, with an ORG column (O toggles it)")
}

// addNoMouseFlag gives cmd --no-mouse: the dashboard (each session's,
// served) never turns mouse reporting on.
func addNoMouseFlag(cmd *cobra.Command, noMouse *bool) {
	cmd.Flags().BoolVar(noMouse, "no-mouse", false, "do not take the mouse (clicks, the wheel), so that the terminal's own text selection works; mouse = false in the config file too")
}

// mouseOn is whether the dashboard takes the mouse: the config file's
// mouse (true unless false), unless --no-mouse.
func mouseOn(s *config.Settings, noMouse bool) bool { return s.Mouse && !noMouse }
