package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// benchSizes are the state sizes every benchmark runs at, so that the growth
// with size is visible: each synthetic group has three databases, so 10,000
// groups are 30,000 databases and a state file of about 10 MB.
var benchSizes = []int{10, 1000, 10000}

// benchServer serves a file-backed store seeded with n synthetic groups (no
// demo groups), as `turso-groups local-api --seed empty --seed-groups n`
// does. The store is opened before the timer starts.
func benchServer(b *testing.B, n int) (*Server, *Store) {
	b.Helper()
	st, err := OpenStore(filepath.Join(b.TempDir(), "state.json"), SeedEmpty, n)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	srv, err := New(st, Options{Token: testToken})
	if err != nil {
		b.Fatal(err)
	}
	return srv, st
}

// serve runs one request through the handler (no network) and fails the
// benchmark unless it answers want. The body is counted, not kept (but for
// its start, for the failure message): what is measured is the handler's
// memory, not a recorder's.
func serve(b *testing.B, srv *Server, method, path, body string, want int) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	w := &countingWriter{header: http.Header{}, code: http.StatusOK}
	srv.ServeHTTP(w, req)
	if w.code != want {
		b.Fatalf("%s %s: status %d, want %d: %s", method, path, w.code, want, w.head)
	}
	if cl := w.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(w.n) {
		b.Fatalf("%s %s: Content-Length %s, body %d bytes", method, path, cl, w.n)
	}
}

// countingWriter is an http.ResponseWriter that keeps the status, the
// headers, the body's length and its first 512 bytes.
type countingWriter struct {
	header http.Header
	code   int
	n      int
	head   []byte
}

func (w *countingWriter) Header() http.Header  { return w.header }
func (w *countingWriter) WriteHeader(code int) { w.code = code }
func (w *countingWriter) Write(p []byte) (int, error) {
	if len(w.head) < 512 {
		w.head = append(w.head, p[:min(len(p), 512-len(w.head))]...)
	}
	w.n += len(p)
	return len(p), nil
}

// benchEach runs fn as a sub-benchmark at every size.
func benchEach(b *testing.B, fn func(b *testing.B, srv *Server, n int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			srv, _ := benchServer(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			fn(b, srv, n)
		})
	}
}

// BenchmarkListGroups measures GET /v1/groups through the handler, which is
// what a dashboard refresh costs.
func BenchmarkListGroups(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, _ int) {
		for b.Loop() {
			serve(b, srv, "GET", "/v1/groups", "", 200)
		}
	})
}

// BenchmarkGetGroup measures GET /v1/groups/{group}.
func BenchmarkGetGroup(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, n int) {
		i := 0
		for b.Loop() {
			i++
			serve(b, srv, "GET", fmt.Sprintf("/v1/groups/load-%05d", 1+i%n), "", 200)
		}
	})
}

// BenchmarkListDatabases measures GET /v1/databases: three per group.
func BenchmarkListDatabases(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, _ int) {
		for b.Loop() {
			serve(b, srv, "GET", "/v1/databases", "", 200)
		}
	})
}

// BenchmarkTokenMint measures POST /v1/groups/{group}/auth/tokens: a read
// of the group's key and an HS256 signature.
func BenchmarkTokenMint(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, n int) {
		i := 0
		for b.Loop() {
			i++
			serve(b, srv, "POST", fmt.Sprintf("/v1/groups/load-%05d/auth/tokens?expiration=1d", 1+i%n), "", 200)
		}
	})
}

// BenchmarkCreateGroupFile measures one acknowledged, persisted create at a
// time: each waits for its own flush (temp file, fsync, rename, directory
// fsync), so this is the latency of a lone write.
func BenchmarkCreateGroupFile(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, _ int) {
		i := 0
		for b.Loop() {
			i++
			serve(b, srv, "POST", "/v1/groups", fmt.Sprintf(`{"name":"bench-%d","location":"lhr"}`, i), 200)
		}
	})
}

// BenchmarkAddLocationFile measures one acknowledged, persisted location
// change at a time: odd operations add "ams" to a group, even ones remove
// it again, so every operation is a real write of the same size.
func BenchmarkAddLocationFile(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, n int) {
		i := 0
		for b.Loop() {
			g := fmt.Sprintf("/v1/groups/load-%05d/locations/ams", 1+(i/2)%n)
			if i%2 == 0 {
				serve(b, srv, "POST", g, "", 200)
			} else {
				serve(b, srv, "DELETE", g, "", 200)
			}
			i++
		}
	})
}

// BenchmarkCreateGroupFileParallel measures creates from 16 concurrent
// clients per CPU: the throughput of writes when they can share flushes
// (ns/op is wall time per acknowledged create across all clients).
func BenchmarkCreateGroupFileParallel(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server, _ int) {
		var next atomic.Int64
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				serve(b, srv, "POST", "/v1/groups", fmt.Sprintf(`{"name":"par-%d","location":"lhr"}`, i), 200)
			}
		})
	})
}

// BenchmarkEncodeState measures encoding the whole state for one flush:
// "json" is encoding/json over the file form, as every write did before
// group commit; "cached" is appendState with the records' cached encodings
// warm, as a flush does once the first one has encoded every record.
func BenchmarkEncodeState(b *testing.B) {
	for _, n := range benchSizes {
		s, err := buildSeed(SeedEmpty, n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("json/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				data, err := json.Marshal(s.toFile())
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(data)))
			}
		})
		b.Run(fmt.Sprintf("cached/%d", n), func(b *testing.B) {
			buf, err := appendState(nil, s)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if buf, err = appendState(buf[:0], s); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(buf)))
			}
		})
	}
}

// BenchmarkWriteFileAtomic measures the disk part of a flush: temp file,
// write, fsync, rename, directory fsync, for a state file of each size.
func BenchmarkWriteFileAtomic(b *testing.B) {
	for _, n := range benchSizes {
		s, err := buildSeed(SeedEmpty, n)
		if err != nil {
			b.Fatal(err)
		}
		data, err := appendState(nil, s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "state.json")
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := writeFileAtomic(path, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSeedGroups measures what `local-api --seed-groups N` costs at
// start: building the demo state with N synthetic groups (3N databases),
// writing it to a new state file and opening it. This was a test with a
// one-second limit, which a busy 2-core machine missed; speed lives here.
func BenchmarkSeedGroups(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				st, err := OpenStore(filepath.Join(dir, fmt.Sprintf("state-%d.json", i)), SeedDemo, n)
				if err != nil {
					b.Fatal(err)
				}
				if got := len(st.Groups(DemoOrg)); got != n+len(demoGroups) {
					b.Fatalf("%d groups, want %d", got, n+len(demoGroups))
				}
				_ = st.Close()
			}
		})
	}
}
