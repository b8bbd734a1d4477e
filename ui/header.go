package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// header is the header component: the organization, where the API is,
// the user, the read-only and stale badges, then one line per warning
// (the local API's hint, the token's expiry, the settings' warnings). It
// owns the user's name and the token's warning, which the root tells it
// as the answers arrive, and whether the data is stale.
type header struct {
	c    *common
	data *dataset
	// local, hint, apiURL and warnings are the options' (Options).
	local    bool
	hint     string
	apiURL   string
	warnings []string
	// user is the signed-in user, "" until known.
	user string
	// tokenWarn is what the token's expiry or refusal means, "" if nothing.
	tokenWarn string
	// bodyTells: the body says what is wrong with the token (a first load
	// refused), so the header does not say it again.
	bodyTells bool
	// stale: the last refresh failed, and the data shown is older.
	stale bool
	width int
	// tokenLines is tokenWarn wrapped to the width, kept by SetSize: what
	// to do comes last, so it is not cut.
	tokenLines []string
}

func newHeader(c *common, data *dataset, opts Options) header {
	return header{c: c, data: data, local: opts.Local, hint: opts.LocalHint, apiURL: opts.APIURL, warnings: opts.Warnings, user: opts.User}
}

// SetSize gives the header the screen's width; its height is its lines.
func (h *header) SetSize(w, _ int) {
	h.width = w
	h.tokenLines = nil
	if h.tokenWarn != "" && !h.bodyTells {
		h.tokenLines = strings.Split(ansi.Wrap(h.tokenWarn, max(w-2, 10), ""), "\n")
		if len(h.tokenLines) > 3 {
			h.tokenLines = h.tokenLines[:3]
		}
	}
}

// Height is the lines View draws.
func (h *header) Height() int {
	n := 1 + len(h.warnings)
	if h.local && h.hint != "" {
		n++
	}
	n += len(h.tokenLines)
	return n
}

// View draws the header, each line cut to the width.
func (h *header) View() string {
	st, w := h.c.st, h.width
	parts := []string{st.Title.Render("turso-groups"), st.Org.Render(h.data.org)}
	if h.local {
		parts = append(parts, st.LocalBadge.String())
	} else {
		parts = append(parts, st.RemoteBadge.Render(text.Sanitize(hostOf(h.apiURL))))
	}
	if h.user != "" {
		parts = append(parts, st.Muted.Render("user "+text.Sanitize(h.user)))
	}
	if p := h.data.planLine(); p != "" {
		parts = append(parts, st.Muted.Render(p))
	}
	if h.c.readOnly {
		parts = append(parts, st.ReadOnlyBadge.String())
	}
	if h.stale {
		parts = append(parts, st.Stale.Render("stale"))
	}
	lines := []string{text.Truncate(" "+strings.Join(parts, st.Muted.Render(" · ")), w)}
	if h.local && h.hint != "" {
		lines = append(lines, text.Truncate(" "+st.Muted.Render(h.hint), w))
	}
	for _, l := range h.tokenLines {
		lines = append(lines, text.Truncate(" "+st.Warning.Render(l), w))
	}
	for _, warn := range h.warnings {
		lines = append(lines, text.Truncate(" "+st.Warning.Render(text.Sanitize(warn)), w))
	}
	return strings.Join(lines, "\n")
}

// hostOf shows where the API is without a scheme or credentials.
func hostOf(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSuffix(s, "/")
}
