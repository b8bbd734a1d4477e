package listcache

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
)

const (
	testURL = "https://api.turso.tech"
	token   = "eyJhbGciOiJFZERTQSJ9.secret-token-0123456789.sig"
)

func someGroups(n int) []api.Group {
	gs := make([]api.Group, n)
	for i := range gs {
		gs[i] = api.Group{
			Name: fmt.Sprintf("group-%04d", i), UUID: fmt.Sprintf("uuid-%d", i), Version: "v0.24.1",
			Primary: "aws-eu-west-1", Locations: []string{"aws-eu-west-1", "aws-us-east-1"},
			DeleteProtection: i%2 == 0, Archived: i%7 == 0,
			Status: &api.GroupStatus{Locations: []api.LocationStatus{{Name: "aws-eu-west-1", Status: "up"}}},
		}
	}
	return gs
}

func TestRoundTrip(t *testing.T) {
	s := New(filepath.Join(t.TempDir(), "turso-groups"))
	if _, err := s.Load(testURL, "demo"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load before any Save: %v, want fs.ErrNotExist", err)
	}
	at := time.Date(2026, 12, 2, 10, 0, 0, 123, time.UTC)
	want := someGroups(50)
	if err := s.Save(testURL, "demo", want, at); err != nil {
		t.Fatal(err)
	}
	e, err := s.Load(testURL, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e.Groups, want) || !e.Saved.Equal(at) {
		t.Fatalf("loaded %d groups saved %v, want %d saved %v", len(e.Groups), e.Saved, len(want), at)
	}
	// Another organization, another URL: their own files.
	if _, err := s.Load(testURL, "other"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of another org: %v", err)
	}
	if _, err := s.Load("http://127.0.0.1:8080", "demo"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load at another URL: %v", err)
	}
	// An empty list is a list.
	if err := s.Save(testURL, "empty", nil, at); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Load(testURL, "empty"); err != nil || e.Groups == nil || len(e.Groups) != 0 {
		t.Errorf("empty list: %v, %v", e.Groups, err)
	}
}

// TestSaveOrder: saves racing each other leave the newest list, whole.
func TestSaveOrder(t *testing.T) {
	s := New(t.TempDir())
	base := time.Now()
	if err := s.Save(testURL, "demo", someGroups(5), base.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(testURL, "demo", someGroups(9), base); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Load(testURL, "demo"); err != nil || len(e.Groups) != 5 {
		t.Fatalf("after an older save: %d groups, %v; want the newer 5", len(e.Groups), err)
	}
	var wg sync.WaitGroup
	for i := 1; i <= 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Save(testURL, "demo", someGroups(i*10), base.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if e, err := s.Load(testURL, "demo"); err != nil || len(e.Groups) != 80 {
		t.Fatalf("after concurrent saves: %d groups, %v; want the newest, 80", len(e.Groups), err)
	}
}

func TestNilStore(t *testing.T) {
	var s *Store
	if err := s.Save(testURL, "demo", someGroups(1), time.Now()); err != nil {
		t.Error(err)
	}
	if _, err := s.Load(testURL, "demo"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("nil store Load: %v", err)
	}
}

// FuzzDecode: whatever the body, decoding neither panics nor accepts
// what encoding would not give back.
func FuzzDecode(f *testing.F) {
	f.Add(encodeGroups(someGroups(3)), 3)
	f.Add(encodeGroups(nil), 0)
	f.Add([]byte{1, 'a', 0, 0, 0, 0, 0}, 1)
	f.Fuzz(func(t *testing.T, body []byte, count int) {
		groups, err := decodeGroups(body, count)
		if err != nil {
			return
		}
		if again := encodeGroups(groups); string(again) != string(body) {
			t.Fatalf("decoded %d groups that encode to %x, not %x", len(groups), again, body)
		}
	})
}

// TestCorruptBodyIgnored: a flipped byte or a cut body is caught by the
// checksum or the decoder.
func TestCorruptBodyIgnored(t *testing.T) {
	for _, n := range []int{0, 1, 100} {
		body := encodeGroups(someGroups(n))
		for cut := 0; cut < len(body); cut += max(len(body)/50, 1) {
			if _, err := decodeGroups(body[:cut], n); err == nil && n > 0 {
				t.Errorf("%d groups cut at %d: decoded", n, cut)
			}
		}
	}
}
