package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// A change of many: when groups are marked in the list (marks.go), the
// key of an action that has a bulkOp acts on all of them rather than on
// the row under the cursor. One confirmation form lists what will change;
// the requests then go out at most bulkConcurrency at a time, each a
// tea.Cmd answered by a bulkDoneMsg, so that the list stays usable; and
// a report lists, per group, what was done, what the API refused and
// why, and what is unknown because the answer was lost. Nothing is sent
// twice: a request whose answer was lost is reported, not retried (the
// client's own retries of idempotent requests aside).

// bulkConcurrency is how many requests of a change of many are in flight
// at once: enough to finish a hundred groups in seconds, few enough not
// to run into the API's rate limit or to crowd out the dashboard's own
// loads.
const bulkConcurrency = 4

// bulkApplyEvery is how many answers are put into the list at once while
// a run goes on: putting each in would copy and re-sort all the groups
// per answer (10,000 of them, 10,000 times over).
const bulkApplyEvery = 32

// bulkOp is how an action applies to the marked groups. Its functions,
// like the action's, must not name an action variable.
type bulkOp struct {
	// title is the confirmation form's title, for n groups.
	title func(n int) string
	// skip says why g is left out before anything is sent ("" sends it):
	// a group with delete protection on is not deleted.
	skip func(g api.Group) string
	// form builds the confirmation of p, or says why there is nothing to
	// choose from; the values it sets are fs.values or p's, under
	// fs.values' lock (bind).
	form func(m *Model, fs *formState, p *bulkPlan) (groups []*huh.Group, whyNot string)
	// ok reports that the completed form said to go ahead.
	ok func(fs *formState, p *bulkPlan) bool
	// label names one group's request: the footer, the in-flight guard
	// and the audit log (Options.OnChange) read it.
	label func(fs *formState, p *bulkPlan, group string) string
	// progress names the whole run in the footer, for n groups.
	progress func(fs *formState, p *bulkPlan, n int) string
	// call is one group's request, run off the update loop.
	call func(c *api.Client, fs *formState, p *bulkPlan, group string) opFunc
	// apply puts a successful answer into g; false: the group has left
	// the organization (deleted, transferred). nil: the list does not
	// change (rotated tokens).
	apply func(g *api.Group, r opDoneMsg) bool
}

// bulkPlan is what a confirmation form offers: the groups to send and
// those left out, with why; on is the protect form's choice.
type bulkPlan struct {
	send    []string
	skipped []bulkResult
	on      string
}

// bulkOutcome is what became of one group of a run.
type bulkOutcome int

const (
	bulkDone bulkOutcome = iota
	bulkRefused
	bulkUnknown
	bulkSkipped
)

// bulkResult is one group's line of the report.
type bulkResult struct {
	group   string
	outcome bulkOutcome
	why     string
}

// bulkRun is the change of many in flight; one at a time (Model.bulk).
type bulkRun struct {
	id, gen  int
	kind     *action
	op       *bulkOp
	fs       *formState
	plan     *bulkPlan
	progress string
	total    int
	queue    []string
	running  int
	results  []bulkResult
	// unapplied are answers not yet put into the list (bulkApplyEvery).
	unapplied []bulkAnswer
}

// bulkAnswer is an answer to put into the list: a success, or a group
// the API says is gone.
type bulkAnswer struct {
	r    opDoneMsg
	gone bool
}

// bulkDoneMsg is the answer to one request of run number run.
type bulkDoneMsg struct {
	run int
	r   opDoneMsg
}

// startBulk opens the confirmation of a's change of the marked groups,
// once the organizations are in if a needs them.
func (m *Model) startBulk(a *action) tea.Cmd {
	if m.bulk != nil {
		return m.showToast(toastInfo, text.Sanitize(m.bulk.progress)+" is still in progress; wait for its report.")
	}
	if a.orgs && m.orgs == nil {
		m.ops.pending[-1] = "Loading your organizations"
		return tea.Batch(loadOrgsCmd(m.sess.ctx, m.sess.client, a), m.footer.spinner.Tick)
	}
	op := a.bulk
	p := &bulkPlan{}
	for _, name := range m.list.marks.sorted() {
		g, ok := m.groupByName(name)
		if !ok {
			continue // pruned on the next load; nothing to send
		}
		if op.skip != nil {
			if why := op.skip(g); why != "" {
				p.skipped = append(p.skipped, bulkResult{group: name, outcome: bulkSkipped, why: why})
				continue
			}
		}
		if label, busy := m.ops.inFlight[opKey{m.sess.gen, a, name}]; busy {
			p.skipped = append(p.skipped, bulkResult{group: name, outcome: bulkSkipped, why: text.Sanitize(label) + " is still in progress"})
			continue
		}
		p.send = append(p.send, name)
	}
	if len(p.send) == 0 {
		lines := make([]string, 0, len(p.skipped))
		for _, r := range p.skipped[:min(len(p.skipped), bulkReportLines)] {
			lines = append(lines, "  "+text.Sanitize(r.group)+": "+r.why)
		}
		if n := len(p.skipped) - bulkReportLines; n > 0 {
			lines = append(lines, fmt.Sprintf("  and %d more", n))
		}
		return m.refuse(&refusal{title: "Nothing to send", text: "None of the marked groups can be changed:\n" + strings.Join(lines, "\n")})
	}
	// The form's action is made here, not in the registry: its do starts
	// the run, and it names the real action for the guard and the cache.
	confirm := &action{name: a.name, mutation: true, title: op.title(len(p.send))}
	confirm.form = func(m *Model, fs *formState, _ api.Group) ([]*huh.Group, string) { return op.form(m, fs, p) }
	confirm.do = func(m *Model, fs *formState) tea.Cmd { return m.runBulk(a, fs, p) }
	fs := &formState{kind: confirm, values: &formValues{}}
	return m.openForm(fs)
}

// runBulk sends the first requests of a confirmed change of many; the
// others follow as answers come back (onBulkDone).
func (m *Model) runBulk(a *action, fs *formState, p *bulkPlan) tea.Cmd {
	op := a.bulk
	if !op.ok(fs, p) {
		return nil
	}
	if m.bulk != nil {
		// A second confirmation could have been opened before the first
		// was sent; one run at a time keeps the report whole.
		return m.showToast(toastInfo, text.Sanitize(m.bulk.progress)+" is still in progress; not sent.")
	}
	m.ops.nextOp++
	b := &bulkRun{
		id: m.ops.nextOp, gen: m.sess.gen, kind: a, op: op, fs: fs, plan: p,
		total: len(p.send) + len(p.skipped), queue: slices.Clone(p.send),
		results: slices.Clone(p.skipped),
	}
	b.progress = op.progress(fs, p, len(p.send))
	for _, name := range p.send {
		m.ops.inFlight[opKey{b.gen, a, name}] = op.label(fs, p, name)
	}
	m.bulk = b
	// Acted on: the next key acts on the cursor again, not on these.
	m.list.marks.clear()
	m.setBulkPending()
	return tea.Batch(append(m.sendBulk(), m.footer.spinner.Tick)...)
}

// setBulkPending is the run's one line in the footer, however many
// groups it has: a line per request would make the footer's summary
// count thousands on every frame.
func (m *Model) setBulkPending() {
	b := m.bulk
	done := len(b.results) - len(b.plan.skipped)
	m.ops.pending[b.id] = fmt.Sprintf("%s (%d of %d answered)", b.progress, done, len(b.plan.send))
}

// sendBulk starts requests from the queue up to bulkConcurrency in flight.
func (m *Model) sendBulk() []tea.Cmd {
	b := m.bulk
	var cmds []tea.Cmd
	for b.running < bulkConcurrency && len(b.queue) > 0 {
		name := b.queue[0]
		b.queue = b.queue[1:]
		b.running++
		cmds = append(cmds, m.bulkCall(b, name))
	}
	return cmds
}

// bulkCall is one group's request as a command, as startOp runs one: the
// shared cache is told, and so is OnChange, whatever the answer.
func (m *Model) bulkCall(b *bulkRun, name string) tea.Cmd {
	c := m.sess.client
	fn := b.op.call(c, b.fs, b.plan, name)
	label := b.op.label(b.fs, b.plan, name)
	run, gen, kind, ctx := b.id, b.gen, b.kind, m.sess.ctx
	shared, onChange, log := m.opts.Cache, m.opts.OnChange, m.log
	return func() tea.Msg {
		r := opDoneMsg{gen: gen, kind: kind, group: name}
		func() {
			defer onPanic(c, func(err error) { r.err = err })
			fn(ctx, &r)
		}()
		shared.Changed(c, kind.invalidates)
		reportChange(onChange, log, kind, label, r.err)
		return bulkDoneMsg{run: run, r: r}
	}
}

// onBulkDone records one answer, sends the next request, and once the
// last has answered puts what is left into the list and opens the report.
func (m *Model) onBulkDone(msg bulkDoneMsg) tea.Cmd {
	b := m.bulk
	if b == nil || msg.run != b.id || m.sess.quitting {
		return nil
	}
	b.running--
	r := msg.r
	res := bulkResult{group: r.group}
	switch {
	case r.err == nil:
		b.unapplied = append(b.unapplied, bulkAnswer{r: r})
	case outcomeUnknown(r.err):
		res.outcome, res.why = bulkUnknown, m.describe(r.err)
		delete(m.ops.inFlight, opKey{b.gen, b.kind, r.group})
	default:
		res.outcome, res.why = bulkRefused, m.describe(r.err)
		if api.IsNotFound(r.err) {
			// The group is gone: dropped, as a single change drops it.
			b.unapplied = append(b.unapplied, bulkAnswer{r: r, gone: true})
		} else {
			delete(m.ops.inFlight, opKey{b.gen, b.kind, r.group})
		}
	}
	b.results = append(b.results, res)
	if removed := (*updateRemovedError)(nil); errors.As(r.err, &removed) {
		// The platform no longer serves the route: the other groups
		// would get the same answer.
		for _, name := range b.queue {
			delete(m.ops.inFlight, opKey{b.gen, b.kind, name})
			b.results = append(b.results, bulkResult{group: name, outcome: bulkSkipped, why: "not sent: the platform no longer offers this"})
		}
		b.queue = nil
	}
	if b.gen != m.sess.gen {
		// The organization changed: what is left is not sent to the new
		// one, nor put into its list.
		for _, name := range b.queue {
			b.results = append(b.results, bulkResult{group: name, outcome: bulkSkipped, why: "not sent: the organization was switched"})
		}
		b.queue, b.unapplied = nil, nil
	}
	var cmds []tea.Cmd
	finished := b.running == 0 && len(b.queue) == 0
	if len(b.unapplied) >= bulkApplyEvery || finished && len(b.unapplied) > 0 {
		m.applyBulk()
		if b.kind.invalidates != 0 {
			// As onOpDone: a load in flight may predate these changes.
			cmds = append(cmds, m.resync()...)
		}
	}
	if !finished {
		cmds = append(cmds, m.sendBulk()...)
		m.setBulkPending()
		return tea.Batch(cmds...)
	}
	m.dropPending(b.id)
	m.bulk = nil
	for _, name := range b.plan.send {
		delete(m.ops.inFlight, opKey{b.gen, b.kind, name})
	}
	m.focus.push(newNotice(m.common, b.reportTitle(), b.report(m.keys.Refresh.Help().Key)))
	return tea.Batch(cmds...)
}

// applyBulk puts the answers not yet in the list into it: one copy of the
// groups and one re-sort for all of them.
func (m *Model) applyBulk() {
	b := m.bulk
	groups := slices.Clone(m.groups)
	gone := map[string]bool{}
	changed := false
	for _, u := range b.unapplied {
		delete(m.ops.inFlight, opKey{b.gen, b.kind, u.r.group})
		i, ok := m.byName[u.r.group]
		if !ok {
			continue
		}
		keep := !u.gone
		if keep && b.op.apply != nil {
			keep, changed = b.op.apply(&groups[i], u.r), true
		}
		if !keep {
			gone[u.r.group] = true
		}
	}
	b.unapplied = b.unapplied[:0]
	if len(gone) > 0 {
		groups = slices.DeleteFunc(groups, func(g api.Group) bool { return gone[g.Name] })
		m.dbs = maps.Clone(m.dbs) // maybe shared with other dashboards
		for name := range gone {
			delete(m.dbs, name)
		}
		if m.screen == screenDetail && gone[m.detail.name] {
			m.screen = screenList
		}
		changed = true
	}
	if changed {
		m.setGroups(groups)
	}
}

// bulkReportLines is how many groups each part of the report names
// before "and N more": the report must fit on a screen.
const bulkReportLines = 8

// reportTitle is the report's title: what was done, to how many.
func (b *bulkRun) reportTitle() string { return b.progress + ": report" }

// report lists, per group, what became of it: refused and unknown first,
// with why, since they are what needs a look; then those left out; then
// the names of those done.
func (b *bulkRun) report(refresh string) string {
	var by [4][]bulkResult
	for _, r := range b.results {
		by[r.outcome] = append(by[r.outcome], r)
	}
	// By name, not in the order the answers happened to arrive.
	for _, rs := range by {
		slices.SortFunc(rs, func(a, b bulkResult) int { return strings.Compare(a.group, b.group) })
	}
	var parts []string
	counts := []string{strconv.Itoa(len(by[bulkDone])) + " done"}
	if n := len(by[bulkRefused]); n > 0 {
		counts = append(counts, strconv.Itoa(n)+" refused")
	}
	if n := len(by[bulkUnknown]); n > 0 {
		counts = append(counts, strconv.Itoa(n)+" unknown")
	}
	if n := len(by[bulkSkipped]); n > 0 {
		counts = append(counts, strconv.Itoa(n)+" not sent")
	}
	parts = append(parts, strings.Join(counts, ", ")+".")
	section := func(head string, rs []bulkResult) {
		if len(rs) == 0 {
			return
		}
		lines := []string{head}
		for _, r := range rs[:min(len(rs), bulkReportLines)] {
			lines = append(lines, "  "+text.Sanitize(r.group)+": "+strings.TrimSuffix(r.why, ".")+".")
		}
		if n := len(rs) - bulkReportLines; n > 0 {
			lines = append(lines, fmt.Sprintf("  and %d more", n))
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	section("Refused:", by[bulkRefused])
	unknown := "Unknown, the answer was lost: " + b.kind.unknown
	if !b.kind.safeAgain {
		unknown += " Press " + refresh + " to check the list before trying again."
	}
	section(unknown, by[bulkUnknown])
	section("Not sent:", by[bulkSkipped])
	if done := by[bulkDone]; len(done) > 0 {
		names := make([]string, len(done))
		for i, r := range done {
			names[i] = r.group
		}
		parts = append(parts, "Done: "+nameList(names, 3*bulkReportLines)+".")
	}
	return strings.Join(parts, "\n\n")
}

// nameList is up to n names, made safe and joined, and how many more:
// "alpha, beta and 12 more".
func nameList(names []string, n int) string {
	shown := make([]string, 0, min(len(names), n))
	for _, name := range names[:min(len(names), n)] {
		shown = append(shown, text.Sanitize(name))
	}
	s := strings.Join(shown, ", ")
	if more := len(names) - n; more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// bulkWhat is the description of a confirmation: the groups that will
// change, and those left out with why.
func bulkWhat(p *bulkPlan) string {
	s := plural(len(p.send), "group") + ": " + nameList(p.send, 2*bulkReportLines) + "."
	if len(p.skipped) > 0 {
		whys := make([]string, 0, min(len(p.skipped), bulkReportLines))
		for _, r := range p.skipped[:min(len(p.skipped), bulkReportLines)] {
			whys = append(whys, text.Sanitize(r.group)+" ("+r.why+")")
		}
		s += "\nLeft out: " + strings.Join(whys, ", ")
		if n := len(p.skipped) - bulkReportLines; n > 0 {
			s += fmt.Sprintf(" and %d more", n)
		}
		s += "."
	}
	return s
}

// confirmed is ok for the forms that end in a yes or no.
func confirmed(fs *formState, _ *bulkPlan) bool { return fs.values.Confirm }

// bulkConfirmForm is a yes-or-no confirmation of p: q asked, what it does
// said, yes the affirmative's word.
func bulkConfirmForm(fs *formState, p *bulkPlan, q, does, yes string) ([]*huh.Group, string) {
	return []*huh.Group{huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&fs.values.Confirm).
		Title(q).Description(bulkWhat(p) + "\n" + does).Affirmative(yes).Negative("Cancel"))}, ""
}

// bulkProtect turns delete protection on or off for every marked group:
// p offers both, since the marked groups may be some of each.
var bulkProtect = &bulkOp{
	title: func(n int) string { return "Delete protection of " + plural(n, "group") },
	form: func(m *Model, fs *formState, p *bulkPlan) ([]*huh.Group, string) {
		// The first choice is what most of them are not yet.
		on := 0
		for _, name := range p.send {
			if g, ok := m.groupByName(name); ok && g.DeleteProtection {
				on++
			}
		}
		p.on = "on"
		if 2*on > len(p.send) {
			p.on = "off"
		}
		v := fs.values
		return []*huh.Group{
			huh.NewGroup(huh.NewSelect[string]().Key("on").Title("Delete protection of "+plural(len(p.send), "group")).
				Description(bulkWhat(p)).
				Options(huh.NewOption("Turn it on", "on"), huh.NewOption("Turn it off", "off")).Accessor(bind(v, &p.on))),
			huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Apply").Negative("Cancel").
				TitleFunc(v.locked(func() string {
					return "Turn delete protection " + p.on + " for " + plural(len(p.send), "group") + "?"
				}), &p.on)),
		}, ""
	},
	ok: confirmed,
	label: func(_ *formState, p *bulkPlan, group string) string {
		return "Turning delete protection " + p.on + " for " + group
	},
	progress: func(_ *formState, p *bulkPlan, n int) string {
		return "Turning delete protection " + p.on + " for " + plural(n, "group")
	},
	call: func(c *api.Client, _ *formState, p *bulkPlan, group string) opFunc {
		on := p.on == "on"
		return func(ctx context.Context, r *opDoneMsg) {
			cfg, err := c.SetDeleteProtection(ctx, group, on)
			r.config, r.err = &cfg, err
		}
	},
	apply: func(g *api.Group, r opDoneMsg) bool {
		if r.config != nil {
			g.DeleteProtection = r.config.DeleteProtection
		}
		return true
	},
}

// bulkRotate rotates the tokens of every marked group.
var bulkRotate = &bulkOp{
	title: func(n int) string { return "Rotate the tokens of " + plural(n, "group") },
	form: func(_ *Model, fs *formState, p *bulkPlan) ([]*huh.Group, string) {
		return bulkConfirmForm(fs, p, "Rotate the tokens of "+plural(len(p.send), "group")+"?",
			"Every token of every database in them stops working at once:\napplications using them fail until they get new tokens.", "Rotate")
	},
	ok:       confirmed,
	label:    func(_ *formState, _ *bulkPlan, group string) string { return "Rotating the tokens of " + group },
	progress: func(_ *formState, _ *bulkPlan, n int) string { return "Rotating the tokens of " + plural(n, "group") },
	call: func(c *api.Client, _ *formState, _ *bulkPlan, group string) opFunc {
		return func(ctx context.Context, r *opDoneMsg) { r.err = c.RotateGroupTokens(ctx, group) }
	},
}

// bulkUpdate updates the databases of every marked group.
var bulkUpdate = &bulkOp{
	title: func(n int) string { return "Update the databases of " + plural(n, "group") },
	form: func(_ *Model, fs *formState, p *bulkPlan) ([]*huh.Group, string) {
		return bulkConfirmForm(fs, p, "Update the databases of "+plural(len(p.send), "group")+" to the latest version?",
			"Each update causes a short downtime.", "Update")
	},
	ok:    confirmed,
	label: func(_ *formState, _ *bulkPlan, group string) string { return "Updating the databases of " + group },
	progress: func(_ *formState, _ *bulkPlan, n int) string {
		return "Updating the databases of " + plural(n, "group")
	},
	call: func(c *api.Client, _ *formState, _ *bulkPlan, group string) opFunc {
		return func(ctx context.Context, r *opDoneMsg) { updateDatabases(ctx, c, group, r) }
	},
	apply: func(g *api.Group, r opDoneMsg) bool {
		if r.result.Name == g.Name {
			*g = r.result
		}
		return true
	},
}

// bulkDelete deletes every marked group without delete protection, once
// their number is typed: a slip of the finger on many groups costs all
// their databases.
var bulkDelete = &bulkOp{
	title: func(n int) string { return "Delete " + plural(n, "group") },
	skip: func(g api.Group) string {
		if g.DeleteProtection {
			return "delete protection is on"
		}
		return ""
	},
	form: func(_ *Model, fs *formState, p *bulkPlan) ([]*huh.Group, string) {
		want := strconv.Itoa(len(p.send))
		return []*huh.Group{huh.NewGroup(huh.NewInput().Key("typed").Value(&fs.values.Typed).
			Title("Type " + want + " to delete " + plural(len(p.send), "group") + " and all their databases").
			Description(bulkWhat(p) + "\nThis cannot be undone.").
			Validate(func(s string) error {
				if strings.TrimSpace(s) != want {
					return fmt.Errorf("type the number of groups, %s, or press esc to keep them", want)
				}
				return nil
			}))}, ""
	},
	ok: func(fs *formState, p *bulkPlan) bool {
		return strings.TrimSpace(fs.values.Typed) == strconv.Itoa(len(p.send))
	},
	label:    func(_ *formState, _ *bulkPlan, group string) string { return "Deleting " + group },
	progress: func(_ *formState, _ *bulkPlan, n int) string { return "Deleting " + plural(n, "group") },
	call: func(c *api.Client, _ *formState, _ *bulkPlan, group string) opFunc {
		return func(ctx context.Context, r *opDoneMsg) { r.result, r.err = c.DeleteGroup(ctx, group) }
	},
	apply: func(*api.Group, opDoneMsg) bool { return false },
}

// bulkTransfer moves every marked group to another organization.
var bulkTransfer = &bulkOp{
	title: func(n int) string { return "Transfer " + plural(n, "group") },
	form: func(m *Model, fs *formState, p *bulkPlan) ([]*huh.Group, string) {
		v := fs.values
		var opts []huh.Option[string]
		for _, o := range m.orgs {
			if o.Slug != m.sess.client.Org() && !(o.Personal() && m.sess.client.Org() == "") {
				opts = append(opts, huh.NewOption(orgOptionLabel(o), o.Slug))
			}
		}
		what := plural(len(p.send), "group")
		if len(opts) == 0 {
			return nil, "You have no other organization to transfer " + what + " to."
		}
		return []*huh.Group{
			huh.NewGroup(huh.NewSelect[string]().Key("org").Title("Transfer " + what + " to").Description(bulkWhat(p)).
				Options(opts...).Accessor(bind(v, &v.Org))),
			huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Transfer").Negative("Cancel").
				TitleFunc(v.locked(func() string { return "Transfer " + what + " to " + text.Sanitize(v.Org) + "?" }), &v.Org).
				Description("Their databases move too. Existing URLs and tokens keep working for now,\nbut applications should switch to the new ones soon.")),
		}, ""
	},
	ok: func(fs *formState, _ *bulkPlan) bool { return fs.values.Confirm && fs.values.Org != "" },
	label: func(fs *formState, _ *bulkPlan, group string) string {
		return "Transferring " + group + " to " + fs.values.Org
	},
	progress: func(fs *formState, _ *bulkPlan, n int) string {
		return "Transferring " + plural(n, "group") + " to " + fs.values.Org
	},
	call: func(c *api.Client, fs *formState, _ *bulkPlan, group string) opFunc {
		to := fs.values.Org
		return func(ctx context.Context, r *opDoneMsg) { r.result, r.err = c.TransferGroup(ctx, group, to) }
	},
	apply: func(*api.Group, opDoneMsg) bool { return false },
}
