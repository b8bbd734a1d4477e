package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// witness is a server that records every request it gets: the other
// address a hostile API redirects to.
type witness struct {
	mu    sync.Mutex
	auths []string // the Authorization header of each request
}

func (w *witness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	w.auths = append(w.auths, r.Header.Get("Authorization"))
	w.mu.Unlock()
	io.WriteString(rw, `{"groups":[]}`)
}

func (w *witness) seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.auths...)
}

// An API that redirects to another port (another origin) does not get the
// token sent there: the client stops, and says where it was sent and why
// it did not follow. The second server never sees a request at all.
func TestRedirectToAnotherOriginKeepsTheToken(t *testing.T) {
	other := &witness{}
	srv2 := httptest.NewServer(other)
	t.Cleanup(srv2.Close)
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, srv2.URL+r.URL.Path, status)
			}))
			t.Cleanup(srv.Close)
			c, err := New(Options{BaseURL: srv.URL, Token: "tok-redirect-secret", Org: "acme", MaxRetries: 2,
				MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListGroups(context.Background())
			var re *RedirectError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *RedirectError", err)
			}
			for _, want := range []string{"redirected to " + srv2.URL + "/v1/organizations/acme/groups", "a different address",
				"not followed", "stays with " + srv.URL} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if _, err := c.CreateGroup(context.Background(), CreateGroupRequest{Name: "g", Location: "lhr"}); !errors.As(err, &re) {
				t.Errorf("create: err = %v, want a *RedirectError", err)
			}
		})
	}
	if got := other.seen(); len(got) != 0 {
		t.Fatalf("the other address got %d requests (Authorization %q)", len(got), got)
	}
}

// A server may put the token in the redirect's target: the error does not
// repeat it, in its text or its fields.
func TestRedirectErrorNeverHoldsTheToken(t *testing.T) {
	const tok = "tok-redirect-secret"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:1/"+tok+"/x?t="+tok, http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: tok, Org: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListGroups(context.Background())
	var re *RedirectError
	if !errors.As(err, &re) || strings.Contains(err.Error(), tok) || strings.Contains(re.To+re.Base, tok) {
		t.Fatalf("err = %v (%+v)", err, re)
	}
	if re.To != "http://127.0.0.1:1/[redacted]/x?…" {
		t.Errorf("To = %q", re.To)
	}
}

// A redirect within the API's own origin is followed, token and all: the
// token stays where it was configured to go.
func TestSameOriginRedirectIsFollowed(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path != "/moved" {
			http.Redirect(w, r, "/moved", http.StatusFound)
			return
		}
		io.WriteString(w, `{"groups":[{"name":"a"}]}`)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "tok-same", Org: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := c.ListGroups(context.Background())
	if err != nil || len(gs) != 1 {
		t.Fatalf("groups %v, %v", gs, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auths) != 2 || auths[1] != "Bearer tok-same" {
		t.Fatalf("Authorization per request = %q", auths)
	}
}

// Origins are scheme, host and port, with the scheme's default port
// spelled out or not.
func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://api.turso.tech", "https://api.turso.tech/v1/x", true},
		{"https://api.turso.tech", "https://API.turso.tech:443/x", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/v2", true},
		{"http://localhost", "http://localhost:80/", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/", false},
		{"https://api.turso.tech", "http://api.turso.tech/", false},
		{"https://api.turso.tech", "https://api.turso.tech:8443/", false},
		{"https://api.turso.tech", "https://evil.turso.tech/", false},
		{"https://api.turso.tech", "https://api.turso.tech.evil/", false},
		{"http://[::1]:80", "http://[::1]/", true},
	} {
		a, b := mustParse(t, tc.a), mustParse(t, tc.b)
		if got := sameOrigin(a, b); got != tc.want {
			t.Errorf("sameOrigin(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// databasePage is about size bytes of a page of databases whose cursor
// names the next page: a server that never stops paginating.
func databasePage(size, page int) []byte {
	var b strings.Builder
	b.WriteString(`{"databases":[`)
	for i := 0; b.Len() < size-100; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Name":"db-%d-%d","DbId":"%d","Hostname":"db-%d-%d-acme.turso.io","group":"g%d"}`, page, i, i, page, i, i%50)
	}
	fmt.Fprintf(&b, `],"pagination":{"next":"c%d"}}`, page+1)
	return []byte(b.String())
}

// A server that pages without end is stopped by the load's total cap, not
// the 1,000 pages: the memory the load costs stays near the cap, and the
// error says what happened.
func TestEndlessPaginationIsCapped(t *testing.T) {
	const page, limit = 1 << 20, 8 << 20
	// Built beforehand, so that the server's allocations are not counted.
	var pages [][]byte
	for i := range limit/page + 2 {
		pages = append(pages, databasePage(page, i))
	}
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(served.Add(1))
		w.Write(pages[min(n, len(pages)-1)])
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "tok-pages", Org: "acme", MaxLoadBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	var dbs []Database
	alloc := allocDuring(func() { dbs, err = c.ListDatabases(context.Background()) })
	if !errors.Is(err, ErrLoadTooLarge) || dbs != nil {
		t.Fatalf("%d databases, err %v; want ErrLoadTooLarge", len(dbs), err)
	}
	for _, want := range []string{"list databases", "all pages and retries together", "larger than 8388608 bytes", "stopped reading"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	t.Logf("%d pages, %d MiB allocated", served.Load(), alloc>>20)
	if n := served.Load(); n > limit/page+1 {
		t.Errorf("%d pages of 1 MiB read under a cap of 8 MiB", n)
	}
	// Decoding allocates a few times the JSON it reads (slices grow by
	// doubling); 1,000 pages would allocate over ten gigabytes.
	if alloc > 20*limit {
		t.Errorf("%d MiB allocated for a load capped at %d MiB", alloc>>20, limit>>20)
	}
}

// Retries spend the same budget: a server answering a large 500 to every
// attempt cannot make one call read more than the cap.
func TestRetriesShareTheLoadCap(t *testing.T) {
	var served atomic.Int32
	big := strings.Repeat("x", 3<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.WriteHeader(500)
		io.WriteString(w, big)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: "tok-pages", Org: "acme", MaxLoadBytes: 8 << 20, MaxRetries: 10,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroups(context.Background()); !errors.Is(err, ErrLoadTooLarge) {
		t.Fatalf("err = %v, want ErrLoadTooLarge", err)
	}
	if n := served.Load(); n != 3 {
		t.Errorf("%d attempts of 3 MiB under a cap of 8 MiB, want 3", n)
	}
}

func TestDefaultLoadCap(t *testing.T) {
	c, err := New(Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.MaxLoadBytes != DefaultMaxLoadBytes || DefaultMaxLoadBytes < DefaultMaxResponseBytes {
		t.Fatalf("MaxLoadBytes = %d", c.opts.MaxLoadBytes)
	}
}

// Plain http:// is refused for any host but this machine, unless the
// caller says it means it: the token would cross the network in clear.
func TestPlainHTTPToAnotherMachineIsRefused(t *testing.T) {
	for _, tc := range []struct {
		url    string
		remote bool
	}{
		{"http://api.example.com", true},
		{"http://10.0.0.5:8080", true},
		{"http://[2001:db8::1]:80", true},
		{"http://localhost.evil.com", true},
		{"http://127.0.0.1.nip.io", true},
		{"HTTP://api.example.com", true},
		{"http://127.0.0.1:8080", false},
		{"http://127.3.4.5", false},
		{"http://[::1]:9000", false},
		{"http://localhost:8080/v1/", false},
		{"http://LOCALHOST.", false},
		{"https://api.example.com", false},
		{"https://10.0.0.5", false},
	} {
		if got := PlainHTTPRemote(tc.url); got != tc.remote {
			t.Errorf("PlainHTTPRemote(%q) = %v", tc.url, got)
		}
		_, err := New(Options{BaseURL: tc.url, Token: "tok-plain-secret"})
		if tc.remote != (err != nil) {
			t.Errorf("New(%q): %v", tc.url, err)
		}
		if err != nil && (!strings.Contains(err.Error(), "unencrypted") || strings.Contains(err.Error(), "tok-plain-secret")) {
			t.Errorf("New(%q): %v", tc.url, err)
		}
		if _, err := New(Options{BaseURL: tc.url, Token: "t", InsecureHTTP: true}); err != nil {
			t.Errorf("New(%q) with InsecureHTTP: %v", tc.url, err)
		}
	}
}
