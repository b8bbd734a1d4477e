// Package api is a client for the Turso Platform API, as far as groups reach:
// groups and their locations, configuration, tokens and transfers, plus the
// organizations, locations, databases and user around them.
//
// Every method takes a context. Errors from the server are *Error values that
// carry the server's own message; use the Is* predicates to branch on them.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Group is a Turso database group as the Platform API returns it. Deprecated
// and optional fields (Version, Locations, Archived, Status) are decoded when
// present and left zero when not, because the real API has dropped and
// re-added several of them over time.
type Group struct {
	Name             string       `json:"name"`
	UUID             string       `json:"uuid,omitempty"`
	Version          string       `json:"version,omitempty"`
	Locations        []string     `json:"locations,omitempty"`
	Primary          string       `json:"primary"`
	Archived         bool         `json:"archived"`
	DeleteProtection bool         `json:"delete_protection"`
	Status           *GroupStatus `json:"status,omitempty"`
}

// GroupStatus is the per-location health the turso CLI reads; it is not in
// the OpenAPI spec.
type GroupStatus struct {
	Locations []LocationStatus `json:"locations"`
}

// LocationStatus is the health of one of a group's locations ("up", "down").
type LocationStatus struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// HasLocation reports whether code is one of the group's locations.
func (g Group) HasLocation(code string) bool {
	if g.Primary == code {
		return true
	}
	for _, l := range g.Locations {
		if l == code {
			return true
		}
	}
	return false
}

// GroupConfig is a group's configuration; today only delete protection.
type GroupConfig struct {
	DeleteProtection bool `json:"delete_protection"`
}

// Location is a location code and its human name ("lhr", "London, United Kingdom").
type Location struct {
	Code string
	Name string
}

// Organization is an organization (team or personal account) of the user.
type Organization struct {
	Name          string `json:"name"`
	Slug          string `json:"slug"`
	Type          string `json:"type"`
	Overages      bool   `json:"overages"`
	BlockedReads  bool   `json:"blocked_reads"`
	BlockedWrites bool   `json:"blocked_writes"`
	PlanID        string `json:"plan_id"`
	PlanTimeline  string `json:"plan_timeline"`
	Platform      string `json:"platform"`
}

// Personal reports whether o is the user's personal account.
func (o Organization) Personal() bool { return o.Type == "personal" }

// Database is a database of an organization. The API spells some fields in
// PascalCase (Name, DbId, Hostname); the tags follow it.
type Database struct {
	Name             string   `json:"Name"`
	ID               string   `json:"DbId"`
	Hostname         string   `json:"Hostname"`
	Group            string   `json:"group"`
	PrimaryRegion    string   `json:"primaryRegion"`
	Regions          []string `json:"regions,omitempty"`
	BlockReads       bool     `json:"block_reads"`
	BlockWrites      bool     `json:"block_writes"`
	DeleteProtection bool     `json:"delete_protection"`
}

// User is the signed-in user.
type User struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Plan     string `json:"plan"`
}

// TokenAuthorization is the access level of a group token.
type TokenAuthorization string

// The two access levels the API accepts for group tokens.
const (
	FullAccess TokenAuthorization = "full-access"
	ReadOnly   TokenAuthorization = "read-only"
)

// Extensions is the set of SQLite extensions enabled for new databases of a
// group: none (the zero value), all of them, or a list of names from
// ExtensionNames. On the wire it is the string "all" or an array.
type Extensions struct {
	All   bool
	Names []string
}

// AllExtensions enables every extension.
var AllExtensions = Extensions{All: true}

// IsZero reports whether no extension is enabled.
func (e Extensions) IsZero() bool { return !e.All && len(e.Names) == 0 }

// String renders the set for people: "none", "all" or "vector, uuid".
func (e Extensions) String() string {
	switch {
	case e.All:
		return "all"
	case len(e.Names) == 0:
		return "none"
	}
	var b bytes.Buffer
	for i, n := range e.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	return b.String()
}

// MarshalJSON writes "all", an array of names, or null for none.
func (e Extensions) MarshalJSON() ([]byte, error) {
	switch {
	case e.All:
		return []byte(`"all"`), nil
	case len(e.Names) == 0:
		return []byte(`null`), nil
	}
	return json.Marshal(e.Names)
}

// UnmarshalJSON accepts "all", "none", null or an array of strings.
func (e *Extensions) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*e = Extensions{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "all":
			*e = AllExtensions
		case "none", "":
			*e = Extensions{}
		default:
			return fmt.Errorf("extensions must be \"all\" or a list of names, not %q", s)
		}
		return nil
	}
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("extensions must be \"all\" or a list of names: %w", err)
	}
	*e = Extensions{Names: names}
	return nil
}
