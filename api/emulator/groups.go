package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// planLimitMessage is the wording of the Turso docs for the one-group limit.
const planLimitMessage = "creating more than one group is limited to Scaler, Pro and Enterprise plans"

// errPlanLimit is 402 (the status the docs define for features outside the
// plan) with the code the turso CLI recognises for starter-plan limits.
var errPlanLimit = &apiError{status: http.StatusPaymentRequired, msg: planLimitMessage, code: api.CodePlanLimit}

// codeDeleteProtection marks the refusal to delete a protected group, so a
// client can offer to turn protection off.
const codeDeleteProtection = "delete_protection_enabled"

// groupOf finds a group of o by name.
func (o *orgRec) groupOf(name string) (*groupRec, error) {
	if g, ok := o.Groups[name]; ok {
		return g, nil
	}
	return nil, errGroupNotFound
}

// groupFunc works on the group a request names and returns the response
// body; it runs under the store's lock.
type groupFunc func(st *state, o *orgRec, g *groupRec) (any, error)

// withGroup resolves the request's org and {group}, runs fn under the read
// lock, or under the write lock with persistence when write is set, and
// answers 200 with fn's result.
//
// A write fn gets its own copy of the group (records are immutable once
// stored; see state), which it may change freely. If fn leaves the group
// where it was (it did not delete, rename or move it), the changed copy
// replaces the stored group.
func (s *Server) withGroup(w http.ResponseWriter, r *http.Request, write bool, fn groupFunc) {
	var out any
	run := func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		g, err := o.groupOf(r.PathValue("group"))
		if err != nil {
			return err
		}
		if !write {
			out, err = fn(st, o, g)
			return err
		}
		stored := g
		g = g.clone()
		if out, err = fn(st, o, g); err != nil {
			return err
		}
		s.auditGroupChange(r, st, o, stored, g)
		if o.Groups[stored.Name] == stored {
			o.putGroup(g)
		}
		return nil
	}
	var err error
	if write {
		err = s.store.update(run)
	} else {
		err = s.store.view(run)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !write {
		s.auditRead(r)
	}
	writeJSON(w, http.StatusOK, out)
}

// groupBody wraps a group, as it is at now, the way most group routes
// answer.
func groupBody(g *groupRec, now time.Time) map[string]api.Group {
	return map[string]api.Group{"group": g.apiGroup(now)}
}

// empty is the body of successes with nothing to say: the npm client
// parses every 200 as JSON, so it cannot be an empty body.
var empty = struct{}{}

func (s *Server) handleListGroups(w http.ResponseWriter, r *http.Request) {
	var items [][]byte
	err := s.store.view(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		items = make([][]byte, 0, len(o.groupList))
		now := s.now()
		for _, g := range o.groupList {
			b, err := g.apiJSON(now)
			if err != nil {
				return fmt.Errorf("encoding group %s: %w", g.Name, err)
			}
			items = append(items, b)
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeList(w, "groups", items)
}

// createGroupBody accepts both the spec's lowercase keys and the CLI's
// capitalised ones (encoding/json matches keys case-insensitively).
type createGroupBody struct {
	Name       string          `json:"name"`
	Location   string          `json:"location"`
	Extensions json.RawMessage `json:"extensions"`
	Version    string          `json:"version"` // "", "latest", "canary": all get LatestVersion
}

func (s *Server) handleCreateGroup(w http.ResponseWriter, r *http.Request) {
	var body createGroupBody
	if err := readBody(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := api.ValidateGroupName(body.Name); err != nil {
		s.writeError(w, r, errBadRequest("%s", err.Error()))
		return
	}
	if body.Location == "" {
		s.writeError(w, r, errBadRequest("location is required"))
		return
	}
	if _, ok := locationName(body.Location); !ok {
		s.writeError(w, r, errBadRequest("invalid location: %s", body.Location))
		return
	}
	ext, err := parseExtensions(body.Extensions)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	key, err := newSigningKey()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := randomUUID()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g := &groupRec{
		Name:       body.Name,
		UUID:       id,
		Version:    LatestVersion,
		Locations:  []string{body.Location},
		Extensions: ext,
		SigningKey: key,
		CreatedAt:  s.now().UTC(),
	}
	g.provision(g.CreatedAt, s.provisionDelay, body.Location)
	var out map[string]api.Group
	err = s.store.update(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		if _, taken := o.Groups[g.Name]; taken {
			return errConflict("group already exists")
		}
		if o.atGroupLimit() {
			return errPlanLimit
		}
		o.putGroup(g)
		o.addAudit(s.newAudit(r, st, auditGroupCreate, "created group "+g.Name+" in "+body.Location, map[string]string{"group": g.Name, "location": body.Location}))
		out = groupBody(g, s.now())
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// parseExtensions reads the optional extensions field: "all", "none",
// null or an array of known names.
func parseExtensions(raw json.RawMessage) (api.Extensions, error) {
	var ext api.Extensions
	if len(raw) == 0 {
		return ext, nil
	}
	if err := json.Unmarshal(raw, &ext); err != nil {
		return ext, errBadRequest("%s: %v", api.ErrInvalidExtension, err)
	}
	if err := api.ValidateExtensions(ext); err != nil {
		return ext, errBadRequest("%s", err.Error())
	}
	return ext, nil
}

func (s *Server) handleGetGroup(w http.ResponseWriter, r *http.Request) {
	s.withGroup(w, r, false, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		return groupBody(g, s.now()), nil
	})
}

// handleDeleteGroup deletes a group and all its databases, unless it is
// delete protected.
func (s *Server) handleDeleteGroup(w http.ResponseWriter, r *http.Request) {
	s.withGroup(w, r, true, func(_ *state, o *orgRec, g *groupRec) (any, error) {
		if g.DeleteProtection {
			return nil, &apiError{
				status: http.StatusBadRequest,
				msg:    fmt.Sprintf("group %s is delete protected: turn delete protection off first (PATCH its configuration with {\"delete_protection\": false})", g.Name),
				code:   codeDeleteProtection,
			}
		}
		out := groupBody(g, s.now())
		o.dropGroup(g.Name)
		for _, d := range o.sortedDatabases(g.Name) {
			o.dropDB(d.Name)
		}
		return out, nil
	})
}

// groupConfig is the configuration body, in and out. A pointer tells a
// missing field from false.
type groupConfig struct {
	DeleteProtection *bool `json:"delete_protection"`
}

func (s *Server) handleGetConfig(w http.ResponseWriter, r *http.Request) {
	s.withGroup(w, r, false, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		return groupConfig{DeleteProtection: &g.DeleteProtection}, nil
	})
}

func (s *Server) handlePatchConfig(w http.ResponseWriter, r *http.Request) {
	var body groupConfig
	if err := readBody(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if body.DeleteProtection == nil {
		s.writeError(w, r, errBadRequest("delete_protection is required (true or false)"))
		return
	}
	s.withGroup(w, r, true, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		g.DeleteProtection = *body.DeleteProtection
		v := g.DeleteProtection
		return groupConfig{DeleteProtection: &v}, nil
	})
}

// handleTransfer moves a group, with its databases, to another of the
// user's organizations. It answers the bare group, as the spec says.
func (s *Server) handleTransfer(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Organization string `json:"organization"`
	}
	if err := readBody(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if body.Organization == "" {
		s.writeError(w, r, errBadRequest("organization is required: the slug of the organization to transfer the group to"))
		return
	}
	s.withGroup(w, r, true, func(st *state, o *orgRec, g *groupRec) (any, error) {
		to, err := lookupOrg(st, body.Organization)
		if err != nil {
			return nil, err
		}
		if to == o {
			return nil, errBadRequest("group %s is already in organization %s", g.Name, o.Slug)
		}
		if _, taken := to.Groups[g.Name]; taken {
			return nil, errConflict("group already exists in organization %s", to.Slug)
		}
		if to.atGroupLimit() {
			return nil, errPlanLimit
		}
		moving := o.sortedDatabases(g.Name)
		for _, d := range moving {
			if _, taken := to.Databases[d.Name]; taken {
				return nil, errConflict("database %s already exists in organization %s", d.Name, to.Slug)
			}
		}
		o.dropGroup(g.Name)
		to.putGroup(g)
		for _, d := range moving {
			o.dropDB(d.Name)
			to.putDB(d)
		}
		return g.apiGroup(s.now()), nil
	})
}

// handleUnarchive wakes a group; every location of a group that was
// archived is provisioned again, as a new one is.
func (s *Server) handleUnarchive(w http.ResponseWriter, r *http.Request) {
	s.withGroup(w, r, true, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		now := s.now()
		if g.Archived {
			g.provision(now, s.provisionDelay, g.Locations...)
		}
		g.Archived = false
		return groupBody(g, now), nil
	})
}

// handleAddLocation appends a location, keeping the order (primary first).
func (s *Server) handleAddLocation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("location")
	s.withGroup(w, r, true, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		if _, ok := locationName(code); !ok {
			return nil, errBadRequest("invalid location: %s", code)
		}
		if g.hasLocation(code) {
			return nil, errBadRequest("group %s is already in location %s", g.Name, code)
		}
		g.Locations = append(g.Locations, code)
		now := s.now()
		g.provision(now, s.provisionDelay, code)
		return groupBody(g, now), nil
	})
}

// handleRemoveLocation removes a replica location; the primary stays,
// since a group cannot exist without it.
func (s *Server) handleRemoveLocation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("location")
	s.withGroup(w, r, true, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		if _, ok := locationName(code); !ok {
			return nil, errBadRequest("invalid location: %s", code)
		}
		if code == g.primary() {
			return nil, errBadRequest("cannot remove the primary location %s from group %s: a group always keeps its primary", code, g.Name)
		}
		if !g.hasLocation(code) {
			return nil, errBadRequest("group %s is not in location %s", g.Name, code)
		}
		locs := make([]string, 0, len(g.Locations)-1)
		for _, l := range g.Locations {
			if l != code {
				locs = append(locs, l)
			}
		}
		g.Locations = locs
		now := s.now()
		g.provision(now, 0)
		return groupBody(g, now), nil
	})
}

// handleWaitLocation answers once the location is ready: at once for one
// that is, else when its provisioning time has passed, looked up again
// then (the group may have been deleted or the location removed
// meanwhile, which answers 404). A client that gives up ends the wait.
func (s *Server) handleWaitLocation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("location")
	for {
		var ready time.Time
		err := s.store.view(func(st *state) error {
			o, err := requestOrg(st, r)
			if err != nil {
				return err
			}
			g, err := o.groupOf(r.PathValue("group"))
			if err != nil {
				return err
			}
			if !g.hasLocation(code) {
				return errNotFound(fmt.Sprintf("location %s not found in group %s", code, g.Name))
			}
			ready = g.readyAt(code)
			return nil
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		left := ready.Sub(s.now())
		if left <= 0 {
			writeJSON(w, http.StatusOK, empty)
			return
		}
		t := time.NewTimer(left)
		select {
		case <-r.Context().Done():
			// Nobody is left to read an answer.
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// handleUpdateGroup moves the group to the latest libSQL version.
func (s *Server) handleUpdateGroup(w http.ResponseWriter, r *http.Request) {
	s.withGroup(w, r, true, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		g.Version = LatestVersion
		return empty, nil
	})
}

// handleRename serves the CLI's undocumented rename ({"Name": new}).
func (s *Server) handleRename(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string `json:"name"`
	}
	if err := readBody(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := api.ValidateGroupName(body.Name); err != nil {
		s.writeError(w, r, errBadRequest("%s", err.Error()))
		return
	}
	s.withGroup(w, r, true, func(_ *state, o *orgRec, g *groupRec) (any, error) {
		if body.Name == g.Name {
			return nil, errBadRequest("group %s already has that name", g.Name)
		}
		if _, taken := o.Groups[body.Name]; taken {
			return nil, errConflict("group already exists")
		}
		o.dropGroup(g.Name)
		for _, d := range o.sortedDatabases(g.Name) {
			o.putDB(d.inGroup(body.Name))
		}
		g.Name = body.Name
		o.putGroup(g)
		return groupBody(g, s.now()), nil
	})
}
