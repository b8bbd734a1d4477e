package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// activityPageSize is how many audit log entries a page asks for: a few
// screens' worth, so that paging is rare but the first page comes fast.
const activityPageSize = 50

// activityScope is the view's own key between one group and the whole
// organization. tab is free inside the view (no binding of the key map
// uses it) and reads as "switch what is shown".
var activityScope = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "whole org / group"))

// activityMsg answers a page of the audit log asked for by view: the
// root hands it to that view if it is still open, and drops it if not.
type activityMsg struct {
	view *activityView
	page api.AuditLogPage
	// asked is the page asked for: the answer's own page number may be
	// missing (0) from a server that leaves pagination out.
	asked int
	err   error
}

// activityView is the activity overlay: the organization's audit log,
// newest first, loaded a page at a time as the user scrolls to its end,
// shown for the group it was opened on or, after tab, for the whole
// organization. It is an overlay rather than a screen so that esc returns
// to exactly what was under it (the list or a group's detail, with its
// cursor), as the help does. It changes nothing, so it works read-only.
type activityView struct {
	c      *common
	client *api.Client
	ctx    context.Context
	quit   func() tea.Cmd

	org, group string
	// whole shows every entry; otherwise only the group's (always so
	// when the view was opened without a group).
	whole bool

	logs []api.AuditLog
	// rows are the indices in logs of the entries shown; whoW is the
	// widest of their WHO, worked out as they change rather than in View,
	// and over all of them so that the column keeps its width as the
	// user scrolls.
	rows           []int
	whoW           int
	cursor, offset int
	// page is the last page loaded (0: none yet); totalPages and
	// totalRows are what the server said there are.
	page, totalPages, totalRows int
	// loading is the page in flight, 0 when none.
	loading int
	// err is why the last page failed; nil after a page arrives.
	err error

	width, height int
}

// newActivityView opens the audit log of client's organization, on group
// ("" for the whole organization). Its first page is fetched by the
// command that fetch returns.
func newActivityView(c *common, client *api.Client, ctx context.Context, group string, quit func() tea.Cmd) *activityView {
	// Sized like a notice, at once: it may be drawn before the next
	// relayout gives it the body's size.
	return &activityView{c: c, client: client, ctx: ctx, quit: quit, org: client.Org(), group: group, whole: group == "",
		width: c.width, height: max(c.height-4, 1)}
}

// more reports whether the server has pages not loaded yet.
func (v *activityView) more() bool { return v.page == 0 || v.page < v.totalPages }

// fetch asks for the next page, unless one is in flight or there is none.
func (v *activityView) fetch() tea.Cmd {
	if v.loading != 0 || !v.more() {
		return nil
	}
	next := v.page + 1
	v.loading = next
	client, ctx := v.client, v.ctx
	return func() tea.Msg {
		p, err := client.AuditLogs(ctx, next, activityPageSize)
		return activityMsg{view: v, page: p, asked: next, err: err}
	}
}

// reload drops what is loaded and fetches the first page again.
func (v *activityView) reload() tea.Cmd {
	if v.loading != 0 {
		return nil
	}
	v.logs, v.page, v.totalPages, v.totalRows, v.err = nil, 0, 0, 0, nil
	v.refilter()
	return v.fetch()
}

// SetSize gives the view the body's w x h cells.
func (v *activityView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.scroll()
}

// listRows is how many entries fit: the body less the title, the status
// line, the column header, the selected entry's two lines below and one
// spare.
func (v *activityView) listRows() int { return max(v.height-6, 1) }

// Update takes a page's answer or a key; it reports closed for esc and
// for its own key pressed again.
func (v *activityView) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case activityMsg:
		v.loaded(msg)
		return nil, false
	case tea.KeyMsg:
		return v.key(msg)
	}
	return nil, false
}

// loaded applies a page's answer.
func (v *activityView) loaded(msg activityMsg) {
	if msg.asked != v.loading {
		return // asked before a reload
	}
	v.loading = 0
	if msg.err != nil {
		v.err = msg.err
		return
	}
	v.err = nil
	v.logs = append(v.logs, msg.page.Logs...)
	v.page = max(msg.page.Page, msg.asked)
	v.totalPages, v.totalRows = msg.page.TotalPages, msg.page.TotalRows
	if len(msg.page.Logs) == 0 {
		// An empty page ends the log whatever the total said: asking
		// for the next would never stop on a server that miscounts.
		v.totalPages = v.page
	}
	v.refilter()
}

func (v *activityView) key(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Activity):
		return nil, true
	case key.Matches(msg, k.Quit) && v.quit != nil:
		return v.quit(), true
	case key.Matches(msg, activityScope) && v.group != "":
		v.whole = !v.whole
		v.refilter()
		return nil, false
	case key.Matches(msg, k.Refresh):
		return v.reload(), false
	}
	d, ok := navDelta(k, msg, v.listRows(), len(v.rows))
	if !ok {
		return nil, false
	}
	v.cursor = max(min(v.cursor+d, len(v.rows)-1), 0)
	v.scroll()
	// At the end, moving on (down, a page down, the bottom) asks for
	// the next page: the log is read by scrolling through it.
	if d > 0 && v.cursor >= len(v.rows)-1 {
		return v.fetch(), false
	}
	return nil, false
}

// refilter lists the entries of the scope, keeping the cursor's place.
func (v *activityView) refilter() {
	v.rows, v.whoW = v.rows[:0], len("WHO")
	for i, l := range v.logs {
		if v.whole || aboutGroup(l, v.group) {
			v.rows = append(v.rows, i)
			v.whoW = max(v.whoW, ansi.StringWidth(actorText(l)))
		}
	}
	v.cursor = max(min(v.cursor, len(v.rows)-1), 0)
	v.scroll()
}

// scroll keeps the cursor on screen.
func (v *activityView) scroll() {
	n := v.listRows()
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+n {
		v.offset = v.cursor - n + 1
	}
	v.offset = max(min(v.offset, len(v.rows)-n), 0)
}

// aboutGroup reports whether l is about group: its target is the group,
// or it names the group (a database of the group, which is the target of
// its entry, belongs to the group's story too).
func aboutGroup(l api.AuditLog, group string) bool {
	if l.Target() == group {
		return true
	}
	g, _ := l.Data["group"].(string)
	return g == group
}

// ShortHelp is the view's keys.
func (v *activityView) ShortHelp() []key.Binding {
	k := v.c.keys
	closeKey := k.Back
	closeKey.SetHelp(k.Back.Help().Key, "close")
	if len(v.logs) == 0 {
		// Nothing to move through or filter (yet, or ever on a plan
		// without audit logs).
		return []key.Binding{k.Refresh, closeKey}
	}
	bs := []key.Binding{k.Down, k.Up}
	if v.more() {
		more := k.PageDown
		more.SetHelp(k.PageDown.Help().Key, "more")
		bs = append(bs, more)
	}
	if v.group != "" {
		scope := activityScope
		if v.whole {
			scope.SetHelp(activityScope.Help().Key, "only "+ansi.Truncate(text.Sanitize(v.group), 20, "…"))
		} else {
			scope.SetHelp(activityScope.Help().Key, "whole organization")
		}
		bs = append(bs, scope)
	}
	return append(bs, k.Refresh, closeKey)
}

// title is what the view shows: one group's activity, or the organization's.
func (v *activityView) title() string {
	if v.whole {
		return "Activity of " + text.Sanitize(v.org)
	}
	return "Activity of " + text.Sanitize(v.group)
}

// status is the line under the title: the pages, or what is loading.
func (v *activityView) status() string {
	var parts []string
	if v.page > 0 {
		parts = append(parts, fmt.Sprintf("page %d of %d", v.page, max(v.totalPages, v.page)))
		parts = append(parts, entries(v.totalRows)+" in the organization's log")
	}
	if v.loading != 0 {
		of := ""
		if v.totalPages > 0 {
			of = fmt.Sprintf(" of %d", v.totalPages)
		}
		parts = append(parts, fmt.Sprintf("loading… page %d%s", v.loading, of))
	}
	return strings.Join(parts, " · ")
}

// errorText is a failed page in plain words: a plan without audit logs
// says so and what to do; anything else is the server's message.
func (v *activityView) errorText() string {
	if api.IsFeatureNotAvailable(v.err) {
		return fmt.Sprintf("Audit logs are not part of %s's %s; upgrade the plan to see who changed what.", text.Sanitize(v.org), planOf(v.err))
	}
	return "Could not load the audit log: " + describe(v.err)
}

// planOf names the plan from the error's code
// (feature_not_available_for_starter_plan: "Starter plan").
func planOf(err error) string {
	var e *api.Error
	if errors.As(err, &e) {
		p, ok := strings.CutPrefix(e.Code, "feature_not_available_for_")
		if p, ok2 := strings.CutSuffix(p, "_plan"); ok && ok2 && p != "" && !strings.ContainsFunc(p, func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
			return capitalize(p) + " plan"
		}
	}
	return "plan"
}

// View draws the title, the status, the entries and the selected one in full.
func (v *activityView) View() string {
	st := v.c.st
	w := max(v.width-2, 10)
	var b strings.Builder
	b.WriteString(st.PanelTitle.Render(" "+ansi.Truncate(v.title(), w, "…")) + "\n")
	status := v.status()
	if v.err != nil && len(v.logs) > 0 {
		// A later page failed: the entries so far stay.
		status = strings.TrimPrefix(status+" · ", " · ") + v.errorText()
	}
	b.WriteString(" " + st.Muted.Render(ansi.Truncate(status, w, "…")) + "\n")
	switch {
	case v.err != nil && len(v.logs) == 0:
		b.WriteString("\n" + indent(st.Error.Render(ansi.Wrap(v.errorText(), w, "")), 1))
		return b.String()
	case v.page == 0:
		return b.String() // the status says it is loading
	case len(v.rows) == 0:
		b.WriteString("\n " + st.Empty.Render(ansi.Wrap(v.emptyText(), w, "")))
		return b.String()
	}
	now := v.c.now()
	end := min(v.offset+v.listRows(), len(v.rows))
	// WHO is as wide as the widest shown, up to 2/5 of the width: the
	// rest is the message's.
	whenW, whoW := 9, min(v.whoW, max(w*2/5, 10))
	whatW := max(w-whenW-whoW-2, 10)
	b.WriteString(" " + st.ColumnHeader.Render(padCells("WHEN", whenW)+" "+padCells("WHO", whoW)+" "+"WHAT") + "\n")
	for i := v.offset; i < end; i++ {
		l := v.logs[v.rows[i]]
		line := padCells(whenAgo(now, l.Time()), whenW) + " " + padCells(actorText(l), whoW) + " " + ansi.Truncate(actionText(l), whatW, "…")
		if i == v.cursor {
			b.WriteString(" " + st.SelectedRow.Render(padCells(line, w)) + "\n")
		} else {
			b.WriteString(" " + st.Row.Render(line) + "\n")
		}
	}
	for i := end - v.offset; i < v.listRows(); i++ {
		b.WriteString("\n")
	}
	// The selected entry in full, on the two lines kept for it.
	sel := strings.Split(ansi.Wrap(v.selectedText(), w, " "), "\n")
	if len(sel) > 2 {
		sel[1] = ansi.Truncate(sel[1]+" "+sel[2], w, "…")
		sel = sel[:2]
	}
	b.WriteString(indent(st.Muted.Render(strings.Join(sel, "\n")), 1))
	return b.String()
}

// emptyText says that nothing is shown, and why.
func (v *activityView) emptyText() string {
	if len(v.logs) == 0 {
		return "Nothing has been recorded in " + text.Sanitize(v.org) + "'s audit log yet."
	}
	s := fmt.Sprintf("No activity of %s in the latest %s.", text.Sanitize(v.group), entries(len(v.logs)))
	if v.more() {
		s += " " + v.c.keys.PageDown.Help().Key + " loads older ones;"
	}
	return s + " " + activityScope.Help().Key + " shows the whole organization."
}

// selectedText is the selected entry in full: when exactly, who, from
// where, and its code.
func (v *activityView) selectedText() string {
	if v.cursor >= len(v.rows) {
		return ""
	}
	l := v.logs[v.rows[v.cursor]]
	var parts []string
	if t := l.Time(); !t.IsZero() {
		parts = append(parts, t.UTC().Format("Mon 2 Jan 2006 15:04:05 UTC"))
	}
	if a := text.Sanitize(l.Author); a != "" {
		parts = append(parts, "by "+a)
	}
	if a := text.Sanitize(l.Actor()); a != "" {
		parts = append(parts, "key "+a)
	}
	if o := text.Sanitize(l.Origin); o != "" {
		parts = append(parts, "from "+o)
	}
	if c := text.Sanitize(l.Code); c != "" {
		parts = append(parts, c)
	}
	return strings.Join(parts, " · ")
}

// actorText is the entry's author, with the SSH key that made the change when
// the client said (its fingerprint shortened, and the key's comment):
// "alice (SHA256:abcdef… alice@laptop)".
func actorText(l api.AuditLog) string {
	author := text.Sanitize(l.Author)
	actor := text.Sanitize(l.Actor())
	if actor == "" {
		if author == "" {
			return "—"
		}
		return author
	}
	fp, comment, _ := strings.Cut(actor, " ")
	if rest, ok := strings.CutPrefix(fp, "SHA256:"); ok && len(rest) > 6 {
		fp = "SHA256:" + rest[:6] + "…"
	}
	short := strings.TrimSpace(fp + " " + comment)
	if author == "" {
		return short
	}
	return author + " (" + short + ")"
}

// actionText is the entry's message, or its code in words when it has none.
func actionText(l api.AuditLog) string {
	if m := text.Sanitize(l.Message); m != "" {
		return m
	}
	c := strings.NewReplacer("-", " ", "_", " ").Replace(text.Sanitize(l.Code))
	if c == "" {
		return "(no description)"
	}
	return c
}

// whenAgo is how long before now t was, roughly; the selected entry's line
// says exactly. A time ahead of now (the server's clock ahead of this
// one) is "just now" rather than a negative age.
func whenAgo(now, t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
	return t.UTC().Format("2006-01-02")
}

// entries is "1 entry", "2 entries".
func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// padCells cuts or pads s to w cells.
func padCells(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// openActivity opens the activity view on the group under the cursor
// (the detail's, or the list's selected row), and fetches its first page.
func (m *Model) openActivity() tea.Cmd {
	group := ""
	if m.screen == screenDetail {
		group = m.detail.name
	} else if g, ok := m.selected(); ok {
		group = g.Name
	}
	v := newActivityView(m.common, m.sess.client, m.sess.ctx, group, m.quit)
	v.SetSize(m.width, m.bodyH)
	m.focus.push(v)
	return v.fetch()
}

// onActivity hands a page to the view that asked for it, if still open.
func (m *Model) onActivity(msg activityMsg) tea.Cmd {
	for _, o := range m.focus.open {
		if o == msg.view {
			cmd, _ := msg.view.Update(msg)
			return cmd
		}
	}
	return nil
}
