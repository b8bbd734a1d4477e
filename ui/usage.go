package ui

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// Usage per group is not part of the first load: the first frame waits
// for the groups, the databases and the locations only. Once the list is
// on screen, the groups in its window get their usage, summed from their
// databases' DatabaseUsage, a few requests at a time (usageConcurrency);
// scrolling fetches the rows that come into view. One OrganizationUsage
// would answer for every group at once, but at 10,000 groups (30,000
// databases) that answer is 10 MB and takes 190-400 ms to decode on the
// benchmark machine (BENCHMARKS.md), more than the whole first frame and
// a fifth of the memory budget, for rows nobody looks at; a screen of 25
// groups is about 75 small requests, 15 ms in all on loopback. The
// answers go through the shared cache (cache.GroupUsage), so the sessions
// of an SSH server showing the same rows ask once between them, and come
// back in batches (usageBatchMsg), so a screen's figures cost a redraw or
// two, not one per group.
//
// A refresh starts a new generation of figures (usageState.seq): what is
// shown stays until its group's new figures arrive, and the fetches of
// the previous generation are cancelled. An organization switch or quit
// cancels them too.

// usageConcurrency is how many usage requests are in flight at once:
// enough to fill a screen quickly, few enough not to crowd out a
// refresh or a change on a remote API's rate limit.
const usageConcurrency = 4

// usageHistory is how many refreshes' figures a group keeps, for the
// detail's sparkline.
const usageHistory = 16

// groupUsage is what the dashboard knows of a group's usage: the sum of
// its databases' in the current period, per database too, and the
// figures of the last refreshes.
type groupUsage struct {
	total api.Usage
	// byDB is each database's total, by name, for the detail's table.
	byDB map[string]api.Usage
	// seq is the generation the figures are from; known: there are any.
	seq   int
	known bool
	// fetching: a fetch of generation usageState.seq is in flight.
	fetching bool
	err      error
	// hist is rows read and written, once per generation, oldest first.
	hist []int64
}

// usageState is the root's bookkeeping of the usage fetches: their
// context (a refresh, an org switch or quit cancels it), the generation
// of figures, and the semaphore that bounds them.
type usageState struct {
	ctx    context.Context
	cancel context.CancelFunc
	seq    int
	sem    chan struct{}
	// refused: the API refused a usage request (a token without the
	// scope): no more are sent in this organization, since every other
	// row would be refused as well.
	refused bool
	// inflight counts this generation's fetches not answered yet: the
	// list sorted by usage is resorted once they all are, not on each
	// answer (a resort of 10,000 groups is a few ms; a screen is about
	// 25 answers).
	inflight int
}

// usageLoadedMsg is one group's usage, summed from its databases: an answer of a usageBatchMsg, whose gen it shares.
type usageLoadedMsg struct {
	seq   int
	group string
	total api.Usage
	byDB  map[string]api.Usage
	err   error
}

// planInfo is the organization's plan and the groups it allows.
type planInfo struct {
	name string
	// groups is quotas.groups; unlimited when the plan sets no limit a
	// person could reach.
	groups    int64
	unlimited bool
}

// planLoadedMsg is the organization's plan, from Subscription and Plans.
type planLoadedMsg struct {
	gen  int
	plan planInfo
	err  error
}

// unlimitedAbove is the quota from which a plan's groups count as
// unlimited: the API writes "no limit" as MaxInt32 (or larger).
const unlimitedAbove = math.MaxInt32 - 1

// resetUsage cancels the usage fetches in flight and starts a new
// generation under the session's context; keep says whether the figures
// shown stay until their groups' new ones arrive (a refresh) or go (an
// organization switch).
func (m *Model) resetUsage(keep bool) {
	if m.usage.cancel != nil {
		m.usage.cancel()
	}
	m.usage.ctx, m.usage.cancel = context.WithCancel(m.sess.ctx)
	if m.usage.sem == nil {
		m.usage.sem = make(chan struct{}, usageConcurrency)
	}
	m.usage.seq++
	m.usage.inflight = 0
	if !keep || m.dataset.usage == nil {
		m.dataset.usage = map[string]*groupUsage{}
		m.usage.refused = false
		return
	}
	for _, u := range m.dataset.usage {
		u.fetching = false
	}
}

// afterMsg starts what the screen as it now is asks for: the plan and
// the usage of the groups in the list's window, once the first load
// (groups, databases, locations) has answered, so that these requests
// never hold up one of its answers (n waits for the locations). It runs
// after every message and costs a few map lookups per row of the window.
func (m *Model) afterMsg() tea.Cmd {
	if !m.load.loaded || !m.load.locsAnswered || m.sess.quitting {
		return nil
	}
	var cmds []tea.Cmd
	if !m.load.planAsked {
		m.load.planAsked = true
		cmds = append(cmds, loadPlanCmd(m.sess.ctx, m.sess.client, m.opts.Cache, m.sess.gen))
	}
	if m.dbsKnown && m.usage.ctx != nil && !m.usage.refused {
		var want []usageWant
		end := min(m.list.offset+m.list.height, len(m.list.visible))
		for pos := m.list.offset; pos < end; pos++ {
			want = m.wantUsage(want, m.groups[m.list.visible[pos]].Name)
		}
		if m.screen == screenDetail {
			want = m.wantUsage(want, m.detail.name)
		}
		if len(want) > 0 {
			cmds = append(cmds, m.usageBatchCmd(want))
		}
	}
	return tea.Batch(cmds...)
}

// usageWant is one group whose usage a batch fetches.
type usageWant struct {
	group string
	dbs   []api.Database
}

// wantUsage adds group to want unless its usage of the current generation
// is known or being fetched.
func (m *Model) wantUsage(want []usageWant, group string) []usageWant {
	u := m.dataset.usage[group]
	if u == nil {
		u = &groupUsage{}
		m.dataset.usage[group] = u
	}
	if u.fetching || (u.seq == m.usage.seq && (u.known || u.err != nil)) {
		return want
	}
	dbs := m.dbs[group]
	if len(dbs) == 0 {
		// Nothing to ask: a group without databases has used nothing.
		m.applyUsage(u, usageLoadedMsg{seq: m.usage.seq, group: group, byDB: map[string]api.Usage{}})
		return want
	}
	u.fetching = true
	m.usage.inflight++
	return append(want, usageWant{group: group, dbs: dbs})
}

// usageBatchWindow is how long a batch of usage answers gathers after its
// first before it is delivered: a screen's 25 groups come as one or two
// messages, so one redraw, not 25 (at 1,000 SSH sessions those redraws
// were a third of the server's CPU), and a slow API still fills the
// screen as its answers come.
const usageBatchWindow = 40 * time.Millisecond

// usageBatchMsg is the usage answers of a batch that came within
// usageBatchWindow of each other; more delivers the rest, nil when there
// is none.
type usageBatchMsg struct {
	gen, seq int
	answers  []usageLoadedMsg
	more     tea.Cmd
}

// usageBatchCmd fetches the usage of want, a few groups at a time
// (usageConcurrency), through the shared cache: the sessions of a server
// that show the same rows ask once.
func (m *Model) usageBatchCmd(want []usageWant) tea.Cmd {
	ctx, c, shared, sem, gen, seq := m.usage.ctx, m.sess.client, m.opts.Cache, m.usage.sem, m.sess.gen, m.usage.seq
	return func() tea.Msg {
		out := make(chan usageLoadedMsg, len(want))
		for _, w := range want {
			go func() {
				r := usageLoadedMsg{seq: seq, group: w.group}
				defer func() { out <- r }()
				defer onPanic(c, func(err error) { r.err = err })
				select {
				case sem <- struct{}{}:
					defer func() { <-sem }()
				case <-ctx.Done():
					r.err = ctx.Err()
					return
				}
				u := shared.GroupUsage(ctx, c, w.group, w.dbs)
				r.total, r.byDB, r.err = u.Total, u.ByDB, u.Err
			}()
		}
		return collectUsage(out, len(want), gen, seq)()
	}
}

// collectUsage delivers the answers on out, left answers in all, in
// batches: each waits for one answer, then gathers what else comes
// within usageBatchWindow. Every fetch sends exactly one answer, error or
// not, so the chain always ends.
func collectUsage(out <-chan usageLoadedMsg, left, gen, seq int) tea.Cmd {
	return func() tea.Msg {
		msg := usageBatchMsg{gen: gen, seq: seq, answers: []usageLoadedMsg{<-out}}
		left--
		window := time.NewTimer(usageBatchWindow)
		defer window.Stop()
	gather:
		for left > 0 {
			select {
			case r := <-out:
				msg.answers = append(msg.answers, r)
				left--
			case <-window.C:
				break gather
			}
		}
		if left > 0 {
			msg.more = collectUsage(out, left, gen, seq)
		}
		return msg
	}
}

// satAdd adds without wrapping: an API's figure near the int64 limit
// must give a large sum, not a negative one.
func satAdd(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// onUsageBatch records a batch of usage answers, unless they are about
// another organization or an older generation, and asks for the rest.
func (m *Model) onUsageBatch(msg usageBatchMsg) tea.Cmd {
	if msg.gen != m.sess.gen || msg.seq != m.usage.seq {
		return nil // the rest is of no use either: its fetches are cancelled
	}
	for _, r := range msg.answers {
		m.onUsageLoaded(r)
	}
	if m.list.sort == sortUsage && m.usage.inflight == 0 {
		keep := m.currentName()
		m.list.resort()
		m.list.refilter(keep)
	}
	return msg.more
}

// onUsageLoaded records a group's usage.
func (m *Model) onUsageLoaded(msg usageLoadedMsg) {
	u := m.dataset.usage[msg.group]
	if u == nil {
		return // the organization's usage was reset meanwhile
	}
	u.fetching = false
	m.usage.inflight = max(m.usage.inflight-1, 0)
	if api.IsUnauthorized(msg.err) || api.IsForbidden(msg.err) {
		m.usage.refused = true
	}
	m.applyUsage(u, msg)
}

func (m *Model) applyUsage(u *groupUsage, msg usageLoadedMsg) {
	if msg.err != nil {
		// The figures of the last generation, if any, stay: older but
		// true; the cell says "?" only when there are none.
		u.err, u.seq = msg.err, msg.seq
		return
	}
	u.total, u.byDB, u.seq, u.known, u.err = msg.total, msg.byDB, msg.seq, true, nil
	u.hist = append(u.hist, satAdd(msg.total.RowsRead, msg.total.RowsWritten))
	if len(u.hist) > usageHistory {
		u.hist = u.hist[len(u.hist)-usageHistory:]
	}
}

// loadPlanCmd asks for the organization's subscription and the plans,
// and finds the groups its plan allows.
func loadPlanCmd(ctx context.Context, c *api.Client, shared *cache.Cache, gen int) tea.Cmd {
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = planLoadedMsg{gen: gen, err: err} })
		sub, plans, err := shared.Plan(ctx, c)
		if err != nil {
			return planLoadedMsg{gen: gen, err: err}
		}
		name := sub.Plan
		if name == "" {
			name = sub.Name
		}
		for _, p := range plans {
			if strings.EqualFold(p.Name, name) {
				q := p.Quotas.Groups
				return planLoadedMsg{gen: gen, plan: planInfo{name: p.Name, groups: q, unlimited: q <= 0 || q >= unlimitedAbove}}
			}
		}
		return planLoadedMsg{gen: gen, err: fmt.Errorf("plan %q is not among the plans listed", name)}
	}
}

// onPlanLoaded records the plan. A failure (a token without the scope)
// shows nothing: the header says nothing of the plan and n asks the
// server as before.
func (m *Model) onPlanLoaded(msg planLoadedMsg) tea.Cmd {
	if msg.gen != m.sess.gen || msg.err != nil {
		return nil
	}
	p := msg.plan
	m.plan = &p
	return nil
}

// planTitle is a plan's name as the header and the refusal write it:
// "Starter".
func planTitle(name string) string {
	name = text.Sanitize(name)
	r, n := utf8.DecodeRuneInString(name)
	if n == 0 {
		return ""
	}
	// The first rune, not byte: a name from the API may start with any.
	return string(unicode.ToUpper(r)) + name[n:]
}

// planLine is the header's "3/∞ groups · Scaler", "" while the plan is
// unknown.
func (d *dataset) planLine() string {
	p := d.plan
	if p == nil {
		return ""
	}
	limit := "∞"
	if !p.unlimited {
		limit = strconv.FormatInt(p.groups, 10)
	}
	return strconv.Itoa(len(d.groups)) + "/" + limit + " groups · " + planTitle(p.name)
}

// atGroupLimit says, when the plan allows no more groups, why n will not
// create one; "" when it may (or when the plan is unknown: the server
// then has the last word).
func (d *dataset) atGroupLimit() string {
	p := d.plan
	if p == nil || p.unlimited || int64(len(d.groups)) < p.groups {
		return ""
	}
	return fmt.Sprintf("%s's %s plan allows %s; it has %d. Upgrade the plan or delete a group first.",
		text.Sanitize(d.org), planTitle(p.name), plural(int(min(p.groups, math.MaxInt32)), "group"), len(d.groups))
}

// humanCount writes n in at most five cells: 999, 1.2K, 34K, 1.2M, 5.6B.
func humanCount(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(max(n, 0), 10)
	}
	f := float64(n)
	for _, u := range []string{"K", "M", "B", "T"} {
		f /= 1000
		if f < 999.5 {
			if f < 9.95 {
				return strconv.FormatFloat(f, 'f', 1, 64) + u
			}
			return strconv.FormatFloat(f, 'f', 0, 64) + u
		}
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + "T"
}

// humanBytes writes n bytes in decimal units (as Turso's plans do): 4.1
// KB, 340 MB, 9.0 GB.
func humanBytes(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(max(n, 0), 10) + " B"
	}
	f := float64(n)
	for _, u := range []string{"KB", "MB", "GB", "TB"} {
		f /= 1000
		if f < 999.5 {
			if f < 9.95 {
				return strconv.FormatFloat(f, 'f', 1, 64) + " " + u
			}
			return strconv.FormatFloat(f, 'f', 0, 64) + " " + u
		}
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + " PB"
}

// usageCell is the list's USAGE cell: "1.2M rows · 340 MB" (rows read
// and written together), "…" while fetched, "?" when it failed, "" when
// not asked yet.
func (d *dataset) usageCell(group string) string {
	u := d.usage[group]
	switch {
	case u == nil:
		return ""
	case u.known:
		return humanCount(satAdd(u.total.RowsRead, u.total.RowsWritten)) + " rows · " + humanBytes(u.total.StorageBytes)
	case u.fetching:
		return "…"
	case u.err != nil:
		return "?"
	}
	return ""
}

// usageCells are the wide list's READ, WRITTEN and STORAGE cells, with
// usageCell's placeholders.
func (d *dataset) usageCells(group string) (read, written, storage string) {
	u := d.usage[group]
	if u != nil && u.known {
		return humanCount(u.total.RowsRead), humanCount(u.total.RowsWritten), humanBytes(u.total.StorageBytes)
	}
	c := d.usageCell(group)
	return c, c, c
}

// usageLine is the detail's usage of a group: "1.2M read · 34K written ·
// 340 MB", and the sparkline of its last refreshes.
func (d *dataset) usageLine(group string) string {
	u := d.usage[group]
	switch {
	case u == nil || (!u.known && u.err == nil):
		if u != nil && u.fetching {
			return "loading…"
		}
		return "—"
	case !u.known:
		return "could not be loaded"
	}
	s := usageWords(u.total)
	if len(u.hist) > 1 {
		s += "  " + sparkline(u.hist)
	}
	return s
}

// usageWords is a usage in words: "1.2M read · 34K written · 340 MB".
func usageWords(u api.Usage) string {
	return humanCount(u.RowsRead) + " read · " + humanCount(u.RowsWritten) + " written · " + humanBytes(u.StorageBytes)
}

// databaseUsage is a database's usage in words, "" when unknown: for the
// detail's databases table, whose owner calls it per row drawn.
func (d *dataset) databaseUsage(group, db string) string {
	u := d.usage[group]
	if u == nil || !u.known {
		return ""
	}
	du, ok := u.byDB[db]
	if !ok {
		return ""
	}
	return usageWords(du)
}

// sparkBars are the eight heights of a sparkline.
var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws how much each refresh added to hist (rows read and
// written, which only grow within a period), one bar per refresh: the
// activity between refreshes, not the total, which would only climb. A
// total that went down (a new billing period) draws as its new value.
func sparkline(hist []int64) string {
	if len(hist) < 2 {
		return ""
	}
	deltas := make([]int64, len(hist)-1)
	var top int64
	for i := 1; i < len(hist); i++ {
		d := hist[i] - hist[i-1]
		if d < 0 {
			d = hist[i]
		}
		deltas[i-1] = d
		top = max(top, d)
	}
	var b strings.Builder
	for _, d := range deltas {
		i := 0
		if top > 0 {
			i = int(float64(d) / float64(top) * float64(len(sparkBars)-1))
		}
		b.WriteRune(sparkBars[min(max(i, 0), len(sparkBars)-1)])
	}
	return b.String()
}
