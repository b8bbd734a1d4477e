package emulator

import (
	"fmt"
	"net/http"

	"github.com/seed372e9e9a/turso-groups/api"
)

// dbPrefixes are the two spellings of the database routes, as for groups:
// the documented org form and the user-scoped one of the older docs, which
// acts on the personal organization.
var dbPrefixes = []string{"/v1/organizations/{org}/databases", "/v1/databases"}

// errDatabaseNotFound is the spec's DatabaseNotFoundResponse, worded as its
// example.
func errDatabaseNotFound(name string) error {
	return errNotFound(fmt.Sprintf("could not find database with name %s: record not found", name))
}

// databaseOf finds a database of o by name.
func (o *orgRec) databaseOf(name string) (*dbRec, error) {
	if d, ok := o.Databases[name]; ok {
		return d, nil
	}
	return nil, errDatabaseNotFound(name)
}

// createDatabaseBody is the spec's CreateDatabaseInput as far as the local
// API goes: seeds, size limits and encryption are accepted and ignored.
type createDatabaseBody struct {
	Name  string `json:"name"`
	Group string `json:"group"`
}

// createdDatabaseJSON is the spec's CreateDatabaseOutput.
type createdDatabaseJSON struct {
	ID       string `json:"DbId"`
	Hostname string `json:"Hostname"`
	Name     string `json:"Name"`
}

// handleCreateDatabase creates a database in an existing group. The spec
// answers an unknown group with 400 "group not found" (not 404), and a name
// taken anywhere in the organization with 409.
func (s *Server) handleCreateDatabase(w http.ResponseWriter, r *http.Request) {
	var body createDatabaseBody
	if err := readBody(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := api.ValidateDatabaseName(body.Name); err != nil {
		s.writeError(w, r, errBadRequest("%s", err.Error()))
		return
	}
	if body.Group == "" {
		s.writeError(w, r, errBadRequest("group is required: the name of the group to create the database in"))
		return
	}
	id, err := randomUUID()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now().UTC()
	d := &dbRec{
		Name:      body.Name,
		ID:        id,
		Group:     body.Group,
		CreatedAt: now,
		Usage:     &usageRec{StorageBytes: emptyDBBytes, At: now},
	}
	var out createdDatabaseJSON
	err = s.store.update(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		if _, ok := o.Groups[d.Group]; !ok {
			return errBadRequest("group not found")
		}
		if _, taken := o.Databases[d.Name]; taken {
			return errConflict("database with name %s already exists", d.Name)
		}
		o.putDB(d)
		o.addAudit(s.newAudit(r, st, auditDBCreate, fmt.Sprintf("created database %s in group %s", d.Name, d.Group),
			map[string]string{"database": d.Name, "group": d.Group}))
		a := o.apiDatabase(d)
		out = createdDatabaseJSON{ID: a.ID, Hostname: a.Hostname, Name: a.Name}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]createdDatabaseJSON{"database": out})
}

// handleGetDatabase answers {"database": Database}.
func (s *Server) handleGetDatabase(w http.ResponseWriter, r *http.Request) {
	var out api.Database
	err := s.store.view(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		d, err := o.databaseOf(r.PathValue("database"))
		if err != nil {
			return err
		}
		out = o.apiDatabase(d)
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]api.Database{"database": out})
}

// handleDeleteDatabase deletes one database and answers its name, as the
// spec says.
func (s *Server) handleDeleteDatabase(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("database")
	err := s.store.update(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		d, err := o.databaseOf(name)
		if err != nil {
			return err
		}
		o.dropDB(d.Name)
		o.addAudit(s.newAudit(r, st, auditDBDelete, fmt.Sprintf("deleted database %s of group %s", d.Name, d.Group),
			map[string]string{"database": d.Name, "group": d.Group}))
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"database": name})
}
