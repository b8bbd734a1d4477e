package config

// Vocabulary is what settings may name that other packages define: the
// dashboard's key actions and colours, and the organization of the local
// API's demo data. config checks a config file against it, naming the line
// of any word it does not know, and so imports neither the UI nor the
// local API: the program hands in theirs (main.go), and config's tests a
// stand-in. The zero Vocabulary knows no action and no colour.
type Vocabulary struct {
	// KeyActions are the actions whose keys the [keys] table may set.
	KeyActions []string
	// Colors are the names theme.colors may override.
	Colors []string
	// ValidColor reports whether a theme.colors value is a colour the
	// dashboard can draw; nil accepts none.
	ValidColor func(string) bool
	// LocalOrg is the organization local mode opens, unless --org or the
	// local profile names another.
	LocalOrg string
	// CheckKeys applies a [keys] table (action -> keys, every action one
	// of KeyActions) to the key map and reports what the key map refuses:
	// a key two actions would share, a key that cannot be rebound. The
	// dashboard checks the same thing when it starts, so a file it would
	// refuse is refused here first, with its line. Nil checks nothing.
	CheckKeys func(keys map[string][]string) []KeyProblem
}

// KeyProblem is what CheckKeys finds wrong with a [keys] table.
type KeyProblem struct {
	// Actions are the actions at fault (two for a shared key). The error
	// is reported at the line of the last of them that the file sets.
	Actions []string
	// Msg says what is wrong.
	Msg string
}

// validColor is v.ValidColor, false without one.
func (v Vocabulary) validColor(s string) bool {
	return v.ValidColor != nil && v.ValidColor(s)
}
