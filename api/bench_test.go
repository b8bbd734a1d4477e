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
// the same v1 semantics on the json/v2 engine, which the client uses;
// "client" is the whole
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
	for _, n := range decodeSizes {
		body, _ := benchBodies(b, n)
		// encoding/json, and the same decoding backed by json/v2 as the
		// client does it: the bodies alone, without HTTP.
		for _, dec := range decoders {
			b.Run(sizeName(n)+"/unmarshal-"+dec.name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					var out struct {
						Groups []api.Group `json:"groups"`
					}
					if err := dec.unmarshal(body, &out); err != nil || len(out.Groups) != n {
						b.Fatalf("%d groups, %v", len(out.Groups), err)
					}
				}
			})
		}
		b.Run(sizeName(n)+"/client", func(b *testing.B) {
			c := staticClient(b, body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				gs, err := c.ListGroups(context.Background())
				if err != nil || len(gs) != n {
					b.Fatalf("%d groups, %v", len(gs), err)
				}
			}
		})
	}
}

// BenchmarkDecodeDatabases decodes the database list (3n databases).
func BenchmarkDecodeDatabases(b *testing.B) {
	for _, n := range decodeSizes {
		_, body := benchBodies(b, n)
		// encoding/json, and the same decoding backed by json/v2 as the
		// client does it: the bodies alone, without HTTP.
		for _, dec := range decoders {
			b.Run(sizeName(n)+"/unmarshal-"+dec.name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					var out struct {
						Databases []api.Database `json:"databases"`
					}
					if err := dec.unmarshal(body, &out); err != nil || len(out.Databases) != 3*n {
						b.Fatalf("%d databases, %v", len(out.Databases), err)
					}
				}
			})
		}
		b.Run(sizeName(n)+"/client", func(b *testing.B) {
			c := staticClient(b, body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				ds, err := c.ListDatabases(context.Background())
				if err != nil || len(ds) != 3*n {
					b.Fatalf("%d databases, %v", len(ds), err)
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
