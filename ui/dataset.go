package ui

import "github.com/seed372e9e9a/turso-groups/api"

// dataset is the organization's data as loaded: what the list and the
// detail draw. The root owns it and is the only writer (loads, a
// change's answer, an organization switch); components hold a pointer
// and read it, so that the groups are never copied per component.
type dataset struct {
	// org is the organization as users know it, sanitized (orgLabel).
	org string
	// orgs are the user's organizations, nil until an action that needs
	// them (switch, transfer) fetched them.
	orgs     []api.Organization
	locNames map[string]string
	locs     []api.Location

	groups   []api.Group
	byName   map[string]int
	dbs      map[string][]api.Database
	dbsKnown bool
	// dbsLoading: the databases of the latest load have not arrived yet.
	dbsLoading bool
}

func newDataset() *dataset {
	return &dataset{
		byName:   map[string]int{},
		dbs:      map[string][]api.Database{},
		locNames: map[string]string{},
	}
}
