package ui

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/seed372e9e9a/turso-groups/ui/styles"
)

// A compiled paint writes exactly what lipgloss's Render writes for the
// list's cells, in every colour profile, on dark and light backgrounds,
// for the row's every style.
func TestPaintIsRender(t *testing.T) {
	cells := []string{"analytics ", "⠹ Provisioning 0.0s", "", " ", "a  b", "fra Frankfurt, Germany", "protected", "日本語 ", "*"}
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			c := &common{st: styles.New(r, styles.DefaultPalette())}
			p := newRowPaints(c)
			st := c.st
			for sel, row := range []lipgloss.Style{st.Row, st.SelectedRow} {
				want := map[string][2]any{
					"row":       {row, p.row[sel]},
					"protected": {st.Protected.Inherit(row), p.protected[sel]},
					"mark":      {st.Title.Inherit(row), p.mark[sel]},
				}
				for h := range p.health[sel] {
					want[health(h).String()] = [2]any{healthStyle(st, health(h)).Inherit(row), p.health[sel][h]}
				}
				for name, pair := range want {
					style, pt := pair[0].(lipgloss.Style), pair[1].(paint)
					for _, s := range cells {
						if got, exp := pt.Render(s), style.Render(s); got != exp {
							t.Errorf("profile %v dark %v selected %d %s %q: paint %q, lipgloss %q", profile, dark, sel, name, s, got, exp)
						}
					}
				}
			}
		}
	}
}
