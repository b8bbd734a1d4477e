package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileClient is a client of a server that answers every request with
// handle, without retries: each case is one answer.
func hostileClient(t *testing.T, handle http.HandlerFunc, maxBytes int64) (*Client, *http.Transport) {
	t.Helper()
	srv := httptest.NewServer(handle)
	t.Cleanup(srv.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := New(Options{BaseURL: srv.URL, Token: echoToken, Org: "acme", MaxRetries: -1,
		Timeout: 10 * time.Second, MaxResponseBytes: maxBytes, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	return c, tr
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// A success body of the wrong shape is one clear error; null where a list
// belongs is an empty list, as the client's tolerant decoding intends.
func TestHostileWrongTypes(t *testing.T) {
	ctx := context.Background()
	groups := func(c *Client) (int, error) { gs, err := c.ListGroups(ctx); return len(gs), err }
	getGroup := func(c *Client) (int, error) { g, err := c.GetGroup(ctx, "g"); return len(g.Name), err }
	dbs := func(c *Client) (int, error) { d, err := c.ListDatabases(ctx); return len(d), err }
	locs := func(c *Client) (int, error) { l, err := c.ListLocations(ctx); return len(l), err }
	orgs := func(c *Client) (int, error) { o, err := c.ListOrganizations(ctx); return len(o), err }
	user := func(c *Client) (int, error) { u, err := c.CurrentUser(ctx); return len(u.Username), err }
	transfer := func(c *Client) (int, error) { g, err := c.TransferGroup(ctx, "g", "o"); return len(g.Primary), err }
	const notJSON = "not the JSON expected"
	for _, tc := range []struct {
		name, body string
		call       func(c *Client) (int, error)
		wantErr    string // "" means it decodes, to want items
		want       int
	}{
		{"name as a number", `{"groups":[{"name":5}]}`, groups, notJSON, 0},
		{"locations as an object", `{"groups":[{"name":"a","locations":{"lhr":true}}]}`, groups, notJSON, 0},
		{"archived as a string", `{"groups":[{"name":"a","archived":"yes"}]}`, groups, notJSON, 0},
		{"groups as a string", `{"groups":"all of them"}`, groups, notJSON, 0},
		{"groups as an object", `{"groups":{"name":"a"}}`, groups, notJSON, 0},
		{"groups null", `{"groups":null}`, groups, "", 0},
		{"a null group in the list", `{"groups":[null,{"name":"a"}]}`, groups, "", 2},
		{"the whole body a string", `"groups"`, groups, notJSON, 0},
		{"group null", `{"group":null}`, getGroup, "", 0},
		{"group as an array", `{"group":["a"]}`, getGroup, notJSON, 0},
		{"databases null", `{"databases":null}`, dbs, "", 0},
		{"databases as a number", `{"databases":7}`, dbs, notJSON, 0},
		{"pagination cursor as a number", `{"databases":[],"pagination":{"next":5}}`, dbs, notJSON, 0},
		{"locations as a list", `{"locations":["lhr","fra"]}`, locs, notJSON, 0},
		{"a location name as a number", `{"locations":{"lhr":5}}`, locs, notJSON, 0},
		{"locations null", `{"locations":null}`, locs, "", 0},
		{"organizations as a string", `{"organizations":"acme"}`, orgs, "unexpected answer", 0},
		{"organizations as numbers", `[1,2,3]`, orgs, "unexpected answer", 0},
		{"organizations null", `null`, orgs, "", 0},
		{"user as a string", `{"user":"iku"}`, user, notJSON, 0},
		{"transfer answers a list", `[{"name":"g"}]`, transfer, "not a group", 0},
		{"transfer answers a number", `42`, transfer, "not a group", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := hostileClient(t, answer(200, tc.body), 0)
			n, err := tc.call(c)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("%s: %v, want a tolerant decode", tc.body, err)
			case tc.wantErr == "" && n != tc.want:
				t.Fatalf("%s: %d items, want %d", tc.body, n, tc.want)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("%s: %v, want an error saying %q", tc.body, err, tc.wantErr)
			}
		})
	}
}

// An error answer's "error" and "code" may be of any JSON type: the
// message is kept as text, never lost, never the raw body.
func TestHostileErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		body, msg, code string
	}{
		{`{"error":{"reason":"quota","limit":3}}`, `{"limit":3,"reason":"quota"}`, ""},
		{`{"error":["first","second"]}`, `["first","second"]`, ""},
		{`{"error":42}`, `42`, ""},
		{`{"error":true}`, `true`, ""},
		{`{"error":null}`, ``, ""},
		{`{"error":"group not found","code":404}`, `group not found`, "404"},
		{`{"error":"no","code":{"a":1}}`, `no`, `{"a":1}`},
		{`{"error":"` + strings.Repeat("long ", 100000) + `"}`, strings.Repeat("long ", maxErrorExcerpt/5-1) + "long…", ""},
	} {
		c, _ := hostileClient(t, answer(400, tc.body), 0)
		_, err := c.GetGroup(context.Background(), "g")
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 400 {
			t.Fatalf("%.60s: %v, want an *Error", tc.body, err)
		}
		if e.Message != tc.msg || e.Code != tc.code {
			t.Errorf("%.60s: message %q code %q; want %q, %q", tc.body, e.Message, e.Code, tc.msg, tc.code)
		}
		if tc.msg == "" && e.Error() != "the API answered 400 Bad Request" {
			t.Errorf("error null: %q", e.Error())
		}
	}
}

// 100,000 nested arrays, where the decoder skips an unknown field and as
// the whole body, on every decoder the client uses: an error, not a stack
// overflow.
func TestHostileDeepNesting(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		call   func(c *Client) error
	}{
		{"in an unknown field", 200, `{"groups":[],"x":` + deep + `}`, func(c *Client) error { _, err := c.ListGroups(ctx); return err }},
		{"as the whole body", 200, deep, func(c *Client) error { _, err := c.ListGroups(ctx); return err }},
		{"a transfer's answer", 200, `{"group":` + deep + `}`, func(c *Client) error { _, err := c.TransferGroup(ctx, "g", "o"); return err }},
		{"the organizations", 200, deep, func(c *Client) error { _, err := c.ListOrganizations(ctx); return err }},
		{"an error's message", 400, `{"error":` + deep + `}`, func(c *Client) error { _, err := c.ListGroups(ctx); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := hostileClient(t, answer(tc.status, tc.body), 0)
			err := tc.call(c)
			if err == nil {
				t.Fatal("decoded without error")
			}
			var e *Error
			if tc.status != 200 && (!errors.As(err, &e) || len(e.Message) > maxErrorExcerpt+len("…")) {
				t.Fatalf("%v, want an *Error with a short message", err)
			}
		})
	}
}

// A 20 MB name, within the size cap, is data like any other.
func TestHostileHugeName(t *testing.T) {
	name := strings.Repeat("n", 20<<20)
	c, _ := hostileClient(t, answer(200, `{"groups":[{"name":"`+name+`","primary":"lhr"}]}`), 0)
	gs, err := c.ListGroups(context.Background())
	if err != nil || len(gs) != 1 || gs[0].Name != name || gs[0].Primary != "lhr" {
		t.Fatalf("%d groups, %v", len(gs), err)
	}
}

// allocDuring is how many bytes were allocated, by the whole process,
// while f ran.
func allocDuring(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A body past MaxResponseBytes, whatever its Content-Length says, costs
// about the cap in memory and ends in an error. The server sends 64 MiB
// (or would, if the client kept reading): a client that ignored the cap
// would allocate far more than the bound asserted.
func TestHostileOversizedBodies(t *testing.T) {
	const limit = 1 << 20
	const sent = 64 << 20
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	stream := func(w io.Writer) {
		for n := 0; n < sent; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	// raw answers with the given header block, then streams.
	raw := func(header string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			buf.WriteString(header)
			buf.Flush()
			stream(conn)
		}
	}
	for _, tc := range []struct {
		name    string
		handle  http.HandlerFunc
		wantErr string
	}{
		{"no Content-Length", func(w http.ResponseWriter, r *http.Request) { stream(w) }, "larger than 1048576 bytes"},
		{"an error status, no Content-Length", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			stream(w)
		}, "larger than 1048576 bytes"},
		{"a Content-Length of a terabyte", raw("HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n"), "larger than 1048576 bytes"},
		// The client reads what was declared and no more: the rest is
		// never read, and what was read is not a whole JSON document.
		{"a Content-Length that says less than is sent", raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), "not the JSON expected"},
		{"an endless body", func(w http.ResponseWriter, r *http.Request) {
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "larger than 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, tr := hostileClient(t, tc.handle, limit)
			var err error
			alloc := allocDuring(func() {
				_, err = c.ListGroups(context.Background())
				tr.CloseIdleConnections()
			})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("%v, want an error saying %q", err, tc.wantErr)
			}
			if alloc > 16<<20 {
				t.Errorf("%d MiB allocated for a response capped at 1 MiB", alloc>>20)
			}
		})
	}
}

// bodyTransport answers every request with one status and body, without
// a network: fast enough for a fuzzer.
type bodyTransport struct {
	status int
	body   []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {string(bytes.ToValidUTF8(b.body, nil))}}
	return &http.Response{StatusCode: b.status, Status: fmt.Sprint(b.status), Header: h, Request: r,
		Body: io.NopCloser(bytes.NewReader(b.body)), ContentLength: int64(len(b.body))}, nil
}

// fuzzStatuses are the statuses a fuzzed body comes with.
var fuzzStatuses = []int{200, 200, 201, 400, 401, 402, 403, 404, 409, 422, 429, 500, 503}

// FuzzDecodeResponses feeds arbitrary bodies, under success and error
// statuses, to every call of the client: none may panic, and no error may
// repeat the token, wherever in the body the server put it.
func FuzzDecodeResponses(f *testing.F) {
	tok := echoToken
	for _, s := range []string{
		`{"groups":[{"name":"default","locations":["fra","lhr"],"primary":"fra"}]}`,
		`{"group":{"name":"g","primary":"lhr"}}`, `{"name":"g"}`, `{"jwt":"a.b.c"}`, `{"delete_protection":true}`,
		`{"databases":[{"Name":"a","group":"g"}],"pagination":{"next":"c2"}}`,
		`{"locations":{"lhr":"London"}}`, `[{"slug":"acme","type":"team"}]`, `{"user":{"username":"iku"}}`, `{"exp":1900000000}`,
		`{"error":"` + tok + `"}`, `{"error":"Bearer ` + tok + `","code":"` + tok + `"}`,
		`{"error":{"` + tok + `":["` + tok + `"]}}`, `{"error":"tok-SECRET-\u0031234567890"}`,
		`{"locations":{"` + tok + `":5}}`, `{"groups":[{"` + tok + `":1,"name":5}]}`, `{"groups":{"` + tok + `":[}`,
		`{"databases":[],"pagination":{"next":"` + tok + `"}}`,
		`Authorization: Bearer ` + tok, strings.Repeat("x", 190) + tok,
		strings.Repeat("[", 10000), `{"error":null}`, ``, `null`,
	} {
		for i := range fuzzStatuses {
			f.Add(uint8(i), []byte(s))
		}
	}
	ctx := context.Background()
	calls := []func(c *Client) error{
		func(c *Client) error { _, err := c.ListGroups(ctx); return err },
		func(c *Client) error { _, err := c.GetGroup(ctx, "g"); return err },
		func(c *Client) error {
			_, err := c.CreateGroup(ctx, CreateGroupRequest{Name: "g", Location: "lhr"})
			return err
		},
		func(c *Client) error { _, err := c.DeleteGroup(ctx, "g"); return err },
		func(c *Client) error { _, err := c.AddLocation(ctx, "g", "ams"); return err },
		func(c *Client) error { _, err := c.RemoveLocation(ctx, "g", "ams"); return err },
		func(c *Client) error { _, err := c.GetGroupConfig(ctx, "g"); return err },
		func(c *Client) error { _, err := c.SetDeleteProtection(ctx, "g", true); return err },
		func(c *Client) error { _, err := c.TransferGroup(ctx, "g", "o"); return err },
		func(c *Client) error { _, err := c.UnarchiveGroup(ctx, "g"); return err },
		func(c *Client) error { return c.UpdateGroupDatabases(ctx, "g") },
		func(c *Client) error { _, err := c.CreateGroupToken(ctx, "g", TokenOptions{}); return err },
		func(c *Client) error { return c.RotateGroupTokens(ctx, "g") },
		func(c *Client) error { _, err := c.ListLocations(ctx); return err },
		func(c *Client) error { _, err := c.ListOrganizations(ctx); return err },
		func(c *Client) error { _, err := c.ListDatabases(ctx); return err },
		func(c *Client) error { _, err := c.ValidateToken(ctx); return err },
		func(c *Client) error { _, err := c.CurrentUser(ctx); return err },
	}
	f.Fuzz(func(t *testing.T, status uint8, body []byte) {
		var logs bytes.Buffer
		c, err := New(Options{BaseURL: "http://api.invalid", InsecureHTTP: true, Token: tok, Org: "acme", MaxRetries: -1, MaxResponseBytes: 64 << 10,
			HTTPClient: &http.Client{Transport: bodyTransport{fuzzStatuses[int(status)%len(fuzzStatuses)], body}},
			Logger:     newTestLogger(&logs)})
		if err != nil {
			t.Fatal(err)
		}
		for i, call := range calls {
			err := call(c)
			if err == nil {
				continue
			}
			if strings.Contains(err.Error(), tok) {
				t.Fatalf("call %d: the error repeats the token: %v", i, err)
			}
			var e *Error
			if errors.As(err, &e) && (strings.Contains(e.Message, tok) || strings.Contains(e.Code, tok)) {
				t.Fatalf("call %d: the *Error holds the token: %+v", i, e)
			}
		}
		if strings.Contains(logs.String(), tok) {
			t.Fatalf("the debug log repeats the token:\n%s", logs.String())
		}
	})
}
