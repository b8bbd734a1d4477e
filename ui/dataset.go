package ui

import (
	"fmt"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// dataset is the organization's data as loaded: what the list and the
// detail draw. The root owns it and is the only writer (loads, a
// change's answer, an organization switch); components hold a pointer
// and read it, so that the groups are never copied per component.
type dataset struct {
	// spinDrawn: the last body drawn showed the spinner's frame (a
	// location provisioning), so it is drawn again when the spinner
	// turns (bodyMemo).
	spinDrawn bool
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
	// loadedAt is when the groups shown were loaded (zero: not yet), and
	// fresh says how long ago, in words ("12s ago"), kept by the root's
	// relayout so that View does not read the clock.
	loadedAt time.Time
	fresh    string

	// prov holds the locations being provisioned that the dashboard
	// waits on, or saw become ready, by group and location.
	prov map[string]map[string]*provision
	// spinFrame and provNow are the spinner's frame and the time, for
	// the STATUS column of a provisioning group: kept by relayout.
	spinFrame string
	provNow   time.Time

	// usage is what is known of each group's usage (usage.go), by name;
	// plan is the organization's plan, nil until known.
	usage map[string]*groupUsage
	plan  *planInfo
}

// ago says how long d is in the words of a status line, in steps coarse
// enough that a tick every freshEvery keeps it true.
func ago(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/(10*time.Second))*10)
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	}
	return fmt.Sprintf("%dh ago", int(d/time.Hour))
}

// freshEvery is how often the words of ago are brought up to date.
const freshEvery = 10 * time.Second

func newDataset() *dataset {
	return &dataset{
		byName:   map[string]int{},
		dbs:      map[string][]api.Database{},
		locNames: map[string]string{},
		prov:     map[string]map[string]*provision{},
	}
}
