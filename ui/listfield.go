package ui

import (
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
)

// listField is a huh Select of many options (the locations) that keeps
// its title in sight: huh draws the filter ("/lhr") in the title's place,
// and opens a long list scrolled to the chosen option with nothing to
// say that there are options above it. Its title says where the cursor
// is ("14/52") and, while the list is filtered, the filter after it.
type listField struct {
	*huh.Select[string]
	title string
	theme *huh.Theme
	v     *formValues
	p     *string // the value, read under v's lock
	keys  []string
	// focused: huh draws a focused field with the Focused styles.
	focused bool
}

// newListField is a Select of opts titled title, its value *p, as tall
// as rows.
func newListField(v *formValues, p *string, key, title string, opts []huh.Option[string], rows int) *listField {
	f := &listField{title: title, v: v, p: p}
	for _, o := range opts {
		f.keys = append(f.keys, o.Value)
	}
	f.Select = huh.NewSelect[string]().Key(key).Options(opts...).Accessor(bind(v, p)).Height(rows).
		TitleFunc(v.locked(func() string { return f.position(*p) }), p)
	return f
}

// position is the title with where value is among the options.
func (f *listField) position(value string) string {
	i := slices.Index(f.keys, value)
	if i < 0 {
		return f.title
	}
	return fmt.Sprintf("%s  %d/%d", f.title, i+1, len(f.keys))
}

// Update is the Select's, the field staying this one.
func (f *listField) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := f.Select.Update(msg)
	return f, cmd
}

// WithTheme keeps the theme, whose styles View draws the title with.
func (f *listField) WithTheme(t *huh.Theme) huh.Field {
	f.theme = t
	f.Select.WithTheme(t)
	return f
}

// Focus and Blur keep whether the field has the focus.
func (f *listField) Focus() tea.Cmd { f.focused = true; return f.Select.Focus() }

func (f *listField) Blur() tea.Cmd { f.focused = false; return f.Select.Blur() }

// filtered reports that the list is filtered: being typed into, or set.
func (f *listField) filtered() bool {
	if f.GetFiltering() {
		return true
	}
	for _, b := range f.KeyBinds() {
		if b.Enabled() && b.Help().Desc == "clear filter" {
			return true
		}
	}
	return false
}

// View is the Select's, with the title put back before the filter that
// huh draws in its place.
func (f *listField) View() string {
	out := f.Select.View()
	if !f.filtered() || f.theme == nil {
		return out
	}
	st := &f.theme.Blurred
	if f.focused {
		st = &f.theme.Focused
	}
	lines := strings.Split(out, "\n")
	frame := st.Base.GetHorizontalFrameSize()
	w := ansi.StringWidth(lines[0])
	border := ansi.Cut(lines[0], 0, frame)
	filter := ansi.Cut(lines[0], frame, w)
	title := st.Title.Render(f.title) + "  " + st.Description.Render("filter") + " " + filter
	lines[0] = ansi.Truncate(border+title, w, "")
	if pad := w - ansi.StringWidth(lines[0]); pad > 0 {
		lines[0] += fmt.Sprintf("%*s", pad, "")
	}
	return strings.Join(lines, "\n")
}
