package ui

import (
	"slices"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

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
	Org        string
	Typed      string
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

// formState is the open form: which action, for which group, its values,
// and the error of the last attempt shown above it.
type formState struct {
	kind   *action
	group  string
	values *formValues
	form   *huh.Form
	err    string
}

// huhKeyMap makes esc cancel a form (what dashboard users expect) and
// leaves ctrl+c to the root model, which always quits.
func huhKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return km
}

// openForm builds the form of fs's action and returns its Init command;
// when the action finds nothing to choose from, it says so instead.
func (m *Model) openForm(fs *formState) tea.Cmd {
	g, _ := m.groupByName(fs.group)
	groups, whyNot := fs.kind.form(m, fs, g)
	if whyNot != "" {
		return m.showToast(toastInfo, whyNot)
	}
	fs.form = huh.NewForm(groups...).WithTheme(m.st.Huh()).WithKeyMap(huhKeyMap()).
		WithShowHelp(false).WithWidth(m.formWidth())
	m.form = fs
	m.clearActionToast()
	return fs.form.Init()
}

func (m *Model) formWidth() int { return max(min(m.width-4, 72), 20) }

// formSize is the window a form may draw in: the body, less its title and
// error lines.
func (m *Model) formSize() tea.WindowSizeMsg {
	h := m.bodyH - 3
	if m.form != nil && m.form.err != "" {
		h -= 2
	}
	return tea.WindowSizeMsg{Width: m.formWidth(), Height: max(h, 5)}
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

// updateForm routes a message to the open form, and acts when it ends.
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	fs := m.form
	model, cmd := fs.form.Update(msg)
	if f, ok := model.(*huh.Form); ok {
		fs.form = f
	}
	switch fs.form.State {
	case huh.StateAborted:
		m.form = nil
		return nil
	case huh.StateCompleted:
		m.form = nil
		return fs.kind.do(m, fs)
	}
	return cmd
}
