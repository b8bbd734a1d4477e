package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// MaxDatabaseNameLen is the longest database name the spec allows
// (CreateDatabaseInput.name: "No longer than 64 characters"; it was 32
// before May 2024).
const MaxDatabaseNameLen = 64

// ErrInvalidDatabaseName is wrapped by every error ValidateDatabaseName
// returns.
var ErrInvalidDatabaseName = errors.New("invalid database name")

// ValidateDatabaseName checks name against the platform's rule for
// database names: 1 to 64 characters, ASCII lowercase letters, digits and
// hyphens (the spec's words), and, as the turso CLI's CheckName enforced
// for databases and groups alike, not starting or ending with a hyphen.
// The error says what is wrong in words a user can act on.
func ValidateDatabaseName(name string) error {
	return validateName(name, MaxDatabaseNameLen, ErrInvalidDatabaseName)
}

// CreatedDatabase is what creating a database answers: the spec's
// CreateDatabaseOutput, PascalCase as the API spells it.
type CreatedDatabase struct {
	ID       string `json:"DbId"`
	Hostname string `json:"Hostname"`
	Name     string `json:"Name"`
}

// CreateDatabase creates a database called name in group, which must
// exist. The name is checked here first, with the rule the local API
// applies, so that an obviously bad name never costs a round trip. It is
// never retried after an ambiguous failure: a second create would answer
// 409 for the database the first one made.
func (c *Client) CreateDatabase(ctx context.Context, name, group string) (CreatedDatabase, error) {
	if err := ValidateDatabaseName(name); err != nil {
		return CreatedDatabase{}, err
	}
	if group == "" {
		return CreatedDatabase{}, fmt.Errorf("create database %q: a group is required", name)
	}
	var out struct {
		Database CreatedDatabase `json:"database"`
	}
	body := map[string]string{"name": name, "group": group}
	if err := c.do(ctx, call{method: http.MethodPost, path: c.orgPath("databases"), body: body}, &out); err != nil {
		return CreatedDatabase{}, fmt.Errorf("create database %q in group %q: %w", name, group, err)
	}
	if out.Database.Name == "" {
		out.Database.Name = name
	}
	return out.Database, nil
}

// GetDatabase returns one database: its id, hostname, group, primary
// region and regions. The API's Database object carries no size or row
// figures; DatabaseUsage has them.
func (c *Client) GetDatabase(ctx context.Context, name string) (Database, error) {
	var out struct {
		Database Database `json:"database"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: c.orgPath("databases", url.PathEscape(name)), idempotent: true}, &out); err != nil {
		return Database{}, fmt.Errorf("get database %q: %w", name, err)
	}
	return out.Database, nil
}

// DeleteDatabase deletes a database. Like DeleteGroup it is never retried
// after an ambiguous failure: a second delete would answer "not found" for
// a database the first one removed.
func (c *Client) DeleteDatabase(ctx context.Context, name string) error {
	if err := c.do(ctx, call{method: http.MethodDelete, path: c.orgPath("databases", url.PathEscape(name))}, nil); err != nil {
		return fmt.Errorf("delete database %q: %w", name, err)
	}
	return nil
}
