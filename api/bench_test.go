package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/seed372e9e9a/turso-groups/api"
)

// The decoding benchmarks measure what the dashboard's first load costs
// the client: the group list and the database list of an organization of
// n groups with three databases each, as the local API sends them.
//
//	go test ./api -run '^$' -bench Decode -benchmem
//
// "unmarshal-stdlib" is encoding/json alone on the body, "unmarshal-jsonv2"
// the same v1 semantics on the json/v2 engine, which the client uses
// (behind the group list's fast path, "unmarshal-fastpath"); "client" is
// the whole
// client call (ListGroups, ListDatabases) against a loopback server that
// answers the prepared body.

var decodeSizes = []int{10, 1000, 10000}

var benchLocs = []string{"aws-us-east-1", "aws-eu-west-1", "aws-ap-south-1", "aws-us-west-2", "fra", "lhr", "sin"}

// benchBodies returns the JSON bodies of GET .../groups and GET
// .../databases for n synthetic groups, shaped like the local API's
// (load-00001, ...; one or two locations; three databases each).
func benchBodies(b *testing.B, n int) (groups, dbs []byte) {
	b.Helper()
	var gs []api.Group
	var ds []api.Database
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("load-%05d", i)
		locs := []string{benchLocs[i%len(benchLocs)]}
		if i%3 == 0 {
			locs = append(locs, benchLocs[(i+2)%len(benchLocs)])
		}
		st := make([]api.LocationStatus, len(locs))
		for j, l := range locs {
			st[j] = api.LocationStatus{Name: l, Status: "up"}
		}
		gs = append(gs, api.Group{
			Name: name, UUID: fmt.Sprintf("4b35688d-3824-53f3-8228-%012x", i), Version: "v0.24.32",
			Locations: locs, Primary: locs[0], Status: &api.GroupStatus{Locations: st},
		})
		for _, s := range []string{"a", "b", "c"} {
			db := name + "-" + s
			ds = append(ds, api.Database{
				Name: db, ID: fmt.Sprintf("85e48d8d-3d53-5d9a-835c-%012x", 3*i), Hostname: db + "-demo.turso.io",
				Group: name, PrimaryRegion: locs[0], Regions: locs,
			})
		}
	}
	var err error
	if groups, err = json.Marshal(map[string]any{"groups": gs}); err != nil {
		b.Fatal(err)
	}
	if dbs, err = json.Marshal(map[string]any{"databases": ds}); err != nil {
		b.Fatal(err)
	}
	return groups, dbs
}

// decoders are the two ways to decode a response body compared here.
var decoders = []struct {
	name      string
	unmarshal func([]byte, any) error
}{
	{"stdlib", json.Unmarshal},
	{"jsonv2", jsonv1.Unmarshal}, // what api.Client uses
}

func sizeName(n int) string { return "groups=" + strconv.Itoa(n) }

// BenchmarkDecodeGroups decodes the group list.
func BenchmarkDecodeGroups(b *testing.B) {
	benchDecode(b, "groups", func(n int) []byte { g, _ := benchBodies(b, n); return g }, 1,
		func(out *struct {
			Items []api.Group `json:"groups"`
		}) int {
			return len(out.Items)
		}, (*api.Client).ListGroups, func(b []byte) (int, bool) {
			gs, ok := api.DecodeGroupListFast(b)
			return len(gs), ok
		})
}

// BenchmarkDecodeDatabases decodes the database list (3n databases).
func BenchmarkDecodeDatabases(b *testing.B) {
	benchDecode(b, "databases", func(n int) []byte { _, d := benchBodies(b, n); return d }, 3,
		func(out *struct {
			Items []api.Database `json:"databases"`
		}) int {
			return len(out.Items)
		}, (*api.Client).ListDatabases, nil)
}

// benchDecode measures one list at each size: decoding the body alone
// with encoding/json and with the json/v2 engine (into the envelope E,
// whose length count reports), with the list's fast path if it has one
// ("unmarshal-fastpath"), and the whole client call against a loopback
// server. per is the items per group.
func benchDecode[E any, T any](b *testing.B, what string, body func(n int) []byte, per int,
	count func(*E) int, call func(*api.Client, context.Context) ([]T, error), fast func([]byte) (int, bool)) {
	for _, n := range decodeSizes {
		data, want := body(n), per*n
		for _, dec := range decoders {
			b.Run(sizeName(n)+"/unmarshal-"+dec.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					var out E
					if err := dec.unmarshal(data, &out); err != nil || count(&out) != want {
						b.Fatalf("%d %s, %v", count(&out), what, err)
					}
				}
			})
		}
		if fast != nil {
			b.Run(sizeName(n)+"/unmarshal-fastpath", func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					if got, ok := fast(data); !ok || got != want {
						b.Fatalf("%d %s, fast path taken: %v", got, what, ok)
					}
				}
			})
		}
		b.Run(sizeName(n)+"/client", func(b *testing.B) {
			c := staticClient(b, data)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				items, err := call(c, context.Background())
				if err != nil || len(items) != want {
					b.Fatalf("%d %s, %v", len(items), what, err)
				}
			}
		})
	}
}

// staticClient is a client of a loopback server that answers every
// request with body.
func staticClient(b *testing.B, body []byte) *api.Client {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	c, err := api.New(api.Options{BaseURL: srv.URL, Token: "t", Org: "demo"})
	if err != nil {
		b.Fatal(err)
	}
	return c
}
