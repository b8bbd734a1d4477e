package ui

import (
	"context"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// What the root does for the list of every organization (allorgs.go):
// opening and closing it, its loads, keeping the session's slot in step
// with the session, and an action on a row of another organization.

// allOrgsListedMsg carries the organizations, for the view opened as
// generation gen.
type allOrgsListedMsg struct {
	gen  int
	orgs []api.Organization
	err  error
}

// orgGroupsMsg carries one organization's groups, for the view opened as
// generation gen; each organization's load answers with its own, so that
// a slow or failing one holds back no other.
type orgGroupsMsg struct {
	gen  int
	org  string
	data *cache.GroupList
}

// listOrgsCmd fetches the organizations for the view.
func listOrgsCmd(ctx context.Context, c *api.Client, gen int) tea.Cmd {
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = allOrgsListedMsg{gen: gen, err: err} })
		orgs, err := c.ListOrganizations(ctx)
		return allOrgsListedMsg{gen: gen, orgs: orgs, err: err}
	}
}

// loadOrgGroupsCmd fetches the groups of org with the session's token,
// through the shared cache as the session's own loads go.
func loadOrgGroupsCmd(ctx context.Context, c *api.Client, shared *cache.Cache, org string, gen int) tea.Cmd {
	c = c.WithOrg(org)
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = orgGroupsMsg{gen: gen, org: org, data: &cache.GroupList{Err: err}} })
		return orgGroupsMsg{gen: gen, org: org, data: shared.Groups(ctx, c)}
	}
}

// sessionSlug is the slug of the session's organization: the client's,
// or, for a client without one (the user's own groups), the personal
// organization's once the organizations are known.
func (m *Model) sessionSlug() string {
	if o := m.sess.client.Org(); o != "" {
		return o
	}
	if i := slices.IndexFunc(m.orgs, api.Organization.Personal); i >= 0 {
		return m.orgs[i].Slug
	}
	return ""
}

// allOrgsOn reports whether the list of every organization is what the
// list screen shows.
func (m *Model) allOrgsOn() bool { return m.all.on && m.screen == screenList }

// toggleAllOrgs opens the list of every organization, or goes back to the
// single list.
func (m *Model) toggleAllOrgs() tea.Cmd {
	if m.all.on {
		return m.closeAllOrgs()
	}
	return m.openAllOrgs()
}

// openAllOrgs shows every organization's groups: the organizations are
// fetched when not known yet, then each organization's groups but the
// session's (which are the session's own load) in a command of its own.
func (m *Model) openAllOrgs() tea.Cmd {
	a := &m.all
	a.on, a.gen = true, a.gen+1
	a.slots, a.session, a.listErr, a.seen = nil, -1, "", nil
	a.query, a.filtering, a.cursor, a.offset = "", false, 0, 0
	a.filter.SetValue("")
	m.screen = screenList
	if m.orgs == nil {
		a.listing = true
		a.rebuild()
		return listOrgsCmd(m.sess.ctx, m.sess.client, a.gen)
	}
	return m.loadAllOrgs()
}

// loadAllOrgs makes a slot per organization and loads each but the
// session's.
func (m *Model) loadAllOrgs() tea.Cmd {
	a := &m.all
	a.listing = false
	session := m.sessionSlug()
	a.slots = make([]*orgSlot, 0, len(m.orgs)+1)
	// In the order of their slugs, which the rows' sort relies on.
	orgs := slices.SortedFunc(slices.Values(m.orgs), func(a, b api.Organization) int { return strings.Compare(a.Slug, b.Slug) })
	var cmds []tea.Cmd
	for _, o := range orgs {
		s := &orgSlot{slug: o.Slug, data: newDataset(), loading: true}
		if o.Slug == session {
			s.data = m.dataset
		} else {
			cmds = append(cmds, loadOrgGroupsCmd(m.sess.ctx, m.sess.client, m.opts.Cache, o.Slug, a.gen))
		}
		a.slots = append(a.slots, s)
	}
	if session != "" && a.slotOf(session) < 0 {
		// An organization the list left out (a token scoped to it):
		// the session's groups are still shown.
		a.slots = append(a.slots, &orgSlot{slug: session, data: m.dataset})
		slices.SortFunc(a.slots, func(a, b *orgSlot) int { return strings.Compare(a.slug, b.slug) })
	}
	a.seen = nil
	m.syncAllOrgs(true)
	// The cursor starts where the single list's was.
	a.refilter(session, m.currentName())
	return tea.Batch(append(cmds, m.footer.spinner.Tick)...)
}

// closeAllOrgs goes back to the single list, on the group under the
// cursor: in its organization, which becomes the session's if it is
// another, and with the single list's filter cleared if it hides it.
func (m *Model) closeAllOrgs() tea.Cmd {
	a := &m.all
	org, name := a.currentKey()
	var cmd tea.Cmd
	if name != "" && org != m.sessionSlug() {
		cmd = m.switchOrgSeeded(org)
	}
	m.leaveAllOrgs()
	m.screen = screenList
	if name == "" || !m.hasGroup(name) {
		return cmd
	}
	if m.list.selectName(name); m.currentName() != name {
		m.list.setQuery("")
		m.list.selectName(name)
	}
	return cmd
}

// leaveAllOrgs turns the view off where it is: the single list of the
// session's organization, as it was.
func (m *Model) leaveAllOrgs() {
	a := &m.all
	a.on, a.filtering = false, false
	a.filter.Blur()
	a.slots, a.rows, a.visible, a.search, a.seen = nil, nil, nil, nil, nil
}

// openFromAllOrgs opens the detail of the group under the cursor, in its
// organization, which becomes the session's if it is another; back
// returns to the view.
func (m *Model) openFromAllOrgs() tea.Cmd {
	r, ok := m.all.current()
	if !ok {
		return nil
	}
	var cmd tea.Cmd
	if org := m.all.slots[r.slot].slug; org != m.sessionSlug() {
		cmd = m.switchOrgSeeded(org)
	}
	if g, ok := m.selectedInAllOrgs(); ok {
		m.screen = screenDetail
		m.detail.Open(g.Name)
	}
	return cmd
}

// focusInAllOrgs puts the view's cursor on the session's group name (a
// command's argument), clearing the view's filter if it hides it; false
// when the view does not list it.
func (m *Model) focusInAllOrgs(name string) bool {
	org := m.sessionSlug()
	if m.all.selectKey(org, name) {
		return true
	}
	m.all.setQuery("")
	return m.all.selectKey(org, name)
}

// switchOrgSeeded makes org the session's organization with the groups
// the view loaded of it, so that the list (and an action on one of them)
// waits for nothing; the switch's own load then brings them up to date
// with their databases.
func (m *Model) switchOrgSeeded(org string) tea.Cmd {
	if org == m.sess.client.Org() {
		return nil
	}
	i := m.all.slotOf(org)
	// Only groups the view loaded: not the session's own dataset, which
	// the switch empties, nor a slot still loading or failed.
	seeded := i >= 0 && m.all.slots[i].data != m.dataset && !m.all.slots[i].loading && m.all.slots[i].errText == ""
	var seed []api.Group
	if seeded {
		seed = m.all.slots[i].data.groups
	}
	cmd := m.switchOrg(org)
	if seeded {
		m.load.loaded = true
		m.loadedAt = m.now()
		m.setGroups(seed)
	}
	m.syncAllOrgs(false)
	return cmd
}

// detachSession keeps, in the view, the groups of the session's
// organization as they are when the session leaves it (switchOrg): the
// slot gets a dataset of its own, as another organization's is.
func (m *Model) detachSession() {
	a := &m.all
	if !a.on || a.session < 0 || a.session >= len(a.slots) {
		return
	}
	s := a.slots[a.session]
	if s.data != m.dataset {
		return
	}
	// The switch replaces these rather than changes them, so the slot
	// may keep them.
	d := newDataset()
	d.groups, d.byName, d.locNames = m.groups, m.byName, m.locNames
	s.data, a.session = d, -1
	a.seen = nil
}

// syncAllOrgs keeps the session's slot in step with the session: its
// dataset, whether it is loading or failed, and its groups, whose new
// slice (a load, an action's answer) builds the rows again. force builds
// them anyway. Cheap when nothing changed: it runs after every message.
func (m *Model) syncAllOrgs(force bool) {
	a := &m.all
	if !a.on || a.listing {
		return
	}
	changed := force
	if i := a.slotOf(m.sessionSlug()); i >= 0 {
		s := a.slots[i]
		errText := ""
		if !m.load.loaded && m.load.loadErr != nil {
			errText = m.describe(m.load.loadErr)
		}
		loading := !m.load.loaded && m.load.loadErr == nil
		if s.data != m.dataset || a.session != i || s.loading != loading || s.errText != errText {
			s.data, a.session, s.loading, s.errText = m.dataset, i, loading, errText
			changed = true
		}
	}
	if !sameGroups(a.seen, m.groups) || a.seenLocs != len(m.locNames) {
		a.seen, a.seenLocs, a.locNames = m.groups, len(m.locNames), m.locNames
		changed = true
	}
	if changed {
		a.rebuild()
	}
}

// sameGroups reports whether a and b are the same slice (not equal ones):
// the dataset's groups are replaced, never changed in place.
func sameGroups(a, b []api.Group) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// onAllOrgsListed makes the view's slots once the organizations are in.
func (m *Model) onAllOrgsListed(msg allOrgsListedMsg) tea.Cmd {
	if msg.gen != m.all.gen || !m.all.on {
		return nil
	}
	if msg.err != nil {
		m.all.listing, m.all.listErr = false, "Could not load your organizations: "+m.describe(msg.err)
		return nil
	}
	m.orgs = msg.orgs
	return m.loadAllOrgs()
}

// onOrgGroups puts one organization's groups in the view, or why they
// could not be loaded (its last groups, if any, stay).
func (m *Model) onOrgGroups(msg orgGroupsMsg) tea.Cmd {
	a := &m.all
	i := a.slotOf(msg.org)
	if msg.gen != a.gen || !a.on || i < 0 || a.slots[i].data == m.dataset {
		return nil
	}
	s := a.slots[i]
	s.loading = false
	if err := msg.data.Err; err != nil {
		s.errText = m.describe(err)
	} else {
		d := newDataset()
		// Shared with other dashboards (Options.Cache): read, never changed.
		d.groups, d.byName, d.locNames = msg.data.Groups, msg.data.ByName, m.locNames
		s.data, s.errText = d, ""
	}
	a.rebuild()
	return nil
}

// reloadOrgs loads again the organizations named, or every one but the
// session's when none is: after a change that may have touched them.
func (m *Model) reloadOrgs(orgs ...string) tea.Cmd {
	a := &m.all
	if !a.on {
		return nil
	}
	var cmds []tea.Cmd
	for _, s := range a.slots {
		if s.data == m.dataset || len(orgs) > 0 && !slices.Contains(orgs, s.slug) {
			continue
		}
		s.loading = true
		cmds = append(cmds, loadOrgGroupsCmd(m.sess.ctx, m.sess.client, m.opts.Cache, s.slug, a.gen))
	}
	a.rebuild()
	return tea.Batch(cmds...)
}

// allOrgsKey handles a key while the view is shown: its own keys, the
// marks' (refused: they work in one organization at a time), enter (the
// group's detail, in the single list of its organization), refresh, and
// an action's, which acts in the row's organization. ok is false for a
// key left to the root's usual routing.
func (m *Model) allOrgsKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	a, k := &m.all, m.keys
	if cmd, ok := a.Update(msg); ok {
		return cmd, true
	}
	switch {
	case key.Matches(msg, k.Back):
		if a.query != "" {
			a.setQuery("")
		}
		return nil, true
	case key.Matches(msg, k.Mark), key.Matches(msg, k.MarkRange), key.Matches(msg, k.MarkUp),
		key.Matches(msg, k.MarkDown), key.Matches(msg, k.MarkAll):
		return m.showToast(toastInfo, "Marks work in one organization at a time: press "+k.AllOrgs.Help().Key+" for the list of one."), true
	case key.Matches(msg, k.Open):
		if s, ok := a.current(); ok && (a.slots[s.slot].loading || a.slots[s.slot].errText != "") {
			return m.showToast(toastInfo, "The groups of "+text.Sanitize(a.slots[s.slot].slug)+" are not loaded."), true
		}
		return m.openFromAllOrgs(), true
	case key.Matches(msg, k.Refresh):
		if a.listing {
			return nil, true
		}
		if a.listErr != "" || len(a.slots) == 0 {
			return m.openAllOrgs(), true
		}
		cmds := []tea.Cmd{m.reloadOrgs(), m.footer.spinner.Tick}
		if !m.load.loading {
			cmds = append(cmds, m.reload()...)
		}
		return tea.Batch(cmds...), true
	}
	act, ok := m.actionAt(msg, func(a *action) bool { return !a.anytime })
	if !ok {
		return nil, false
	}
	// An action acts in the organization of the row under the cursor:
	// that organization becomes the session's first.
	r, ok := a.current()
	if !ok {
		return nil, true
	}
	var switched tea.Cmd
	if org := a.slots[r.slot].slug; org != m.sessionSlug() {
		if s := a.slots[r.slot]; s.loading || s.errText != "" {
			return m.showToast(toastInfo, "The groups of "+text.Sanitize(org)+" are not loaded."), true
		}
		switched = m.switchOrgSeeded(org)
	}
	return tea.Batch(switched, m.start(act)), true
}

// selectedInAllOrgs is the group under the view's cursor, when it is of
// the session's organization (an action's key makes it so first).
func (m *Model) selectedInAllOrgs() (api.Group, bool) {
	r, ok := m.all.current()
	if !ok || m.all.slots[r.slot].data != m.dataset {
		return api.Group{}, false
	}
	// The rows are built again after the message (syncAllOrgs): within
	// one, an answer may have changed the session's groups under them.
	if groups := m.dataset.groups; r.idx < len(groups) && groups[r.idx].Name == r.name {
		return groups[r.idx], true
	}
	if i, ok := m.byName[r.name]; ok {
		return m.groups[i], true
	}
	return api.Group{}, false
}

// allOrgsMouse handles a press in the view at body row by: the wheel
// moves the cursor, a click puts it on a row.
func (m *Model) allOrgsMouse(msg tea.MouseMsg, by int) tea.Cmd {
	a := &m.all
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		a.move(-wheelRows)
	case tea.MouseButtonWheelDown:
		a.move(wheelRows)
	case tea.MouseButtonLeft:
		// The summary, the notes and the column header are above the rows.
		if row := by - 2 - a.noteLines(); row >= 0 && a.offset+row < len(a.visible) && len(a.slots) > 0 {
			a.cursor = a.offset + row
			a.clamp()
		}
	}
	return nil
}
