package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/styles"
)

// health is a group's status as the STATUS column says it: the turso
// CLI's aggregateGroupStatus, plus Provisioning while a location is not
// ready. Its order is how much it asks for attention, least first; the
// status sort puts the most first.
type health int

const (
	healthHealthy health = iota
	healthArchived
	healthProvisioning
	healthDegraded
	healthUnhealthy
)

func (h health) String() string {
	return [...]string{"Healthy", "Archived", "Provisioning", "Degraded", "Unhealthy"}[h]
}

// healthStyle is the colour of h from the adaptive palette: well, needs a
// look, needs action, asleep.
func healthStyle(st styles.Styles, h health) lipgloss.Style {
	switch h {
	case healthHealthy:
		return st.Success
	case healthProvisioning, healthDegraded:
		return st.Warning
	case healthUnhealthy:
		return st.Error
	}
	return st.Muted
}

// Location statuses of status.locations[].status. The CLI acts on "down"
// alone; "provisioning" is what the local API reports for a location that
// is not ready yet, the real API's word for it not being documented.
const (
	locDown         = "down"
	locProvisioning = "provisioning"
)

// provision is a location of a group that the dashboard waits on (the
// wait route, as the CLI's --wait), or has seen become ready.
type provision struct {
	// id tells this wait's answer from an earlier one's for the same
	// location.
	id      int
	started time.Time
	// ready: the wait answered; took is how long it took from started.
	ready bool
	took  time.Duration
	// readySeq is the load sequence when it became ready: a load sent
	// before then may still say "provisioning", and is not believed.
	readySeq int
	// err is why the wait failed; the location's state is then the
	// server's.
	err error
	// label is what the detail says of it ("⠋ provisioning 2s", "ready
	// in 1.5s"), kept by relayout so that View reads no clock.
	label string
}

// waiting reports whether the dashboard is still waiting on p.
func (p *provision) waiting() bool { return p != nil && !p.ready && p.err == nil }

// provisioning reports whether location l of g is being provisioned: the
// dashboard waits on it, or the server says so and no wait has since
// seen it ready.
func (d *dataset) provisioning(g *api.Group, l string) bool {
	p := d.prov[g.Name][l]
	if p.waiting() {
		return true
	}
	if p != nil && p.ready {
		return false
	}
	return locationStatus(*g, l) == locProvisioning
}

// health aggregates g's locations as the CLI does: Archived if archived;
// else Unhealthy if the primary is down, Degraded if another location is;
// else Provisioning if a location is not ready yet; else Healthy.
func (d *dataset) health(g *api.Group) health {
	// The CLI's words first, by the one rule api.Group.Health keeps (the
	// scripting commands print it too); then what only a live screen
	// knows: a location still being provisioned.
	switch g.Health() {
	case api.HealthArchived:
		return healthArchived
	case api.HealthUnhealthy:
		return healthUnhealthy
	case api.HealthDegraded:
		return healthDegraded
	}
	for _, l := range groupLocations(g) {
		if d.provisioning(g, l) {
			return healthProvisioning
		}
	}
	return healthHealthy
}

// groupLocations are g's locations, the primary alone when the API
// leaves out the deprecated list.
func groupLocations(g *api.Group) []string {
	if len(g.Locations) == 0 && g.Primary != "" {
		return []string{g.Primary}
	}
	return g.Locations
}

// locationsWhere are g's locations for which pick is true.
func locationsWhere(g *api.Group, pick func(l string) bool) []string {
	var out []string
	for _, l := range groupLocations(g) {
		if pick(l) {
			out = append(out, l)
		}
	}
	return out
}

// waitDoneMsg is the answer of the wait route for a location.
type waitDoneMsg struct {
	gen, id    int
	group, loc string
	err        error
}

// maxAutoWaits bounds the waits started for locations the server reports
// as provisioning (created elsewhere): each holds a request open.
// Those beyond it show the server's word, and are waited on after a later
// refresh.
const maxAutoWaits = 16

// provState is the root's bookkeeping of the waits: their context, which
// an organization switch cancels (quitting cancels its parent), and the
// ids that tell answers apart.
type provState struct {
	ctx    context.Context
	cancel context.CancelFunc
	nextID int
}

// resetWaits cancels every wait and starts a new context for the next
// ones, under the session's.
func (m *Model) resetWaits() {
	if m.prov.cancel != nil {
		m.prov.cancel()
	}
	m.prov.ctx, m.prov.cancel = context.WithCancel(m.sess.ctx)
	m.dataset.prov = map[string]map[string]*provision{}
}

// waiting is how many locations the dashboard is waiting on.
func (m *Model) waiting() int {
	n := 0
	for _, locs := range m.dataset.prov {
		for _, p := range locs {
			if p.waiting() {
				n++
			}
		}
	}
	return n
}

// watch waits on locations of group until each is ready: a command per
// location, whose answer is a waitDoneMsg. A location already waited on
// is left to its wait.
func (m *Model) watch(group string, locs ...string) tea.Cmd {
	var cmds []tea.Cmd
	for _, l := range locs {
		if cmd := m.startWait(group, l); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	if len(cmds) == 0 {
		return nil
	}
	m.provChanged()
	return tea.Batch(append(cmds, m.footer.spinner.Tick)...)
}

func (m *Model) startWait(group, loc string) tea.Cmd {
	byLoc := m.dataset.prov[group]
	if byLoc[loc].waiting() {
		return nil
	}
	if byLoc == nil {
		byLoc = map[string]*provision{}
		m.dataset.prov[group] = byLoc
	}
	m.prov.nextID++
	id, gen, ctx, c := m.prov.nextID, m.sess.gen, m.prov.ctx, m.sess.client
	byLoc[loc] = &provision{id: id, started: m.now()}
	return func() (msg tea.Msg) {
		defer onPanic(c, func(err error) { msg = waitDoneMsg{gen: gen, id: id, group: group, loc: loc, err: err} })
		return waitDoneMsg{gen: gen, id: id, group: group, loc: loc, err: c.WaitLocation(ctx, group, loc)}
	}
}

// onWaitDone marks the location ready, or says why the wait failed. A
// location or group gone meanwhile (404) is forgotten: the list says so.
func (m *Model) onWaitDone(msg waitDoneMsg) tea.Cmd {
	if msg.gen != m.sess.gen || m.sess.quitting {
		return nil
	}
	p := m.dataset.prov[msg.group][msg.loc]
	if p == nil || p.id != msg.id {
		return nil
	}
	switch {
	case msg.err == nil:
		p.ready, p.took, p.readySeq = true, m.now().Sub(p.started), m.load.loadSeq
	case api.IsNotFound(msg.err) || errors.Is(msg.err, context.Canceled):
		delete(m.dataset.prov[msg.group], msg.loc)
	default:
		p.err = msg.err
	}
	m.provChanged()
	return nil
}

// provChanged brings the list up to date with a change of provisioning:
// the status words it filters and sorts on.
func (m *Model) provChanged() {
	keep := m.currentName()
	// A provisioning group's STATUS is wider, and the filter's text holds
	// the status.
	m.list.dataChanged()
	if m.list.sort == sortStatus {
		m.list.resort()
	}
	m.list.refilter(keep)
}

// syncProvisioning follows a load: waits on the locations it reports as
// provisioning that are not waited on yet (created elsewhere, or by a
// dashboard that has since quit), up to maxAutoWaits at a time, and
// forgets what it no longer lists. A ready location that a load sent after
// it became ready still reports provisioning is provisioning again.
func (m *Model) syncProvisioning(seq int) tea.Cmd {
	m.pruneProvisioning()
	room := maxAutoWaits - m.waiting()
	var cmds []tea.Cmd
	for i := range m.groups {
		g := &m.groups[i]
		if g.Status == nil || g.Archived {
			continue
		}
		for _, ls := range g.Status.Locations {
			p := m.dataset.prov[g.Name][ls.Name]
			if ls.Status != locProvisioning {
				if p != nil && p.ready && seq > p.readySeq {
					// The server agrees now: nothing left to say.
					delete(m.dataset.prov[g.Name], ls.Name)
				}
				continue
			}
			if p.waiting() || p != nil && p.ready && seq <= p.readySeq || room <= 0 {
				continue
			}
			if cmd := m.startWait(g.Name, ls.Name); cmd != nil {
				cmds = append(cmds, cmd)
				room--
			}
		}
	}
	if len(cmds) == 0 {
		return nil
	}
	m.provChanged()
	return tea.Batch(append(cmds, m.footer.spinner.Tick)...)
}

// pruneProvisioning forgets the locations of groups no longer listed, and
// those no longer in their group: their waits answer 404, and a location
// of the same name added again is new.
func (m *Model) pruneProvisioning() {
	for name, locs := range m.dataset.prov {
		i, ok := m.byName[name]
		if !ok {
			delete(m.dataset.prov, name)
			continue
		}
		g := &m.groups[i]
		for l := range locs {
			if !g.HasLocation(l) {
				delete(locs, l)
			}
		}
		if len(locs) == 0 {
			delete(m.dataset.prov, name)
		}
	}
}

// provLabels brings the words of the provisioning locations up to date:
// the time they have taken, the spinner's frame. Work proportional to the
// locations waited on, done in relayout.
func (m *Model) provLabels() {
	// Unstyled: the status's own colour goes round it.
	frame := ansi.Strip(m.footer.spinner.View())
	if len(m.dataset.prov) == 0 {
		// Nothing waited on: the clock is not asked on every message.
		m.dataset.spinFrame = frame
		return
	}
	now := m.now()
	for _, locs := range m.dataset.prov {
		for _, p := range locs {
			switch {
			case p.ready:
				p.label = "ready in " + shortDuration(p.took)
			case p.err != nil:
				p.label = "could not wait: " + m.describe(p.err)
			default:
				p.label = frame + " provisioning " + shortDuration(now.Sub(p.started))
			}
		}
	}
	m.dataset.spinFrame = frame
	m.dataset.provNow = now
}

// shortDuration is d in the fewest characters that still say it: "0.4s",
// "12s", "3m", "2h".
func shortDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh", int(d.Hours()))
}

// statusCell is the STATUS column of g: the word, and while provisioning
// the spinner and how long the longest wait has taken; short leaves out
// the time, for a column too narrow for it.
func (d *dataset) statusCell(g *api.Group) (h health, cell, short string) {
	h = d.health(g)
	if h != healthProvisioning {
		return h, h.String(), h.String()
	}
	d.spinDrawn = true
	short = d.spinFrame + " " + h.String()
	var since time.Time
	for _, p := range d.prov[g.Name] {
		if p.waiting() && (since.IsZero() || p.started.Before(since)) {
			since = p.started
		}
	}
	if since.IsZero() {
		return h, short, short
	}
	return h, short + " " + shortDuration(d.provNow.Sub(since)), short
}
