package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// The command line: ":" opens a prompt under the list or the detail where
// every action of the registry, and every key of the root (sort, filter,
// refresh, help, quit...), is a command, with its arguments completed by
// tab from what is loaded: group names, locations, organizations, sort
// keys. A command is checked in full when enter is pressed, before it
// does anything, so that a mistake leaves the prompt open with what was
// typed and why it was refused; then the prompt closes and the command
// acts through the same code as its key (start, startWith), so that the
// in-flight guard, read-only mode and the actions' own checks hold.

// argKind is what an argument of a command names, for completion.
type argKind uint8

const (
	argFree     argKind = iota // anything: a new name, filter text
	argGroup                   // a listed group
	argLocation                // a location code
	argOrg                     // an organization slug
	argSort                    // a sort key
)

// command is one command of the command line.
type command struct {
	name    string
	aliases []string
	// usage is its arguments, for the hint under the prompt
	// ("GROUP NEWNAME"); args their kinds, for completion.
	usage string
	args  []argKind
	// act is the registry's action it starts, nil for the root's own.
	act *action
	// parse checks the arguments and returns what the command then does,
	// run once the prompt has closed; an error keeps the prompt open.
	parse func(m *Model, args []string) (func() tea.Cmd, error)
}

// cmdState is the root's memory of the command line: the commands (built
// once, from the registry) and the session's history.
type cmdState struct {
	list    []command
	history []string
	// orgsAsked: the organizations were fetched for :org's completion.
	orgsAsked bool
}

// maxHistory is how many command lines the session remembers.
const maxHistory = 100

// commandName is the command of action a: its config name, with hyphens.
func commandName(a *action) string { return strings.ReplaceAll(a.name, "_", "-") }

// sortKeys are the words :sort takes, in the order of the sort modes, and
// their aliases.
var sortKeys = map[string]sortMode{
	"name": sortName, "location": sortLocation, "databases": sortDatabases, "dbs": sortDatabases,
	"status": sortStatus, "usage": sortUsage,
}

// commands is the command list, built on first use: one per action of
// the registry, then the root's keys.
func (m *Model) commands() []command {
	if m.cmd.list != nil {
		return m.cmd.list
	}
	var cs []command
	for _, a := range actions {
		cs = append(cs, actionCommand(a))
	}
	k := m.keys
	press := func(b *key.Binding) func(m *Model, args []string) (func() tea.Cmd, error) {
		return func(m *Model, args []string) (func() tea.Cmd, error) {
			if len(args) > 0 {
				return nil, errors.New("it takes no argument")
			}
			msg, ok := keyMsgFor(b.Keys())
			if !ok {
				return nil, errors.New("its key is not one the command line can press")
			}
			return func() tea.Cmd { return m.handleKey(msg) }, nil
		}
	}
	cs = append(cs,
		command{name: "open", usage: "[GROUP]", args: []argKind{argGroup}, parse: parseOpen},
		command{name: "back", parse: press(&k.Back)},
		command{name: "filter", usage: "[TEXT]", args: []argKind{argFree}, parse: parseFilter},
		command{name: "sort", usage: "[name|location|databases|status|usage]", args: []argKind{argSort}, parse: parseSort},
		command{name: "refresh", parse: press(&k.Refresh)},
		// The list of every organization's groups (allorgs.go), on and off.
		command{name: "all-orgs", parse: press(&k.AllOrgs)},
		command{name: "databases", aliases: []string{"dbs"}, parse: press(&k.Databases)},
		command{name: "top", parse: press(&k.Top)},
		command{name: "bottom", parse: press(&k.Bottom)},
		command{name: "help", parse: press(&k.Help)},
		// The marks' keys (marks.go). An action's command without a group
		// then acts on the marked groups, as its key does.
		command{name: "mark", parse: press(&k.Mark)},
		command{name: "mark-range", parse: press(&k.MarkRange)},
		command{name: "mark-up", parse: press(&k.MarkUp)},
		command{name: "mark-down", parse: press(&k.MarkDown)},
		command{name: "mark-all", parse: press(&k.MarkAll)},
		command{name: "quit", aliases: []string{"q"}, parse: func(m *Model, args []string) (func() tea.Cmd, error) {
			if len(args) > 0 {
				return nil, errors.New("it takes no argument")
			}
			return m.quit, nil
		}},
	)
	m.cmd.list = cs
	return cs
}

// actionCommand is the command of registry action a: with no argument it
// does what a's key does; one that acts on a group takes the group's name
// first. A few take more, filled into their form and sent at once.
func actionCommand(a *action) command {
	c := command{name: commandName(a), act: a}
	switch a.name {
	case "new":
		c.aliases, c.usage, c.args, c.parse = []string{"create"}, "[NAME [LOCATION]]", []argKind{argFree, argLocation}, parseCreate
		return c
	case "rename":
		c.usage, c.args, c.parse = "[GROUP [NEWNAME]]", []argKind{argGroup, argFree}, parseRename
		return c
	case "add_location":
		c.usage, c.args, c.parse = "[GROUP [LOCATION]]", []argKind{argGroup, argLocation}, parseAddLocation
		return c
	case "switch_org":
		c.aliases, c.usage, c.args, c.parse = []string{"org"}, "[ORG]", []argKind{argOrg}, parseOrg
		return c
	}
	if a.needsGroup {
		c.usage, c.args = "[GROUP]", []argKind{argGroup}
	}
	c.parse = func(m *Model, args []string) (func() tea.Cmd, error) {
		if err := m.groupArgs(a, args, len(c.args)); err != nil {
			return nil, err
		}
		return func() tea.Cmd { return m.startOn(a, args) }, nil
	}
	return c
}

// startOn starts action a for a command whose arguments, if any, begin
// with a group's name: a group named is acted on, marks or not; bare, a
// command does what its key does, on the marked groups when there are.
func (m *Model) startOn(a *action, args []string) tea.Cmd {
	if len(args) > 0 {
		m.focusArg(args)
		return m.startWith(a, nil, false)
	}
	return m.start(a)
}

// groupArgs checks what every action's command checks: read-only mode,
// the number of arguments, and that a group named first is listed.
func (m *Model) groupArgs(a *action, args []string, most int) error {
	if a.mutation && m.readOnly {
		return readOnlyError(m.readOnlyText())
	}
	if len(args) > most {
		if most == 0 {
			return errors.New("it takes no argument")
		}
		return fmt.Errorf("it takes at most %s", plural(most, "argument"))
	}
	if a.needsGroup && len(args) > 0 {
		return m.knownGroup(args[0])
	}
	if a.needsGroup && !m.load.loaded {
		return errors.New("the groups are not loaded yet")
	}
	return nil
}

// readOnlyError refuses a change in a read-only dashboard.
type readOnlyError string

func (e readOnlyError) Error() string { return string(e) }

// knownGroup says why name is not a group of the list, nil when it is.
func (m *Model) knownGroup(name string) error {
	if !m.load.loaded {
		return errors.New("the groups are not loaded yet")
	}
	if !m.hasGroup(name) {
		return fmt.Errorf("%s has no group named %q (tab completes the names)", m.org, text.Sanitize(name))
	}
	return nil
}

// focusArg selects the group named by a command's first argument, if it
// names one: in the detail, the detail shows it; in the list, the cursor
// moves to it, the filter cleared if it hides it.
func (m *Model) focusArg(args []string) {
	if len(args) == 0 || !m.hasGroup(args[0]) {
		return
	}
	name := args[0]
	if m.allOrgsOn() && !m.focusInAllOrgs(name) {
		// Not listed (the organizations are still being fetched): the
		// single list, where it is, so that the command acts on it and
		// on nothing else.
		m.leaveAllOrgs()
	}
	if m.allOrgsOn() {
		return
	}
	if m.screen == screenDetail {
		if m.detail.name != name {
			m.detail.Open(name)
		}
		return
	}
	m.list.selectName(name)
	if m.currentName() != name {
		m.list.setQuery("")
		m.list.selectName(name)
	}
}

func parseCreate(m *Model, args []string) (func() tea.Cmd, error) {
	a := actCreate
	if err := m.groupArgs(a, args, 2); err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return func() tea.Cmd { return m.start(a) }, nil
	}
	name := args[0]
	if err := api.ValidateGroupName(name); err != nil {
		return nil, err
	}
	if m.hasGroup(name) {
		return nil, fmt.Errorf("%s already has a group named %s", m.org, name)
	}
	if len(args) == 1 {
		// The form opens with the name, for the location and extensions.
		return func() tea.Cmd {
			return m.startWith(a, func(fs *formState) { fs.values.Name = name }, false)
		}, nil
	}
	loc := args[1]
	if err := m.knownLocation(loc); err != nil {
		return nil, err
	}
	return func() tea.Cmd {
		return m.startWith(a, func(fs *formState) {
			// Its own values, not the form's draft: a command says all
			// there is, and no extensions.
			fs.values = &formValues{Name: name, Location: loc, ExtMode: extNone, Confirm: true}
		}, true)
	}, nil
}

// knownLocation says why loc is not a location of the loaded list.
func (m *Model) knownLocation(loc string) error {
	if len(m.locs) == 0 {
		return errors.New("the locations are not loaded yet")
	}
	if !slices.ContainsFunc(m.locs, func(l api.Location) bool { return l.Code == loc }) {
		return fmt.Errorf("no location %q (tab completes the codes)", text.Sanitize(loc))
	}
	return nil
}

func parseRename(m *Model, args []string) (func() tea.Cmd, error) {
	a := actRename
	if err := m.groupArgs(a, args, 2); err != nil {
		return nil, err
	}
	if len(args) < 2 {
		return func() tea.Cmd { return m.startOn(a, args) }, nil
	}
	old, name := args[0], args[1]
	// The form's checks, said before anything is sent.
	if err := api.ValidateGroupName(name); err != nil {
		return nil, err
	}
	if name == old {
		return nil, fmt.Errorf("%s is its name already", name)
	}
	if m.hasGroup(name) {
		return nil, fmt.Errorf("%s already has a group named %s", m.org, name)
	}
	return func() tea.Cmd {
		m.focusArg(args)
		return m.startWith(a, func(fs *formState) { fs.values.Name = name }, true)
	}, nil
}

func parseAddLocation(m *Model, args []string) (func() tea.Cmd, error) {
	a := actAddLocation
	if err := m.groupArgs(a, args, 2); err != nil {
		return nil, err
	}
	if len(args) < 2 {
		return func() tea.Cmd { return m.startOn(a, args) }, nil
	}
	loc := args[1]
	if err := m.knownLocation(loc); err != nil {
		return nil, err
	}
	if g, _ := m.groupByName(args[0]); g.HasLocation(loc) {
		return nil, fmt.Errorf("%s is in %s already", text.Sanitize(g.Name), text.Sanitize(loc))
	}
	return func() tea.Cmd {
		m.focusArg(args)
		return m.startWith(a, func(fs *formState) { fs.values.Location = loc }, true)
	}, nil
}

func parseOrg(m *Model, args []string) (func() tea.Cmd, error) {
	a := actSwitchOrg
	if len(args) > 1 {
		return nil, errors.New("it takes at most 1 argument")
	}
	if len(args) == 0 {
		return func() tea.Cmd { return m.start(a) }, nil
	}
	slug := args[0]
	// Checked against the organizations when they are loaded; otherwise
	// the switch's own load says whether it exists.
	if m.orgs != nil && !slices.ContainsFunc(m.orgs, func(o api.Organization) bool { return o.Slug == slug }) {
		return nil, fmt.Errorf("you have no organization %q (tab completes the slugs)", text.Sanitize(slug))
	}
	return func() tea.Cmd {
		// The form's submit: its do, with the slug chosen.
		return a.do(m, &formState{kind: a, values: &formValues{Org: slug}})
	}, nil
}

func parseOpen(m *Model, args []string) (func() tea.Cmd, error) {
	if len(args) > 1 {
		return nil, errors.New("it takes at most 1 argument")
	}
	if len(args) == 1 {
		if err := m.knownGroup(args[0]); err != nil {
			return nil, err
		}
	}
	return func() tea.Cmd {
		if len(args) == 0 && m.allOrgsOn() {
			// As enter does there: in the row's organization.
			return m.openFromAllOrgs()
		}
		if len(args) == 1 {
			m.screen = screenList
			m.focusArg(args)
		}
		if g, ok := m.selected(); ok {
			m.screen = screenDetail
			m.detail.Open(g.Name)
		}
		return nil
	}, nil
}

func parseFilter(m *Model, args []string) (func() tea.Cmd, error) {
	if len(args) == 0 {
		// As its key does: the filter's input opens.
		return func() tea.Cmd {
			m.screen = screenList
			if m.all.on {
				cmd, _ := m.all.Update(bindingMsg(m.keys.Filter))
				return cmd
			}
			return m.list.openFilter()
		}, nil
	}
	q := strings.Join(args, " ")
	return func() tea.Cmd {
		m.screen = screenList
		if m.all.on {
			// "org:acme" picks an organization here.
			m.all.setQuery(q)
			return nil
		}
		m.list.setQuery(q)
		return nil
	}, nil
}

func parseSort(m *Model, args []string) (func() tea.Cmd, error) {
	if m.allOrgsOn() {
		return parseOrgSort(m, args)
	}
	switch len(args) {
	case 0:
		return func() tea.Cmd { m.list.sortBy((m.list.sort + 1) % sortModes); return nil }, nil
	case 1:
		s, ok := sortKeys[strings.ToLower(args[0])]
		if !ok {
			return nil, fmt.Errorf("no sort key %q: name, location, databases (dbs), status or usage", text.Sanitize(args[0]))
		}
		return func() tea.Cmd { m.list.sortBy(s); return nil }, nil
	}
	return nil, errors.New("it takes at most 1 argument")
}

// lookupCommand is the command called name (or by an alias), or the one
// command whose name starts with it.
func (m *Model) lookupCommand(name string) (command, bool) {
	var found []command
	for _, c := range m.commands() {
		if c.name == name || slices.Contains(c.aliases, name) {
			return c, true
		}
		if strings.HasPrefix(c.name, name) {
			found = append(found, c)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return command{}, false
}

// parseCommand checks a command line and returns what it does.
func (m *Model) parseCommand(line string) (func() tea.Cmd, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil, errors.New("type a command; tab lists them")
	}
	c, ok := m.lookupCommand(f[0])
	if !ok {
		return nil, fmt.Errorf("unknown command %q; tab lists the commands", text.Sanitize(f[0]))
	}
	run, err := c.parse(m, f[1:])
	var ro readOnlyError
	if errors.As(err, &ro) {
		return nil, err // said as the keys say it, whole
	}
	if err != nil {
		usage := c.name
		if c.usage != "" {
			usage += " " + c.usage
		}
		return nil, fmt.Errorf("%s: %s (%s)", c.name, strings.TrimSuffix(err.Error(), "."), usage)
	}
	return run, nil
}

// maxCandidates bounds what completion collects: enough to cycle through
// and to fill the line under the prompt, whatever the number of groups.
const maxCandidates = 500

// completions are the words that can complete the last word of line,
// sorted, and where that word starts. A command's arguments are completed
// by their kind; the first word by the commands (those that change
// nothing only, in a read-only dashboard). more: there were more than
// maxCandidates.
func (m *Model) completions(line string) (start int, cands []string, more bool) {
	start = strings.LastIndexAny(line, " \t") + 1
	word := line[start:]
	f := strings.Fields(line[:start])
	add := func(s string) {
		if strings.HasPrefix(s, word) && !slices.Contains(cands, s) {
			cands = append(cands, s)
		}
	}
	if len(f) == 0 {
		for _, c := range m.commands() {
			if c.act != nil && c.act.mutation && m.readOnly {
				continue
			}
			add(c.name)
			for _, a := range c.aliases {
				add(a)
			}
		}
		slices.Sort(cands)
		return start, cands, false
	}
	c, ok := m.lookupCommand(f[0])
	if !ok || len(f)-1 >= len(c.args) {
		return start, nil, false
	}
	switch c.args[len(f)-1] {
	case argGroup:
		// Names are unique: no need for add's check, which is quadratic.
		for i := range m.groups {
			if n := m.groups[i].Name; strings.HasPrefix(n, word) {
				cands = append(cands, n)
			}
		}
	case argLocation:
		for _, l := range m.locs {
			add(l.Code)
		}
	case argOrg:
		for _, o := range m.orgs {
			add(o.Slug)
		}
	case argSort:
		if m.allOrgsOn() {
			// The list of every organization sorts its own way.
			for s := range orgSortKeys {
				add(s)
			}
			break
		}
		for s := range sortKeys {
			add(s)
		}
	}
	slices.Sort(cands)
	if len(cands) > maxCandidates {
		// The first ones in order: a longer prefix finds the others.
		cands, more = cands[:maxCandidates], true
	}
	return start, cands, more
}

// openCmdLine opens the prompt. The organizations are fetched the first
// time, for :org's completion.
func (m *Model) openCmdLine() tea.Cmd {
	cl := newCmdLine(m.common, m.completions, m.parseCommand, &m.cmd.history)
	m.focus.push(cl)
	cmds := []tea.Cmd{cl.input.Focus()}
	if m.orgs == nil && !m.cmd.orgsAsked && m.sess.client != nil {
		m.cmd.orgsAsked = true
		cmds = append(cmds, loadOrgsCmd(m.sess.ctx, m.sess.client, nil))
	}
	return tea.Batch(cmds...)
}

// cmdLine is the command line's prompt: an overlay docked under the body
// (docked), three rows high: the input, the candidates of completion,
// and the command's usage or why it was refused.
type cmdLine struct {
	c        *common
	input    textinput.Model
	complete func(line string) (int, []string, bool)
	parse    func(line string) (func() tea.Cmd, error)
	history  *[]string
	// hpos is the history entry shown, len(*history) for the line being
	// typed, which draft keeps while older ones are recalled.
	hpos  int
	draft string
	// cands are the completions of the last word, start where it begins;
	// cycling: tab has put cands[idx] in its place, and tab again puts
	// the next one.
	cands   []string
	more    bool
	start   int
	cycling bool
	idx     int
	err     string
	// then is what the command does, run by the root once the prompt has
	// closed (so that it acts on what is under it).
	then  func() tea.Cmd
	width int
}

func newCmdLine(c *common, complete func(string) (int, []string, bool), parse func(string) (func() tea.Cmd, error), history *[]string) *cmdLine {
	st := c.st
	ti := textinput.New()
	ti.Prompt = ":"
	ti.Placeholder = "command; tab completes"
	ti.PromptStyle = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.TextStyle = st.R.NewStyle().Foreground(st.Palette.Text)
	ti.PlaceholderStyle = st.R.NewStyle().Foreground(st.Palette.Muted)
	ti.Cursor.Style = st.R.NewStyle().Foreground(st.Palette.Accent)
	ti.Cursor.TextStyle = st.R.NewStyle()
	ti.CharLimit = 256
	cl := &cmdLine{c: c, input: ti, complete: complete, parse: parse, history: history, hpos: len(*history)}
	cl.refresh()
	return cl
}

// cmdLineRows is the rows the prompt takes under the body.
const cmdLineRows = 3

// rows is the rows the command line takes under the body.
func (cl *cmdLine) rows() int { return cmdLineRows }

// SetSize gives the prompt the body's width.
func (cl *cmdLine) SetSize(w, _ int) {
	cl.width = w
	cl.input.Width = max(w-4, 10)
}

// Update handles a key typed into the prompt: enter runs the command,
// tab completes, up and down recall the history, esc closes.
func (cl *cmdLine) Update(msg tea.Msg) (tea.Cmd, bool) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		cl.input, cmd = cl.input.Update(msg)
		return cmd, false
	}
	switch km.Type {
	case tea.KeyEsc:
		return nil, true
	case tea.KeyEnter:
		line := strings.TrimSpace(cl.input.Value())
		run, err := cl.parse(line)
		if err != nil {
			cl.err = err.Error()
			return nil, false
		}
		cl.remember(line)
		cl.then = run
		return nil, true
	case tea.KeyTab, tea.KeyShiftTab:
		cl.tab(km.Type == tea.KeyShiftTab)
		return nil, false
	case tea.KeyUp, tea.KeyDown:
		cl.recall(km.Type == tea.KeyUp)
		return nil, false
	}
	before := cl.input.Value()
	var cmd tea.Cmd
	cl.input, cmd = cl.input.Update(km)
	if cl.input.Value() != before {
		cl.err = ""
		cl.refresh()
	}
	return cmd, false
}

// refresh lists the completions of what is typed, for the line under the
// prompt; any cycling through them ends.
func (cl *cmdLine) refresh() {
	cl.cycling = false
	cl.start, cl.cands, cl.more = cl.complete(cl.input.Value())
}

// set puts s in the prompt, the cursor at its end.
func (cl *cmdLine) set(s string) {
	cl.input.SetValue(s)
	cl.input.CursorEnd()
}

// tab completes the last word: the one candidate, with a space after it;
// else as far as the candidates agree; else, tab after tab, each in turn
// (shift+tab backwards).
func (cl *cmdLine) tab(back bool) {
	cl.err = ""
	if cl.cycling {
		n := len(cl.cands)
		if back {
			cl.idx = (cl.idx - 1 + n) % n
		} else {
			cl.idx = (cl.idx + 1) % n
		}
		cl.set(cl.input.Value()[:cl.start] + cl.cands[cl.idx])
		return
	}
	line := cl.input.Value()
	start, cands, _ := cl.complete(line)
	word := line[start:]
	switch {
	case len(cands) == 0:
		cl.err = "nothing to complete"
	case len(cands) == 1:
		cl.set(line[:start] + cands[0] + " ")
		cl.refresh()
	case len(commonPrefix(cands)) > len(word):
		cl.set(line[:start] + commonPrefix(cands))
		cl.refresh()
	default:
		cl.cycling, cl.start, cl.cands, cl.idx = true, start, cands, 0
		if back {
			cl.idx = len(cands) - 1
		}
		cl.set(line[:start] + cands[cl.idx])
	}
}

// commonPrefix is the longest prefix of all of ss (not empty).
func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// recall shows the previous (up) or next command line of the history;
// past the newest, what was being typed.
func (cl *cmdLine) recall(up bool) {
	h := *cl.history
	switch {
	case up && cl.hpos > 0:
		if cl.hpos == len(h) {
			cl.draft = cl.input.Value()
		}
		cl.hpos--
		cl.set(h[cl.hpos])
	case !up && cl.hpos < len(h):
		cl.hpos++
		if cl.hpos == len(h) {
			cl.set(cl.draft)
		} else {
			cl.set(h[cl.hpos])
		}
	default:
		return
	}
	cl.err = ""
	cl.refresh()
}

// remember adds line to the history, unless it repeats the last one.
func (cl *cmdLine) remember(line string) {
	h := *cl.history
	if n := len(h); n > 0 && h[n-1] == line {
		return
	}
	h = append(h, line)
	if len(h) > maxHistory {
		h = slices.Delete(h, 0, len(h)-maxHistory)
	}
	*cl.history = h
}

// ShortHelp is the prompt's keys for the footer.
func (cl *cmdLine) ShortHelp() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "history")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}

// View draws the prompt, the candidates (the one tab chose marked) and
// the error or the usage: work bounded by the width, not by the number of
// candidates.
func (cl *cmdLine) View() string {
	st, w := cl.c.st, max(cl.width-1, 1)
	var b strings.Builder
	used := 0
	for i, c := range cl.cands {
		cw := cellWidth(c)
		if used+cw+2 > w-10 && i > 0 {
			b.WriteString(st.Muted.Render(fmt.Sprintf("+%d more", len(cl.cands)-i)))
			break
		}
		if cl.cycling && i == cl.idx {
			b.WriteString(st.SelectedRow.Render(text.Sanitize(c)))
		} else {
			b.WriteString(st.Muted.Render(text.Sanitize(c)))
		}
		b.WriteString("  ")
		used += cw + 2
		if i == len(cl.cands)-1 && cl.more {
			b.WriteString(st.Muted.Render("+more"))
		}
	}
	msg := ""
	if cl.err != "" {
		msg = st.Error.Render(text.Truncate(text.Sanitize(cl.err), w))
	}
	return " " + cl.input.View() + "\n " + text.Truncate(b.String(), w) + "\n " + msg
}

// docked is an overlay drawn under the body, in rows rows, rather than
// instead of it: the command line, whose list or detail stays in sight.
type docked interface {
	overlay
	rows() int
}

// keyMsgFor is the key message of the first of keys (a binding's, as
// the key map writes them: "enter", "ctrl+u", "G") that can be made
// into one: for a command or a click that does what a key does.
func keyMsgFor(keys []string) (tea.KeyMsg, bool) {
	for _, k := range keys {
		alt := false
		if rest, ok := strings.CutPrefix(k, "alt+"); ok && rest != "" {
			k, alt = rest, true
		}
		if r := []rune(k); len(r) == 1 {
			return tea.KeyMsg{Type: tea.KeyRunes, Runes: r, Alt: alt}, true
		}
		if k == "space" || k == " " {
			return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}, Alt: alt}, true
		}
		// The named keys are Bubble Tea's: the control characters and
		// the negative types of the special keys.
		for t := tea.KeyType(-128); t <= 127; t++ {
			if t == tea.KeyRunes {
				continue
			}
			if (tea.Key{Type: t}).String() == k {
				return tea.KeyMsg{Type: t, Alt: alt}, true
			}
		}
	}
	return tea.KeyMsg{}, false
}

// parseOrgSort is :sort in the list of every organization, whose rows
// sort by organization, name, location or status.
func parseOrgSort(m *Model, args []string) (func() tea.Cmd, error) {
	a := &m.all
	switch len(args) {
	case 0:
		return func() tea.Cmd { a.sortBy((a.sort + 1) % orgSortModes); return nil }, nil
	case 1:
		s, ok := orgSortKeys[strings.ToLower(args[0])]
		if !ok {
			return nil, fmt.Errorf("no sort key %q in the list of every organization: org, name, location or status", text.Sanitize(args[0]))
		}
		return func() tea.Cmd { a.sortBy(s); return nil }, nil
	}
	return nil, errors.New("it takes at most 1 argument")
}

// bindingMsg is the message of b's first key, as the terminal sends it.
func bindingMsg(b key.Binding) tea.KeyMsg {
	msg, _ := keyMsgFor(b.Keys())
	return msg
}
