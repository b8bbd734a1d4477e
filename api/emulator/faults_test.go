package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// newFaultAPI serves the demo seed with faults.
func newFaultAPI(t *testing.T, f Faults, seed int64) *testAPI {
	t.Helper()
	st, err := NewMemoryStore(SeedDemo, 0)
	if err != nil {
		t.Fatal(err)
	}
	return newTestAPIWith(t, st, Options{Token: testToken, Faults: f, Seed: seed})
}

// raw sends a request and returns the response or the transport error; the
// body is read fully.
func (a *testAPI) raw(client *http.Client, method, path, body string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, a.http.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res, data, err
}

func TestFaultFail(t *testing.T) {
	a := newFaultAPI(t, Faults{FailRate: 1}, 1)
	seen := map[int]int{}
	for range 40 {
		res := a.do("GET", "/v1/groups", "")
		if res.status != 500 && res.status != 503 {
			t.Fatalf("status %d with FailRate 1", res.status)
		}
		res.errorOf(t)
		seen[res.status]++
	}
	if seen[500] == 0 || seen[503] == 0 {
		t.Errorf("statuses %v, want both 500 and 503", seen)
	}
	// A failed request does nothing.
	a.do("POST", "/v1/groups", `{"name":"ghost","location":"lhr"}`)
	if _, ok := a.srv.Store().Group(DemoOrg, "ghost"); ok {
		t.Error("a request answered with an injected failure was executed")
	}
	// Auth is checked after faults: even a bad token sees the fault.
	if res := a.do("GET", "/v1/groups", "", noAuth()); res.status < 500 {
		t.Errorf("status %d", res.status)
	}
}

func TestFaultRateLimit(t *testing.T) {
	a := newFaultAPI(t, Faults{RateLimitRate: 1}, 1)
	for range 5 {
		res := a.do("GET", "/v1/groups", "").expect(t, 429)
		if res.header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After %q", res.header.Get("Retry-After"))
		}
		if e := res.errorOf(t); e.Error != "rate limit exceeded" {
			t.Errorf("error %q", e.Error)
		}
	}
}

func TestFaultDrop(t *testing.T) {
	a := newFaultAPI(t, Faults{DropRate: 1}, 1)
	for range 3 {
		if res, _, err := a.raw(a.client, "GET", "/v1/groups", ""); err == nil {
			t.Fatalf("dropped connection gave status %d", res.StatusCode)
		}
	}
}

func TestFaultMalformed(t *testing.T) {
	a := newFaultAPI(t, Faults{MalformedRate: 1}, 1)
	res, body, err := a.raw(a.client, "GET", "/v1/groups", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	var v any
	if err := json.Unmarshal(body, &v); err == nil {
		t.Fatalf("malformed body parsed: %s", body)
	}
}

func TestFaultStall(t *testing.T) {
	a := newFaultAPI(t, Faults{StallRate: 1}, 1)
	// A client timeout covers the body, so it fires.
	short := &http.Client{Timeout: 200 * time.Millisecond}
	start := time.Now()
	if _, _, err := a.raw(short, "GET", "/v1/groups", ""); err == nil {
		t.Fatal("stalled request completed")
	} else {
		var ne interface{ Timeout() bool }
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("error %v is not a timeout", err)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
	// Headers and the start of the body do arrive.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", a.http.URL+"/v1/groups", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("headers did not arrive: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	body, err := io.ReadAll(res.Body)
	if err == nil {
		t.Fatal("stalled body finished")
	}
	if !strings.HasPrefix(string(body), `{"groups":[`) {
		t.Errorf("partial body %q", body)
	}
}

func TestFaultLatencyAndSetFaults(t *testing.T) {
	a := newFaultAPI(t, Faults{Latency: 80 * time.Millisecond}, 1)
	start := time.Now()
	a.do("GET", "/v1/groups", "").expect(t, 200)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("request took %v with 80ms latency", d)
	}
	a.srv.SetFaults(Faults{FailRate: 1})
	if res := a.do("GET", "/v1/groups", ""); res.status < 500 {
		t.Fatalf("status %d after SetFaults(FailRate 1)", res.status)
	}
	a.srv.SetFaults(Faults{})
	a.do("GET", "/v1/groups", "").expect(t, 200)
}

// SetFaults while requests are in flight is safe (run with -race).
func TestSetFaultsConcurrent(t *testing.T) {
	a := newFaultAPI(t, Faults{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			a.srv.SetFaults(Faults{FailRate: float64(i%2) * 0.5})
		}
	}()
	for range 30 {
		if res := a.do("GET", "/v1/groups", ""); res.status != 200 && res.status != 500 && res.status != 503 {
			t.Fatalf("status %d", res.status)
		}
	}
	<-done
}

func TestFaultsReproducible(t *testing.T) {
	run := func() []int {
		a := newFaultAPI(t, Faults{FailRate: 0.3, RateLimitRate: 0.2}, 42)
		var out []int
		for range 40 {
			out = append(out, a.do("GET", "/v1/locations", "").status)
		}
		return out
	}
	first, second := run(), run()
	counts := map[int]int{}
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("same seed, different faults: %v vs %v", first, second)
		}
		counts[first[i]]++
	}
	if counts[200] == 0 || counts[429] == 0 || counts[500]+counts[503] == 0 {
		t.Errorf("statuses %v: want a mix at these rates", counts)
	}
}
