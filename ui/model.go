// Package ui is the turso-groups dashboard: a root Model that owns the
// data and routes keys to whatever has focus (the form host, the token
// dialog, a notice, the help, the group list or the detail) and messages
// to their owner; each of those is a component with its own state,
// Update, View and SetSize. Every API call runs as a tea.Cmd whose result
// comes back as a typed message.
package ui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
	"github.com/seed372e9e9a/turso-groups/api/listcache"
	"github.com/seed372e9e9a/turso-groups/ui/keys"
	"github.com/seed372e9e9a/turso-groups/ui/styles"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// Options configure a dashboard.
type Options struct {
	// Client talks to the API; its organization is the one shown first.
	Client *api.Client
	// APIURL is shown in the header for a remote API.
	APIURL string
	// Local marks the embedded local API: the header shows a local badge
	// and LocalHint, one line on how to use a real account.
	Local     bool
	LocalHint string
	// User is the signed-in user's name when already known (the turso
	// CLI's settings, or the local API's user); empty until the
	// organizations are fetched.
	User string
	// ReadOnly hides and refuses every mutation. ReadOnlyReason says why,
	// to a user who presses a key for one, completing "This dashboard is
	// read-only: …" ("your SSH key is read-only"); empty names the usual
	// causes.
	ReadOnly       bool
	ReadOnlyReason string
	// Renderer draws for this terminal; Palette is its colours.
	Renderer *lipgloss.Renderer
	Palette  styles.Palette
	// Keys is the key map, already rebound from the config file.
	Keys keys.KeyMap
	// Refresh reloads the list periodically; zero turns it off.
	Refresh time.Duration
	// TokenAdvice says what to do about a refused or expiring token,
	// for where this one came from ("Check the token given with
	// --token."); empty gives the usual advice.
	TokenAdvice string
	// TokenExpiry, when known from the token itself, lets the dashboard
	// warn before the first request answers; zero means unknown or never.
	TokenExpiry time.Time
	// Warnings are shown in the header for as long as the dashboard runs,
	// one line each: what the settings say the user should know (the
	// token going to an API URL set somewhere else).
	Warnings []string
	// Context bounds every request (an SSH session's context); nil means
	// background. Quitting cancels what is in flight.
	Context context.Context
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Copy writes s to the terminal's clipboard (OSC 52); nil uses the
	// renderer's output.
	Copy func(s string) error
	// Getenv reads the terminal's environment (TERM, TERM_PROGRAM, ...),
	// by which the dashboard tells whether the terminal is known to take
	// OSC 52 and so whether it may say that a token was copied. Nil knows
	// nothing: the dashboard then says to select the token with the
	// mouse. Run uses the process's environment when nil; ui/serve gives
	// the SSH session's.
	Getenv func(string) string
	// Cache shares loaded data with the other dashboards given the same
	// cache (the SSH server's sessions): concurrent loads of an
	// organization make one set of requests, a recent load is reused, and
	// all hold the same group list rather than a copy each. Nil loads
	// for this dashboard alone.
	Cache *cache.Cache
	// ListCache, when not nil, keeps the last group list seen for each
	// API URL (APIURL) and organization on disk: the dashboard draws it
	// at once when it opens (or switches to the organization), marked
	// "cached" with its age, until the live answer replaces it; a live
	// load that fails leaves it on screen marked stale. Every successful
	// load is saved, off the update loop. Nil turns this off (--no-cache,
	// and the SSH server's sessions).
	ListCache *listcache.Store
	// Logger receives what the dashboard cannot show in full: the stack
	// of an internal error it recovered from. Nil discards it.
	Logger *slog.Logger
	// OnChange is told of every change the dashboard sent that was made
	// (err nil) or may have been (err says why the answer was lost), by
	// its label ("Creating group foo"); one the API refused is not a
	// change. The SSH server logs it with the session's key: ui knows
	// nothing of keys. It runs where the request ran, off the update
	// loop, so it must be safe to call from several goroutines. Nil
	// tells no one.
	OnChange func(label string, err error)
	// Mouse has the program report clicks and the wheel to the dashboard
	// (MouseOptions): Run adds the option, ui/serve adds it to each
	// session's program. False never turns mouse reporting on, so that
	// the terminal's own text selection works.
	Mouse bool
	// AllOrgs opens the dashboard on the list of every organization's
	// groups (--all-orgs), as its key (O) does.
	AllOrgs bool
}

type screen int

const (
	screenList screen = iota
	screenDetail
)

// Model is the root model of the dashboard: a router. A key goes to the
// one component with the focus (the top of the focus stack, else the
// list's filter, the list or the detail, else the actions of the
// registry); a message goes to its owner. What it keeps besides is the
// bookkeeping that routing needs: the session, the loads and the changes
// in flight.
type Model struct {
	// common is shared with every component; embedded, so that the
	// root reads m.st, m.keys, m.width as its components do.
	*common
	opts Options
	sess session

	// dataset is the loaded data, which the components read; embedded,
	// so that the root writes m.groups as it always has.
	*dataset
	load loadState
	ops  opsState
	// bulk is the change of the marked groups in flight, or nil
	// (action_bulk.go).
	bulk *bulkRun
	prov provState
	// usage is the usage fetches' bookkeeping.
	usage usageState

	// screen is which of the list and the detail is under the overlays.
	screen screen
	list   groupList
	// all is the list of every organization's groups, shown in place of
	// list while all.on (allorgs.go).
	all    allOrgsView
	detail detailView
	focus  focusStack
	// cmd is the command line's commands and history (cmdline.go).
	cmd cmdState
	// mouse is the last click, for double clicks (mouse.go).
	mouse  mouseState
	header header
	footer statusBar

	// bodyH is the rows between the header and the footer, kept by
	// relayout.
	bodyH int
	// memo is the last header and body drawn, reused while only the
	// spinner turns.
	memo frameMemo
	// internalErr is the (redacted) message of the last panic Update or
	// View recovered from; empty when there was none.
	internalErr string
}

// session is what the dashboard talks to and for how long: the client
// (whose organization is the one shown), the context every request runs
// in, and gen, which counts organization switches so that answers about
// the previous one are dropped.
type session struct {
	client *api.Client
	ctx    context.Context
	cancel context.CancelFunc
	gen    int
	// quitting: the user quit; nothing more is drawn.
	quitting bool
}

// loadState is the root's bookkeeping of the loads, which it routes:
// the list and the detail read the data itself (dataset).
type loadState struct {
	// loading: the groups of the latest load have not arrived yet;
	// loaded: some have, once.
	loading, loaded bool
	// cached: the groups shown come from Options.ListCache, not from a
	// load of this run (loaded is true, loadedAt is when they were
	// saved); a live answer clears it.
	cached bool
	// loadErr is why the first load failed; stale, why the last refresh
	// did, while the groups of an earlier one are shown.
	loadErr, stale error
	// dbsErr holds a failed databases load until its groups are in: it is
	// told then, unless the groups failed too and say so themselves.
	dbsErr error
	// loadSeq numbers the loads, so that a superseded one is dropped.
	loadSeq int
	// userAsked: the signed-in user's name has been asked for;
	// planAsked: the plan, in this organization.
	userAsked, planAsked bool
	// locsAnswered: the locations' load has answered, well or not.
	locsAnswered bool
}

// opsState is the root's bookkeeping of the changes in flight.
type opsState struct {
	// pending holds the labels of the operations in flight, by id
	// (nextOp is the last id given), for the footer.
	pending map[int]string
	nextOp  int
	// inFlight holds the changes sent and not answered yet, with their
	// labels: a second of the same kind for the same group is refused
	// rather than sent again (p pressed twice sent two "on" requests).
	inFlight map[opKey]string
}

// New builds the dashboard.
func New(opts Options) *Model {
	parent := opts.Context
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	c := newCommon(opts)
	m := &Model{
		common:  c,
		opts:    opts,
		sess:    session{client: opts.Client, ctx: ctx, cancel: cancel},
		dataset: newDataset(),
		ops:     opsState{pending: map[int]string{}, inFlight: map[opKey]string{}},
		load:    loadState{loading: true},
	}
	m.detail = newDetailView(c, m.dataset, m.actionsFor)
	m.list = newGroupList(c, m.dataset, m.detail.preview)
	m.all = newAllOrgsView(c)
	m.all.single = &m.list
	m.footer = newStatusBar(c)
	m.resetWaits()
	m.resetUsage(false)
	m.header = newHeader(c, m.dataset, opts)
	m.applyReadOnly()
	m.checkTokenExpiry(opts.TokenExpiry)
	m.relayout()
	return m
}

// applyReadOnly hides the mutation keys from the help and the key routing.
func (m *Model) applyReadOnly() {
	if !m.readOnly {
		return
	}
	for _, a := range actions {
		if !a.mutation {
			continue
		}
		m.key(a).SetEnabled(false)
		if a.more != nil {
			for _, b := range a.more(&m.keys) {
				b.SetEnabled(false)
			}
		}
	}
}

// checkTokenExpiry turns a known expiry into a warning.
func (m *Model) checkTokenExpiry(exp time.Time) {
	if exp.IsZero() || m.opts.Local {
		return
	}
	left := exp.Sub(m.now())
	switch {
	case left <= 0:
		m.header.tokenWarn = "Your API token has expired. " + m.tokenAdvice()
	case left < 72*time.Hour:
		m.header.tokenWarn = fmt.Sprintf("Your API token expires in %s. %s", roundDuration(left), m.tokenAdvice())
	}
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return "a minute"
}

// Init starts the first load: at most four requests, whatever the number
// of groups (validate, groups, databases, locations).
func (m *Model) Init() tea.Cmd {
	cmds := append(m.reload(), m.loadCached(), m.footer.spinner.Tick, loadLocationsCmd(m.sess.ctx, m.sess.client, m.opts.Cache), textinput.Blink)
	if !m.opts.Local {
		cmds = append(cmds, validateTokenCmd(m.sess.ctx, m.sess.client, m.opts.Cache, m.sess.gen))
	}
	if m.opts.Refresh > 0 {
		cmds = append(cmds, refreshAfter(m.sess.gen, m.opts.Refresh))
	}
	cmds = append(cmds, freshAfter(m.sess.gen))
	if m.opts.AllOrgs {
		cmds = append(cmds, m.openAllOrgs())
	}
	return tea.Batch(cmds...)
}

// reload starts a load of the groups and of the databases, two commands
// to run side by side; an earlier load still in flight is superseded.
func (m *Model) reload() []tea.Cmd {
	m.load.loadSeq++
	m.load.loading, m.dbsLoading, m.load.dbsErr = true, true, nil
	return []tea.Cmd{
		loadGroupListCmd(m.sess.ctx, m.sess.client, m.opts.Cache, m.load.loadSeq, m.sess.gen),
		loadDatabasesCmd(m.sess.ctx, m.sess.client, m.opts.Cache, m.load.loadSeq, m.sess.gen),
	}
}

// busy reports whether the spinner should turn.
func (m *Model) busy() bool {
	// Not the databases' load after the first frame: nothing shows a
	// spinner for it, and at 1,000 SSH sessions the turns nobody saw
	// were a redraw each, 12 a second per session.
	return m.load.loading || len(m.ops.pending) > 0 || m.waiting() > 0
}

// Quit cancels everything in flight; the program then exits.
func (m *Model) quit() tea.Cmd {
	m.sess.quitting = true
	m.sess.cancel()
	return tea.Quit
}

// Close cancels what is in flight; the SSH server calls it when a session
// ends without the user quitting.
func (m *Model) Close() { m.sess.cancel() }

// showToast displays a short message about something the user did (a
// change, a refusal); it clears itself, or goes when a form opens.
func (m *Model) showToast(kind toastKind, text string) tea.Cmd { return m.setToast(kind, text, false) }

// showBackgroundToast displays a short message about the data, not about
// an action: a form opening leaves it, since it is as true there.
func (m *Model) showBackgroundToast(kind toastKind, text string) tea.Cmd {
	return m.setToast(kind, text, true)
}

// clearActionToast removes the outcome of an earlier action from the
// footer (statusBar.clearAction).
func (m *Model) clearActionToast() { m.footer.clearAction() }

func (m *Model) setToast(kind toastKind, text string, background bool) tea.Cmd {
	return m.footer.Show(kind, text, background)
}

// selected is the group the actions apply to: the detail view's, or the
// one under the list cursor.
func (m *Model) selected() (api.Group, bool) {
	if m.screen == screenList {
		if m.all.on {
			return m.selectedInAllOrgs()
		}
		i, ok := m.list.current()
		if !ok {
			return api.Group{}, false
		}
		return m.groups[i], true
	}
	return m.detail.group()
}

// orgLabel is the organization as users know it: the slug, or "personal".
func (m *Model) orgLabel() string {
	if o := m.sess.client.Org(); o != "" {
		// The slug can come from the API (the organization switcher).
		return text.Sanitize(o)
	}
	return "personal account"
}
