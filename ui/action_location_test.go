package ui

import (
	"strings"
	"testing"
)

// The add-location form says, before anything is chosen, that edge
// replicas are deprecated, in the CLI's words and with its link.
func TestAddLocationSaysReplicasAreDeprecated(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withSize(160, 40))
	h.selectGroup("default") // fra primary
	h.press("a")
	if h.m.focus.form() == nil {
		t.Fatalf("a opened no form:\n%s", h.screen())
	}
	// Joined, so that a wrapped description still matches.
	flat := strings.Join(strings.Fields(h.screen()), " ")
	for _, want := range []string{
		"Edge replicas are deprecated",
		"Turso Cloud no longer offers multi-region replication for new users",
		"https://tur.so/replicas-deprecated",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the add-location form does not say %q:\n%s", want, h.screen())
		}
	}
}

// A group whose primary is in AWS has no edge replicas: a says why in the
// footer and opens nothing, and the detail does not offer it, in its
// action list or its footer. Remove location stays offered while the group
// has replicas, since removing them is how to get off the feature.
func TestAddLocationRefusedForAWSPrimary(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withSize(160, 40))
	h.selectGroup("analytics") // aws-us-east-1 primary, an aws-eu-west-1 replica
	h.press("enter")
	actionsLine := detailActions(t, h.screen())
	if strings.Contains(actionsLine, "add location") {
		t.Errorf("the detail of an AWS group offers add location: %q", actionsLine)
	}
	if !strings.Contains(actionsLine, "remove location") {
		t.Errorf("the detail of an AWS group with a replica no longer offers remove location: %q", actionsLine)
	}
	if footer := lastLine(h.screen()); strings.Contains(footer, "add location") {
		t.Errorf("the footer of an AWS group's detail offers add location: %q", footer)
	}
	h.reqs.reset()
	h.press("a")
	if h.m.focus.form() != nil {
		t.Fatalf("a opened a form for an AWS group:\n%s", h.screen())
	}
	h.mustShow("analytics cannot get a new location: its primary, aws-us-east-1, is an AWS location, and AWS groups have no edge replicas.")
	if m := h.mutations(); len(m) != 0 {
		t.Errorf("the refusal sent %v", m)
	}

	// A group elsewhere is still offered it.
	h.press("esc")
	h.selectGroup("default")
	h.press("enter")
	if actionsLine := detailActions(t, h.screen()); !strings.Contains(actionsLine, "a add location") {
		t.Errorf("the detail of a non-AWS group lost add location: %q", actionsLine)
	}
}

// detailActions is the line under the detail's "Actions" title.
func detailActions(t *testing.T, screen string) string {
	t.Helper()
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "Actions" && i+1 < len(lines) {
			// The list may wrap: take the lines up to the blank one.
			var out []string
			for _, next := range lines[i+1:] {
				if strings.TrimSpace(next) == "" {
					break
				}
				out = append(out, strings.TrimSpace(next))
			}
			return strings.Join(out, " ")
		}
	}
	t.Fatalf("no Actions in the detail:\n%s", screen)
	return ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
