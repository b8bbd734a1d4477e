// Package styles holds the dashboard's look, built from one
// *lipgloss.Renderer: each SSH session has its own terminal, colour profile
// and background, so nothing here is package-level.
package styles

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Palette is the semantic colours; each adapts to light and dark backgrounds.
type Palette struct {
	Text, Muted, Accent, Error, Warning, Success, Badge, Selected lipgloss.TerminalColor
}

// ColorNames are the palette entries a config file may override.
var ColorNames = []string{"text", "muted", "accent", "error", "warning", "success", "badge", "selected"}

// DefaultPalette is tuned to stay readable on both light and dark terminals.
func DefaultPalette() Palette {
	return Palette{
		Text:     lipgloss.AdaptiveColor{Light: "235", Dark: "252"},
		Muted:    lipgloss.AdaptiveColor{Light: "243", Dark: "245"},
		Accent:   lipgloss.AdaptiveColor{Light: "#4F46E5", Dark: "#8B87FF"},
		Error:    lipgloss.AdaptiveColor{Light: "#C81E4A", Dark: "#FF6B8B"},
		Warning:  lipgloss.AdaptiveColor{Light: "#A15C00", Dark: "#F5B942"},
		Success:  lipgloss.AdaptiveColor{Light: "#047857", Dark: "#34D399"},
		Badge:    lipgloss.AdaptiveColor{Light: "#7C3AED", Dark: "#C4B5FD"},
		Selected: lipgloss.AdaptiveColor{Light: "254", Dark: "237"},
	}
}

// WithOverrides returns p with colours replaced by name ("accent" ->
// "#ff8800" or an ANSI number "205"). Unknown names or bad values are errors.
func (p Palette) WithOverrides(colors map[string]string) (Palette, error) {
	for name, v := range colors {
		c, err := ParseColor(v)
		if err != nil {
			return p, fmt.Errorf("colour %s: %w", name, err)
		}
		switch name {
		case "text":
			p.Text = c
		case "muted":
			p.Muted = c
		case "accent":
			p.Accent = c
		case "error":
			p.Error = c
		case "warning":
			p.Warning = c
		case "success":
			p.Success = c
		case "badge":
			p.Badge = c
		case "selected":
			p.Selected = c
		default:
			return p, fmt.Errorf("unknown colour %q (known: %s)", name, strings.Join(ColorNames, ", "))
		}
	}
	return p, nil
}

// ParseColor accepts "#rgb", "#rrggbb" or an ANSI colour number 0-255.
func ParseColor(v string) (lipgloss.Color, error) {
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) != 3 && len(h) != 6 {
			return "", fmt.Errorf("%q: use #rrggbb, #rgb or 0-255", v)
		}
		if _, err := strconv.ParseUint(h, 16, 32); err != nil {
			return "", fmt.Errorf("%q: use #rrggbb, #rgb or 0-255", v)
		}
		return lipgloss.Color(v), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 255 {
		return "", fmt.Errorf("%q: use #rrggbb, #rgb or 0-255", v)
	}
	return lipgloss.Color(v), nil
}

// Styles are every style the dashboard draws with.
type Styles struct {
	// R is the renderer of the terminal the styles are for; a style made
	// elsewhere in the UI comes from R.NewStyle, never from lipgloss's
	// default renderer (each SSH session has its own terminal).
	R       *lipgloss.Renderer
	Palette Palette

	Title, Org, Muted                      lipgloss.Style
	LocalBadge, RemoteBadge, ReadOnlyBadge lipgloss.Style
	ColumnHeader, Row, SelectedRow         lipgloss.Style
	Archived, Protected, Stale             lipgloss.Style
	Panel, PanelTitle, Label, Value        lipgloss.Style
	Error, Warning, Success, Info          lipgloss.Style
	Spinner, HelpKey, HelpDesc, HelpSep    lipgloss.Style
	Dialog, DialogTitle, Token             lipgloss.Style
	Empty                                  lipgloss.Style
}

// New builds the styles for one terminal.
func New(r *lipgloss.Renderer, p Palette) Styles {
	s := Styles{R: r, Palette: p}
	n := r.NewStyle
	s.Title = n().Bold(true).Foreground(p.Accent)
	s.Org = n().Bold(true).Foreground(p.Text)
	s.Muted = n().Foreground(p.Muted)
	s.LocalBadge = n().Bold(true).Foreground(p.Warning).SetString("local")
	s.RemoteBadge = n().Foreground(p.Muted)
	s.ReadOnlyBadge = n().Bold(true).Foreground(p.Badge).SetString("read-only")
	s.ColumnHeader = n().Bold(true).Foreground(p.Muted)
	s.Row = n().Foreground(p.Text)
	s.SelectedRow = n().Bold(true).Foreground(p.Accent).Background(p.Selected)
	s.Archived = n().Foreground(p.Warning)
	s.Protected = n().Foreground(p.Success)
	s.Stale = n().Foreground(p.Warning)
	s.Panel = n().Border(lipgloss.RoundedBorder()).BorderForeground(p.Muted).Padding(0, 1)
	s.PanelTitle = n().Bold(true).Foreground(p.Accent)
	s.Label = n().Foreground(p.Muted)
	s.Value = n().Foreground(p.Text)
	s.Error = n().Foreground(p.Error)
	s.Warning = n().Foreground(p.Warning)
	s.Success = n().Foreground(p.Success)
	s.Info = n().Foreground(p.Text)
	s.Spinner = n().Foreground(p.Accent)
	s.HelpKey = n().Foreground(p.Text).Bold(true)
	s.HelpDesc = n().Foreground(p.Muted)
	s.HelpSep = n().Foreground(p.Muted)
	s.Dialog = n().Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 1)
	s.DialogTitle = n().Bold(true).Foreground(p.Accent)
	s.Token = n().Bold(true).Foreground(p.Success)
	s.Empty = n().Foreground(p.Muted).Italic(true)
	return s
}

// Huh is a huh theme in the dashboard's colours whose every style renders
// through this terminal's renderer (huh's own themes use the process-wide
// one, which is wrong over SSH: huh#320).
func (s Styles) Huh() *huh.Theme {
	t := huh.ThemeCharm()
	p := s.Palette
	t.Focused.Title = t.Focused.Title.Foreground(p.Accent)
	t.Focused.NoteTitle = t.Focused.NoteTitle.Foreground(p.Accent)
	t.Focused.ErrorIndicator = t.Focused.ErrorIndicator.Foreground(p.Error)
	t.Focused.ErrorMessage = t.Focused.ErrorMessage.Foreground(p.Error)
	t.Focused.Description = t.Focused.Description.Foreground(p.Muted)
	t.Focused.SelectSelector = t.Focused.SelectSelector.Foreground(p.Accent)
	t.Focused.MultiSelectSelector = t.Focused.MultiSelectSelector.Foreground(p.Accent)
	t.Focused.SelectedOption = t.Focused.SelectedOption.Foreground(p.Success)
	t.Focused.SelectedPrefix = t.Focused.SelectedPrefix.Foreground(p.Success)
	t.Focused.Option = t.Focused.Option.Foreground(p.Text)
	t.Focused.UnselectedOption = t.Focused.UnselectedOption.Foreground(p.Text)
	t.Focused.FocusedButton = t.Focused.FocusedButton.Background(p.Accent)
	t.Focused.TextInput.Prompt = t.Focused.TextInput.Prompt.Foreground(p.Accent)
	t.Focused.TextInput.Cursor = t.Focused.TextInput.Cursor.Foreground(p.Accent)
	if s.R.ColorProfile() == termenv.Ascii {
		// Without colour huh's buttons look alike; bracket the chosen one
		// (the other gets spaces, so nothing shifts when it changes).
		t.Focused.FocusedButton = t.Focused.FocusedButton.Transform(func(b string) string { return "[" + b + "]" })
		t.Focused.BlurredButton = t.Focused.BlurredButton.Transform(func(b string) string { return " " + b + " " })
	}
	t.Blurred = t.Focused
	t.Blurred.Base = t.Focused.Base.BorderStyle(lipgloss.HiddenBorder())
	t.Blurred.Card = t.Blurred.Base
	t.Blurred.NextIndicator = s.R.NewStyle()
	t.Blurred.PrevIndicator = s.R.NewStyle()
	t.Group.Title = t.Focused.Title
	t.Group.Description = t.Focused.Description
	rebindTheme(t, s.R)
	return t
}

// rebindTheme points every style of t at r.
func rebindTheme(t *huh.Theme, r *lipgloss.Renderer) {
	for _, st := range []*lipgloss.Style{&t.Form.Base, &t.Group.Base, &t.Group.Title, &t.Group.Description, &t.FieldSeparator,
		&t.Help.Ellipsis, &t.Help.ShortKey, &t.Help.ShortDesc, &t.Help.ShortSeparator, &t.Help.FullKey, &t.Help.FullDesc, &t.Help.FullSeparator} {
		*st = st.Renderer(r)
	}
	for _, f := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		for _, st := range []*lipgloss.Style{&f.Base, &f.Title, &f.Description, &f.ErrorIndicator, &f.ErrorMessage,
			&f.SelectSelector, &f.Option, &f.NextIndicator, &f.PrevIndicator, &f.Directory, &f.File,
			&f.MultiSelectSelector, &f.SelectedOption, &f.SelectedPrefix, &f.UnselectedOption, &f.UnselectedPrefix,
			&f.TextInput.Cursor, &f.TextInput.CursorText, &f.TextInput.Placeholder, &f.TextInput.Prompt, &f.TextInput.Text,
			&f.FocusedButton, &f.BlurredButton, &f.Card, &f.NoteTitle, &f.Next} {
			*st = st.Renderer(r)
		}
	}
}
