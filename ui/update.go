package ui

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// update is Update without the guard against panics.
func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.termW, m.termH = msg.Width, msg.Height
		m.width, m.height = min(msg.Width, MaxWidth), min(msg.Height, MaxHeight)
		m.relayout()
		// huh sizes its groups from the window; give it the area it
		// really has (Form.Init asks for this message too).
		return m, m.resizeForm()
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		return m, m.handleMouse(msg)
	case spinner.TickMsg:
		if !m.busy() {
			return m, nil // stop ticking until there is work again
		}
		cmd, _ := m.footer.Update(msg)
		return m, cmd
	case groupsLoadedMsg:
		return m, m.onGroupsLoaded(msg)
	case databasesLoadedMsg:
		return m, m.onDatabasesLoaded(msg)
	case cachedGroupsMsg:
		return m, m.onCachedGroups(msg)
	case locationsLoadedMsg:
		m.load.locsAnswered = true
		if msg.err != nil {
			if api.IsUnauthorized(msg.err) {
				return m, nil // the groups' load, refused too, says so once
			}
			return m, m.showBackgroundToast(toastError, locationsFailed+m.describe(msg.err))
		}
		if strings.HasPrefix(m.footer.toast.text, locationsFailed) {
			m.footer.clear() // no longer true
		}
		m.locs = msg.locs
		m.locNames = make(map[string]string, len(msg.locs))
		for _, l := range msg.locs {
			m.locNames[l.Code] = l.Name
		}
		// The names widen the primary column, and the filter matches them.
		keep := m.currentName()
		m.list.dataChanged()
		m.list.refilter(keep)
		return m, nil
	case tokenValidatedMsg:
		if msg.gen != m.sess.gen {
			return m, nil
		}
		if msg.err != nil {
			if api.IsUnauthorized(msg.err) {
				m.header.tokenWarn = m.describe(msg.err)
			}
			return m, nil
		}
		m.checkTokenExpiry(msg.exp)
		return m, nil
	case orgsLoadedMsg:
		m.dropPending(-1)
		if msg.err != nil {
			return m, m.showToast(toastError, "Could not load your organizations: "+m.describe(msg.err))
		}
		m.orgs = msg.orgs
		if msg.user.Username != "" {
			m.header.user = msg.user.Username
		}
		if msg.then != nil && m.focus.form() == nil {
			return m, m.start(msg.then)
		}
		return m, nil
	case opDoneMsg:
		return m, m.onOpDone(msg)
	case allOrgsListedMsg:
		return m, m.onAllOrgsListed(msg)
	case orgGroupsMsg:
		return m, m.onOrgGroups(msg)
	case bulkDoneMsg:
		return m, m.onBulkDone(msg)
	case waitDoneMsg:
		return m, m.onWaitDone(msg)
	case activityMsg:
		return m, m.onActivity(msg)
	case usageBatchMsg:
		return m, m.onUsageBatch(msg)
	case planLoadedMsg:
		return m, m.onPlanLoaded(msg)
	case userLoadedMsg:
		if msg.gen == m.sess.gen && msg.err == nil && msg.user.Username != "" && m.header.user == "" {
			m.header.user = msg.user.Username
		}
		return m, nil
	case freshTickMsg:
		if msg.gen != m.sess.gen {
			return m, nil
		}
		m.sayFresh()
		return m, freshAfter(m.sess.gen)
	case refreshTickMsg:
		if msg.gen != m.sess.gen || m.opts.Refresh <= 0 {
			return m, nil
		}
		cmds := []tea.Cmd{refreshAfter(m.sess.gen, m.opts.Refresh)}
		if !m.load.loading && !m.dbsLoading {
			cmds = append(cmds, m.reload()...)
			// The other organizations of the list of every one, too.
			cmds = append(cmds, m.reloadOrgs())
		}
		return m, tea.Batch(cmds...)
	case clearToastMsg:
		cmd, _ := m.footer.Update(msg)
		return m, cmd
	case copiedMsg:
		return m, m.onCopied(msg)
	case dbInfoMsg:
		return m, m.onDBInfo(msg)
	}
	// Anything else (cursor blinks, huh's internal messages) belongs to
	// the open form, wherever it is in the stack, or the filter.
	if fs := m.focus.form(); fs != nil {
		return m, m.updateOverlay(fs, msg)
	}
	if m.all.filtering {
		cmd, _ := m.all.Update(msg)
		return m, cmd
	}
	cmd, _ := m.list.Update(msg)
	return m, cmd
}

// handleKey routes a key: ctrl+c always quits; otherwise the overlay on
// top of the focus stack (a form, the token dialog, a notice, the help)
// gets it, else the filter while it is being typed into, else the root's
// own keys, the list or the detail, and the actions.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	// Keys typed quickly (or replayed) can arrive as one message of
	// several runes ("jj"), which no binding matches. Unless text is being
	// typed, where the runes belong together, take them one at a time.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && m.focus.form() == nil && !m.list.filtering && !m.all.filtering {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	if m.tooSmall() {
		// Only the message is drawn: a key would act on a list, form or
		// dialog the user cannot see (p turning protection on for a group
		// off screen, text typed into a hidden form). What is open stays
		// as it is until the window is large enough again.
		if key.Matches(msg, m.keys.Quit) {
			return m.quit()
		}
		return nil
	}
	if o := m.focus.top(); o != nil {
		return m.updateOverlay(o, msg)
	}
	if m.list.filtering {
		cmd, _ := m.list.Update(msg)
		return cmd
	}
	if m.allOrgsOn() && m.all.filtering {
		cmd, _ := m.all.Update(msg)
		return cmd
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.AllOrgs):
		return m.toggleAllOrgs()
	case m.allOrgsOn() && (key.Matches(msg, k.Back) || key.Matches(msg, k.Refresh)):
		// The view's own: its filter, and the reload of every
		// organization.
		cmd, _ := m.allOrgsKey(msg)
		return cmd
	case key.Matches(msg, k.Help):
		m.focus.push(newHelpView(m.common, m.fullHelp(), m.quit))
		return nil
	case key.Matches(msg, k.Command):
		return m.openCmdLine()
	case key.Matches(msg, k.Back):
		if m.screen == screenDetail && m.detail.leaveDBs() {
			return nil
		}
		if m.screen == screenDetail {
			m.screen = screenList
			return nil
		}
		if m.list.marks.len() > 0 || m.list.marks.ranging {
			// Marks first: they are what the next key would act on.
			m.list.marks.clear()
			return nil
		}
		if m.list.query != "" {
			m.list.setQuery("")
		}
		return nil
	case key.Matches(msg, k.Refresh):
		if m.load.loading {
			return nil
		}
		m.footer.clearBackground()
		cmds := append(m.reload(), m.footer.spinner.Tick)
		if len(m.locs) == 0 {
			// The first load of the locations failed; the create form
			// waits for them and tells the user that r reloads.
			cmds = append(cmds, loadLocationsCmd(m.sess.ctx, m.sess.client, m.opts.Cache))
		}
		return tea.Batch(cmds...)
	}
	if a, ok := m.actionAt(msg, func(a *action) bool { return a.anytime }); ok {
		return m.start(a)
	}
	if m.allOrgsOn() {
		if cmd, ok := m.allOrgsKey(msg); ok {
			return cmd
		}
		// What is left (a read-only dashboard's refusals) goes on.
		return m.actionKey(msg)
	}
	if m.screen == screenList {
		if cmd, ok := m.listKey(msg); ok {
			return cmd
		}
	} else if cmd, ok := m.detailKey(msg); ok {
		return cmd
	}
	if m.load.loadErr != nil && !m.load.loaded {
		return nil
	}
	return m.actionKey(msg)
}

// updateOverlay gives msg to o, and takes o off the focus stack when it
// closes: a closed token dialog is forgotten with its token, which
// exists only on the user's screen and clipboard; a submitted form starts
// its action.
func (m *Model) updateOverlay(o overlay, msg tea.Msg) tea.Cmd {
	cmd, closed := o.Update(msg)
	if !closed {
		return cmd
	}
	m.focus.remove(o)
	if fs, ok := o.(*formState); ok {
		// huh's last command (its own quit, on esc) is not the
		// dashboard's to run.
		if fs.submitted() {
			return fs.kind.do(m, fs)
		}
		return nil
	}
	if cl, ok := o.(*cmdLine); ok && cl.then != nil {
		// The command acts once the prompt is gone, on what was under it.
		return tea.Batch(cmd, cl.then())
	}
	return cmd
}

func (m *Model) listKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if cmd, ok := m.list.Update(msg); ok {
		return cmd, true
	}
	if key.Matches(msg, m.keys.Open) {
		if g, ok := m.selected(); ok {
			m.screen = screenDetail
			m.detail.Open(g.Name)
		}
		return nil, true
	}
	return nil, false
}

func (m *Model) detailKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if _, ok := m.detail.Update(msg); ok {
		return nil, true
	}
	if db, ok := m.detail.selectedDB(); ok && key.Matches(msg, m.keys.Open) {
		return m.openDBDetail(db), true
	}
	return nil, false
}

// navDelta is how far a movement key moves the list's cursor or the
// detail's scroll: a row, a page of page rows, or all total rows. ok is
// false for any other key.
func navDelta(k keys.KeyMap, msg tea.KeyMsg, page, total int) (d int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.PageDown):
		return page, true
	case key.Matches(msg, k.Top):
		return -total, true
	case key.Matches(msg, k.Bottom):
		return total, true
	}
	return 0, false
}

// actionKey starts the action bound to msg, if any. In a read-only
// dashboard a change's key says why it does nothing; the others work.
func (m *Model) actionKey(msg tea.KeyMsg) tea.Cmd {
	if m.readOnly {
		for _, b := range m.mutationBindings() {
			// applyReadOnly disabled these, which never match, to keep
			// them out of the help; their keys are still known, so that
			// pressing one says why nothing happens.
			if slices.Contains(b.Keys(), msg.String()) {
				return m.showToast(toastInfo, m.readOnlyText())
			}
		}
		// What changes nothing (the activity view, copy) goes on:
		// applyReadOnly's disabled bindings match no key below.
	}
	if a, ok := m.actionAt(msg, func(a *action) bool { return !a.anytime }); ok {
		return m.start(a)
	}
	return nil
}

// readOnlyText is what a mutation key says in a read-only dashboard.
func (m *Model) readOnlyText() string {
	why := m.readOnlyReason
	if why == "" {
		why = "it was started with --read-only, or read_only is set in the config file"
	}
	return "This dashboard is read-only: " + strings.TrimSuffix(text.Sanitize(why), ".") + "."
}

func (m *Model) dropPending(id int) { delete(m.ops.pending, id) }

func (m *Model) currentName() string { return m.list.currentName() }

// locationsFailed starts the message of a failed load of the locations.
const locationsFailed = "Could not load the locations: "

// sayFresh puts how long ago the list was loaded into words, for the
// footer: when it is loaded and at each freshness tick, rather than on
// every message (the clock is asked ten times less, and a broken clock
// cannot turn every keystroke into an internal error).
func (m *Model) sayFresh() {
	if m.loadedAt.IsZero() {
		m.fresh = ""
		return
	}
	m.fresh = ago(m.now().Sub(m.loadedAt))
}

// onGroupsLoaded applies a load unless a newer one (or an org switch)
// superseded it. A failed refresh keeps the last good data, marked stale.
func (m *Model) onGroupsLoaded(msg groupsLoadedMsg) tea.Cmd {
	if msg.gen != m.sess.gen || msg.seq != m.load.loadSeq {
		return nil
	}
	m.load.loading = false
	d := msg.data // maybe shared: read-only
	if d.Err != nil {
		// A databases error of the same load is not told apart: the
		// groups' error says the API failed.
		m.load.dbsErr = nil
		if m.load.loaded {
			m.load.stale = d.Err
			if m.load.cached {
				return m.showBackgroundToast(toastError, m.cachedFailed(d.Err))
			}
			return m.showBackgroundToast(toastError, "Refresh failed; showing the last loaded groups. "+m.describe(d.Err))
		}
		m.load.loadErr = d.Err
		return nil
	}
	first := !m.load.loaded || m.load.cached
	m.load.loaded, m.load.cached, m.load.loadErr, m.load.stale = true, false, nil, nil
	m.loadedAt = m.now()
	m.sayFresh()
	save := m.saveList(d.Groups)
	var userCmd tea.Cmd
	if first && m.header.user == "" && !m.opts.Local && !m.load.userAsked {
		// Who is signed in, for the header: asked once the list is on
		// screen, so that the first frame waits for nothing more.
		m.load.userAsked = true
		userCmd = loadUserCmd(m.sess.ctx, m.sess.client, m.sess.gen)
	}
	// The databases arrive on their own; until then a refresh keeps the
	// last ones, and a first load shows their count as pending.
	m.setGroupsIndexed(d.Groups, d.ByName)
	waits := m.syncProvisioning(msg.seq)
	if err := m.load.dbsErr; err != nil {
		m.load.dbsErr = nil
		return tea.Batch(userCmd, waits, save, m.dbsErrorToast(err))
	}
	return tea.Batch(userCmd, waits, save)
}

// cachedFailed is the message of a failed load while the list kept on
// disk is shown: how old it is, since the footer's right end, which says
// it too, has no room beside the message.
func (m *Model) cachedFailed(err error) string {
	return "Could not load the groups; showing the list cached " + ago(m.now().Sub(m.loadedAt)) + ". " + m.describe(err)
}

// onCachedGroups draws the list kept on disk, unless a live answer came
// first (the live answer always wins) or the organization changed. When
// the live load has already failed, the cached list is shown marked
// stale, and the failure is told.
func (m *Model) onCachedGroups(msg cachedGroupsMsg) tea.Cmd {
	if msg.gen != m.sess.gen {
		return nil
	}
	if msg.err != nil {
		if !errors.Is(msg.err, fs.ErrNotExist) {
			m.log.Warn("the cached list is not used", "err", redactWith(m.sess.client, msg.err.Error()))
		}
		return nil
	}
	if m.load.loaded {
		return nil
	}
	saved := msg.saved
	if now := m.now(); saved.After(now) {
		saved = now // a clock set back, or an odd file: not "in the future"
	}
	m.load.loaded, m.load.cached = true, true
	m.loadedAt = saved
	m.sayFresh()
	m.setGroupsIndexed(msg.groups, msg.byName)
	if err := m.load.loadErr; err != nil {
		m.load.loadErr, m.load.stale = nil, err
		return m.showBackgroundToast(toastError, m.cachedFailed(err))
	}
	return nil
}

// loadCached reads the list kept on disk for the organization shown, if
// the dashboard keeps one.
func (m *Model) loadCached() tea.Cmd {
	if m.opts.ListCache == nil {
		return nil
	}
	return loadCachedCmd(m.opts.ListCache, m.sess.client, m.opts.APIURL, m.sess.client.Org(), m.sess.gen)
}

// saveList keeps a loaded list on disk for the next start.
func (m *Model) saveList(groups []api.Group) tea.Cmd {
	if m.opts.ListCache == nil {
		return nil
	}
	return saveListCmd(m.opts.ListCache, m.sess.client, m.log, m.opts.APIURL, m.sess.client.Org(), groups, m.now())
}

// onDatabasesLoaded applies the databases of a load, unless superseded.
// A failed load keeps the last databases on screen when there were some.
func (m *Model) onDatabasesLoaded(msg databasesLoadedMsg) tea.Cmd {
	if msg.gen != m.sess.gen || msg.seq != m.load.loadSeq {
		return nil
	}
	m.dbsLoading = false
	if err := msg.data.Err; err != nil {
		switch {
		case m.load.loading:
			m.load.dbsErr = err // told when the groups are in
			return nil
		case m.load.loadErr != nil || m.load.stale != nil:
			return nil // the groups of this load failed and said so
		}
		return m.dbsErrorToast(err)
	}
	m.dbs, m.dbsKnown = msg.data.ByGroup, true
	// Usage is summed over these databases: a new generation of it.
	m.resetUsage(true)
	if m.list.sort == sortDatabases {
		keep := m.currentName()
		m.list.resort()
		m.list.refilter(keep)
	}
	return nil
}

// dbsErrorToast tells that the databases could not be loaded.
func (m *Model) dbsErrorToast(err error) tea.Cmd {
	if m.dbsKnown {
		return m.showBackgroundToast(toastError, "Could not refresh the databases; showing the last loaded. "+m.describe(err))
	}
	return m.showBackgroundToast(toastError, "Could not load the databases: "+m.describe(err))
}

// setGroups replaces the group list, keeping the cursor on the same group.
func (m *Model) setGroups(groups []api.Group) { m.setGroupsIndexed(groups, cache.IndexByName(groups)) }

// setGroupsIndexed is setGroups with the index by name already built.
// When the group under the cursor has left the list (deleted,
// transferred, gone at the server), the cursor stays at its position, on
// the row that took its place: the top of the list is somewhere else
// entirely, and the neighbours are what the user was looking at.
func (m *Model) setGroupsIndexed(groups []api.Group, byName map[string]int) {
	keep, pos := m.currentName(), m.list.cursor
	m.groups, m.byName = groups, byName
	m.pruneProvisioning()
	m.list.dataChanged()
	m.list.resort()
	m.list.refilter(keep)
	if keep != "" && m.currentName() != keep {
		m.list.cursor = pos
		m.list.clamp()
	}
}

// upsertGroup applies the server's answer for one group without a reload.
func (m *Model) upsertGroup(g api.Group) {
	groups := m.groups
	if i, ok := m.byName[g.Name]; ok {
		groups = slices.Clone(groups)
		groups[i] = g
	} else {
		groups = append(slices.Clone(groups), g)
	}
	m.setGroups(groups)
}

func (m *Model) removeGroup(name string) {
	i, ok := m.byName[name]
	if !ok {
		return
	}
	groups := slices.Delete(slices.Clone(m.groups), i, i+1)
	m.dbs = maps.Clone(m.dbs) // maybe shared with other dashboards
	delete(m.dbs, name)
	m.setGroups(groups)
}

// startOp runs fn as a command, with a spinner line in the footer until
// its result arrives as an opDoneMsg. fs is the form to reopen if it fails.
func (m *Model) startOp(label string, kind *action, group string, fs *formState, fn opFunc) tea.Cmd {
	if cmd, busy := m.refuseInFlight(kind, group); busy {
		return cmd
	}
	m.ops.inFlight[opKey{m.sess.gen, kind, group}] = label
	m.ops.nextOp++
	id, gen, ctx := m.ops.nextOp, m.sess.gen, m.sess.ctx
	shared, client, onChange, log := m.opts.Cache, m.sess.client, m.opts.OnChange, m.log
	m.ops.pending[id] = label
	return tea.Batch(m.footer.spinner.Tick, func() tea.Msg {
		r := opDoneMsg{id: id, gen: gen, org: client.Org(), kind: kind, group: group, retry: fs}
		func() {
			defer onPanic(client, func(err error) { r.err = err })
			fn(ctx, &r)
		}()
		shared.Changed(client, kind.invalidates)
		reportChange(onChange, log, kind, label, r.err)
		return r
	})
}

// refuseInFlight says so, and reports true, when a change of kind for
// group is in flight already: sent again, it would do the same twice (or,
// for a toggle, undo itself once both arrive).
func (m *Model) refuseInFlight(kind *action, group string) (tea.Cmd, bool) {
	label, busy := m.ops.inFlight[opKey{m.sess.gen, kind, group}]
	if !busy {
		return nil, false
	}
	return m.showToast(toastInfo, text.Sanitize(label)+" is still in progress; not sent again."), true
}

// onOpDone applies a mutation's result to the list and detail from the
// server's answer, or shows why it failed and reopens its form.
func (m *Model) onOpDone(r opDoneMsg) (cmd tea.Cmd) {
	m.dropPending(r.id)
	delete(m.ops.inFlight, opKey{r.gen, r.kind, r.group})
	if m.sess.quitting {
		return nil
	}
	if m.all.on && r.kind.invalidates != 0 {
		// The view lists what the change touched: the organization it
		// was made in, once the session has left it, and every other
		// for a change of more than one (a transfer).
		var reload tea.Cmd
		switch {
		case r.kind.invalidates&cache.EveryOrg != 0:
			reload = m.reloadOrgs()
		case r.gen != m.sess.gen:
			reload = m.reloadOrgs(r.org)
		}
		defer func() { cmd = tea.Batch(cmd, reload) }()
	}
	if r.gen != m.sess.gen {
		// The organization changed meanwhile: this result is about the
		// previous one, so it only gets a line in the footer.
		if r.err != nil {
			return m.showToast(toastError, m.describe(r.err))
		}
		return nil
	}
	if r.err != nil {
		cmd := m.opFailed(r)
		if api.IsNotFound(r.err) && r.kind.needsGroup && !r.kind.ownNotFound {
			// opFailed dropped the group, which is gone: see resync.
			return tea.Batch(append(m.resync(), cmd)...)
		}
		return cmd
	}
	if r.kind.invalidates != 0 {
		// The list changes, from the server's answer: a load in flight
		// may predate it.
		defer func() { cmd = tea.Batch(append(m.resync(), cmd)...) }()
	}
	return r.kind.done(m, r)
}

// resync replaces a load in flight once the list has changed from a
// mutation's answer. That load may have been answered before the change
// was made: arriving after it, it would put the old state back on screen
// (a deleted group listed again, protection shown off while it is on, so
// that p would not do what its label says) until the next refresh. The new
// load is sent after the change, and the old one's answer is dropped.
func (m *Model) resync() []tea.Cmd {
	if !m.load.loading && !m.dbsLoading {
		return nil
	}
	return m.reload()
}

// opFailed reports a failed mutation. Its form, if it had one, opens again
// with everything the user typed and the error above it, unless the user
// has meanwhile opened another.
func (m *Model) opFailed(r opDoneMsg) tea.Cmd {
	msg := m.describe(r.err)
	if f := r.kind.failText; f != nil {
		if s := f(r); s != "" {
			msg = s
		}
	}
	if api.IsNotFound(r.err) && r.kind.needsGroup && !r.kind.ownNotFound {
		// The group is gone: drop it rather than keep offering actions.
		m.leaveGroup(r.group)
	}
	reopen := r.retry != nil && m.focus.form() == nil && m.focus.tokenDialog() == nil && !errors.Is(r.err, context.Canceled) &&
		(!r.retry.kind.needsGroup || m.hasGroup(r.retry.group))
	if outcomeUnknown(r.err) {
		msg += " " + m.checkFirst(r.kind, reopen)
	}
	if reopen {
		fs := *r.retry
		fs.err = msg
		// The form shows its error above it, and the error goes with the
		// form: in the footer it would outlive it, cut, in the next one.
		if cmd := m.openForm(&fs); m.focus.form() != nil {
			return cmd
		}
	}
	return m.showToast(toastError, msg)
}

func (m *Model) hasGroup(name string) bool { _, ok := m.byName[name]; return ok }

func (m *Model) selectGroup(name string) { m.list.selectName(name) }

// switchOrg points the dashboard at another organization. Results still
// in flight for the old one are dropped when they arrive (gen changes).
func (m *Model) switchOrg(slug string) tea.Cmd {
	if slug == m.sess.client.Org() {
		return nil
	}
	m.detachSession()
	m.sess.client = m.sess.client.WithOrg(slug)
	m.sess.gen++
	m.groups, m.byName, m.dbs, m.dbsKnown = nil, map[string]int{}, map[string][]api.Database{}, false
	m.load.loaded, m.load.cached, m.load.loadErr, m.load.stale = false, false, nil, nil
	m.screen = screenList
	m.list.query = ""
	m.list.filter.SetValue("")
	// The sorted order holds indices into the old groups: drop it too,
	// or the list would point past the (now empty) groups.
	m.list.resort()
	m.list.refilter("")
	m.focus.drafts = nil // about the previous organization
	m.list.marks.clear() // a name is a group only in its organization
	m.resetWaits()
	m.resetUsage(false)
	m.plan, m.load.planAsked = nil, false
	cmds := append(m.reload(), m.loadCached(), m.footer.spinner.Tick, m.showToast(toastInfo, "Switched to "+text.Sanitize(slug)+"."))
	if m.opts.Refresh > 0 {
		cmds = append(cmds, refreshAfter(m.sess.gen, m.opts.Refresh))
	}
	m.loadedAt, m.fresh = time.Time{}, ""
	cmds = append(cmds, freshAfter(m.sess.gen))
	return tea.Batch(cmds...)
}
