package api

import (
	"bytes"
	"context"
	"encoding/json"

	"errors"
	"fmt"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is the real Turso Platform API.
const DefaultBaseURL = "https://api.turso.tech"

// Defaults for Options fields left zero.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultMaxRetries       = 3
	DefaultMinBackoff       = 250 * time.Millisecond
	DefaultMaxBackoff       = 5 * time.Second
	DefaultMaxRetryAfter    = 30 * time.Second
	DefaultMaxResponseBytes = 64 << 20
	DefaultMaxLoadBytes     = 64 << 20
)

// Options configure a Client. Only Token is required.
type Options struct {
	// BaseURL is the API's scheme, host and port, e.g. "https://api.turso.tech"
	// or "http://127.0.0.1:8080". A trailing "/v1/" (the npm client's form) is
	// accepted and dropped.
	BaseURL string
	// Token is the Platform API token sent as a bearer token.
	Token string
	// Org is the organization slug. Empty means the user-scoped /v1/groups
	// paths, which act on the token owner's personal account.
	Org string
	// HTTPClient sends the requests; nil means a client with no overall
	// timeout (Timeout bounds each attempt instead), on defaultTransport.
	HTTPClient *http.Client
	// Version goes into the User-Agent: turso-groups/<Version>.
	Version string
	// Timeout bounds each attempt, including reading the body.
	Timeout time.Duration
	// MaxRetries is how many times a retryable failure is retried; a
	// negative value disables retries.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client will wait out; a
	// longer one is returned to the caller as the error.
	MaxRetryAfter time.Duration
	// MaxResponseBytes caps how much of a response body is read.
	MaxResponseBytes int64
	// MaxLoadBytes caps how much one call may read in all: every page of
	// a paginated list and every retried attempt together. Without it a
	// server could hand out a new cursor with each page of MaxResponseBytes
	// and have the client hold them all. Decoded, a list costs several
	// times its JSON: 64 MiB of small databases peaked at 366 MB of RSS,
	// where 100 pages of 4 MB without the cap took 2.5 GB. The largest
	// real list we know of (30,000 databases) is about 7 MB.
	MaxLoadBytes int64
	// Logger receives one debug line per attempt. It never sees the token.
	Logger *slog.Logger
	// ReadOnly refuses every request that could change something, before it
	// is sent: the SSH server gives read-only keys such a client, so the
	// rule holds whatever the UI shows.
	ReadOnly bool
	// InsecureHTTP allows a plain http:// BaseURL to another machine.
	// Without it New refuses one: the token would cross the network
	// unencrypted. http:// to loopback (the local API) is always allowed.
	InsecureHTTP bool
	// Actor, when set, is sent with every request as ActorHeader, for the
	// local API to record in the audit entry of a change, e.g. which SSH
	// key made it ("SHA256:… alice@laptop"). At most
	// MaxActorLen printable bytes. The real Platform API ignores it.
	Actor string
}

// ErrReadOnly is returned for a mutation on a read-only client.
var ErrReadOnly = errors.New("this session is read-only: changes are not allowed")

// Client talks to the Turso Platform API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	token     string
	org       string
	http      *http.Client
	userAgent string
	opts      Options
	log       *slog.Logger
	// groupLists counts the ListGroups calls under way, for ListDatabases
	// to yield to; shared by the copies of a client (WithOrg).
	groupLists *yieldGate
}

// New builds a Client from opts.
func New(opts Options) (*Client, error) {
	if opts.Token == "" {
		return nil, errors.New("a Platform API token is required")
	}
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(opts.BaseURL)
	if err != nil {
		// A token pasted into the wrong flag must not be printed back.
		return nil, scrubError(fmt.Errorf("API URL %q: %w", opts.BaseURL, err), opts.Token)
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		return nil, scrubError(fmt.Errorf("API URL %q: want http:// or https:// and a host", opts.BaseURL), opts.Token)
	}
	if PlainHTTPRemote(opts.BaseURL) && !opts.InsecureHTTP {
		return nil, scrubError(fmt.Errorf("API URL %q: plain http:// to another machine would send the token unencrypted; use https://", opts.BaseURL), opts.Token)
	}
	// The npm client wants ".../v1/"; our paths carry their own version.
	base.Path = strings.TrimSuffix(strings.TrimSuffix(base.Path, "/"), "/v1")
	base.RawPath = ""
	base.RawQuery, base.Fragment = "", ""
	if err := validateActor(opts.Actor); err != nil {
		return nil, err
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Transport: defaultTransport}
	}
	// net/http forwards the Authorization header on a redirect to the same
	// host name whatever the port or scheme: a hostile or misconfigured API
	// could send the token to another server on its machine, or over plain
	// http. The client only ever follows a redirect within the base URL's
	// origin; a copy, so that the caller's http.Client is left as it was.
	hc := *opts.HTTPClient
	hc.CheckRedirect = keepToOrigin(base, opts.Token, opts.HTTPClient.CheckRedirect)
	opts.HTTPClient = &hc
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if opts.MaxLoadBytes <= 0 {
		opts.MaxLoadBytes = DefaultMaxLoadBytes
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		base:       base,
		token:      opts.Token,
		org:        opts.Org,
		http:       opts.HTTPClient,
		userAgent:  fmt.Sprintf("turso-groups/%s (%s/%s)", strings.TrimPrefix(opts.Version, "v"), runtime.GOOS, runtime.GOARCH),
		opts:       opts,
		groupLists: &yieldGate{},
		log:        log,
	}, nil
}

// PlainHTTPRemote reports whether rawURL is a plain http:// URL to a host
// other than this machine (anything but "localhost" and loopback
// addresses): a token sent there crosses the network unencrypted. Host
// names are not resolved: a name is trusted to be loopback only if it is
// "localhost".
func PlainHTTPRemote(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// Redact returns s with the client's token replaced by "[redacted]": for
// text that may hold it (a panic message, a server's answer) on its way to
// a screen or a log.
func (c *Client) Redact(s string) string { return scrub(s, c.token) }

// ReadOnly reports whether the client refuses mutations.
func (c *Client) ReadOnly() bool { return c.opts.ReadOnly }

// Org is the organization the client acts on; empty for the user-scoped paths.
func (c *Client) Org() string { return c.org }

// BaseURL is the API's base URL, without a version prefix.
func (c *Client) BaseURL() string { return c.base.String() }

// ReadOnlyCopy returns a client like c that refuses every mutation before
// it is sent, sharing c's connection pool.
func (c *Client) ReadOnlyCopy() *Client {
	cc := *c
	cc.opts.ReadOnly = true
	return &cc
}

// WithOrg returns a client for another organization that shares this one's
// connection pool and settings.
func (c *Client) WithOrg(org string) *Client {
	cc := *c
	cc.org, cc.opts.Org = org, org
	return &cc
}

// call is one API operation: where it goes and how it may be retried.
type call struct {
	method string
	path   string // already escaped
	query  url.Values
	body   any
	// idempotent calls may be retried after any transient failure; others
	// only when the server said it did nothing (429, 503) or the connection
	// was never made.
	idempotent bool
	// yield holds back reading a 2xx body while a group list is being
	// fetched or decoded (see yieldGate).
	yield bool
	// budget is what the load this call belongs to may still read; nil
	// gives the call a budget of its own.
	budget *loadBudget
}

// loadBudget is what is left of one load's MaxLoadBytes: shared by the
// pages of a paginated list, and spent by every attempt's body.
type loadBudget struct {
	left, limit int64
}

func (c *Client) newBudget() *loadBudget {
	return &loadBudget{left: c.opts.MaxLoadBytes, limit: c.opts.MaxLoadBytes}
}

// ErrLoadTooLarge is wrapped by the error of a call whose responses
// together passed MaxLoadBytes.
var ErrLoadTooLarge = errors.New("the API sent more than this client reads for one request")

// loadTooLarge is the error of a call that passed its budget.
func loadTooLarge(cl call) error {
	return fmt.Errorf("%s %s: %w: its answers (all pages and retries together) are larger than %d bytes, so the client stopped reading",
		cl.method, cl.path, ErrLoadTooLarge, cl.budget.limit)
}

// groupsPath is the groups collection of the client's organization (or the
// user-scoped one), followed by parts, which must already be escaped.
func (c *Client) groupsPath(parts ...string) string {
	return c.orgPath("groups", parts...)
}

// orgPath is the collection of the client's organization, or the
// user-scoped one when it has none ("/v1/<collection>"), followed by
// parts, which must already be escaped.
func (c *Client) orgPath(collection string, parts ...string) string {
	var b strings.Builder
	if c.org != "" {
		b.WriteString("/v1/organizations/")
		b.WriteString(url.PathEscape(c.org))
		b.WriteByte('/')
	} else {
		b.WriteString("/v1/")
	}
	b.WriteString(collection)
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(p)
	}
	return b.String()
}

// do runs cl, retrying as its idempotency allows, and decodes a 2xx body
// into out (which may be nil). Any other status is returned as *Error.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if c.opts.ReadOnly && cl.method != http.MethodGet && cl.method != http.MethodHead {
		return fmt.Errorf("%s %s: %w", cl.method, cl.path, ErrReadOnly)
	}
	if cl.budget == nil {
		cl.budget = c.newBudget()
	}
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("encode %s %s: %w", cl.method, cl.path, err)
		}
	}
	for attempt := 0; ; attempt++ {
		body, err := c.attempt(ctx, cl, payload, attempt)
		if err == nil {
			if out == nil || cl.method != http.MethodGet && len(bytes.TrimSpace(body)) == 0 {
				// A change may answer an empty 2xx (the real API's
				// rotate and update do; a transfer may): it was done.
				// An empty answer to a read is not the JSON expected.
				return nil
			}
			derr := unmarshal(body, out)
			if derr == nil {
				return nil
			}
			// The decoder's message can quote the body (object keys in
			// its JSON pointer), and the body can echo the token.
			// A retry starts from out as it was: jsonv1 checks the whole
			// value before it fills anything, and the fast paths fill
			// nothing unless they succeed.
			err = &decodeError{scrubError(fmt.Errorf("%s %s: the API sent a response that is not the JSON expected: %w", cl.method, cl.path, derr), c.token)}
		}
		wait, retry := c.shouldRetry(ctx, cl, err, attempt)
		if !retry {
			return err
		}
		c.log.Debug("retrying", "method", cl.method, "path", cl.path, "attempt", attempt+1, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s %s: %w (after: %w)", cl.method, cl.path, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// attempt sends one request and reads the whole body within the timeout.
// Its errors never hold the token, whatever the server or the network
// layer put in them.
func (c *Client) attempt(ctx context.Context, cl call, payload []byte, n int) ([]byte, error) {
	body, err := c.attemptRaw(ctx, cl, payload, n)
	return body, scrubError(err, c.token)
}

func (c *Client) attemptRaw(ctx context.Context, cl call, payload []byte, n int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	u := c.base.String() + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if c.opts.Actor != "" {
		req.Header.Set(ActorHeader, c.opts.Actor)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	var re *RedirectError
	if errors.As(err, &re) {
		// Not a transport failure: the API answered, and asking again
		// would only be redirected again.
		c.log.Debug("redirect not followed", "method", cl.method, "path", cl.path, "attempt", n, "to", re.To)
		return nil, fmt.Errorf("%s %s: %w", cl.method, cl.path, re)
	}
	if err != nil {
		// net/http quotes a malformed status line or header, which a
		// server may fill with the token it was sent.
		c.log.Debug("request failed", "method", cl.method, "path", cl.path, "attempt", n, "err", scrubError(redactURLError(err), c.token))
		return nil, &transportError{method: cl.method, path: cl.path, err: redactURLError(err)}
	}
	defer resp.Body.Close()
	if cl.yield && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		deadline, _ := ctx.Deadline() // the attempt's timeout
		if waited := c.groupLists.wait(ctx, time.Until(deadline)/4); waited > 0 {
			c.log.Debug("yielded to the group list", "method", cl.method, "path", cl.path, "waited", waited)
		}
	}
	if resp.ContentLength > c.opts.MaxResponseBytes {
		// Declared too large: refused before anything is read.
		return nil, fmt.Errorf("%s %s: the response is larger than %d bytes", cl.method, cl.path, c.opts.MaxResponseBytes)
	}
	if resp.ContentLength > cl.budget.left {
		return nil, loadTooLarge(cl)
	}
	limit := min(c.opts.MaxResponseBytes, cl.budget.left)
	body, err := readBody(resp, limit)
	cl.budget.left -= int64(len(body))
	c.log.Debug("request", "method", cl.method, "path", cl.path, "status", resp.StatusCode, "bytes", len(body), "elapsed", time.Since(start), "attempt", n)
	if err != nil {
		return nil, &transportError{method: cl.method, path: cl.path, err: err}
	}
	if int64(len(body)) > c.opts.MaxResponseBytes {
		return nil, fmt.Errorf("%s %s: the response is larger than %d bytes", cl.method, cl.path, c.opts.MaxResponseBytes)
	}
	if int64(len(body)) > limit {
		return nil, loadTooLarge(cl)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newError(cl.method, cl.path, resp.StatusCode, resp.Header, body, c.token)
	}
	return body, nil
}

// RedirectError is a redirect to another origin (scheme, host and port)
// than the API's base URL: the client does not follow it, so that the token
// is only ever sent where it was configured to go.
type RedirectError struct {
	// To is where the API redirected, shortened for display: no query,
	// at most maxRedirectShown bytes.
	To string
	// Base is the API's origin, where the token stays.
	Base string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the API redirected to %s, a different address; not followed, so that your token stays with %s", e.To, e.Base)
}

// maxRedirectShown bounds how much of a redirect's target an error shows.
const maxRedirectShown = 120

// keepToOrigin is a CheckRedirect that refuses any redirect leaving base's
// origin, and otherwise defers to next (net/http's default when nil). The
// target is the server's to choose: it may hold the token, which the
// error's fields do not.
func keepToOrigin(base *url.URL, token string, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(base, req.URL) {
			return &RedirectError{To: scrub(shownURL(req.URL), token), Base: originOf(base)}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("the API redirected more than 10 times")
		}
		return nil
	}
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (RFC 6454), a scheme's default port written or not.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// originOf is u's scheme://host[:port], without credentials or path.
func originOf(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// shownURL is u for an error message: no credentials, the query (which
// may carry anything) elided, and cut to a length that fits a footer.
func shownURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	s := v.String()
	if u.RawQuery != "" {
		s += "?…"
	}
	return excerpt(s, maxRedirectShown)
}

// yieldGate lets the database list yield to the group list. The dashboard
// sends both at once but can draw nothing before the groups are decoded;
// at 10,000 groups the databases are three times the data, and reading and
// decoding them at the same time, on a two-core machine, made decoding the
// groups take up to twice as long, and the first frame one 60 Hz tick
// later (BENCHMARKS.md). So the
// database list's request goes out at once (over a real network its wait
// is the server's), but its body is read only when no group list is under
// way, or after at most a quarter of the time its attempt has left, so
// that a group list that stalls costs the databases a short wait, not
// their attempt.
type yieldGate struct {
	mu   sync.Mutex
	n    int           // group lists under way
	idle chan struct{} // closed when n drops to 0; nil before the first
}

// enter records a group list under way; leave, its end.
func (g *yieldGate) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 {
		g.idle = make(chan struct{})
	}
	g.n++
}

func (g *yieldGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.n == 0 {
		close(g.idle)
	}
}

// wait returns when no group list is under way, or after at most d, or
// when ctx ends, and says how long it waited.
func (g *yieldGate) wait(ctx context.Context, d time.Duration) time.Duration {
	g.mu.Lock()
	idle, busy := g.idle, g.n > 0
	g.mu.Unlock()
	if !busy {
		return 0
	}
	start := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
	}
	return time.Since(start)
}

// readBody reads at most limit+1 bytes of resp's body. With a known length
// it reads into one buffer of that size: growing one as io.ReadAll does
// costs twice the memory of a 7 MB database list.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	n := resp.ContentLength
	if n < 0 || n > limit {
		return io.ReadAll(io.LimitReader(resp.Body, limit+1))
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// transportError is a failure to get a whole response: no connection, a
// dropped connection, a timeout.
type transportError struct {
	method, path string
	err          error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("%s %s: could not reach the API: %v", e.method, e.path, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// neverSent reports whether the request cannot have reached the server:
// the connection was refused or the name did not resolve.
func (e *transportError) neverSent() bool {
	var op *net.OpError
	if errors.As(e.err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(e.err, &dns)
}

// redactURLError drops the URL from a *url.Error: it is safe today, but a
// base URL with credentials in it must never reach a screen or a log.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// shouldRetry decides whether err after attempt is worth another try, and
// how long to wait first.
func (c *Client) shouldRetry(ctx context.Context, cl call, err error, attempt int) (time.Duration, bool) {
	if attempt >= c.opts.MaxRetries || ctx.Err() != nil {
		return 0, false
	}
	var apiErr *Error
	var te *transportError
	switch {
	case errors.As(err, &apiErr):
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			// The server says it did not do the work: safe for any method.
			if apiErr.RetryAfter > c.opts.MaxRetryAfter {
				return 0, false
			}
			return max(apiErr.RetryAfter, c.backoff(attempt)), true
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			return c.backoff(attempt), cl.idempotent
		}
		return 0, false
	case errors.As(err, &te):
		if cl.idempotent || te.neverSent() {
			return c.backoff(attempt), true
		}
	case errors.As(err, new(*decodeError)) && errors.As(err, new(*jsonv1.SyntaxError)):
		// A 2xx answer cut short or garbled on the way: asking again is
		// as safe as the request itself. JSON of the wrong shape is not
		// retried: the server would send it again.
		return c.backoff(attempt), cl.idempotent
	}
	return 0, false
}

// decodeError is a 2xx answer whose body is not the JSON expected.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// backoff is capped exponential backoff with jitter (half fixed, half
// random), so that many clients that failed together do not retry together.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.MinBackoff << min(attempt, 16)
	if d <= 0 || d > c.opts.MaxBackoff {
		d = c.opts.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// defaultTransport is http.DefaultTransport keeping up to 100 idle
// connections per host, not 2. `serve` shares one client between its
// sessions: with 2, the usage requests of many sessions at once each
// opened a connection and closed it after one answer, and at 1,000
// sessions (20,000 requests) dialing took a fifth of the server's CPU
// (connect(2) searching ports among the sockets in TIME_WAIT).
var defaultTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 100
	return t
}()
