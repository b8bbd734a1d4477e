package listcache

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkLoad reads a list of 10,000 groups, as the warm start does.
func BenchmarkLoad(b *testing.B) {
	s := New(filepath.Join(b.TempDir(), "c"))
	if err := s.Save(testURL, "demo", someGroups(10000), time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if e, err := s.Load(testURL, "demo"); err != nil || len(e.Groups) != 10000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkSave writes a list of 10,000 groups (synced).
func BenchmarkSave(b *testing.B) {
	s := New(filepath.Join(b.TempDir(), "c"))
	gs := someGroups(10000)
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Second)
		if err := s.Save(testURL, "demo", gs, at); err != nil {
			b.Fatal(err)
		}
	}
}
