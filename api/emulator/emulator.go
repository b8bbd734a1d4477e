// Package emulator is an offline, local implementation of the Turso Platform
// API as far as database groups reach. The dashboard, its tests, the SSH
// server and the demo all talk to it over real HTTP, so that the code paths
// they exercise are the ones used against api.turso.tech; the official
// clients (the turso CLI through TURSO_API_BASEURL, and @tursodatabase/api
// with baseUrl http://host:port/v1/) accept it too.
//
// A Server is an http.Handler; its state lives in a Store, which keeps it in
// memory and, when file-backed, persists every change to one JSON file before
// the change is acknowledged. Several processes may share one file.
package emulator

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// The names the seeds use, exported so that tests and tools need not repeat
// string literals that must agree with the seed data.
const (
	// DemoUser is the username of the only user; it is also the slug of the
	// user's personal organization, as on the real service.
	DemoUser = "demo"
	// DemoOrg is the personal organization, on the scaler plan (unlimited
	// groups). The user-scoped /v1/groups routes act on it.
	DemoOrg = "demo"
	// TeamOrg is the team organization of the demo seed, on the starter plan,
	// which allows one group; it exists so that plan limits can be seen.
	TeamOrg = "acme"
)

// LatestVersion is the libSQL server version that new and updated groups
// run; seeded groups may run older ones so that "update" has a visible effect.
const LatestVersion = "v0.24.32"

// Faults makes the server misbehave on purpose, so that clients can be tested
// against the failures a real network and a real service produce. Rates are
// fractions in [0, 1] of requests; they are tried in the order Drop, Stall,
// Malformed, RateLimit, Fail, so their sum should not exceed 1.
type Faults struct {
	Latency       time.Duration // added to every request
	FailRate      float64       // fraction answered 500 or 503 (half each) with {"error": ...}
	RateLimitRate float64       // fraction answered 429 with Retry-After: 1 and {"error":"rate limit exceeded"}
	DropRate      float64       // fraction whose connection is hijacked and closed without a response
	MalformedRate float64       // fraction answered 200 with a truncated/invalid JSON body
	StallRate     float64       // fraction that send headers + part of a body then never finish (until the request ctx ends)
}

// Options configure a Server.
type Options struct {
	// Token is the only bearer token accepted. Required, so that a server
	// that is reachable by others is never open by accident.
	Token string
	// TokenExpiry is what /v1/auth/validate reports, and after it the token
	// is refused. Zero means one year after New.
	TokenExpiry time.Time
	// Faults are injected from the first request on; see SetFaults.
	Faults Faults
	// Seed seeds the fault RNG so that fault tests are reproducible.
	Seed int64
	// Now is the clock for token times and group creation; nil = time.Now.
	Now func() time.Time
	// Logger receives one line per request and persistence errors;
	// nil discards. The token is never logged.
	Logger *slog.Logger
	// ProvisionDelay is how long a new location (a group's first, an
	// added one, every one of an unarchived group) takes to be ready:
	// until then the group's status reports it "provisioning" and its
	// wait route blocks. Zero makes locations ready at once.
	ProvisionDelay time.Duration
	// GroupUpdate says whether POST …/groups/{group}/update (update the
	// databases to the latest libSQL) is served, as the OpenAPI spec
	// still documents it, or answered as the platform may answer it
	// now that the turso CLI no longer calls it. Empty is GroupUpdateServed.
	GroupUpdate GroupUpdateMode
}

// GroupUpdateMode is how the local API answers the group update route.
type GroupUpdateMode string

const (
	// GroupUpdateServed serves the route: the group's databases move to
	// LatestVersion.
	GroupUpdateServed GroupUpdateMode = "served"
	// GroupUpdateRemoved leaves the route out, so that it is answered as
	// any unknown route is: a JSON 404 "not found: no route for …". The
	// CLI removed `group update` on 2026-04-16 (91cb97e); this lets a
	// client be tried against a platform that no longer serves it.
	GroupUpdateRemoved GroupUpdateMode = "removed"
)

// GroupUpdateModes are the modes, in the order a flag's help lists them.
var GroupUpdateModes = []GroupUpdateMode{GroupUpdateServed, GroupUpdateRemoved}

// Server is the local Platform API: an http.Handler over a Store.
type Server struct {
	store       *Store
	token       string
	tokenExpiry time.Time
	now         func() time.Time
	log         *slog.Logger
	mux         *http.ServeMux
	faults      faultInjector
	// provisionDelay is Options.ProvisionDelay.
	provisionDelay time.Duration
	// groupUpdate is Options.GroupUpdate, never empty.
	groupUpdate GroupUpdateMode
}

// ErrNoToken is returned by New when Options.Token is empty.
var ErrNoToken = errors.New("emulator: a bearer token is required")

// New returns a Server that serves store. The store is not closed by the
// server; its owner closes it.
func New(store *Store, opts Options) (*Server, error) {
	if store == nil {
		return nil, errors.New("emulator: a store is required")
	}
	if opts.Token == "" {
		return nil, ErrNoToken
	}
	groupUpdate := opts.GroupUpdate
	switch groupUpdate {
	case "":
		groupUpdate = GroupUpdateServed
	case GroupUpdateServed, GroupUpdateRemoved:
	default:
		return nil, fmt.Errorf("emulator: GroupUpdate must be %q or %q, not %q", GroupUpdateServed, GroupUpdateRemoved, groupUpdate)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	exp := opts.TokenExpiry
	if exp.IsZero() {
		exp = now().AddDate(1, 0, 0)
	}
	s := &Server{
		store:       store,
		token:       opts.Token,
		tokenExpiry: exp,
		now:         now,
		log:         logger,

		provisionDelay: max(opts.ProvisionDelay, 0),
		groupUpdate:    groupUpdate,
	}
	s.faults.init(opts.Seed, opts.Faults)
	s.mux = s.routes()
	return s, nil
}

// SetFaults replaces the injected faults; safe while serving, so that a demo
// or a test can turn chaos on and off without restarting.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Store returns the store the server serves, for tests and tools that want to
// look behind the API.
func (s *Server) Store() *Store { return s.store }

// faultInjector holds the current faults and their RNG; its own mutex keeps
// SetFaults safe while requests draw numbers.
type faultInjector struct {
	mu     sync.Mutex
	faults Faults
	rng    randSource
}
