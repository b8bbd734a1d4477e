package config

import (
	"regexp"
	"strings"
	"testing"
)

// vocab stands in for the Vocabulary main.go hands Resolve (the key map's
// actions, the palette's colours, the local API's demo organization), so
// that config's tests, like config, need neither the UI nor the local API.
// main's TestConfigVocabulary checks the real one.
var vocab = Vocabulary{
	KeyActions: []string{
		"activity", "add_location", "all_orgs", "back", "bottom", "command", "copy", "databases", "delete", "delete_database", "down", "filter", "help", "mark", "mark_all", "mark_down", "mark_range", "mark_up", "new", "new_database",
		"open", "page_down", "page_up", "protect", "quit", "refresh", "remove_location",
		"rename", "rotate", "sort", "switch_org", "token", "top", "transfer", "unarchive", "up", "update", "yank",
	},
	Colors:     []string{"text", "muted", "accent", "error", "warning", "success", "badge", "selected"},
	ValidColor: colorRE.MatchString,
	LocalOrg:   "demo",
}

// colorRE is what the dashboard's styles accept: "#rgb", "#rrggbb" or an
// ANSI colour number 0-255.
var colorRE = regexp.MustCompile(`^(#[0-9A-Fa-f]{3}|#[0-9A-Fa-f]{6}|[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$`)

// A Vocabulary left out refuses what it would have to vouch for, rather
// than letting any key action or colour through unchecked.
func TestZeroVocabularyKnowsNoWord(t *testing.T) {
	for _, tc := range []struct {
		doc   string
		vocab Vocabulary
		want  string
	}{
		{"[keys]\nquit = \"q\"\n", Vocabulary{}, "keys.quit: unknown action"},
		{"[theme.colors]\naccent = \"#7c3aed\"\n", Vocabulary{}, "theme.colors.accent: unknown colour"},
		{"[theme.colors]\naccent = \"#7c3aed\"\n", Vocabulary{Colors: []string{"accent"}}, `theme.colors.accent: "#7c3aed" is not a colour`},
	} {
		c := &fileConfig{path: "/cfg/config.toml"}
		err := c.parse([]byte(tc.doc), 0o600, MapEnv(nil), tc.vocab)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q with %+v: %v, want %q", tc.doc, tc.vocab, err, tc.want)
		}
	}
}

// What the key map refuses (CheckKeys) is refused with the line of the
// action the file set, and the later one of two that share a key: the
// dashboard used to refuse such a file without a line while `config show`
// took it.
func TestKeyProblemsHaveTheirLine(t *testing.T) {
	defaults := map[string]string{"quit": "q", "refresh": "r", "sort": "s"}
	v := vocab
	v.CheckKeys = func(keys map[string][]string) []KeyProblem {
		bound := map[string][]string{}
		for a, k := range defaults {
			bound[a] = []string{k}
		}
		for a, k := range keys {
			bound[a] = k
		}
		owner := map[string]string{}
		var out []KeyProblem
		for _, a := range []string{"quit", "refresh", "sort"} {
			for _, k := range bound[a] {
				if o, ok := owner[k]; ok {
					out = append(out, KeyProblem{Actions: []string{o, a}, Msg: k + " is bound to both " + o + " and " + a})
				}
				owner[k] = a
			}
		}
		return out
	}
	for _, tc := range []struct{ doc, want string }{
		{"org = \"acme\"\n[keys]\nrefresh = [\"q\"]\n", "/cfg/config.toml:3: keys.refresh: q is bound to both quit and refresh"},
		{"[keys]\nrefresh = \"x\"\nquit = \"x\"\n", "/cfg/config.toml:3: keys.quit: x is bound to both quit and refresh"},
		{"[keys]\nsort = \"x\"\n\nrefresh = \"x\"\n", "/cfg/config.toml:4: keys.refresh: x is bound to both refresh and sort"},
	} {
		c := &fileConfig{path: "/cfg/config.toml"}
		err := c.parse([]byte(tc.doc), 0o600, MapEnv(nil), v)
		if err == nil || err.Error() != tc.want || !IsUsage(err) {
			t.Errorf("%q: %v, want %q", tc.doc, err, tc.want)
		}
	}
	c := &fileConfig{path: "/cfg/config.toml"}
	if err := c.parse([]byte("[keys]\nrefresh = \"x\"\n"), 0o600, MapEnv(nil), v); err != nil {
		t.Errorf("a key of its own: %v", err)
	}
}
