package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// yieldServer answers the database list at once and holds the group list
// until release is closed; it says on arrived when each request comes in.
func yieldServer(t *testing.T, release <-chan struct{}) (url string, arrived <-chan string) {
	t.Helper()
	got := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/groups") {
			got <- "groups"
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
			_, _ = w.Write([]byte(`{"groups":[{"name":"default","primary":"fra"}]}`))
			return
		}
		got <- "databases"
		_, _ = w.Write([]byte(`{"databases":[{"Name":"db","group":"default"}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

func yieldClient(t *testing.T, url string, timeout time.Duration) *api.Client {
	t.Helper()
	c, err := api.New(api.Options{BaseURL: url, Token: "tok", Org: "demo", Timeout: timeout, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// await fails t unless the next thing said on ch, within 5 s, is want.
func await(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("got %q first, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%q never came", want)
	}
}

// TestDatabasesYieldToTheGroupList: with a group list under way, the
// database list's request is sent at once, but its answer is read only
// once the group list is in.
func TestDatabasesYieldToTheGroupList(t *testing.T) {
	release := make(chan struct{})
	url, arrived := yieldServer(t, release)
	c := yieldClient(t, url, 10*time.Second)
	ctx := context.Background()

	done := make(chan string, 2)
	go func() {
		_, err := c.ListGroups(ctx)
		done <- "groups " + errText(err)
	}()
	await(t, arrived, "groups")
	go func() {
		dbs, err := c.WithOrg("demo").ListDatabases(ctx) // copies share the gate
		if err == nil && len(dbs) != 1 {
			err = fmt.Errorf("%d databases, want 1", len(dbs))
		}
		done <- "databases " + errText(err)
	}()
	await(t, arrived, "databases")
	select {
	case got := <-done:
		t.Fatalf("%s returned while the group list was still under way", got)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	// Once the group list is in, both calls return; which of the two
	// goroutines reports first is the scheduler's choice (under -race on
	// a busy machine the databases' often does), so neither order is
	// asked for.
	got := map[string]bool{}
	for range 2 {
		select {
		case s := <-done:
			got[s] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("only %v came back after the group list was released", got)
		}
	}
	if !got["groups ok"] || !got["databases ok"] {
		t.Fatalf("got %v, want groups ok and databases ok", got)
	}
}

// TestDatabasesYieldBriefly: a group list that stalls holds the databases
// back for a quarter of the time their attempt has left at most; they
// still arrive, well within it. With no group list under way they do not
// wait at all.
func TestDatabasesYieldBriefly(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	url, arrived := yieldServer(t, release)
	c := yieldClient(t, url, time.Minute)

	// The waits are told apart by their size: none at all (a request on
	// loopback, a few ms), a quarter of the 8 s left (2 s), or all of it.
	// The bounds sit halfway between, far from what a busy machine adds.
	short, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := c.ListDatabases(short); err != nil {
		t.Fatalf("with no group list under way: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("with no group list under way the databases took %s", d)
	}
	await(t, arrived, "databases")

	stalled, stop := context.WithCancel(context.Background())
	t.Cleanup(stop) // before the server closes
	go func() { _, _ = c.ListGroups(stalled) }()
	await(t, arrived, "groups")
	short, cancel = context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	start = time.Now()
	if _, err := c.ListDatabases(short); err != nil {
		t.Fatalf("the databases failed behind a stalled group list: %v", err)
	}
	if d := time.Since(start); d < time.Second || d > 5*time.Second {
		t.Fatalf("behind a stalled group list the databases took %s, want about 2s", d)
	}
}

func errText(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}
