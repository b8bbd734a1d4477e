package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

// newProvisionAPI serves the demo seed with a provisioning delay.
func newProvisionAPI(t *testing.T, delay time.Duration) *testAPI {
	t.Helper()
	st, err := NewMemoryStore(SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	return newTestAPIWith(t, st, Options{Token: testToken, ProvisionDelay: delay})
}

// statusOf is the status the group route reports for each location.
func (a *testAPI) statusOf(t *testing.T, group string) map[string]string {
	t.Helper()
	var body struct{ Group api.Group }
	if err := json.Unmarshal(a.do("GET", "/v1/organizations/demo/groups/"+group, "").expect(t, 200).body, &body); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range body.Group.Status.Locations {
		out[l.Name] = l.Status
	}
	return out
}

// A new location is "provisioning" in the group's status, in the answer
// of the change, the group and the list alike, until the delay has passed;
// then "up". Create, add location and unarchive all provision.
func TestProvisionDelayStatus(t *testing.T) {
	const delay = 300 * time.Millisecond
	a := newProvisionAPI(t, delay)
	start := time.Now()
	res := a.do("POST", "/v1/organizations/demo/groups", `{"name":"fresh","location":"lhr"}`).expect(t, 200)
	var created struct{ Group api.Group }
	if err := json.Unmarshal(res.body, &created); err != nil {
		t.Fatal(err)
	}
	if got := created.Group.Status.Locations; len(got) != 1 || got[0].Status != StatusProvisioning {
		t.Fatalf("create answered status %+v, want lhr provisioning", got)
	}
	a.do("POST", "/v1/organizations/demo/groups/fresh/locations/ams", "").expect(t, 200)
	if got := a.statusOf(t, "fresh"); got["lhr"] != StatusProvisioning || got["ams"] != StatusProvisioning {
		t.Fatalf("status right after: %v", got)
	}
	var list struct{ Groups []api.Group }
	if err := json.Unmarshal(a.do("GET", "/v1/organizations/demo/groups", "").expect(t, 200).body, &list); err != nil {
		t.Fatal(err)
	}
	for _, g := range list.Groups {
		if g.Name == "fresh" && g.Status.Locations[0].Status != StatusProvisioning {
			t.Errorf("the list says %+v", g.Status)
		}
		if g.Name == "default" && g.Status.Locations[0].Status != StatusUp {
			t.Errorf("a seeded group is provisioning: %+v", g.Status)
		}
	}
	time.Sleep(delay - time.Since(start) + 50*time.Millisecond)
	// The list was read (and its JSON cached) while provisioning: it
	// must not stay so.
	if err := json.Unmarshal(a.do("GET", "/v1/organizations/demo/groups", "").expect(t, 200).body, &list); err != nil {
		t.Fatal(err)
	}
	for _, g := range list.Groups {
		for _, l := range g.Status.Locations {
			if l.Status != StatusUp {
				t.Errorf("after the delay %s/%s is %s", g.Name, l.Name, l.Status)
			}
		}
	}

	// Unarchiving provisions every location again.
	a.srv.Store().update(func(st *state) error {
		o := st.Orgs["demo"]
		g := o.Groups["fresh"].clone()
		g.Archived = true
		o.putGroup(g)
		return nil
	})
	a.do("POST", "/v1/organizations/demo/groups/fresh/unarchive", "").expect(t, 200)
	if got := a.statusOf(t, "fresh"); got["lhr"] != StatusProvisioning || got["ams"] != StatusProvisioning {
		t.Fatalf("status after unarchive: %v", got)
	}
}

// Without a delay (the default) every location is up at once, as before.
func TestNoProvisionDelayIsReadyAtOnce(t *testing.T) {
	a := newProvisionAPI(t, 0)
	a.do("POST", "/v1/organizations/demo/groups", `{"name":"fresh","location":"lhr"}`).expect(t, 200)
	a.do("POST", "/v1/organizations/demo/groups/fresh/locations/ams", "").expect(t, 200)
	if got := a.statusOf(t, "fresh"); got["lhr"] != StatusUp || got["ams"] != StatusUp {
		t.Fatalf("status: %v", got)
	}
	start := time.Now()
	a.do("GET", "/v1/organizations/demo/groups/fresh/locations/ams/wait", "").expect(t, 200)
	if d := time.Since(start); d > time.Second {
		t.Errorf("the wait of a ready location took %v", d)
	}
}

// The wait route blocks until the location is ready, then answers {}; an
// unknown group or location is 404, and removing the location while it is
// waited on ends the wait with 404 too.
func TestWaitLocationBlocksUntilReady(t *testing.T) {
	const delay = 400 * time.Millisecond
	a := newProvisionAPI(t, delay)
	start := time.Now()
	a.do("POST", "/v1/organizations/demo/groups", `{"name":"fresh","location":"lhr"}`).expect(t, 200)
	res := a.do("GET", "/v1/organizations/demo/groups/fresh/locations/lhr/wait", "").expect(t, 200)
	took := time.Since(start)
	if took < delay-20*time.Millisecond || took > delay+2*time.Second {
		t.Errorf("the wait took %v, want about %v", took, delay)
	}
	if string(res.body) != "{}\n" {
		t.Errorf("the wait answered %q", res.body)
	}
	if got := a.statusOf(t, "fresh"); got["lhr"] != StatusUp {
		t.Errorf("after the wait lhr is %q", got["lhr"])
	}
	a.do("GET", "/v1/organizations/demo/groups/nope/locations/lhr/wait", "").expect(t, 404)
	a.do("GET", "/v1/organizations/demo/groups/fresh/locations/ams/wait", "").expect(t, 404)
	a.do("GET", "/v1/organizations/demo/groups/fresh/locations/zzz/wait", "").expect(t, 404)

	// A location removed while it is waited on: 404 once its time is up.
	a.do("POST", "/v1/organizations/demo/groups/fresh/locations/ams", "").expect(t, 200)
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", a.http.URL+"/v1/organizations/demo/groups/fresh/locations/ams/wait", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := a.client.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	time.Sleep(50 * time.Millisecond)
	a.do("DELETE", "/v1/organizations/demo/groups/fresh/locations/ams", "").expect(t, 200)
	if got := <-done; got != http.StatusNotFound {
		t.Errorf("the wait of a removed location answered %d, want 404", got)
	}
}

// A client that gives up ends its wait: the handler returns at once
// rather than holding its goroutine for the whole delay.
func TestWaitLocationCancelled(t *testing.T) {
	a := newProvisionAPI(t, time.Hour)
	a.do("POST", "/v1/organizations/demo/groups", `{"name":"fresh","location":"lhr"}`).expect(t, 200)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", a.http.URL+"/v1/organizations/demo/groups/fresh/locations/lhr/wait", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	returned := make(chan struct{})
	handler := a.srv
	rec := &recorder{header: http.Header{}}
	go func() {
		handler.ServeHTTP(rec, req)
		close(returned)
	}()
	select {
	case <-returned:
		t.Fatalf("the wait answered %d before the location was ready", rec.status)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	select {
	case <-returned:
	case <-time.After(2 * time.Second):
		t.Fatal("the wait went on after its request was cancelled")
	}
	if rec.status != 0 {
		t.Errorf("a cancelled wait answered %d", rec.status)
	}
}

// recorder is a ResponseWriter that remembers the status, for calling
// the handler without a server.
type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return len(b), nil
}
func (r *recorder) WriteHeader(s int) { r.status = s }

// The provisioning times are in the state file, so that another process
// sharing it reports the same, and a past one reads as ready.
func TestProvisioningPersists(t *testing.T) {
	path := t.TempDir() + "/state.json"
	st, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAPIWith(t, st, Options{Token: testToken, ProvisionDelay: time.Hour})
	a.do("POST", "/v1/organizations/demo/groups", `{"name":"fresh","location":"lhr"}`).expect(t, 200)
	st2, err := OpenStore(path, SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close(); st.Close() })
	b := newTestAPIWith(t, st2, Options{Token: testToken})
	if got := b.statusOf(t, "fresh"); got["lhr"] != StatusProvisioning {
		t.Errorf("the other process sees lhr %q", got["lhr"])
	}
}
