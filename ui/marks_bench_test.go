package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkMarkAll is ctrl+a and its frame (Update + View): every group
// shown is marked, then, on the next press, unmarked ("toggle": the set
// keeps its room between the two). "fresh" is esc (which drops the set)
// then ctrl+a: the set is built anew each time, the cost of a first
// ctrl+a. It touches every group once, as it must; the frame after it
// touches only the rows on screen.
//
//	go test ./ui -run '^$' -bench 'MarkAll|MarkedCursorMove' -benchmem
func BenchmarkMarkAll(b *testing.B) {
	for _, fresh := range []bool{false, true} {
		mode := "toggle"
		if fresh {
			mode = "fresh"
		}
		for _, n := range benchSizes {
			b.Run(benchSizeName(n)+"/"+mode, func(b *testing.B) {
				m := benchModel(b, n, 100, 30)
				k, esc := tea.KeyMsg{Type: tea.KeyCtrlA}, keyMsg("esc")
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if fresh {
						m.Update(esc)
					}
					m.Update(k)
					_ = m.View()
				}
				if fresh && m.list.marks.len() != n {
					b.Fatalf("%d marked, want %d", m.list.marks.len(), n)
				}
			})
		}
	}
}

// BenchmarkMarkedCursorMove is BenchmarkCursorMove's "down" with every
// group marked: the marks must cost a keystroke nothing in proportion to
// them (a row asks whether it is marked; the count is the set's size).
func BenchmarkMarkedCursorMove(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchSizeName(n), func(b *testing.B) {
			m := benchModel(b, n, 100, 30)
			m.Update(tea.KeyMsg{Type: tea.KeyCtrlA})
			if got := m.list.marks.len(); got != n {
				b.Fatalf("%d marked, want %d", got, n)
			}
			k, top := keyMsg("j"), keyMsg("g")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if m.list.cursor == len(m.list.visible)-1 {
					m.Update(top)
				} else {
					m.Update(k)
				}
				_ = m.View()
			}
		})
	}
}
