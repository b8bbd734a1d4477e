package cache

import (
	"context"
	"math"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// UsageOrgAbove is the number of databases from which a group's usage
// comes from one OrganizationUsage rather than a request per database:
// a group of thousands must not cost thousands of requests.
const UsageOrgAbove = 32

// GroupUsage is one group's usage in the current period, summed from its
// databases'. Like GroupList, it is immutable once built.
type GroupUsage struct {
	Total api.Usage
	// ByDB is each database's total, by name.
	ByDB map[string]api.Usage
	Err  error
}

// GroupUsage is the usage of group, whose databases are dbs, shared
// through the cache when there is one: the sessions of a server that
// show the same rows ask once, not once each (at 1,000 sessions that was
// 26,000 requests for the same 75 figures). The result is shared: never
// change it.
func (c *Cache) GroupUsage(ctx context.Context, client *api.Client, group string, dbs []api.Database) *GroupUsage {
	fetch := func(ctx context.Context) (u *GroupUsage) {
		defer onPanic(client, func(err error) { u = &GroupUsage{Err: err} })
		return sumUsage(ctx, client, dbs)
	}
	if c == nil {
		return fetch(ctx)
	}
	key := cacheKey{kind: cacheUsage, base: client.BaseURL(), org: client.Org(), group: group}
	v, ok := c.do(ctx, key, c.ttl, func(ctx context.Context) (any, bool) {
		u := fetch(ctx)
		return u, u.Err == nil
	})
	if !ok {
		return &GroupUsage{Err: ctx.Err()}
	}
	return v.(*GroupUsage)
}

// sumUsage sums the usage of dbs: a request per database, or one for the
// organization's when there are more than UsageOrgAbove.
func sumUsage(ctx context.Context, c *api.Client, dbs []api.Database) *GroupUsage {
	u := &GroupUsage{ByDB: make(map[string]api.Usage, len(dbs))}
	add := func(name string, d api.Usage) {
		u.ByDB[name] = d
		u.Total.RowsRead = satAdd(u.Total.RowsRead, d.RowsRead)
		u.Total.RowsWritten = satAdd(u.Total.RowsWritten, d.RowsWritten)
		u.Total.StorageBytes = satAdd(u.Total.StorageBytes, d.StorageBytes)
		u.Total.BytesSynced = satAdd(u.Total.BytesSynced, d.BytesSynced)
	}
	if len(dbs) > UsageOrgAbove {
		ids := make(map[string]string, len(dbs))
		for _, d := range dbs {
			ids[d.ID] = d.Name
		}
		org, err := c.OrganizationUsage(ctx)
		if err != nil {
			return &GroupUsage{Err: err}
		}
		for _, d := range org.Databases {
			if name, ok := ids[d.UUID]; ok {
				add(name, d.Total)
			}
		}
		return u
	}
	for _, d := range dbs {
		du, err := c.DatabaseUsage(ctx, d.Name, time.Time{}, time.Time{})
		if err != nil {
			return &GroupUsage{Err: err}
		}
		add(d.Name, du.Total)
	}
	return u
}

// satAdd adds without wrapping: an API's figure near the int64 limit
// must give a large sum, not a negative one.
func satAdd(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

type planResult struct {
	sub   api.Subscription
	plans []api.Plan
	err   error
}

// Plan is the organization's subscription and the plans (to find its
// quotas), shared through the cache when there is one.
func (c *Cache) Plan(ctx context.Context, client *api.Client) (api.Subscription, []api.Plan, error) {
	fetch := func(ctx context.Context) (r planResult) {
		defer onPanic(client, func(err error) { r = planResult{err: err} })
		sub, err := client.Subscription(ctx)
		if err != nil {
			return planResult{err: err}
		}
		plans, err := client.Plans(ctx)
		return planResult{sub: sub, plans: plans, err: err}
	}
	if c == nil {
		r := fetch(ctx)
		return r.sub, r.plans, r.err
	}
	key := cacheKey{kind: cachePlan, base: client.BaseURL(), org: client.Org()}
	v, ok := c.do(ctx, key, c.ttl, func(ctx context.Context) (any, bool) {
		r := fetch(ctx)
		return r, r.err == nil
	})
	if !ok {
		return api.Subscription{}, nil, ctx.Err()
	}
	r := v.(planResult)
	return r.sub, r.plans, r.err
}
