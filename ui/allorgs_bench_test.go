package ui

import (
	"strconv"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/cache"
)

// allOrgsBenchModel is benchModel's dashboard of n groups in demo (the
// session's organization) with the list of every organization open and
// acme's k groups loaded: the same names as demo's first k, as group
// names are unique only within an organization.
func allOrgsBenchModel(b *testing.B, n, k int) *Model {
	b.Helper()
	m := benchModel(b, n, 100, 30)
	m.orgs = []api.Organization{{Slug: "demo", Type: "personal"}, {Slug: "acme", Type: "team"}}
	_ = m.openAllOrgs() // acme's load is not run: its answer is given below
	groups, _ := benchData(k)
	m.Update(orgGroupsMsg{gen: m.all.gen, org: "acme", data: &cache.GroupList{Groups: groups, ByName: cache.IndexByName(groups)}})
	if len(m.all.visible) != n+k || !m.allOrgsOn() {
		b.Fatalf("the view lists %d rows, want %d", len(m.all.visible), n+k)
	}
	_ = m.View()
	return m
}

// BenchmarkAllOrgsKeystroke is a keystroke in the list of every
// organization and its frame (Update + View), at 1,000 + 100 and 10,000
// + 1,000 groups: j (back to the top at the end), a key typed into the
// open filter (alternating a digit and backspace, so that every one
// refilters every row), a mark key (refused in this view, in words), and
// an action's answer landing in a row of the session's organization,
// which builds the rows again (the cost of every answer or load).
func BenchmarkAllOrgsKeystroke(b *testing.B) {
	for _, size := range []struct{ n, k int }{{1000, 100}, {10000, 1000}} {
		name := "groups=" + strconv.Itoa(size.n) + "+" + strconv.Itoa(size.k)
		b.Run(name+"/j", func(b *testing.B) {
			m := allOrgsBenchModel(b, size.n, size.k)
			j, top := keyMsg("j"), keyMsg("g")
			b.ReportAllocs()
			for b.Loop() {
				if m.all.cursor == len(m.all.visible)-1 {
					m.Update(top)
				} else {
					m.Update(j)
				}
				_ = m.View()
			}
		})
		b.Run(name+"/filter", func(b *testing.B) {
			m := allOrgsBenchModel(b, size.n, size.k)
			m.Update(keyMsg("/"))
			m.Update(keyMsg("1"))
			keys := []tea.KeyMsg{keyMsg("5"), keyMsg("backspace")}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.Update(keys[i%2])
				_ = m.View()
				i++
			}
			if !m.all.filtering || m.all.query == "" {
				b.Fatalf("the filter closed: %q", m.all.query)
			}
		})
		b.Run(name+"/ctrl+a", func(b *testing.B) {
			m := allOrgsBenchModel(b, size.n, size.k)
			ca := tea.KeyMsg{Type: tea.KeyCtrlA}
			b.ReportAllocs()
			for b.Loop() {
				m.Update(ca)
				_ = m.View()
			}
		})
		b.Run(name+"/answer", func(b *testing.B) {
			m := allOrgsBenchModel(b, size.n, size.k)
			g := m.groups[0]
			b.ReportAllocs()
			for b.Loop() {
				g.DeleteProtection = !g.DeleteProtection
				m.upsertGroup(g)
				m.Update(tea.KeyMsg{Type: tea.KeyDown})
				_ = m.View()
			}
		})
	}
}

// BenchmarkAllOrgsView is the view's frame alone, drawn anew each time
// (the memo of the last frame dropped, as any message but a spinner's
// turn drops it): its cost and allocations do not grow with the rows.
func BenchmarkAllOrgsView(b *testing.B) {
	for _, size := range []struct{ n, k int }{{1000, 100}, {10000, 1000}} {
		b.Run("groups="+strconv.Itoa(size.n)+"+"+strconv.Itoa(size.k), func(b *testing.B) {
			m := allOrgsBenchModel(b, size.n, size.k)
			m.all.move((size.n + size.k) / 2)
			b.ReportAllocs()
			for b.Loop() {
				m.memo.valid = false
				_ = m.View()
			}
		})
	}
}
