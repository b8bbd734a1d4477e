package ui

import (
	"log/slog"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/styles"
)

// common is what every component of the dashboard shares, as soft-serve's
// pkg/ui/common and gh-dash's ui/context: one value, made by New and
// handed to each component by pointer, so that a component needs neither
// the root Model nor a copy of the options to draw and to read its keys.
// Only the root writes it (the size, in Update); components read it.
type common struct {
	st   styles.Styles
	keys keys.KeyMap
	// r draws for this session's terminal (an SSH session is not the
	// process's terminal); st was built from it.
	r   *lipgloss.Renderer
	now func() time.Time
	log *slog.Logger
	// readOnly hides and refuses every change; readOnlyReason says why
	// (Options.ReadOnlyReason).
	readOnly       bool
	readOnlyReason string
	// osc52 is that the terminal is known to take OSC 52 (osc52Known):
	// only then does the dashboard say a token was copied.
	osc52 bool
	// width and height are the area drawn in: the terminal's size, capped
	// at MaxWidth x MaxHeight; termW and termH are the size itself.
	width, height int
	termW, termH  int
}

// newCommon fills in the defaults of opts that every component relies on.
func newCommon(opts Options) *common {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := opts.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	pal := opts.Palette
	if pal == (styles.Palette{}) {
		pal = styles.DefaultPalette()
	}
	km := opts.Keys
	if km.Quit.Keys() == nil {
		km = keys.Default()
	}
	return &common{
		st:             styles.New(r, pal),
		keys:           km,
		r:              r,
		now:            now,
		log:            log,
		readOnly:       opts.ReadOnly,
		readOnlyReason: opts.ReadOnlyReason,
		osc52:          osc52Known(opts.Getenv),
		width:          80,
		height:         24,
		termW:          80,
		termH:          24,
	}
}
