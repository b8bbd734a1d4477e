package ui

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// With a token given on the command line, the header names the user as
// soon as the list is in, without o having been pressed; the request
// comes after the first load.
func TestHeaderNamesTheUserWithoutTheSwitcher(t *testing.T) {
	h := newHarness(t, remote(), withoutUser())
	h.waitIdle()
	h.mustShow("user demo")
	reqs := h.reqs.snapshot()
	if !slices.Contains(reqs, "GET /v1/user") || slices.Contains(reqs, "GET /v1/organizations") {
		t.Errorf("requests %v", reqs)
	}
	// Known from the settings, it is not asked for.
	h = newHarness(t, remote())
	h.waitIdle()
	if slices.Contains(h.reqs.snapshot(), "GET /v1/user") {
		t.Error("the user was asked for although known")
	}
}

// A refused token is said once, in the body, with advice for where the
// token came from: not in the header too, nor in a footer about the
// locations.
func TestRefusedTokenIsSaidOnce(t *testing.T) {
	h := newHarness(t, remote(), withToken("wrong"), withTokenAdvice("Check the token given with --token."))
	h.waitIdle()
	scr := h.screen()
	if n := strings.Count(scr, "refused the token"); n != 1 {
		t.Fatalf("said %d times:\n%s", n, scr)
	}
	h.mustShow("Check the token given")
	h.mustNotShow("turso auth login", "Could not load the locations")
}

// The list says how fresh it is, and r shows that it is working even
// while a failed refresh's message is up, which it takes down.
func TestFreshnessAndRefreshSign(t *testing.T) {
	h := newHarness(t)
	h.mustShow("updated just now")
	h.m.loadedAt = fixedNow.Add(-25 * time.Second)
	h.send(freshTickMsg{gen: h.m.sess.gen})
	h.mustShow("demo · local API · updated 20s ago")
	h.m.loadedAt = fixedNow.Add(-3 * time.Minute)
	h.send(freshTickMsg{gen: h.m.sess.gen})
	h.mustShow("updated 3m ago")

	h.m.showBackgroundToast(toastError, "Refresh failed; showing the last loaded groups. The API is down.")
	h.update(keyMsg("r")) // its load is not run: the refresh is in flight
	h.mustShow("Refreshing…")
	h.mustNotShow("Refresh failed")
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "just now", 9 * time.Second: "just now", 10 * time.Second: "10s ago", 59 * time.Second: "50s ago",
		time.Minute: "1m ago", 90 * time.Minute: "1h ago",
	} {
		if got := ago(d); got != want {
			t.Errorf("ago(%s) = %q, want %q", d, got, want)
		}
	}
}
