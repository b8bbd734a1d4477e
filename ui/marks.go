package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// markSet is the groups marked in the list, for the changes that apply
// to many at once (action_bulk.go). Marks are kept by group name, not by
// row: they stay on their groups when a refresh, the sort or the filter
// moves the rows, and a group hidden by the filter stays marked. A
// refresh that no longer lists a group drops its mark (prune); switching
// organization drops them all (switchOrg), since a name is a group only
// within its organization.
//
// Nothing here is proportional to the groups but ctrl+a and a range
// (which touch the rows they mark) and prune (which a load already is):
// a row asks has, and the count is len.
type markSet struct {
	names map[string]struct{}
	// ranging: V started a range at the group named anchor; the rows
	// between it and the cursor are marked as the cursor moves. byRange
	// are the marks the range made, taken back when the range shrinks;
	// marks made before it stay.
	ranging bool
	anchor  string
	byRange []string
}

// len is how many groups are marked.
func (s *markSet) len() int { return len(s.names) }

// has reports whether the group named name is marked.
func (s *markSet) has(name string) bool { _, ok := s.names[name]; return ok }

func (s *markSet) add(name string) {
	if s.names == nil {
		s.names = map[string]struct{}{}
	}
	s.names[name] = struct{}{}
}

func (s *markSet) remove(name string) { delete(s.names, name) }

// clear drops every mark and ends a range.
func (s *markSet) clear() {
	s.names, s.ranging, s.anchor, s.byRange = nil, false, "", nil
}

// sorted is the marked names in order, for a form and a run: a map's
// order would change between two looks at the same marks.
func (s *markSet) sorted() []string {
	out := make([]string, 0, len(s.names))
	for n := range s.names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// prune drops the marks of groups that has no longer finds: a refresh
// that no longer lists them, a delete or a transfer.
func (s *markSet) prune(has func(string) bool) {
	for n := range s.names {
		if !has(n) {
			delete(s.names, n)
		}
	}
	if s.ranging && !has(s.anchor) {
		s.ranging, s.anchor, s.byRange = false, "", nil
	}
}

// markKey handles the list's mark keys; ok is false for any other key.
// space toggles the row under the cursor and moves down, so that a run
// of presses marks a run of rows (as in ranger, mc and nnn).
func (l *groupList) markKey(km tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k, s := l.c.keys, &l.marks
	switch {
	case key.Matches(km, k.Mark):
		if name := l.currentName(); name != "" {
			if s.has(name) {
				s.remove(name)
			} else {
				s.add(name)
			}
			l.move(1)
			l.extendRange()
		}
	case key.Matches(km, k.MarkRange):
		if s.ranging {
			// The range ends; what it marked stays marked.
			s.ranging, s.anchor, s.byRange = false, "", nil
			return nil, true
		}
		if name := l.currentName(); name != "" {
			s.ranging, s.anchor, s.byRange = true, name, nil
			l.extendRange()
		}
	case key.Matches(km, k.MarkUp), key.Matches(km, k.MarkDown):
		d := 1
		if key.Matches(km, k.MarkUp) {
			d = -1
		}
		if name := l.currentName(); name != "" {
			s.add(name)
			l.move(d)
			s.add(l.currentName())
			l.extendRange()
		}
	case key.Matches(km, k.MarkAll):
		l.markAllShown()
	default:
		return nil, false
	}
	return nil, true
}

// markAllShown marks every row the filter shows; when they all are
// already, it unmarks them instead, so that the key toggles. Marks of
// groups the filter hides are left as they are.
func (l *groupList) markAllShown() {
	s, groups := &l.marks, l.data.groups
	all := true
	for _, i := range l.visible {
		if !s.has(groups[i].Name) {
			all = false
			break
		}
	}
	if s.names == nil {
		s.names = make(map[string]struct{}, len(l.visible))
	}
	for _, i := range l.visible {
		if all {
			delete(s.names, groups[i].Name)
		} else {
			s.names[groups[i].Name] = struct{}{}
		}
	}
	s.ranging, s.anchor, s.byRange = false, "", nil
}

// extendRange marks the rows between the range's anchor and the cursor,
// taking back what the range marked before that is now outside it. It
// does nothing unless a range is open; a range whose anchor the filter
// hides has no rows, and marks nothing more.
func (l *groupList) extendRange() {
	s := &l.marks
	if !s.ranging {
		return
	}
	for _, n := range s.byRange {
		s.remove(n)
	}
	s.byRange = s.byRange[:0]
	from := -1
	for pos, i := range l.visible {
		if l.data.groups[i].Name == s.anchor {
			from = pos
			break
		}
	}
	if from < 0 || l.cursor >= len(l.visible) {
		return
	}
	lo, hi := min(from, l.cursor), max(from, l.cursor)
	for pos := lo; pos <= hi; pos++ {
		n := l.data.groups[l.visible[pos]].Name
		if !s.has(n) {
			s.add(n)
			s.byRange = append(s.byRange, n)
		}
	}
}

// markGlyph is the mark column's character: a character, not a colour
// alone, so that NO_COLOR and a monochrome terminal show it.
const markGlyph = "*"
