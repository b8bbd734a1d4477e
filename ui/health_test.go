package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/seed372e9e9a/turso-groups/api"
)

// statusGroups are one group of each status, named after it.
func statusGroups() []api.Group {
	st := func(pairs ...string) *api.GroupStatus {
		s := &api.GroupStatus{}
		for i := 0; i < len(pairs); i += 2 {
			s.Locations = append(s.Locations, api.LocationStatus{Name: pairs[i], Status: pairs[i+1]})
		}
		return s
	}
	return []api.Group{
		{Name: "a-healthy", Primary: "fra", Locations: []string{"fra", "lhr"}, Status: st("fra", "up", "lhr", "up")},
		{Name: "b-degraded", Primary: "fra", Locations: []string{"fra", "lhr", "ams"}, Status: st("fra", "up", "lhr", "down", "ams", "up")},
		{Name: "c-unhealthy", Primary: "fra", Locations: []string{"fra", "lhr"}, Status: st("fra", "down", "lhr", "down")},
		{Name: "d-archived", Primary: "fra", Locations: []string{"fra"}, Archived: true, Status: st("fra", "down")},
		{Name: "e-provisioning", Primary: "fra", Locations: []string{"fra", "ams"}, Status: st("fra", "up", "ams", "provisioning")},
		{Name: "f-nostatus", Primary: "fra"},
	}
}

func newStatusList(t *testing.T) *groupList {
	t.Helper()
	l := newTestList(t, 0, 120, 12)
	for i, g := range statusGroups() {
		l.data.groups = append(l.data.groups, g)
		l.data.byName[g.Name] = i
	}
	l.dataChanged()
	l.resort()
	l.refilter("")
	return l
}

// The status aggregates the locations as the turso CLI does (archived
// first, the primary down is unhealthy, another down is degraded), plus
// provisioning; a group without a status is healthy, as in the CLI.
func TestGroupHealth(t *testing.T) {
	d := newDataset()
	want := []health{healthHealthy, healthDegraded, healthUnhealthy, healthArchived, healthProvisioning, healthHealthy}
	for i, g := range statusGroups() {
		if got := d.health(&g); got != want[i] {
			t.Errorf("%s: %s, want %s", g.Name, got, want[i])
		}
	}
	// A location the dashboard waits on is provisioning whatever the
	// server said; one it saw ready is not, whatever a stale load says.
	g := statusGroups()[0]
	d.prov["a-healthy"] = map[string]*provision{"lhr": {started: time.Now()}}
	if got := d.health(&g); got != healthProvisioning {
		t.Errorf("waited on: %s", got)
	}
	g = statusGroups()[4]
	d.prov["e-provisioning"] = map[string]*provision{"ams": {ready: true}}
	if got := d.health(&g); got != healthHealthy {
		t.Errorf("seen ready: %s", got)
	}
}

// The STATUS column shows each group's word, right after the name.
func TestStatusColumn(t *testing.T) {
	l := newStatusList(t)
	out := ansi.Strip(l.View())
	if !strings.Contains(out, "NAME           STATUS") {
		t.Errorf("no STATUS column after NAME:\n%s", out)
	}
	for _, g := range statusGroups() {
		word := strings.TrimPrefix(g.Name[2:], "no")
		if g.Name == "f-nostatus" {
			word = "healthy"
		}
		var row string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, g.Name+" ") {
				row = line
			}
		}
		if !strings.Contains(strings.ToLower(row), " "+word) {
			t.Errorf("row of %s: %q, want %s", g.Name, row, word)
		}
	}
}

// s reaches the status sort: the groups needing attention first.
func TestSortByStatus(t *testing.T) {
	l := newStatusList(t)
	for l.sort != sortStatus {
		l.press(t, "s")
	}
	var got []string
	for _, i := range l.visible {
		got = append(got, l.data.groups[i].Name)
	}
	want := []string{"c-unhealthy", "b-degraded", "e-provisioning", "d-archived", "a-healthy", "f-nostatus"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted by status: %v, want %v", got, want)
	}
	if !strings.Contains(l.summary(), "sorted by status") {
		t.Errorf("summary: %q", l.summary())
	}
}

// The filter matches the status word: /degraded finds the degraded group.
func TestFilterByStatus(t *testing.T) {
	l := newStatusList(t)
	for q, want := range map[string][]string{
		"degraded":     {"b-degraded"},
		"Unhealthy":    {"c-unhealthy"},
		"provisioning": {"e-provisioning"},
		"healthy":      {"a-healthy", "c-unhealthy", "f-nostatus"},
	} {
		l.setQuery(q)
		var got []string
		for _, i := range l.visible {
			got = append(got, l.data.groups[i].Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("/%s: %v, want %v", q, got, want)
		}
	}
}

// The detail says the status and names the locations behind it.
func TestDetailNamesTheLocations(t *testing.T) {
	v := newTestDetail(t, 0, 100, 30)
	v.data.groups, v.data.byName = nil, map[string]int{}
	for i, g := range statusGroups() {
		v.data.groups = append(v.data.groups, g)
		v.data.byName[g.Name] = i
	}
	for name, want := range map[string][]string{
		"b-degraded":     {"Degraded (down: lhr)", "lhr  down"},
		"c-unhealthy":    {"Unhealthy (down: fra, lhr)"},
		"e-provisioning": {"Provisioning (ams)", "ams  provisioning"},
		"a-healthy":      {"Healthy"},
		"d-archived":     {"Archived"},
	} {
		v.Open(name)
		out := ansi.Strip(v.View())
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("detail of %s lacks %q:\n%s", name, w, out)
			}
		}
	}
}
