package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProvisioningInTmux drives the built binary against a local-api
// whose new locations take 2 s to be ready: a created group, and a second
// location added while its first is still provisioning, show
// "Provisioning" with the time taken, and then, with no key pressed, both
// become ready.
func TestProvisioningInTmux(t *testing.T) {
	requireTmux(t)
	url, server := startE2EAPI(t, "demo", "--provision-delay", "2s")
	s := startTmuxAt(t, "prov", url, 120, 32, "6 groups")

	start := time.Now()
	s.keys("n")
	s.waitFor("New group")
	s.typeText("prov-group")
	s.waitFor("prov-group is a valid name")
	// At lhr: a group whose primary is in AWS (the first location
	// offered) has no edge replicas, so no location could be added.
	s.keys("Enter")
	s.waitFor("Primary location")
	// "/" alone: sent with the name, it would arrive as one key of four runes.
	s.keys("/")
	s.typeText("lhr")
	s.waitFor("filter /lhr")
	s.keys("Enter", "Enter")
	s.waitFor("Create prov-group at lhr")
	s.keys("Enter")
	s.waitFor("Created prov-group")
	s.waitFor("Provisioning")
	row := ""
	for _, line := range strings.Split(s.screen(), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " >"), "prov-group ") {
			row = line
		}
	}
	if !regexp.MustCompile(`Provisioning \d`).MatchString(row) {
		t.Errorf("the new group's row shows no time: %q", row)
	}

	// A second location while the first is still provisioning.
	s.keys("Enter")
	s.waitFor("Status")
	s.keys("a")
	s.waitFor("Add a location to prov-group")
	s.keys("Enter")
	s.waitFor("Added ")
	g, err := server.GetGroup(context.Background(), "prov-group")
	if err != nil || len(g.Locations) != 2 {
		t.Fatalf("after add location: %+v, %v", g, err)
	}
	both := "Provisioning (" + g.Locations[0] + ", " + g.Locations[1] + ")"
	if time.Since(start) < 2*time.Second {
		s.waitFor(both)
	}
	t.Logf("both provisioning after %v", time.Since(start).Round(100*time.Millisecond))

	// No key pressed from here: both waits answer on their own.
	s.waitFor("Healthy")
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.screen(), "ready in") < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := strings.Count(s.screen(), "ready in"); n != 2 {
		t.Fatalf("%d locations say ready, want 2:\n%s", n, s.screen())
	}
	t.Logf("both ready after %v", time.Since(start).Round(100*time.Millisecond))
	g, err = server.GetGroup(context.Background(), "prov-group")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range g.Status.Locations {
		if l.Status != "up" {
			t.Errorf("the server says %s is %s", l.Name, l.Status)
		}
	}
	s.keys("q")
}
