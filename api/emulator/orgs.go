package emulator

import (
	"fmt"
	"net/http"
	"sort"
)

// orgJSON is an Organization as the spec describes it; ID is only sent by
// /v2/organizations, where the CLI reads it.
type orgJSON struct {
	ID            string `json:"id,omitempty"`
	Name          string `json:"name"`
	Slug          string `json:"slug"`
	Type          string `json:"type"`
	Overages      bool   `json:"overages"`
	RequireMFA    bool   `json:"require_mfa"`
	BlockedReads  bool   `json:"blocked_reads"`
	BlockedWrites bool   `json:"blocked_writes"`
	PlanID        string `json:"plan_id"`
	PlanTimeline  string `json:"plan_timeline"`
	Platform      string `json:"platform"`
}

func (o *orgRec) json(withID bool) orgJSON {
	j := orgJSON{
		Name: o.Name, Slug: o.Slug, Type: o.Type, Overages: o.Overages,
		PlanID: o.PlanID, PlanTimeline: o.PlanTimeline,
	}
	if withID {
		j.ID = o.ID
	}
	return j
}

// lookupOrg finds an organization of the user by slug.
func lookupOrg(st *state, slug string) (*orgRec, error) {
	if o, ok := st.Orgs[slug]; ok {
		return o, nil
	}
	return nil, errOrgNotFound
}

// requestOrg is the organization a request acts on: the {org} path value,
// or the personal org for the user-scoped routes.
func requestOrg(st *state, r *http.Request) (*orgRec, error) {
	if slug := r.PathValue("org"); slug != "" {
		return lookupOrg(st, slug)
	}
	if o := st.personalOrg(); o != nil {
		return o, nil
	}
	return nil, errOrgNotFound
}

func (s *Server) handleValidate(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int64{"exp": s.tokenExpiry.Unix()})
}

// userJSON is the spec's /v1/user shape.
type userJSON struct {
	Username          string `json:"username"`
	Name              string `json:"name"`
	Email             string `json:"email"`
	AvatarURL         string `json:"avatarUrl"`
	Plan              string `json:"plan"`
	MFA               bool   `json:"mfa"`
	HasPendingInvites bool   `json:"has_pending_invites"`
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	var u userRec
	if err := s.store.view(func(st *state) error { u = st.User; return nil }); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]userJSON{"user": {
		Username: u.Username, Name: u.Name, Email: u.Email, AvatarURL: u.AvatarURL, Plan: u.Plan,
	}})
}

// handleCurrentUser serves the undocumented route the turso CLI's whoami uses.
func (s *Server) handleCurrentUser(w http.ResponseWriter, r *http.Request) {
	var u userRec
	if err := s.store.view(func(st *state) error { u = st.User; return nil }); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": map[string]string{"username": u.Username, "plan": u.Plan}})
}

// orgList returns every organization, personal first, then by slug.
func (s *Server) orgList(withID bool) ([]orgJSON, error) {
	var out []orgJSON
	err := s.store.view(func(st *state) error {
		out = make([]orgJSON, 0, len(st.Orgs))
		for _, o := range st.Orgs {
			out = append(out, o.json(withID))
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		pi, pj := out[i].Type == "personal", out[j].Type == "personal"
		if pi != pj {
			return pi
		}
		return out[i].Slug < out[j].Slug
	})
	return out, err
}

// handleOrganizations serves /v1/organizations as the bare array the spec
// documents.
func (s *Server) handleOrganizations(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.orgList(false)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgs)
}

// handleOrganizationsV2 serves /v2/organizations, wrapped and with ids, as
// the turso CLI reads it.
func (s *Server) handleOrganizationsV2(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.orgList(true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": orgs})
}

func (s *Server) handleOrganization(w http.ResponseWriter, r *http.Request) {
	var out orgJSON
	err := s.store.view(func(st *state) error {
		o, err := lookupOrg(st, r.PathValue("org"))
		if err == nil {
			out = o.json(false)
		}
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]orgJSON{"organization": out})
}

// planJSON is the spec's OrganizationPlan.
type planJSON struct {
	Name   string      `json:"name"`
	Price  string      `json:"price"`
	Prices []priceJSON `json:"prices"`
	Quotas quotasJSON  `json:"quotas"`
}

type priceJSON struct {
	Value    string `json:"value"`
	Timeline string `json:"timeline"`
}

type quotasJSON struct {
	RowsRead    int64 `json:"rowsRead"`
	RowsWritten int64 `json:"rowsWritten"`
	Databases   int64 `json:"databases"`
	Locations   int64 `json:"locations"`
	Storage     int64 `json:"storage"`
	Groups      int64 `json:"groups"`
	BytesSynced int64 `json:"bytesSynced"`
}

// handlePlans lists every plan with quotas.groups, so a client can check the
// group limit before it tries to create a group.
func (s *Server) handlePlans(w http.ResponseWriter, r *http.Request) {
	if err := s.store.view(func(st *state) error { _, err := requestOrg(st, r); return err }); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]planJSON, 0, len(plans))
	for i, p := range plans {
		groups := int64(p.MaxGroups)
		if groups == 0 {
			groups = unlimitedQuota
		}
		scale := int64(1) << (4 * i)
		out = append(out, planJSON{
			Name:   p.Name,
			Price:  p.Price,
			Prices: []priceJSON{{Value: p.Price, Timeline: "monthly"}},
			Quotas: quotasJSON{
				RowsRead:    1_000_000_000 * scale,
				RowsWritten: 25_000_000 * scale,
				Databases:   int64(p.Databases),
				Locations:   int64(p.Locations),
				Storage:     9_000_000_000 * scale,
				Groups:      groups,
				BytesSynced: 3_000_000_000 * scale,
			},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": out})
}

func (s *Server) handleSubscription(w http.ResponseWriter, r *http.Request) {
	var o orgRec
	err := s.store.view(func(st *state) error {
		org, err := requestOrg(st, r)
		if err == nil {
			o = *org
		}
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscription": map[string]any{
		"name": o.PlanID, "plan": o.PlanID, "overages": o.Overages, "timeline": o.PlanTimeline,
	}})
}

// handleDatabases lists an org's databases in one answer, optionally only
// one group's (?group=). No pagination: even 30,000 databases are one body.
func (s *Server) handleDatabases(w http.ResponseWriter, r *http.Request) {
	group := r.URL.Query().Get("group")
	var items [][]byte
	err := s.store.view(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		if group == "" {
			items = make([][]byte, 0, len(o.dbList))
		}
		for _, d := range o.dbList {
			if group != "" && d.Group != group {
				continue
			}
			b, err := o.dbJSON(d)
			if err != nil {
				return fmt.Errorf("encoding database %s: %w", d.Name, err)
			}
			items = append(items, b)
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeList(w, "databases", items)
}
