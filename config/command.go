package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

// NewCommand is the `config` command: `config path` prints the path of our
// config file and of the turso CLI's settings.json, each marked found or not
// found; `config show` prints the resolved settings with their sources and
// the token redacted. Both take the flags of BindFlags (`config show
// --profile work`). Its errors are *Error where the user is at fault
// (IsUsage). A nil env is os.Getenv; vocab is Resolve's.
func NewCommand(env Env, vocab Vocabulary) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show where settings come from",
		Long: `Settings come from, highest first: flags; the environment (TURSO_API_TOKEN,
TURSO_ORG, TURSO_API_BASEURL, NO_COLOR); the --profile of turso-groups'
config file; the config file's top level; the turso CLI's settings.json
(read, never written); defaults. Without a token turso-groups runs on its
built-in local API.`,
		Args: NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	flags := BindFlags(cmd.PersistentFlags())
	RegisterCompletion(cmd, flags, env)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &Error{Msg: fmt.Sprintf("%v (see %s --help)", err, c.CommandPath())}
	})

	cmd.AddCommand(&cobra.Command{
		Use:   "path",
		Short: "Print the paths of the config file and of the turso CLI's settings",
		Args:  NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			path := flags.ConfigFile
			if !flags.Changed(FlagConfig) {
				p, err := ConfigPath(env)
				if err != nil {
					return err
				}
				path = p
			}
			out := c.OutOrStdout()
			fmt.Fprintf(out, "config file         %s (%s)\n", path, foundText(path))
			cli, err := CLISettingsPath(env)
			if err != nil {
				fmt.Fprintf(out, "turso CLI settings  unknown (%v)\n", err)
				return nil
			}
			fmt.Fprintf(out, "turso CLI settings  %s (%s; read only)\n", cli, foundText(cli))
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print every setting and where it came from (the token redacted)",
		Args:  NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			s, err := Resolve(flags, env, vocab)
			if err != nil {
				return err
			}
			fmt.Fprint(c.OutOrStdout(), s.Redacted())
			return nil
		},
	})
	return cmd
}

// NoArgs is cobra.NoArgs for this program's commands: an argument is a
// usage error (IsUsage, exit status 2), not a failure.
func NoArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		msg := fmt.Sprintf("unexpected argument %q (see %s --help)", args[0], c.CommandPath())
		if c.HasSubCommands() {
			msg = fmt.Sprintf("unknown command %q (see %s --help)", args[0], c.CommandPath())
		}
		return &Error{Msg: msg}
	}
	return nil
}

func foundText(path string) string {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return "found"
	case errors.Is(err, fs.ErrNotExist):
		return "not found"
	}
	return "unreadable: " + describeIOError(err)
}
