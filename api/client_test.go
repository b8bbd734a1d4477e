package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// script serves the responses of steps in turn, recording each request.
type script struct {
	t     *testing.T
	steps []func(w http.ResponseWriter, r *http.Request)
	n     atomic.Int32
	mu    sync.Mutex
	log   []recorded
}

// reqs returns the requests recorded so far; handlers run on the server's
// goroutines, so the log is read under the lock.
func (s *script) reqs() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

type recorded struct {
	Method, Path, RawPath, Query, Body, Auth, UA, ContentType string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.log = append(s.log, recorded{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, string(b),
		r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get("Content-Type")})
	s.mu.Unlock()
	i := int(s.n.Add(1)) - 1
	if i >= len(s.steps) {
		s.t.Errorf("unexpected request %d: %s %s", i+1, r.Method, r.URL)
		http.Error(w, "no more steps", 599)
		return
	}
	s.steps[i](w, r)
}

func reply(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func newScripted(t *testing.T, org string, steps ...func(http.ResponseWriter, *http.Request)) (*Client, *script) {
	t.Helper()
	s := &script{t: t, steps: steps}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "tok-secret", Org: org, Version: "v1.2.3",
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func TestPathsAndHeaders(t *testing.T) {
	ctx := context.Background()
	c, s := newScripted(t, "my org", reply(200, `{"group":{"name":"a b/c"}}`))
	if _, err := c.GetGroup(ctx, "a b/c"); err != nil {
		t.Fatal(err)
	}
	r := s.reqs()[0]
	if r.RawPath != "/v1/organizations/my%20org/groups/a%20b%2Fc" {
		t.Errorf("escaped path = %s", r.RawPath)
	}
	if r.Auth != "Bearer tok-secret" {
		t.Errorf("Authorization = %q", r.Auth)
	}
	if !strings.HasPrefix(r.UA, "turso-groups/1.2.3 (") {
		t.Errorf("User-Agent = %q", r.UA)
	}

	// No organization: the user-scoped paths of the seed pages.
	c2, s2 := newScripted(t, "", reply(200, `{"groups":[]}`), reply(200, `{"databases":[]}`))
	if _, err := c2.ListGroups(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.ListDatabases(ctx); err != nil {
		t.Fatal(err)
	}
	if s2.reqs()[0].Path != "/v1/groups" || s2.reqs()[1].Path != "/v1/databases" {
		t.Errorf("user-scoped paths = %s, %s", s2.reqs()[0].Path, s2.reqs()[1].Path)
	}
}

func TestBaseURLForms(t *testing.T) {
	for _, in := range []string{"http://h:1", "http://h:1/", "http://h:1/v1/", "http://h:1/v1"} {
		c, err := New(Options{BaseURL: in, Token: "t", InsecureHTTP: true})
		if err != nil || c.BaseURL() != "http://h:1" {
			t.Errorf("New(%q).BaseURL() = %q, %v", in, c.BaseURL(), err)
		}
	}
	for _, bad := range []string{"ftp://h", "h:1", "http://", "::"} {
		if _, err := New(Options{BaseURL: bad, Token: "t"}); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
	if _, err := New(Options{}); err == nil {
		t.Error("New without a token accepted")
	}
}

func TestErrorDecoding(t *testing.T) {
	ctx := context.Background()
	c, _ := newScripted(t, "acme",
		reply(404, `{"error":"group not found"}`),
		reply(409, `{"error":"group already exists"}`),
		reply(422, `{"error":"group name 'x' is not available"}`),
		reply(401, `{"error":"token contains an invalid number of segments"}`),
		reply(402, `{"error":"creating more than one group is limited to Scaler, Pro and Enterprise plans","code":"feature_not_available_for_starter_plan"}`),
		reply(400, "<html>bad gateway thing</html>"),
		reply(400, `{"error":{"nested":true}}`),
		reply(403, `{"message":"no error key"}`),
	)
	_, err := c.GetGroup(ctx, "nope")
	if !IsNotFound(err) || !strings.Contains(err.Error(), "group not found") {
		t.Errorf("404: %v", err)
	}
	_, err = c.CreateGroup(ctx, CreateGroupRequest{Name: "dup", Location: "lhr"})
	if !IsConflict(err) || !strings.Contains(err.Error(), "group already exists") {
		t.Errorf("409: %v", err)
	}
	_, err = c.CreateGroup(ctx, CreateGroupRequest{Name: "x", Location: "lhr"})
	if !IsConflict(err) {
		t.Errorf("422 is a conflict too: %v", err)
	}
	_, err = c.ListGroups(ctx)
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "invalid number of segments") {
		t.Errorf("401: %v", err)
	}
	_, err = c.CreateGroup(ctx, CreateGroupRequest{Name: "second", Location: "lhr"})
	var apiErr *Error
	if !IsPlanLimit(err) || !errors.As(err, &apiErr) || apiErr.Code != CodePlanLimit || !strings.Contains(err.Error(), "Scaler, Pro and Enterprise") {
		t.Errorf("402: %v", err)
	}
	_, err = c.GetGroup(ctx, "g")
	if !IsBadRequest(err) || !strings.Contains(err.Error(), "bad gateway thing") {
		t.Errorf("non-JSON body: %v", err)
	}
	_, err = c.GetGroup(ctx, "g")
	if !strings.Contains(err.Error(), `{"nested":true}`) {
		t.Errorf("non-string error: %v", err)
	}
	_, err = c.GetGroup(ctx, "g")
	if !IsForbidden(err) || IsPlanLimit(err) || !strings.Contains(err.Error(), "403 Forbidden") {
		t.Errorf("403 without error key: %v", err)
	}
}

func TestTolerantDecoding(t *testing.T) {
	ctx := context.Background()
	c, _ := newScripted(t, "acme",
		// Deprecated and CLI-only fields, and unknown ones.
		reply(200, `{"groups":[{"name":"default","primary":"lhr","locations":["lhr","ams"],"archived":true,"version":"v0.24.2","uuid":"u","delete_protection":true,"status":{"locations":[{"name":"ams","status":"down"}]},"future":{"x":1}},{"name":"bare","primary":"aws-us-east-1"}]}`),
		// Transfer answers a bare group, or a wrapped one, or nothing.
		reply(200, `{"name":"g","primary":"lhr","locations":["lhr"]}`),
		reply(200, `{"group":{"name":"g","primary":"fra"}}`),
		reply(200, ``),
		// Rotate and update may answer an empty 200.
		reply(200, ``),
		reply(200, `{}`),
		// Organizations: the spec's bare array, and the wrapped form.
		reply(200, `[{"name":"personal","slug":"iku","type":"personal"}]`),
		reply(200, `{"organizations":[{"name":"Acme","slug":"acme","type":"team"}]}`),
	)
	gs, err := c.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := gs[0]
	if !g.Archived || !g.DeleteProtection || g.Version != "v0.24.2" || len(g.Locations) != 2 || g.Status.Locations[0].Status != "down" {
		t.Errorf("full group decoded as %+v", g)
	}
	if gs[1].Name != "bare" || gs[1].Locations != nil || gs[1].Status != nil {
		t.Errorf("minimal group decoded as %+v", gs[1])
	}
	for _, want := range []string{"lhr", "fra", ""} {
		g, err := c.TransferGroup(ctx, "g", "other")
		if err != nil || g.Name != "g" || g.Primary != want {
			t.Errorf("transfer = %+v, %v; want primary %q", g, err, want)
		}
	}
	if err := c.RotateGroupTokens(ctx, "g"); err != nil {
		t.Errorf("rotate with empty body: %v", err)
	}
	if err := c.UpdateGroupDatabases(ctx, "g"); err != nil {
		t.Errorf("update: %v", err)
	}
	for _, want := range []string{"iku", "acme"} {
		orgs, err := c.ListOrganizations(ctx)
		if err != nil || len(orgs) != 1 || orgs[0].Slug != want {
			t.Errorf("organizations = %+v, %v; want %s", orgs, err, want)
		}
	}
}

// A 2xx body cut short is retried when the request is idempotent, and
// the retry's answer is decoded afresh; JSON of the wrong shape is not
// retried (the server would send it again), nor is a mutation.
func TestMalformedSuccessBody(t *testing.T) {
	ctx := context.Background()
	cut := reply(200, `{"groups":[{"name":"stale","primary":"fra","locations":["lhr"]},{"name":`)
	c, s := newScripted(t, "acme", cut, reply(200, `{"groups":[{"name":"a"}]}`))
	gs, err := c.ListGroups(ctx)
	if err != nil || len(gs) != 1 || gs[0].Name != "a" || gs[0].Primary != "" || len(s.reqs()) != 2 {
		t.Fatalf("cut body then a good one: %+v, %v, %d requests", gs, err, len(s.reqs()))
	}

	c, s = newScripted(t, "acme", cut, cut, cut, cut)
	if _, err := c.ListGroups(ctx); err == nil || !strings.Contains(err.Error(), "not the JSON expected") || len(s.reqs()) != 1+DefaultMaxRetries {
		t.Errorf("always cut: %v after %d requests", err, len(s.reqs()))
	}

	c, s = newScripted(t, "acme", reply(200, `{"groups":[{"name":5}]}`))
	if _, err := c.ListGroups(ctx); err == nil || !strings.Contains(err.Error(), "not the JSON expected") || len(s.reqs()) != 1 {
		t.Errorf("wrong type: %v after %d requests", err, len(s.reqs()))
	}

	c, s = newScripted(t, "acme", reply(200, `{"group":{"name":`))
	if _, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "g", Location: "fra"}); err == nil || len(s.reqs()) != 1 {
		t.Errorf("create with a cut answer: %v after %d requests", err, len(s.reqs()))
	}
}

func TestRetriesIdempotentRequests(t *testing.T) {
	c, s := newScripted(t, "acme",
		reply(500, `{"error":"boom"}`),
		drop,
		reply(502, `bad gateway`),
		reply(200, `{"groups":[{"name":"a"}]}`),
	)
	gs, err := c.ListGroups(context.Background())
	if err != nil || len(gs) != 1 {
		t.Fatalf("ListGroups after transient failures = %v, %v", gs, err)
	}
	if len(s.reqs()) != 4 {
		t.Errorf("%d attempts, want 4", len(s.reqs()))
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	c, s := newScripted(t, "acme", reply(500, `{"error":"a"}`), reply(500, `{"error":"b"}`), reply(500, `{"error":"c"}`), reply(500, `{"error":"last"}`))
	_, err := c.ListGroups(context.Background())
	if StatusOf(err) != 500 || !strings.Contains(err.Error(), "last") || len(s.reqs()) != 4 {
		t.Errorf("err = %v after %d attempts", err, len(s.reqs()))
	}
}

func TestNeverRetriesAmbiguousMutations(t *testing.T) {
	ctx := context.Background()
	mutations := map[string]func(c *Client) error{
		"create": func(c *Client) error {
			_, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "g", Location: "lhr"})
			return err
		},
		"delete":   func(c *Client) error { _, err := c.DeleteGroup(ctx, "g"); return err },
		"add":      func(c *Client) error { _, err := c.AddLocation(ctx, "g", "ams"); return err },
		"token":    func(c *Client) error { _, err := c.CreateGroupToken(ctx, "g", TokenOptions{}); return err },
		"rotate":   func(c *Client) error { return c.RotateGroupTokens(ctx, "g") },
		"transfer": func(c *Client) error { _, err := c.TransferGroup(ctx, "g", "o"); return err },
	}
	// A 500 or a dropped connection may come after the server did the work.
	failures := map[string]func(http.ResponseWriter, *http.Request){
		"500":  reply(500, `{"error":"internal"}`),
		"drop": drop,
	}
	for fname, fail := range failures {
		for mname, mutate := range mutations {
			t.Run(fname+"/"+mname, func(t *testing.T) {
				// A second step would answer 200: a retry would turn the
				// failure into a success and send a second request.
				c, s := newScripted(t, "acme", fail, reply(200, `{"group":{"name":"g"},"jwt":"x"}`))
				if err := mutate(c); err == nil {
					t.Fatal("the mutation was retried into a success")
				}
				if len(s.reqs()) != 1 {
					t.Errorf("%d requests, want 1 (no retry)", len(s.reqs()))
				}
			})
		}
	}
}

func TestRetriesAnyMethodOn429And503(t *testing.T) {
	c, s := newScripted(t, "acme",
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			reply(429, `{"error":"slow down"}`)(w, r)
		},
		reply(503, `{"error":"maintenance"}`),
		reply(200, `{"group":{"name":"g","primary":"lhr","locations":["lhr"]}}`),
	)
	g, err := c.CreateGroup(context.Background(), CreateGroupRequest{Name: "g", Location: "lhr"})
	if err != nil || g.Name != "g" || len(s.reqs()) != 3 {
		t.Errorf("create = %+v, %v after %d requests", g, err, len(s.reqs()))
	}
	if s.reqs()[0].Body != s.reqs()[2].Body || s.reqs()[2].Body != `{"name":"g","location":"lhr"}` {
		t.Errorf("retried body = %q (first %q)", s.reqs()[2].Body, s.reqs()[0].Body)
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	c, _ := newScripted(t, "acme",
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			reply(429, `{"error":"slow down"}`)(w, r)
		},
		reply(200, `{"groups":[]}`),
	)
	start := time.Now()
	if _, err := c.ListGroups(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("retried after %v; Retry-After said 1s", el)
	}
	// A Retry-After longer than the client will wait is handed back.
	c2, s2 := newScripted(t, "acme", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		reply(429, `{"error":"come back in an hour"}`)(w, r)
	})
	_, err := c2.ListGroups(context.Background())
	var apiErr *Error
	if !IsRateLimited(err) || !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Hour || len(s2.reqs()) != 1 {
		t.Errorf("long Retry-After: %v after %d requests", err, len(s2.reqs()))
	}
}

// TestRetriesMutationWhenConnectionRefused: a change whose connection
// was refused never reached the server, so it is retried like a read.
func TestRetriesMutationWhenConnectionRefused(t *testing.T) {
	// Reserve a port with nothing listening on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var dials atomic.Int32
	d := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, network, a)
	}}}
	const token = "tok-SECRET-123"
	c, err := New(Options{BaseURL: "http://" + addr, Token: token, HTTPClient: hc, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	var te *transportError
	_, err = c.CreateGroup(context.Background(), CreateGroupRequest{Name: "g", Location: "lhr"})
	if !errors.As(err, &te) || !te.neverSent() {
		t.Fatalf("err = %v, want a dial error", err)
	}
	if n := dials.Load(); n != 3 {
		t.Errorf("%d dials, want 3 (the first try and MaxRetries 2)", n)
	}
	if !strings.Contains(err.Error(), "could not reach the API") || strings.Contains(err.Error(), token) {
		t.Errorf("message = %q", err)
	}
}

// TestEmptyAnswerToARead: an empty 200 to a read is not "no groups" or
// "never expires": it is an answer that cannot be read (retried, as a
// body cut short may be, then reported).
func TestEmptyAnswerToARead(t *testing.T) {
	ctx := context.Background()
	c, s := newScripted(t, "acme", reply(200, ``), reply(200, ` `), reply(200, ``), reply(200, ``))
	if gs, err := c.ListGroups(ctx); err == nil || !strings.Contains(err.Error(), "not the JSON expected") {
		t.Fatalf("ListGroups = %v, %v; want an unreadable answer", gs, err)
	}
	if n := len(s.reqs()); n < 2 {
		t.Errorf("%d requests, want the read retried", n)
	}
}

// TestHugeRetryAfter: a Retry-After too large for a Duration is the
// longest wait, not a negative one that slips under MaxRetryAfter.
func TestHugeRetryAfter(t *testing.T) {
	now := time.Now()
	for _, v := range []string{"9999999999", "99999999999999999999", " 9999999999 "} {
		if d := parseRetryAfter(v, now); d < 24*time.Hour {
			t.Errorf("Retry-After %q = %v, want a very long wait", v, d)
		}
	}
	for v, want := range map[string]time.Duration{"5abc": 0, "1.5": 0, "-3": 0, "7": 7 * time.Second} {
		if d := parseRetryAfter(v, now); d != want {
			t.Errorf("Retry-After %q = %v, want %v", v, d, want)
		}
	}
}

// TestDeclaredTooLargeIsNotRead: a body declared over the cap is refused
// from its headers, without downloading up to the cap first.
func TestDeclaredTooLargeIsNotRead(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for range (1 << 30) / len(chunk) {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "t", Org: "acme", MaxResponseBytes: 256 << 20, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroups(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want the response refused as too large", err)
	}
	if w := written.Load(); w > 64<<20 {
		t.Errorf("the client read %d MB of a body it was going to refuse", w>>20)
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "t", Timeout: 50 * time.Millisecond, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.ListGroups(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(30 * time.Millisecond); cancel() }()
	if _, err := c.ListGroups(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
	// The server never answers: without the timeout and the cancel the
	// calls would wait for ever. Typically 80 ms in all.
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("took %v", el)
	}
}

func TestResponseSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"groups":[`+strings.Repeat(`{"name":"x"},`, 1000)+`{"name":"y"}]}`)
	}))
	t.Cleanup(srv.Close)
	c, _ := New(Options{BaseURL: srv.URL, Token: "t", MaxResponseBytes: 1024})
	if _, err := c.ListGroups(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than 1024 bytes") {
		t.Errorf("oversized response: %v", err)
	}
}

// The size cap holds whether or not the server declares a length, and a
// declared length is not trusted beyond what arrives.
func TestResponseSizeLimitWithLength(t *testing.T) {
	big := `{"groups":[` + strings.Repeat(`{"name":"x"},`, 1000) + `{"name":"y"}]}`
	cases := map[string]func(w http.ResponseWriter){
		"declared and sent": func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			io.WriteString(w, big)
		},
		"declared huge, sent short": func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"groups":[]}`)
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w) }))
			t.Cleanup(srv.Close)
			c, _ := New(Options{BaseURL: srv.URL, Token: "t", MaxResponseBytes: 1024, MaxRetries: -1})
			_, err := c.ListGroups(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if name == "declared and sent" && !strings.Contains(err.Error(), "larger than 1024 bytes") {
				t.Errorf("oversized response: %v", err)
			}
		})
	}
	// A right length decodes as before.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := `{"groups":[{"name":"a","primary":"fra"}]}`
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c, _ := New(Options{BaseURL: srv.URL, Token: "t"})
	if gs, err := c.ListGroups(context.Background()); err != nil || len(gs) != 1 || gs[0].Primary != "fra" {
		t.Fatalf("got %+v, %v", gs, err)
	}
}

// Responses decode with encoding/json's rules (the client uses them on the
// json/v2 engine): keys match case-insensitively, unknown keys are skipped.
func TestDecodingKeepsEncodingJSONRules(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"Groups":[{"NAME":"a","Primary":"fra","unknown":{"x":[1,2]},"delete_protection":true}]}`)
	}))
	t.Cleanup(srv.Close)
	c, _ := New(Options{BaseURL: srv.URL, Token: "t"})
	gs, err := c.ListGroups(context.Background())
	if err != nil || len(gs) != 1 || gs[0].Name != "a" || gs[0].Primary != "fra" || !gs[0].DeleteProtection {
		t.Fatalf("got %+v, %v", gs, err)
	}
}

func TestCreateGroupValidatesBeforeSending(t *testing.T) {
	c, s := newScripted(t, "acme")
	ctx := context.Background()
	if _, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "Bad_Name", Location: "lhr"}); !errors.Is(err, ErrInvalidName) {
		t.Errorf("bad name: %v", err)
	}
	if _, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "ok", Location: "lhr", Extensions: &Extensions{Names: []string{"vss"}}}); !errors.Is(err, ErrInvalidExtension) {
		t.Errorf("bad extension: %v", err)
	}
	if _, err := c.CreateGroupToken(ctx, "g", TokenOptions{Expiration: "soon"}); err == nil {
		t.Error("bad expiration accepted")
	}
	if _, err := c.CreateGroupToken(ctx, "g", TokenOptions{Authorization: "admin"}); err == nil {
		t.Error("bad authorization accepted")
	}
	if len(s.reqs()) != 0 {
		t.Errorf("%d requests sent for invalid input", len(s.reqs()))
	}
}

func TestRequestBodies(t *testing.T) {
	ctx := context.Background()
	c, s := newScripted(t, "acme",
		reply(200, `{"group":{"name":"g"}}`),
		reply(200, `{"jwt":"a.b.c"}`),
		reply(200, `{"delete_protection":true}`),
		reply(200, `{"name":"g"}`),
	)
	ext := Extensions{Names: []string{"vector", "uuid"}}
	if _, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "g", Location: "lhr", Extensions: &ext}); err != nil {
		t.Fatal(err)
	}
	tok, err := c.CreateGroupToken(ctx, "g", TokenOptions{Expiration: "2w", Authorization: ReadOnly, AttachDatabases: []string{"db1"}})
	if err != nil || tok != "a.b.c" {
		t.Fatalf("token = %q, %v", tok, err)
	}
	cfg, err := c.SetDeleteProtection(ctx, "g", true)
	if err != nil || !cfg.DeleteProtection {
		t.Fatalf("config = %+v, %v", cfg, err)
	}
	if _, err := c.TransferGroup(ctx, "g", "other"); err != nil {
		t.Fatal(err)
	}
	want := []recorded{
		{Method: "POST", Path: "/v1/organizations/acme/groups", Body: `{"name":"g","location":"lhr","extensions":["vector","uuid"]}`},
		{Method: "POST", Path: "/v1/organizations/acme/groups/g/auth/tokens", Query: "authorization=read-only&expiration=2w", Body: `{"permissions":{"read_attach":{"databases":["db1"]}}}`},
		{Method: "PATCH", Path: "/v1/organizations/acme/groups/g/configuration", Body: `{"delete_protection":true}`},
		{Method: "POST", Path: "/v1/organizations/acme/groups/g/transfer", Body: `{"organization":"other"}`},
	}
	for i, w := range want {
		r := s.reqs()[i]
		if r.Method != w.Method || r.Path != w.Path || r.Query != w.Query || r.Body != w.Body {
			t.Errorf("request %d = %s %s?%s %s; want %s %s?%s %s", i, r.Method, r.Path, r.Query, r.Body, w.Method, w.Path, w.Query, w.Body)
		}
		if r.ContentType != "application/json" {
			t.Errorf("request %d Content-Type = %q", i, r.ContentType)
		}
	}
}

func TestDatabasesPagination(t *testing.T) {
	c, s := newScripted(t, "acme",
		reply(200, `{"databases":[{"Name":"a","DbId":"1","Hostname":"a-acme.turso.io","group":"g1"}],"pagination":{"next":"c2"}}`),
		reply(200, `{"databases":[{"Name":"b","group":"g2"}],"pagination":{"next":null}}`),
	)
	dbs, err := c.ListDatabases(context.Background())
	if err != nil || len(dbs) != 2 || dbs[0].Hostname != "a-acme.turso.io" || dbs[1].Group != "g2" {
		t.Fatalf("databases = %+v, %v", dbs, err)
	}
	if s.reqs()[1].Query != "cursor=c2" {
		t.Errorf("second page query = %q", s.reqs()[1].Query)
	}
}

func TestCurrentUserFallback(t *testing.T) {
	c, s := newScripted(t, "", reply(404, `{"error":"not found"}`), reply(200, `{"user":{"username":"iku","plan":"scaler"}}`))
	u, err := c.CurrentUser(context.Background())
	if err != nil || u.Username != "iku" || s.reqs()[1].Path != "/v1/current-user" {
		t.Errorf("user = %+v, %v", u, err)
	}
}

func TestValidateTokenExpiry(t *testing.T) {
	c, _ := newScripted(t, "", reply(200, `{"exp":1900000000}`), reply(200, `{"exp":-1}`), reply(401, `{"error":"token expired"}`))
	ctx := context.Background()
	exp, err := c.ValidateToken(ctx)
	if err != nil || exp.Unix() != 1900000000 {
		t.Errorf("exp = %v, %v", exp, err)
	}
	exp, err = c.ValidateToken(ctx)
	if err != nil || !exp.IsZero() {
		t.Errorf("no expiry = %v, %v", exp, err)
	}
	if _, err := c.ValidateToken(ctx); !IsUnauthorized(err) {
		t.Errorf("expired: %v", err)
	}
}

// echoToken is the token of the tests with servers that repeat it back.
const echoToken = "tok-SECRET-1234567890"

// A server may repeat the request's Authorization header, or the token in
// it, anywhere it writes text: the client keeps it out of every error and
// every log line all the same.
func TestTokenNeverInErrors(t *testing.T) {
	hijack := func(raw string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			buf.WriteString(raw)
			buf.Flush()
		}
	}
	cases := []struct {
		name   string
		status int // of the *Error, or 0 for another kind of failure
		call   func(c *Client) error
		handle func(w http.ResponseWriter, r *http.Request)
	}{
		{"JSON error", 400, getGroup, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{
				"error": "bad request; you sent Authorization: " + r.Header.Get("Authorization"),
				"code":  strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
			})
		}},
		{"error as an object", 403, getGroup, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"headers": r.Header}})
		}},
		// The token straddles the excerpt's cut: scrubbed after cutting,
		// its first characters would still show.
		{"plain text across the excerpt's cut", 400, getGroup, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(400)
			// The message starts "the API answered 400 Bad Request: "; the
			// cut falls after "tok-SECRET-12".
			pad := maxErrorExcerpt - len("the API answered 400 Bad Request: ") - len(" Bearer ") - len("tok-SECRET-12")
			io.WriteString(w, strings.Repeat("x", pad)+" "+r.Header.Get("Authorization")+" "+strings.Repeat("y", 100))
		}},
		{"Retry-After and other headers", 429, getGroup, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", r.Header.Get("Authorization"))
			w.Header().Set("X-Echo", r.Header.Get("Authorization"))
			w.WriteHeader(429)
			io.WriteString(w, "slow down, "+r.Header.Get("Authorization"))
		}},
		// net/http quotes a status line it cannot parse.
		{"malformed status line", 0, getGroup, hijack("Bearer " + echoToken + "\r\n\r\n")},
		{"malformed header line", 0, getGroup, hijack("HTTP/1.1 200 OK\r\n" + echoToken + "\r\n\r\n")},
		// The decoder names the JSON pointer of a bad value: a key the
		// server chose.
		{"the token as a key of a mistyped value", 0, func(c *Client) error { _, err := c.ListLocations(context.Background()); return err },
			func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `{"locations":{"`+echoToken+`":5}}`)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(tc.handle))
			t.Cleanup(srv.Close)
			var logs bytes.Buffer
			c, err := New(Options{BaseURL: srv.URL, Token: echoToken, Logger: newTestLogger(&logs),
				MaxRetries: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(logs.String(), "SECRET") {
				t.Errorf("the token leaked:\nerr=%v\nlogs=%s", err, logs.String())
			}
			if !strings.Contains(err.Error()+logs.String(), "[redacted]") {
				t.Errorf("the server's echo is not in the error nor the log, redacted: err=%v logs=%s", err, logs.String())
			}
			var apiErr *Error
			if tc.status != 0 {
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
					t.Fatalf("err = %#v, want an *Error with status %d", err, tc.status)
				}
				if strings.Contains(apiErr.Message+apiErr.Code, "SECRET") {
					t.Errorf("the token is in the *Error: %+v", apiErr)
				}
			}
			if !strings.Contains(logs.String(), "method=GET") {
				t.Errorf("debug log has no request line: %s", logs.String())
			}
		})
	}
	// A token given as the API URL by mistake is not printed back.
	if _, err := New(Options{BaseURL: echoToken, Token: echoToken}); err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("New with the token as the URL: %v", err)
	}
}

func getGroup(c *Client) error {
	_, err := c.GetGroup(context.Background(), "g")
	return err
}

func FuzzDecodeGroupResponse(f *testing.F) {
	for _, s := range []string{
		`{"group":{"name":"default","locations":["fra","lhr","bos"],"primary":"fra"}}`,
		`{"name":"g","primary":"lhr"}`,
		`{"group":null}`, `[]`, `""`, `{"group":{"locations":"x"}}`, `{"group":{"status":{"locations":[null]}}}`,
		strings.Repeat("[", 10000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// The transfer's decoder (a bare or a wrapped group) must not
		// panic on anything a server sends.
		_, _ = decodeGroupEither(b)
		e := newError("GET", "/p", 500, http.Header{"Retry-After": {string(b)}}, b, "tok-SECRET")
		if len(e.Message) > maxErrorExcerpt+len("…") {
			t.Fatalf("error message of %d bytes", len(e.Message))
		}
	})
}

func TestReadOnlyRefusesMutationsBeforeSending(t *testing.T) {
	s := &script{t: t, steps: []func(http.ResponseWriter, *http.Request){reply(200, `{"groups":[]}`)}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "t", Org: "acme", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.ListGroups(ctx); err != nil {
		t.Fatalf("a read on a read-only client: %v", err)
	}
	for name, op := range map[string]func() error{
		"create":  func() error { _, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "g", Location: "lhr"}); return err },
		"delete":  func() error { _, err := c.DeleteGroup(ctx, "g"); return err },
		"protect": func() error { _, err := c.SetDeleteProtection(ctx, "g", false); return err },
		"token":   func() error { _, err := c.CreateGroupToken(ctx, "g", TokenOptions{}); return err },
		"rotate":  func() error { return c.RotateGroupTokens(ctx, "g") },
		"move":    func() error { _, err := c.TransferGroup(ctx, "g", "o"); return err },
	} {
		if err := op(); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: %v, want ErrReadOnly", name, err)
		}
	}
	if n := len(s.reqs()); n != 1 {
		t.Errorf("%d requests reached the server, want only the read", n)
	}
	if !c.ReadOnly() || !c.WithOrg("other").ReadOnly() {
		t.Error("ReadOnly() is false, or lost by WithOrg")
	}
}

// TestCollectionPaths: the organization's collections, or the user's
// when the client has no organization, for groups and databases alike,
// and for a copy made with WithOrg.
func TestCollectionPaths(t *testing.T) {
	ctx := context.Background()
	list := reply(200, `{"groups":[],"databases":[]}`)
	c, s := newScripted(t, "", list, list, list, list)
	_, _ = c.ListGroups(ctx)
	_, _ = c.ListDatabases(ctx)
	acme := c.WithOrg("a b")
	_, _ = acme.ListGroups(ctx)
	_, _ = acme.ListDatabases(ctx)
	var got []string
	for _, r := range s.reqs() {
		got = append(got, r.RawPath+"|"+r.Path)
	}
	want := []string{"/v1/groups|/v1/groups", "/v1/databases|/v1/databases", "/v1/organizations/a%20b/groups|/v1/organizations/a b/groups", "/v1/organizations/a%20b/databases|/v1/organizations/a b/databases"}
	if !slices.Equal(got, want) {
		t.Fatalf("paths %q, want %q", got, want)
	}
	if acme.Org() != "a b" || c.Org() != "" {
		t.Errorf("orgs %q and %q", acme.Org(), c.Org())
	}
}
