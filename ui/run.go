package ui

import (
	"context"
	"errors"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Renderer builds the renderer for a local terminal: NO_COLOR (or noColor)
// means plain text, and theme "dark" or "light" overrides background
// detection, which some terminals (and tmux) get wrong.
func Renderer(w io.Writer, noColor bool, theme string) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	if noColor {
		r.SetColorProfile(termenv.Ascii)
	}
	switch theme {
	case "dark":
		r.SetHasDarkBackground(true)
	case "light":
		r.SetHasDarkBackground(false)
	default:
		// Ask now, before Bubble Tea owns the terminal: asking later can
		// stall the first frame (lipgloss#73).
		r.SetHasDarkBackground(r.HasDarkBackground())
	}
	return r
}

// Run shows the dashboard full screen until the user quits or ctx ends.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	if opts.Context == nil {
		opts.Context = ctx
	}
	if opts.Getenv == nil {
		opts.Getenv = processEnv
	}
	m := New(opts)
	defer m.Close()
	base := append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx)}, MouseOptions(opts.Mouse)...)
	p := tea.NewProgram(m, append(base, progOpts...)...)
	_, err := p.Run()
	// Bubble Tea wraps ErrProgramKilled with the context's error.
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
