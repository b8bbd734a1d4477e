package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	str2duration "github.com/xhit/go-str2duration/v2"
)

type groupEnvelope struct {
	Group Group `json:"group"`
}

// ListGroups returns every group of the organization. While it is under
// way, ListDatabases calls of this client and its copies read their
// answers only after it (see yieldGate).
func (c *Client) ListGroups(ctx context.Context) ([]Group, error) {
	c.groupLists.enter()
	defer c.groupLists.leave()
	var out groupList
	if err := c.do(ctx, call{method: http.MethodGet, path: c.groupsPath(), idempotent: true}, &out); err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	return out.Groups, nil
}

// GetGroup returns one group.
func (c *Client) GetGroup(ctx context.Context, name string) (Group, error) {
	var out groupEnvelope
	err := c.do(ctx, call{method: http.MethodGet, path: c.groupsPath(url.PathEscape(name)), idempotent: true}, &out)
	if err != nil {
		return Group{}, fmt.Errorf("get group %q: %w", name, err)
	}
	return out.Group, nil
}

// CreateGroupRequest is what a new group needs. Location is the primary
// location's code.
type CreateGroupRequest struct {
	Name       string      `json:"name"`
	Location   string      `json:"location"`
	Extensions *Extensions `json:"extensions,omitempty"`
}

// CreateGroup creates a group. The name and extensions are checked here
// first, with the same rule the local API applies, so that an obviously bad
// name never costs a round trip.
func (c *Client) CreateGroup(ctx context.Context, req CreateGroupRequest) (Group, error) {
	if err := ValidateGroupName(req.Name); err != nil {
		return Group{}, err
	}
	if req.Location == "" {
		return Group{}, fmt.Errorf("create group %q: a location is required", req.Name)
	}
	if req.Extensions != nil {
		if err := ValidateExtensions(*req.Extensions); err != nil {
			return Group{}, err
		}
		if req.Extensions.IsZero() {
			req.Extensions = nil
		}
	}
	var out groupEnvelope
	if err := c.do(ctx, call{method: http.MethodPost, path: c.groupsPath(), body: req}, &out); err != nil {
		return Group{}, fmt.Errorf("create group %q: %w", req.Name, err)
	}
	if out.Group.Name == "" {
		// The CLI ignores this body; if a server leaves it out, say what
		// we asked for rather than show a nameless group.
		out.Group = Group{Name: req.Name, Primary: req.Location, Locations: []string{req.Location}}
	}
	return out.Group, nil
}

// DeleteGroup deletes a group and all its databases. It is never retried
// after an ambiguous failure: a second delete would answer "not found" for
// a group the first one removed.
func (c *Client) DeleteGroup(ctx context.Context, name string) (Group, error) {
	var out groupEnvelope
	if err := c.do(ctx, call{method: http.MethodDelete, path: c.groupsPath(url.PathEscape(name))}, &out); err != nil {
		return Group{}, fmt.Errorf("delete group %q: %w", name, err)
	}
	return out.Group, nil
}

// AddLocation adds a replica location to a group and returns the group.
func (c *Client) AddLocation(ctx context.Context, group, location string) (Group, error) {
	var out groupEnvelope
	p := c.groupsPath(url.PathEscape(group), "locations", url.PathEscape(location))
	if err := c.do(ctx, call{method: http.MethodPost, path: p}, &out); err != nil {
		return Group{}, fmt.Errorf("add location %s to group %q: %w", location, group, err)
	}
	return out.Group, nil
}

// WaitLocation blocks until location of group is ready, as the turso CLI's
// --wait does after a create or an added location (a route the OpenAPI spec
// does not document: the server holds the request until then). An attempt
// that runs out its Timeout is sent again, so that how long a location may
// take is bounded by ctx alone.
func (c *Client) WaitLocation(ctx context.Context, group, location string) error {
	p := c.groupsPath(url.PathEscape(group), "locations", url.PathEscape(location), "wait")
	for {
		err := c.do(ctx, call{method: http.MethodGet, path: p, idempotent: true}, nil)
		if err == nil {
			return nil
		}
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		return fmt.Errorf("wait for location %s of group %q: %w", location, group, err)
	}
}

// RemoveLocation removes a replica location from a group and returns the group.
func (c *Client) RemoveLocation(ctx context.Context, group, location string) (Group, error) {
	var out groupEnvelope
	p := c.groupsPath(url.PathEscape(group), "locations", url.PathEscape(location))
	if err := c.do(ctx, call{method: http.MethodDelete, path: p}, &out); err != nil {
		return Group{}, fmt.Errorf("remove location %s from group %q: %w", location, group, err)
	}
	return out.Group, nil
}

// GetGroupConfig returns a group's configuration.
func (c *Client) GetGroupConfig(ctx context.Context, group string) (GroupConfig, error) {
	var out GroupConfig
	p := c.groupsPath(url.PathEscape(group), "configuration")
	if err := c.do(ctx, call{method: http.MethodGet, path: p, idempotent: true}, &out); err != nil {
		return GroupConfig{}, fmt.Errorf("get configuration of group %q: %w", group, err)
	}
	return out, nil
}

// SetDeleteProtection turns a group's delete protection on or off and
// returns the configuration the server now holds.
func (c *Client) SetDeleteProtection(ctx context.Context, group string, on bool) (GroupConfig, error) {
	var out GroupConfig
	p := c.groupsPath(url.PathEscape(group), "configuration")
	// Setting an absolute value twice is harmless, so this may be retried.
	body := map[string]bool{"delete_protection": on}
	if err := c.do(ctx, call{method: http.MethodPatch, path: p, body: body, idempotent: true}, &out); err != nil {
		return GroupConfig{}, fmt.Errorf("set delete protection of group %q: %w", group, err)
	}
	return out, nil
}

// TransferGroup moves a group to another organization of the user and
// returns it as the server describes it afterwards.
func (c *Client) TransferGroup(ctx context.Context, group, toOrg string) (Group, error) {
	var raw json.RawMessage
	p := c.groupsPath(url.PathEscape(group), "transfer")
	if err := c.do(ctx, call{method: http.MethodPost, path: p, body: map[string]string{"organization": toOrg}}, &raw); err != nil {
		return Group{}, fmt.Errorf("transfer group %q to %s: %w", group, toOrg, err)
	}
	g, err := decodeGroupEither(raw)
	if err != nil {
		return Group{}, fmt.Errorf("transfer group %q to %s: %w", group, toOrg, scrubError(err, c.token))
	}
	if g.Name == "" {
		g.Name = group
	}
	return g, nil
}

// decodeGroupEither accepts a group wrapped in {"group": ...} or bare: the
// spec documents transfer's answer bare, unlike every other group endpoint.
func decodeGroupEither(raw json.RawMessage) (Group, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return Group{}, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return Group{}, fmt.Errorf("the API sent a response that is not a group: %w", err)
	}
	target := raw
	if inner, ok := probe["group"]; ok {
		target = inner
	}
	var g Group
	if err := json.Unmarshal(target, &g); err != nil {
		return Group{}, fmt.Errorf("the API sent a response that is not a group: %w", err)
	}
	return g, nil
}

// RenameGroup gives a group a new name and returns it as the server
// describes it afterwards; its databases go with it. The route is the
// turso CLI's (group rename), which the OpenAPI spec does not document.
// It is never retried after an ambiguous failure: a second attempt would
// answer "not found" for a group the first one renamed.
func (c *Client) RenameGroup(ctx context.Context, group, newName string) (Group, error) {
	var out groupEnvelope
	p := c.groupsPath(url.PathEscape(group), "rename")
	if err := c.do(ctx, call{method: http.MethodPost, path: p, body: map[string]string{"name": newName}}, &out); err != nil {
		return Group{}, fmt.Errorf("rename group %q to %q: %w", group, newName, err)
	}
	if out.Group.Name == "" {
		out.Group.Name = newName
	}
	return out.Group, nil
}

// UnarchiveGroup wakes an archived group.
func (c *Client) UnarchiveGroup(ctx context.Context, group string) (Group, error) {
	var out groupEnvelope
	if err := c.do(ctx, call{method: http.MethodPost, path: c.groupsPath(url.PathEscape(group), "unarchive")}, &out); err != nil {
		return Group{}, fmt.Errorf("unarchive group %q: %w", group, err)
	}
	return out.Group, nil
}

// UpdateGroupDatabases updates every database of a group to the latest
// libSQL version. The update causes a short downtime.
func (c *Client) UpdateGroupDatabases(ctx context.Context, group string) error {
	if err := c.do(ctx, call{method: http.MethodPost, path: c.groupsPath(url.PathEscape(group), "update")}, nil); err != nil {
		return fmt.Errorf("update databases of group %q: %w", group, err)
	}
	return nil
}

// TokenOptions describe a group token.
type TokenOptions struct {
	// Expiration is "never" (the default when empty) or a duration such as
	// "7d", "2w1d" or "12h".
	Expiration string
	// Authorization is FullAccess (the default when empty) or ReadOnly.
	Authorization TokenAuthorization
	// AttachDatabases lets the token ATTACH these databases of the
	// organization, read-only, from a connection to the group's databases
	// (the request body's permissions.read_attach.databases, the CLI's
	// --attach). Empty sends no body, as before the field existed.
	AttachDatabases []string
}

// ValidateExpiration checks a token expiration the way the API parses it
// (see ParseExpiration).
func ValidateExpiration(exp string) error {
	_, err := ParseExpiration(exp)
	return err
}

// ParseExpiration returns how long a token with this expiration lives:
// "never" (also "", "none" and "default") is zero, for a token that never
// expires; otherwise a positive duration like "1d" or "2w1d30m" (weeks,
// days, hours, minutes, seconds).
func ParseExpiration(exp string) (time.Duration, error) {
	switch exp {
	case "", "never", "none", "default":
		return 0, nil
	}
	d, err := str2duration.ParseDuration(exp)
	if err != nil {
		return 0, fmt.Errorf("invalid expiration %q: use never, or a duration such as 7d, 2w or 12h", exp)
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid expiration %q: it must be longer than zero", exp)
	}
	return d, nil
}

// CreateGroupToken mints a token valid for every database of the group.
// The API shows a token only once: it cannot be retrieved again.
func (c *Client) CreateGroupToken(ctx context.Context, group string, opts TokenOptions) (string, error) {
	if err := ValidateExpiration(opts.Expiration); err != nil {
		return "", err
	}
	q := url.Values{}
	if opts.Expiration != "" {
		q.Set("expiration", opts.Expiration)
	}
	switch opts.Authorization {
	case "":
	case FullAccess, ReadOnly:
		q.Set("authorization", string(opts.Authorization))
	default:
		return "", fmt.Errorf("token authorization must be %s or %s, not %q", FullAccess, ReadOnly, opts.Authorization)
	}
	seen := make(map[string]bool, len(opts.AttachDatabases))
	for _, db := range opts.AttachDatabases {
		if db == "" || seen[db] {
			return "", fmt.Errorf("token read-attach databases: %q is empty or listed twice", db)
		}
		seen[db] = true
	}
	var body any
	if len(opts.AttachDatabases) > 0 {
		body = map[string]any{"permissions": map[string]any{"read_attach": map[string]any{"databases": opts.AttachDatabases}}}
	}
	var out struct {
		JWT string `json:"jwt"`
	}
	p := c.groupsPath(url.PathEscape(group), "auth", "tokens")
	if err := c.do(ctx, call{method: http.MethodPost, path: p, query: q, body: body}, &out); err != nil {
		return "", fmt.Errorf("create a token for group %q: %w", group, err)
	}
	if out.JWT == "" {
		return "", fmt.Errorf("create a token for group %q: the API answered without a token", group)
	}
	return out.JWT, nil
}

// RotateGroupTokens invalidates every token of every database of the group.
func (c *Client) RotateGroupTokens(ctx context.Context, group string) error {
	if err := c.do(ctx, call{method: http.MethodPost, path: c.groupsPath(url.PathEscape(group), "auth", "rotate")}, nil); err != nil {
		return fmt.Errorf("rotate tokens of group %q: %w", group, err)
	}
	return nil
}
