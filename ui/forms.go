package ui

import (
	"slices"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// Extension choices of the create form.
const (
	extNone   = "none"
	extAll    = "all"
	extChoose = "choose"
)

// formValues hold what the user typed and chose. They live on the heap,
// apart from any huh.Form, so that a form rebuilt after a failed request
// (huh forms cannot be reset) shows everything the user had entered.
type formValues struct {
	// mu guards the values read by the forms' TitleFunc and
	// DescriptionFunc, which huh runs in a command's goroutine while the
	// fields go on writing them: see bind and locked.
	mu         sync.Mutex
	Name       string
	Location   string
	ExtMode    string
	Extensions []string
	Confirm    bool
	Expiration string
	Access     string
	// AttachMode is attachNone or attachChoose; Attach the databases of
	// the organization the token may ATTACH read-only.
	AttachMode string
	Attach     []string
	Org        string
	Typed      string
	// Database is the database a form acts on, chosen before it opened.
	Database string
	// Width is the columns a field's text has in the form, for the
	// descriptions that wrap themselves (hang): a binding of theirs, so
	// that a resize draws them again.
	Width int
}

// bind is a field's accessor of *p that writes under v's lock.
func bind[T any](v *formValues, p *T) huh.Accessor[T] { return lockedAccessor[T]{mu: &v.mu, p: p} }

type lockedAccessor[T any] struct {
	mu *sync.Mutex
	p  *T
}

func (a lockedAccessor[T]) Get() T {
	a.mu.Lock()
	defer a.mu.Unlock()
	return *a.p
}

func (a lockedAccessor[T]) Set(x T) {
	a.mu.Lock()
	defer a.mu.Unlock()
	*a.p = x
}

// locked is f run under v's lock, for a TitleFunc or DescriptionFunc.
func (v *formValues) locked(f func() string) func() string {
	return func() string {
		v.mu.Lock()
		defer v.mu.Unlock()
		return f()
	}
}

// extensions is what the create form's choices amount to.
func (v *formValues) extensions() api.Extensions {
	switch v.ExtMode {
	case extAll:
		return api.AllExtensions
	case extChoose:
		return api.Extensions{Names: slices.Clone(v.Extensions)}
	}
	return api.Extensions{}
}

// formState is the form host component: the open form, which action,
// for which group, its values, and the error of the last attempt shown
// above it. It is an overlay on the root's focus stack while it is
// open; a failed request opens a copy with the same values (opFailed), since a huh form cannot be reset.
type formState struct {
	c      *common
	kind   *action
	group  string
	values *formValues
	form   *huh.Form
	// km is the form's key map: esc cancels the form unless the focused
	// field takes it (fieldTakesEsc).
	km  *huh.KeyMap
	err string
	// width and height are the body's, which SetSize gave the host.
	width, height int
}

// open builds the huh form of groups, sized for w x h, and returns its
// Init command.
func (fs *formState) open(c *common, groups []*huh.Group, w, h int) tea.Cmd {
	fs.c = c
	fs.km = huhKeyMap()
	fs.SetSize(w, h)
	fs.form = huh.NewForm(groups...).WithTheme(c.st.Huh()).WithKeyMap(fs.km).
		WithShowHelp(false).WithWidth(fs.formWidth())
	return fs.form.Init()
}

// SetSize gives the host the body's w x h cells; the huh form gets what
// is left of them (windowSize), which the root sends it when it changed.
// Its width is set here: huh keeps the first one it is given.
func (fs *formState) SetSize(w, h int) {
	fs.width, fs.height = w, h
	if v := fs.values; v != nil {
		tw := fs.formWidth()
		if fs.c != nil {
			tw -= fs.c.st.Huh().Focused.Base.GetHorizontalFrameSize()
		}
		v.mu.Lock()
		v.Width = tw
		v.mu.Unlock()
	}
	if fs.form != nil {
		fs.form.WithWidth(fs.formWidth())
	}
}

// formMaxWidth keeps a form's lines short enough to read on a wide
// screen, and long enough that a validation message fits on one.
const formMaxWidth = 100

func (fs *formState) formWidth() int { return max(min(fs.width-4, formMaxWidth), 20) }

// windowSize is the window the huh form may draw in: the body, less its
// title and error lines. huh sizes its groups from the window (Form.Init
// asks for this message too).
func (fs *formState) windowSize() tea.WindowSizeMsg {
	h := fs.height - 3
	if fs.err != "" {
		h -= 2
	}
	return tea.WindowSizeMsg{Width: fs.formWidth(), Height: max(h, 5)}
}

// Update routes msg to the huh form; closed reports that the form has
// ended: submitted (see submitted), or left with esc.
func (fs *formState) Update(msg tea.Msg) (tea.Cmd, bool) {
	if _, ok := msg.(tea.KeyMsg); ok {
		fs.km.Quit.SetEnabled(!fs.fieldTakesEsc())
	}
	model, cmd := fs.form.Update(msg)
	if f, ok := model.(*huh.Form); ok {
		fs.form = f
	}
	return cmd, fs.form.State != huh.StateNormal
}

// submitted reports that the form was completed, not left: its action
// goes ahead.
func (fs *formState) submitted() bool { return fs.form.State == huh.StateCompleted }

// fieldTakesEsc reports that the focused field binds esc now (a Select
// being filtered: esc ends or clears the filter). esc is then the
// field's, not the form's cancel, and the footer says only that.
func (fs *formState) fieldTakesEsc() bool {
	for _, b := range fs.form.KeyBinds() {
		if b.Enabled() && slices.Contains(b.Keys(), "esc") {
			return true
		}
	}
	return false
}

// ShortHelp is the huh form's keys, and how to leave it: esc has one
// meaning at a time, the field's while it takes esc, else cancel.
func (fs *formState) ShortHelp() []key.Binding {
	bs := append([]key.Binding(nil), fs.form.KeyBinds()...)
	if !fs.fieldTakesEsc() {
		back := fs.c.keys.Back
		back.SetHelp("esc", "cancel") // huh's own key, whatever back is bound to (huhKeyMap)
		bs = append(bs, back)
	}
	return append(bs, fs.c.keys.ForceQuit)
}

// View draws the action's title, its group, the last attempt's error,
// wrapped, and the form.
func (fs *formState) View() string {
	st, w := fs.c.st, fs.width
	var b strings.Builder
	title := " " + st.DialogTitle.Render(fs.kind.title)
	if fs.group != "" {
		title += st.Muted.Render("  " + text.Sanitize(fs.group))
	}
	b.WriteString(text.Truncate(title, w) + "\n")
	if fs.err != "" {
		for _, line := range strings.Split(ansi.Wrap(fs.err, max(w-4, 10), ""), "\n") {
			b.WriteString(" " + st.Error.Render(line) + "\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(indent(fs.form.View(), 1))
	return b.String()
}

// huhKeyMap makes esc cancel a form (what dashboard users expect) and
// leaves ctrl+c to the root model, which always quits.
func huhKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	// While a list is filtered, esc leaves the typing and keeps the
	// list filtered, then clears the filter: say so in plain words.
	km.Select.SetFilter.SetHelp("esc", "stop filtering")
	km.MultiSelect.SetFilter.SetHelp("esc", "stop filtering")
	return km
}

// openForm builds the form of fs's action and returns its Init command;
// when the action finds nothing to choose from, it says so instead.
func (m *Model) openForm(fs *formState) tea.Cmd {
	g, _ := m.groupByName(fs.group)
	fs.SetSize(m.width, m.bodyH) // the builders size their lists from the window
	groups, whyNot := fs.kind.form(m, fs, g)
	if whyNot != "" {
		return m.showToast(toastInfo, whyNot)
	}
	cmd := fs.open(m.common, groups, m.width, m.bodyH)
	m.focus.push(fs)
	m.clearActionToast()
	return cmd
}

func orgOptionLabel(o api.Organization) string {
	label := text.Sanitize(o.Slug)
	if o.Personal() {
		label += " (personal)"
	} else if o.Name != "" && o.Name != o.Slug {
		label += " — " + text.Sanitize(o.Name)
	}
	if o.PlanID != "" {
		label += ", " + text.Sanitize(o.PlanID) + " plan"
	}
	return label
}

// locationOptions lists locations with friendly names, skipping those for
// which skip is true.
func (m *Model) locationOptions(skip func(string) bool) []huh.Option[string] {
	opts := make([]huh.Option[string], 0, len(m.locs))
	for _, l := range m.locs {
		if skip != nil && skip(l.Code) {
			continue
		}
		opts = append(opts, huh.NewOption(m.plainLocation(l.Code), l.Code))
	}
	return opts
}

// plainLocation is "code — Name" without styling, for form options.
func (m *Model) plainLocation(code string) string {
	if n := m.locNames[code]; n != "" {
		return text.Sanitize(code) + " — " + text.Sanitize(n)
	}
	return text.Sanitize(code)
}

func (m *Model) groupByName(name string) (api.Group, bool) {
	i, ok := m.byName[name]
	if !ok {
		return api.Group{}, false
	}
	return m.groups[i], true
}

// defaultLocation prefers a location the organization already uses.
func (m *Model) defaultLocation() string {
	for _, g := range m.groups {
		if g.Primary != "" && m.locNames[g.Primary] != "" {
			return g.Primary
		}
	}
	if i := slices.IndexFunc(m.locs, func(l api.Location) bool { return l.Code == "aws-us-east-1" }); i >= 0 {
		return m.locs[i].Code
	}
	if len(m.locs) > 0 {
		return m.locs[0].Code
	}
	return ""
}

// resizeForm tells the open form, if any, the window it may draw in
// (formState.windowSize): huh sizes its groups from it.
func (m *Model) resizeForm() tea.Cmd {
	if fs := m.focus.form(); fs != nil {
		return m.updateOverlay(fs, fs.windowSize())
	}
	return nil
}

// hang is mark and msg wrapped at width, its continuation lines indented
// under msg rather than under mark ("✗ " and a validation message).
func hang(mark, msg string, width int) string {
	in := ansi.StringWidth(mark)
	if width <= in+10 {
		return mark + msg
	}
	lines := strings.Split(ansi.Wrap(msg, width-in, ""), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = mark + l
		} else {
			lines[i] = strings.Repeat(" ", in) + l
		}
	}
	return strings.Join(lines, "\n")
}
