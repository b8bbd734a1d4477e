package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

type formKind int

const (
	formNone formKind = iota
	formCreate
	formAddLocation
	formRemoveLocation
	formToken
	formRotate
	formTransfer
	formUpdate
	formDelete
	formSwitchOrg
)

// Extension choices of the create form.
const (
	extNone   = "none"
	extAll    = "all"
	extChoose = "choose"
)

// formValues hold what the user typed and chose. They live on the heap,
// apart from any huh.Form, so that a form rebuilt after a failed request
// (huh forms cannot be reset) shows everything the user had entered.
type formValues struct {
	// mu guards the values read by the forms' TitleFunc and
	// DescriptionFunc, which huh runs in a command's goroutine while the
	// fields go on writing them: see bind and locked.
	mu         sync.Mutex
	Name       string
	Location   string
	ExtMode    string
	Extensions []string
	Confirm    bool
	Expiration string
	Access     string
	Org        string
	Typed      string
}

// bind is a field's accessor of *p that writes under v's lock.
func bind[T any](v *formValues, p *T) huh.Accessor[T] { return lockedAccessor[T]{mu: &v.mu, p: p} }

type lockedAccessor[T any] struct {
	mu *sync.Mutex
	p  *T
}

func (a lockedAccessor[T]) Get() T {
	a.mu.Lock()
	defer a.mu.Unlock()
	return *a.p
}

func (a lockedAccessor[T]) Set(x T) {
	a.mu.Lock()
	defer a.mu.Unlock()
	*a.p = x
}

// locked is f run under v's lock, for a TitleFunc or DescriptionFunc.
func (v *formValues) locked(f func() string) func() string {
	return func() string {
		v.mu.Lock()
		defer v.mu.Unlock()
		return f()
	}
}

// extensions is what the create form's choices amount to.
func (v *formValues) extensions() api.Extensions {
	switch v.ExtMode {
	case extAll:
		return api.AllExtensions
	case extChoose:
		return api.Extensions{Names: slices.Clone(v.Extensions)}
	}
	return api.Extensions{}
}

// formState is the open form: which action, for which group, its values,
// and the error of the last attempt shown above it.
type formState struct {
	kind   formKind
	group  string
	values *formValues
	form   *huh.Form
	err    string
}

// formTitles are the forms' titles, by kind.
var formTitles = map[formKind]string{
	formCreate: "New group", formAddLocation: "Add a location", formRemoveLocation: "Remove a location",
	formToken: "Create a group token", formRotate: "Rotate group tokens", formTransfer: "Transfer group",
	formUpdate: "Update databases", formDelete: "Delete group", formSwitchOrg: "Switch organization",
}

func (k formKind) title() string { return formTitles[k] }

// formOps are the changes the forms of a group send, by kind.
var formOps = map[formKind]opKind{
	formAddLocation: opAddLocation, formRemoveLocation: opRemoveLocation, formToken: opToken, formRotate: opRotate,
	formTransfer: opTransfer, formUpdate: opUpdate, formDelete: opDelete,
}

// huhKeyMap makes esc cancel a form (what dashboard users expect) and
// leaves ctrl+c to the root model, which always quits.
func huhKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return km
}

// openForm builds the form for fs and returns its Init command.
func (m *Model) openForm(fs *formState) tea.Cmd {
	var groups []*huh.Group
	v := fs.values
	g, _ := m.groupByName(fs.group)
	switch fs.kind {
	case formCreate:
		// The names listed now, copied: huh may ask for the description
		// off the update loop, and the list can change meanwhile. The
		// server has the last word; this only warns before the round trip.
		taken := make(map[string]bool, len(m.groups))
		for _, g := range m.groups {
			taken[g.Name] = true
		}
		org := text.Sanitize(m.client.Org())
		name := huh.NewInput().Key("name").Title("Name").Accessor(bind(v, &v.Name)).CharLimit(api.MaxGroupNameLen+8).
			Placeholder("e.g. orders").Validate(api.ValidateGroupName).
			DescriptionFunc(v.locked(func() string {
				if v.Name == "" {
					return "lowercase letters, digits and hyphens; 1 to 32 characters"
				}
				if err := api.ValidateGroupName(v.Name); err != nil {
					return "✗ " + strings.TrimPrefix(err.Error(), "invalid group name: ")
				}
				if taken[v.Name] {
					if org == "" {
						return "✗ you already have a group named " + v.Name
					}
					return "✗ " + org + " already has a group named " + v.Name
				}
				return "✓ " + v.Name + " is a valid name"
			}), &v.Name)
		loc := huh.NewSelect[string]().Key("location").Title("Primary location").
			Options(m.locationOptions(nil)...).Accessor(bind(v, &v.Location)).Height(8)
		ext := huh.NewSelect[string]().Key("extmode").Title("Extensions").
			Description("SQLite extensions enabled for new databases of the group").
			Options(huh.NewOption("None", extNone), huh.NewOption("All of them", extAll), huh.NewOption("Choose…", extChoose)).
			Accessor(bind(v, &v.ExtMode))
		pick := huh.NewMultiSelect[string]().Key("extensions").Title("Choose extensions").
			Description("space toggles; choosing none means no extensions").
			Options(huh.NewOptions(api.ExtensionNames...)...).Accessor(bind(v, &v.Extensions)).Height(len(api.ExtensionNames) + 1)
		confirm := huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Create").Negative("Cancel").
			TitleFunc(v.locked(func() string {
				return fmt.Sprintf("Create %s at %s?", orDash(text.Sanitize(v.Name)), orDash(text.Sanitize(v.Location)))
			}), []any{&v.Name, &v.Location}).
			DescriptionFunc(v.locked(func() string { return "Extensions: " + v.extensions().String() }), []any{&v.ExtMode, &v.Extensions})
		groups = append(groups,
			huh.NewGroup(name, loc, ext),
			huh.NewGroup(pick).WithHideFunc(func() bool { return v.ExtMode != extChoose }),
			huh.NewGroup(confirm))
	case formAddLocation:
		opts := m.locationOptions(func(code string) bool { return g.HasLocation(code) })
		if len(opts) == 0 {
			return m.showToast(toastInfo, text.Sanitize(g.Name)+" is already in every location.")
		}
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Key("location").
			Title("Add a location to "+text.Sanitize(g.Name)).
			Description("Databases of the group get a replica there").Options(opts...).Value(&v.Location).Height(10)))
	case formRemoveLocation:
		var opts []huh.Option[string]
		for _, l := range g.Locations {
			if l != g.Primary {
				opts = append(opts, huh.NewOption(m.plainLocation(l), l))
			}
		}
		if len(opts) == 0 {
			return m.showToast(toastInfo, text.Sanitize(g.Name)+" has only its primary location, which cannot be removed.")
		}
		groups = append(groups,
			huh.NewGroup(huh.NewSelect[string]().Key("location").Title("Remove a location from "+text.Sanitize(g.Name)).
				Description("The primary location ("+text.Sanitize(g.Primary)+") always stays").Options(opts...).Accessor(bind(v, &v.Location))),
			huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Remove").Negative("Cancel").
				TitleFunc(v.locked(func() string { return "Remove " + text.Sanitize(v.Location) + " from " + text.Sanitize(g.Name) + "?" }), &v.Location).
				Description("The replicas of every database of the group in that location are removed at once.")))
	case formToken:
		groups = append(groups, huh.NewGroup(
			huh.NewInput().Key("expiration").Title("Expiration").Value(&v.Expiration).Placeholder("never").
				Description("empty for never, or a duration such as 7d, 2w or 12h").Validate(api.ValidateExpiration),
			huh.NewSelect[string]().Key("access").Title("Access").Value(&v.Access).Options(
				huh.NewOption("Full access (read and write)", string(api.FullAccess)),
				huh.NewOption("Read only", string(api.ReadOnly))),
		))
	case formRotate:
		groups = append(groups, huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).
			Title("Rotate the tokens of "+text.Sanitize(g.Name)+"?").
			Description("Every token of every database in the group stops working at once:\napplications using them fail until they get new tokens.").
			Affirmative("Rotate").Negative("Cancel")))
	case formTransfer:
		var opts []huh.Option[string]
		for _, o := range m.orgs {
			if o.Slug != m.client.Org() && !(o.Personal() && m.client.Org() == "") {
				opts = append(opts, huh.NewOption(orgOptionLabel(o), o.Slug))
			}
		}
		if len(opts) == 0 {
			return m.showToast(toastInfo, "You have no other organization to transfer "+text.Sanitize(g.Name)+" to.")
		}
		groups = append(groups,
			huh.NewGroup(huh.NewSelect[string]().Key("org").Title("Transfer "+text.Sanitize(g.Name)+" to").Options(opts...).Accessor(bind(v, &v.Org))),
			huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).Affirmative("Transfer").Negative("Cancel").
				TitleFunc(v.locked(func() string { return "Transfer " + text.Sanitize(g.Name) + " to " + text.Sanitize(v.Org) + "?" }), &v.Org).
				Description("Its databases move too. Existing URLs and tokens keep working for now,\nbut applications should switch to the new ones soon.")))
	case formUpdate:
		groups = append(groups, huh.NewGroup(huh.NewConfirm().Key("confirm").Value(&v.Confirm).
			Title("Update the databases of "+text.Sanitize(g.Name)+" to the latest version?").
			Description("The update causes a short downtime.").Affirmative("Update").Negative("Cancel")))
	case formDelete:
		dbs := m.dbs[g.Name]
		desc := "The group and all its databases are destroyed. This cannot be undone."
		if len(dbs) > 0 {
			names := make([]string, 0, min(len(dbs), 5))
			for _, d := range dbs[:min(len(dbs), 5)] {
				names = append(names, text.Sanitize(d.Name))
			}
			more := ""
			if len(dbs) > 5 {
				more = fmt.Sprintf(" and %d more", len(dbs)-5)
			}
			desc = fmt.Sprintf("The group and its %d database(s) (%s%s) are destroyed.\nThis cannot be undone.", len(dbs), strings.Join(names, ", "), more)
		}
		name := g.Name
		groups = append(groups, huh.NewGroup(huh.NewInput().Key("typed").Value(&v.Typed).
			Title("Type "+text.Sanitize(name)+" to delete it").Description(desc).
			Validate(func(s string) error {
				if s != name {
					return fmt.Errorf("type the group's name exactly, or press esc to keep it")
				}
				return nil
			})))
	case formSwitchOrg:
		var opts []huh.Option[string]
		for _, o := range m.orgs {
			slug := o.Slug
			opts = append(opts, huh.NewOption(orgOptionLabel(o), slug))
		}
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Key("org").Title("Switch organization").
			Options(opts...).Value(&v.Org)))
	}
	fs.form = huh.NewForm(groups...).WithTheme(m.st.Huh()).WithKeyMap(huhKeyMap()).
		WithShowHelp(false).WithWidth(m.formWidth())
	m.form = fs
	m.clearActionToast()
	return fs.form.Init()
}

func (m *Model) formWidth() int { return max(min(m.width-4, 72), 20) }

// formSize is the window a form may draw in: the body, less its title and
// error lines.
func (m *Model) formSize() tea.WindowSizeMsg {
	h := m.bodyH - 3
	if m.form != nil && m.form.err != "" {
		h -= 2
	}
	return tea.WindowSizeMsg{Width: m.formWidth(), Height: max(h, 5)}
}

func orgOptionLabel(o api.Organization) string {
	label := text.Sanitize(o.Slug)
	if o.Personal() {
		label += " (personal)"
	} else if o.Name != "" && o.Name != o.Slug {
		label += " — " + text.Sanitize(o.Name)
	}
	if o.PlanID != "" {
		label += ", " + text.Sanitize(o.PlanID) + " plan"
	}
	return label
}

// locationOptions lists locations with friendly names, skipping those for
// which skip is true.
func (m *Model) locationOptions(skip func(string) bool) []huh.Option[string] {
	opts := make([]huh.Option[string], 0, len(m.locs))
	for _, l := range m.locs {
		if skip != nil && skip(l.Code) {
			continue
		}
		opts = append(opts, huh.NewOption(m.plainLocation(l.Code), l.Code))
	}
	return opts
}

// plainLocation is "code — Name" without styling, for form options.
func (m *Model) plainLocation(code string) string {
	if n := m.locNames[code]; n != "" {
		return text.Sanitize(code) + " — " + text.Sanitize(n)
	}
	return text.Sanitize(code)
}

func (m *Model) groupByName(name string) (api.Group, bool) {
	i, ok := m.byName[name]
	if !ok {
		return api.Group{}, false
	}
	return m.groups[i], true
}

// startForm opens the form of kind for the selected group (or none, for
// create and org switching), after checking it can apply.
func (m *Model) startForm(kind formKind) tea.Cmd {
	fs := &formState{kind: kind, values: &formValues{}}
	switch kind {
	case formCreate:
		if len(m.locs) == 0 {
			return m.showToast(toastError, "The locations are not loaded yet; try again in a moment ("+m.keys.Refresh.Help().Key+" reloads).")
		}
		if m.createDraft != nil {
			fs.values = m.createDraft
		} else {
			fs.values.ExtMode = extNone
			fs.values.Location = m.defaultLocation()
			// Creating is not destructive: the confirmation defaults to yes.
			fs.values.Confirm = true
		}
		m.createDraft = fs.values
		return m.openForm(fs)
	case formSwitchOrg:
		fs.values.Org = m.client.Org()
		return m.openForm(fs)
	}
	g, ok := m.selected()
	if !ok {
		return nil
	}
	if op, ok := formOps[kind]; ok {
		if cmd, busy := m.refuseInFlight(op, g.Name); busy {
			// Said before the form is filled in for nothing.
			return cmd
		}
	}
	fs.group = g.Name
	switch kind {
	case formToken:
		// Empty means never; a pre-filled "never" would be typed onto.
		fs.values.Access = string(api.FullAccess)
	case formDelete:
		if g.DeleteProtection {
			m.notice = &notice{
				title: "Delete protection is on",
				body: fmt.Sprintf("%s cannot be deleted while its delete protection is on: it protects the group and all its databases.\n\nTo delete it, first press %s to turn protection off, then %s again.",
					text.Sanitize(g.Name), m.keys.Protect.Help().Key, m.keys.Delete.Help().Key),
			}
			return nil
		}
	case formAddLocation, formRemoveLocation:
		if len(m.locs) == 0 && kind == formAddLocation {
			return m.showToast(toastError, "The locations are not loaded yet; try again in a moment.")
		}
	}
	return m.openForm(fs)
}

// defaultLocation prefers a location the organization already uses.
func (m *Model) defaultLocation() string {
	for _, g := range m.groups {
		if g.Primary != "" && m.locNames[g.Primary] != "" {
			return g.Primary
		}
	}
	if i := slices.IndexFunc(m.locs, func(l api.Location) bool { return l.Code == "aws-us-east-1" }); i >= 0 {
		return m.locs[i].Code
	}
	if len(m.locs) > 0 {
		return m.locs[0].Code
	}
	return ""
}

// updateForm routes a message to the open form, and acts when it ends.
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	fs := m.form
	model, cmd := fs.form.Update(msg)
	if f, ok := model.(*huh.Form); ok {
		fs.form = f
	}
	switch fs.form.State {
	case huh.StateAborted:
		m.form = nil
		return nil
	case huh.StateCompleted:
		m.form = nil
		return m.submit(fs)
	}
	return cmd
}

// submit turns a completed form into its API call.
func (m *Model) submit(fs *formState) tea.Cmd {
	v := fs.values
	c := m.client
	switch fs.kind {
	case formCreate:
		if !v.Confirm {
			return nil
		}
		req := api.CreateGroupRequest{Name: v.Name, Location: v.Location}
		if ext := v.extensions(); !ext.IsZero() {
			req.Extensions = &ext
		}
		return m.startOp("Creating "+v.Name, opCreate, v.Name, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.CreateGroup(ctx, req)
		})
	case formAddLocation:
		group, loc := fs.group, v.Location
		return m.startOp("Adding "+loc+" to "+group, opAddLocation, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.AddLocation(ctx, group, loc)
		})
	case formRemoveLocation:
		if !v.Confirm {
			return nil
		}
		group, loc := fs.group, v.Location
		return m.startOp("Removing "+loc+" from "+group, opRemoveLocation, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.RemoveLocation(ctx, group, loc)
		})
	case formToken:
		group := fs.group
		opts := api.TokenOptions{Expiration: v.Expiration, Authorization: api.TokenAuthorization(v.Access)}
		return m.startOp("Creating a token for "+group, opToken, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.token, r.err = c.CreateGroupToken(ctx, group, opts)
		})
	case formRotate:
		if !v.Confirm {
			return nil
		}
		group := fs.group
		return m.startOp("Rotating the tokens of "+group, opRotate, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.err = c.RotateGroupTokens(ctx, group)
		})
	case formTransfer:
		if !v.Confirm {
			return nil
		}
		group, to := fs.group, v.Org
		return m.startOp("Transferring "+group+" to "+to, opTransfer, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.TransferGroup(ctx, group, to)
		})
	case formUpdate:
		if !v.Confirm {
			return nil
		}
		group := fs.group
		return m.startOp("Updating the databases of "+group, opUpdate, group, fs, func(ctx context.Context, r *opDoneMsg) {
			if r.err = c.UpdateGroupDatabases(ctx, group); r.err == nil {
				r.result, r.err = c.GetGroup(ctx, group)
			}
		})
	case formDelete:
		group := fs.group
		return m.startOp("Deleting "+group, opDelete, group, fs, func(ctx context.Context, r *opDoneMsg) {
			r.result, r.err = c.DeleteGroup(ctx, group)
		})
	case formSwitchOrg:
		return m.switchOrg(v.Org)
	}
	return nil
}
