package api

// The health of a group, as Group.Health says it: the words the turso
// CLI's `group list` prints in its STATUS column, so that a script or a
// person comparing the two sees the same thing.
const (
	HealthHealthy   = "Healthy"
	HealthDegraded  = "Degraded"
	HealthUnhealthy = "Unhealthy"
	HealthArchived  = "Archived"
)

// Health aggregates the group's per-location status the way the turso
// CLI does: HealthArchived if the group is archived, else HealthUnhealthy
// if its primary location is "down", else HealthDegraded if any other
// location is "down", else HealthHealthy. A group without a status (the
// field is not in the OpenAPI spec, and older answers lack it) is healthy,
// as the CLI shows it.
func (g Group) Health() string {
	if g.Archived {
		return HealthArchived
	}
	if g.Status == nil {
		return HealthHealthy
	}
	health := HealthHealthy
	for _, l := range g.Status.Locations {
		if l.Status != "down" {
			continue
		}
		if l.Name == g.Primary {
			// The primary takes the writes: nothing worse to say.
			return HealthUnhealthy
		}
		health = HealthDegraded
	}
	return health
}
