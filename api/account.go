package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// ListLocations returns every location the API offers, sorted by code.
func (c *Client) ListLocations(ctx context.Context) ([]Location, error) {
	var out struct {
		Locations map[string]string `json:"locations"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "/v1/locations", idempotent: true}, &out); err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	locs := make([]Location, 0, len(out.Locations))
	for code, name := range out.Locations {
		locs = append(locs, Location{Code: code, Name: name})
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i].Code < locs[j].Code })
	return locs, nil
}

// ListOrganizations returns the organizations the user owns or belongs to.
// The spec documents a bare array; older docs and the npm client expect
// {"organizations": [...]}; both are accepted.
func (c *Client) ListOrganizations(ctx context.Context) ([]Organization, error) {
	var raw json.RawMessage
	if err := c.do(ctx, call{method: http.MethodGet, path: "/v1/organizations", idempotent: true}, &raw); err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	var orgs []Organization
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &orgs); err != nil {
			return nil, fmt.Errorf("list organizations: the API sent an unexpected answer: %w", scrubError(err, c.token))
		}
		return orgs, nil
	}
	var wrapped struct {
		Organizations []Organization `json:"organizations"`
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &wrapped); err != nil {
			return nil, fmt.Errorf("list organizations: the API sent an unexpected answer: %w", scrubError(err, c.token))
		}
	}
	return wrapped.Organizations, nil
}

// maxDatabasePages stops a server whose cursor never ends from keeping the
// client busy forever.
const maxDatabasePages = 1000

// ListDatabases returns every database of the organization, each naming
// its group. It is one request (or one per page of a paginated answer),
// never one per group. It yields to a ListGroups under way: the request is
// sent at once, but the answer is read after the group list's, or after a
// quarter of the time the attempt has left at most.
func (c *Client) ListDatabases(ctx context.Context) ([]Database, error) {
	path := c.orgPath("databases")
	// The pages share one budget: each is within MaxResponseBytes, but a
	// server handing out cursors without end must not fill memory with
	// them (4 MB pages reached 2.5 GB before the page limit stopped it).
	budget := c.newBudget()
	var all []Database
	cursor := ""
	for page := 0; page < maxDatabasePages; page++ {
		var q url.Values
		if cursor != "" {
			q = url.Values{"cursor": {cursor}}
		}
		var out struct {
			Databases  []Database `json:"databases"`
			Pagination *struct {
				Next *string `json:"next"`
			} `json:"pagination"`
		}
		if err := c.do(ctx, call{method: http.MethodGet, path: path, query: q, idempotent: true, yield: true, budget: budget}, &out); err != nil {
			return nil, fmt.Errorf("list databases: %w", err)
		}
		if all == nil {
			all = out.Databases // the usual single page: no copy of 30,000 databases
		} else {
			all = append(all, out.Databases...)
		}
		if out.Pagination == nil || out.Pagination.Next == nil || *out.Pagination.Next == "" || *out.Pagination.Next == cursor {
			return all, nil
		}
		cursor = *out.Pagination.Next
	}
	return nil, fmt.Errorf("list databases: the API kept paginating past %d pages", maxDatabasePages)
}

// ValidateToken asks the API whether the token is valid and returns when it
// expires; the zero time means it never does. An invalid or expired token
// is an *Error for which IsUnauthorized is true.
func (c *Client) ValidateToken(ctx context.Context) (time.Time, error) {
	var out struct {
		Exp int64 `json:"exp"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "/v1/auth/validate", idempotent: true}, &out); err != nil {
		return time.Time{}, fmt.Errorf("validate token: %w", err)
	}
	if out.Exp <= 0 {
		return time.Time{}, nil
	}
	return time.Unix(out.Exp, 0), nil
}

// CurrentUser returns the signed-in user. It asks the documented /v1/user
// and falls back to /v1/current-user, which the turso CLI uses, when a
// server does not know the former.
func (c *Client) CurrentUser(ctx context.Context) (User, error) {
	var out struct {
		User User `json:"user"`
	}
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/user", idempotent: true}, &out)
	if IsNotFound(err) {
		err = c.do(ctx, call{method: http.MethodGet, path: "/v1/current-user", idempotent: true}, &out)
	}
	if err != nil {
		return User{}, fmt.Errorf("get the current user: %w", err)
	}
	return out.User, nil
}
