package api

import "testing"

func TestGroupHealth(t *testing.T) {
	st := func(pairs ...string) *GroupStatus {
		s := &GroupStatus{Locations: []LocationStatus{}}
		for i := 0; i+1 < len(pairs); i += 2 {
			s.Locations = append(s.Locations, LocationStatus{Name: pairs[i], Status: pairs[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		name string
		g    Group
		want string
	}{
		{"no status", Group{Primary: "fra"}, HealthHealthy},
		{"empty status", Group{Primary: "fra", Status: st()}, HealthHealthy},
		{"all up", Group{Primary: "fra", Status: st("fra", "up", "lhr", "up")}, HealthHealthy},
		{"replica down", Group{Primary: "fra", Status: st("fra", "up", "lhr", "down")}, HealthDegraded},
		{"primary down", Group{Primary: "fra", Status: st("fra", "down", "lhr", "up")}, HealthUnhealthy},
		// The primary's "down" wins whichever comes first.
		{"replica then primary down", Group{Primary: "fra", Status: st("lhr", "down", "fra", "down")}, HealthUnhealthy},
		{"archived wins", Group{Primary: "fra", Archived: true, Status: st("fra", "down")}, HealthArchived},
		{"unknown words are not down", Group{Primary: "fra", Status: st("fra", "starting", "lhr", "")}, HealthHealthy},
	} {
		if got := tc.g.Health(); got != tc.want {
			t.Errorf("%s: Health() = %q, want %q", tc.name, got, tc.want)
		}
	}
}
