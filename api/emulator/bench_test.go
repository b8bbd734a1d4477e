package emulator

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkListGroups measures GET /v1/groups through the handler, which is
// what a dashboard refresh costs.
func BenchmarkListGroups(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st, err := NewMemoryStore(SeedEmpty, n)
			if err != nil {
				b.Fatal(err)
			}
			srv, err := New(st, Options{Token: testToken})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", "/v1/groups", nil)
				req.Header.Set("Authorization", "Bearer "+testToken)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkCreateGroupFile measures an acknowledged, persisted create: the
// whole file is rewritten and fsynced, so it grows with the state size.
func BenchmarkCreateGroupFile(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st, err := OpenStore(filepath.Join(b.TempDir(), "state.json"), SeedEmpty, n)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			srv, err := New(st, Options{Token: testToken})
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				req := httptest.NewRequest("POST", "/v1/groups", strings.NewReader(fmt.Sprintf(`{"name":"bench-%d","location":"lhr"}`, i)))
				req.Header.Set("Authorization", "Bearer "+testToken)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}
