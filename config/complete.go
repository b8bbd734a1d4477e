package config

import (
	"io"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// RegisterCompletion gives cmd's --profile, bound by BindFlags as f, the
// shell completion of the config file's profile names: the file --config
// names on the command line being completed, else the default one. A nil
// env is os.Getenv.
func RegisterCompletion(cmd *cobra.Command, f *Flags, env Env) {
	// The one error is a flag that does not exist: BindFlags binds it.
	_ = cmd.RegisterFlagCompletionFunc(FlagProfile, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, n := range ProfileNames(f, env) {
			if strings.HasPrefix(n, toComplete) {
				names = append(names, n)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
}

// ProfileNames lists, sorted, the [profiles.NAME] of the config file that
// f and env point at; none if it is missing, unreadable or not TOML. It is
// for completion, so it reads only the names and checks nothing else: a
// profile whose other settings are wrong is still offered, and Resolve
// then says what is wrong with it.
func ProfileNames(f *Flags, env Env) []string {
	path := f.ConfigFile
	if !f.Changed(FlagConfig) {
		p, err := ConfigPath(env)
		if err != nil {
			return nil
		}
		path = p
	}
	fh, err := safefile.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxConfigSize+1))
	if err != nil || len(data) > maxConfigSize {
		return nil
	}
	var doc struct {
		Profiles map[string]any `toml:"profiles"`
	}
	if toml.Unmarshal(data, &doc) != nil {
		return nil
	}
	names := make([]string, 0, len(doc.Profiles))
	for n := range doc.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
