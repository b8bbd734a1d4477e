package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Usage is what a database (or one of its instances) used in a period:
// the spec's DatabaseUsageObject. StorageBytes is the size at the end of
// the period, not a sum over it.
type Usage struct {
	RowsRead     int64 `json:"rows_read"`
	RowsWritten  int64 `json:"rows_written"`
	StorageBytes int64 `json:"storage_bytes"`
	BytesSynced  int64 `json:"bytes_synced"`
}

// InstanceUsage is the usage of one instance (one location) of a database.
type InstanceUsage struct {
	UUID  string `json:"uuid"`
	Usage Usage  `json:"usage"`
}

// DatabaseUsage is a database's usage in a period, in total and per
// instance: the spec's DatabaseUsageOutput. UUID is the database's id.
type DatabaseUsage struct {
	UUID      string          `json:"uuid"`
	Instances []InstanceUsage `json:"instances"`
	Total     Usage           `json:"total"`
}

// OrganizationTotals is the organization's usage in the current billing
// cycle, summed over its databases. (The spec's descriptions of these
// fields were copied from the plan quotas; the values are usage.)
type OrganizationTotals struct {
	RowsRead     int64 `json:"rows_read"`
	RowsWritten  int64 `json:"rows_written"`
	Databases    int64 `json:"databases"`
	Locations    int64 `json:"locations"`
	StorageBytes int64 `json:"storage_bytes"`
	Groups       int64 `json:"groups"`
	BytesSynced  int64 `json:"bytes_synced"`
}

// OrganizationUsage is the answer of GET …/usage: the totals and every
// database's usage, for the current billing cycle.
type OrganizationUsage struct {
	UUID      string             `json:"uuid"`
	Usage     OrganizationTotals `json:"usage"`
	Databases []DatabaseUsage    `json:"databases"`
}

// DatabaseUsage returns a database's usage between from and to. A zero
// from or to is left out, and the API then uses the current calendar
// month. For many databases one OrganizationUsage is cheaper than a call
// per database.
func (c *Client) DatabaseUsage(ctx context.Context, name string, from, to time.Time) (DatabaseUsage, error) {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("from", from.UTC().Format(time.RFC3339))
	}
	if !to.IsZero() {
		q.Set("to", to.UTC().Format(time.RFC3339))
	}
	var out struct {
		Database DatabaseUsage `json:"database"`
	}
	p := c.orgPath("databases", url.PathEscape(name), "usage")
	if err := c.do(ctx, call{method: http.MethodGet, path: p, query: q, idempotent: true}, &out); err != nil {
		return DatabaseUsage{}, fmt.Errorf("get usage of database %q: %w", name, err)
	}
	return out.Database, nil
}

// OrganizationUsage returns the organization's usage in the current
// billing cycle: its totals and every database's, in one request.
func (c *Client) OrganizationUsage(ctx context.Context) (OrganizationUsage, error) {
	var out struct {
		Organization OrganizationUsage `json:"organization"`
	}
	p, err := c.orgResource(ctx, "usage")
	if err == nil {
		err = c.do(ctx, call{method: http.MethodGet, path: p, idempotent: true, yield: true}, &out)
	}
	if err != nil {
		return OrganizationUsage{}, fmt.Errorf("get organization usage: %w", err)
	}
	return out.Organization, nil
}

// Subscription is the organization's current plan: the spec's answer of
// GET …/subscription. Name and Plan both name the plan ("scaler").
type Subscription struct {
	Name     string `json:"name"`
	Plan     string `json:"plan"`
	Overages bool   `json:"overages"`
	Timeline string `json:"timeline"`
}

// PlanPrice is one price of a plan.
type PlanPrice struct {
	Value    string `json:"value"`
	Timeline string `json:"timeline"`
}

// PlanQuotas are what a plan allows: the spec's PlanQuotas. Databases is
// nil when the API sends null (no limit).
type PlanQuotas struct {
	RowsRead    int64  `json:"rowsRead"`
	RowsWritten int64  `json:"rowsWritten"`
	Databases   *int64 `json:"databases"`
	Locations   int64  `json:"locations"`
	Storage     int64  `json:"storage"`
	Groups      int64  `json:"groups"`
	BytesSynced int64  `json:"bytesSynced"`
}

// Plan is one of the plans an organization may be on.
type Plan struct {
	Name   string      `json:"name"`
	Price  string      `json:"price"`
	Prices []PlanPrice `json:"prices"`
	Quotas PlanQuotas  `json:"quotas"`
}

// Subscription returns the organization's current plan.
func (c *Client) Subscription(ctx context.Context) (Subscription, error) {
	var out struct {
		Subscription Subscription `json:"subscription"`
	}
	p, err := c.orgResource(ctx, "subscription")
	if err == nil {
		err = c.do(ctx, call{method: http.MethodGet, path: p, idempotent: true}, &out)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("get subscription: %w", err)
	}
	return out.Subscription, nil
}

// Plans returns every plan with its quotas; quotas.groups is how many
// groups a plan allows, so a caller can check before creating one.
func (c *Client) Plans(ctx context.Context) ([]Plan, error) {
	var out struct {
		Plans []Plan `json:"plans"`
	}
	p, err := c.orgResource(ctx, "plans")
	if err == nil {
		err = c.do(ctx, call{method: http.MethodGet, path: p, idempotent: true}, &out)
	}
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	return out.Plans, nil
}

// errNoUsername is why a resource of the personal organization cannot be
// reached when the API does not say who the user is.
var errNoUsername = errors.New("the API did not say who the user is, so the personal organization is unknown; set an organization")

// orgResource is /v1/organizations/{org}/<name>. These resources have no
// user-scoped path, so a client without Org asks who the user is: a
// personal account's slug is its username.
func (c *Client) orgResource(ctx context.Context, name string) (string, error) {
	org := c.org
	if org == "" {
		u, err := c.CurrentUser(ctx)
		if err != nil {
			return "", err
		}
		if u.Username == "" {
			return "", errNoUsername
		}
		org = u.Username
	}
	return "/v1/organizations/" + url.PathEscape(org) + "/" + name, nil
}
