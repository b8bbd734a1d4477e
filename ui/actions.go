package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
)

// actions is the registry: every action of the dashboard, in the order
// the help, the footer and the detail's action list show them. Each is
// defined in its own file, action_<name>.go.
var actions = []*action{
	actCreate,
	actAddLocation,
	actRemoveLocation,
	actProtect,
	actToken,
	actRotate,
	actTransfer,
	actUnarchive,
	actUpdate,
	actDelete,
	actRename,
	actCreateDatabase,
	actDeleteDatabase,
	actYank,
	actSwitchOrg,
	actActivity,
}

// action is everything the dashboard knows of one action, so that adding
// one is one file and one line of the registry: the key routing, the
// help, the footer, the detail's action list, read-only mode, the
// in-flight guard and the cache all read it from here.
//
// The functions must not refer to the registry or to an action variable
// (Go would see an initialization cycle): the action at hand is fs.kind
// or r.kind.
type action struct {
	// name is the action's name where a config file rebinds keys (keys.Actions).
	name string
	// binding is its key in the key map (rebindable in the config file).
	binding func(k *keys.KeyMap) *key.Binding
	// more are keys the action owns besides its own, shown after it in
	// the help and disabled with it in a read-only dashboard (the token
	// dialog's copy key: no token can be created, so there is none to
	// copy).
	more func(k *keys.KeyMap) []*key.Binding
	// mutation marks a change: refused in a read-only dashboard, and
	// guarded against being sent twice for the same group.
	mutation bool
	// needsGroup: it acts on the selected group.
	needsGroup bool
	// ownNotFound: a "not found" answer is about what the action acts on
	// inside the group (a database), not the group, which stays listed.
	ownNotFound bool
	// dbAction: it acts on the detail's databases, and the detail's
	// footer shows it while they have the focus, when the group's own
	// actions are left to the detail's action list and the help.
	dbAction bool
	// anytime: its key works before the groups have loaded, and whatever
	// screen is open (switching organization after a failed load).
	anytime bool
	// orgs: the organizations are fetched before it starts.
	orgs bool
	// footer is where its key is shown in the footer's short help.
	footer footerPlace
	// detail is how the detail's action list names it for g: "" leaves it
	// out. nil lists it always, as its key's help says.
	detail func(g api.Group) string
	// applies says why it does not apply (nil when it does), checked when
	// its key is pressed, before any form opens. g is the zero Group for
	// an action that needs none.
	applies func(m *Model, g api.Group) *refusal
	// init sets the form's first values.
	init func(m *Model, fs *formState, g api.Group)
	// title is its form's title; form builds the form's groups, or says
	// why there is nothing to choose from. nil: no form, do runs at once.
	title string
	form  func(m *Model, fs *formState, g api.Group) (groups []*huh.Group, whyNot string)
	// do is what the completed form (or the key) does: usually an API
	// call through m.startOp, whose answer comes back to done.
	do func(m *Model, fs *formState) tea.Cmd
	// done applies a successful answer to the data and says so.
	done func(m *Model, r opDoneMsg) tea.Cmd
	// failText, when set and not "", replaces the usual words for a failure.
	failText func(r opDoneMsg) string
	// unknown says that the change may or may not have been made, when
	// the request failed in a way that does not tell. safeAgain: unknown
	// already says that trying again is harmless, so no advice to look
	// at the list first is added.
	unknown   string
	safeAgain bool
	// invalidates is what its request (answered or not) may change of
	// what the shared cache holds and the load in flight will show.
	invalidates cache.Touch
	// bulk, when set, is how it applies to the groups marked in the
	// list (action_bulk.go): with marks, its key acts on them.
	bulk *bulkOp
}

// footerPlace is a set of the footer's short helps.
type footerPlace uint8

const (
	onList      footerPlace = 1 << iota // the group list
	onDetail                            // a group's detail
	onNotLoaded                         // before the groups have loaded
)

// refusal is why an action does not apply: a line in the footer, or a
// notice to read and close when title is set.
type refusal struct {
	kind        toastKind
	text, title string
}

// refuse shows why an action does not apply.
func (m *Model) refuse(r *refusal) tea.Cmd {
	if r.title != "" {
		m.focus.push(newNotice(m.common, r.title, r.text))
		return nil
	}
	return m.showToast(r.kind, r.text)
}

// key is a's binding in m's key map.
func (m *Model) key(a *action) *key.Binding { return a.binding(&m.keys) }

// actionAt is the action bound to msg among those for which pick is true.
func (m *Model) actionAt(msg tea.KeyMsg, pick func(a *action) bool) (*action, bool) {
	for _, a := range actions {
		if pick(a) && key.Matches(msg, *m.key(a)) {
			return a, true
		}
	}
	return nil, false
}

// mutationBindings are the keys of every change.
func (m *Model) mutationBindings() []*key.Binding {
	var bs []*key.Binding
	for _, a := range actions {
		if a.mutation {
			bs = append(bs, m.key(a))
		}
	}
	return bs
}

// actionBindings are the keys of the actions for which pick is true, each
// followed by the keys it owns, in the registry's order.
func (m *Model) actionBindings(pick func(a *action) bool) []key.Binding {
	var bs []key.Binding
	for _, a := range actions {
		if !pick(a) {
			continue
		}
		bs = append(bs, *m.key(a))
		if a.more != nil {
			for _, b := range a.more(&m.keys) {
				bs = append(bs, *b)
			}
		}
	}
	return bs
}

// footerBindings are the keys of the actions shown in the footer at p.
// Under a group's detail, an action its detail func leaves out of the
// action list (nothing to offer for that group) is left out here too.
func (m *Model) footerBindings(p footerPlace) []key.Binding {
	g, detailed := api.Group{}, false
	if p == onDetail {
		g, detailed = m.groupByName(m.detail.name)
	}
	var bs []key.Binding
	for _, a := range actions {
		if a.footer&p == 0 || detailed && a.detail != nil && a.detail(g) == "" {
			continue
		}
		if p == onDetail && a.dbAction != m.detail.dbSel.focus {
			continue
		}
		bs = append(bs, *m.key(a))
	}
	return bs
}

// actionsFor lists the actions of the detail view for g, with their keys.
func (m *Model) actionsFor(g api.Group) []string {
	var out []string
	for _, a := range actions {
		if !a.needsGroup {
			continue
		}
		b := m.key(a)
		desc := b.Help().Desc
		if a.detail != nil {
			desc = a.detail(g)
		}
		if desc != "" {
			out = append(out, b.Help().Key+" "+desc)
		}
	}
	return out
}

// start begins action a from its key: on the selected group if it needs
// one, once the organizations are in if it needs them; then, unless a
// change of the kind is in flight for the group or the action does not
// apply, its form opens, or it runs at once if it has none.
func (m *Model) start(a *action) tea.Cmd {
	if a.bulk != nil && m.screen == screenList && !m.all.on && m.list.marks.len() > 0 {
		return m.startBulk(a)
	}
	return m.startWith(a, nil, false)
}

// startWith is start for the command line: fill, when not nil, sets the
// form's values from the command's arguments after init; direct then
// runs the action at once with them, as its completed form would,
// rather than open the form. The checks are the key's.
func (m *Model) startWith(a *action, fill func(fs *formState), direct bool) tea.Cmd {
	var g api.Group
	if a.needsGroup {
		var ok bool
		if g, ok = m.selected(); !ok {
			return nil
		}
	}
	if a.orgs && m.orgs == nil {
		m.ops.pending[-1] = "Loading your organizations"
		return tea.Batch(loadOrgsCmd(m.sess.ctx, m.sess.client, a), m.footer.spinner.Tick)
	}
	if a.mutation && a.needsGroup {
		if cmd, busy := m.refuseInFlight(a, g.Name); busy {
			// Said before the form is filled in for nothing.
			return cmd
		}
	}
	if a.applies != nil {
		if r := a.applies(m, g); r != nil {
			return m.refuse(r)
		}
	}
	fs := &formState{kind: a, group: g.Name, values: &formValues{}}
	if a.init != nil {
		a.init(m, fs, g)
	}
	if fill != nil {
		fill(fs)
	}
	if a.form == nil || direct {
		return a.do(m, fs)
	}
	return m.openForm(fs)
}

// applyAnswer puts the server's answer for a group in the list, but only
// while the group is listed: one deleted or transferred since the change
// was sent must not come back with its answer.
func (m *Model) applyAnswer(g api.Group) {
	if g.Name != "" && m.hasGroup(g.Name) {
		m.upsertGroup(g)
	}
}

// leaveGroup drops a group that is gone from the organization, and its
// detail if it is open.
func (m *Model) leaveGroup(name string) {
	m.removeGroup(name)
	if m.screen == screenDetail && m.detail.name == name {
		m.screen = screenList
	}
}

// opFunc is an action's API call, run off the update loop; it writes the
// answer into r.
type opFunc func(ctx context.Context, r *opDoneMsg)
