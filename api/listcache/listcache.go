// Package listcache keeps, on disk, the last group list the dashboard saw
// for each organization, so that the next start draws it at once instead
// of waiting for the network (the live answer then replaces it).
//
// A file holds one organization's list: a first line of JSON with the
// API's URL (without user information, query or fragment), the
// organization's slug, when the list was saved, the number of groups and
// a checksum, then the groups as the API described them, in a compact
// binary form (codec.go) that reads 10,000 groups in a few milliseconds
// and a handful of allocations, where JSON took 30-40 ms. It never holds a
// token or any other credential: nothing given to Save has one. Files are
// written with mode 0600 in a directory made 0700, atomically (a
// temporary file, synced, then renamed), so a reader sees the old list or
// the new one, never half of one.
//
// Reading is defensive, since the file may have been damaged, replaced or
// planted: anything but a regular file (a symlink, a FIFO, a directory), a
// file owned by another user or writable by others, one over MaxSize, one that does not parse or
// is for another URL or organization is refused with an error and never
// blocks. Callers treat every error as "no cached list".
//
// The package depends only on package api and api/safefile; where the
// directory is (the XDG cache directory) is the caller's business.
package listcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// MaxSize is the largest cache file read: 64 MiB, about 250,000 groups.
const MaxSize = 64 << 20

// format is the version of the file's layout; a file of another is
// ignored (and replaced at the next save).
const format = 2

// ErrIgnored is wrapped by Load's error for a file that exists but is not
// used: not a regular file, writable by others, too large, unreadable as
// a list, or for another API or organization.
var ErrIgnored = errors.New("cache file ignored")

// Store reads and writes the cache files of one directory. A nil *Store
// is valid: it has nothing (Load answers fs.ErrNotExist) and saves
// nothing. Its methods are safe for concurrent use.
type Store struct {
	dir string

	mu sync.Mutex
	// saved is the time of the newest list saved, by file: an older one
	// whose save comes late is not written over it.
	saved map[string]time.Time
}

// New returns a store of the files in dir, which Save creates (0700) if
// need be.
func New(dir string) *Store { return &Store{dir: dir, saved: map[string]time.Time{}} }

// Entry is a cached list.
type Entry struct {
	Groups []api.Group
	// Saved is when the list was saved (after the load it came from).
	Saved time.Time
}

// header is the first line of a cache file.
type header struct {
	Format int       `json:"format"`
	API    string    `json:"api"`
	Org    string    `json:"org"`
	Saved  time.Time `json:"saved"`
	Count  int       `json:"count"`  // groups in the body
	CRC    uint32    `json:"crc32c"` // of the body
}

// cleanURL is the API URL as kept in the file and in its name: without
// user information, query or fragment, which could hold a secret.
func cleanURL(apiURL string) string {
	u, err := url.Parse(apiURL)
	if err != nil {
		return "unparsable"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// Path is the file of the list of org at apiURL: a hash of the two, so
// that neither needs escaping into a file name.
func (s *Store) Path(apiURL, org string) string {
	sum := sha256.Sum256([]byte(cleanURL(apiURL) + "\n" + org))
	return filepath.Join(s.dir, "groups-"+hex.EncodeToString(sum[:12])+".json")
}

// Load reads the list of org at apiURL. A missing file is an error
// wrapping fs.ErrNotExist; a file that is there but unusable, one
// wrapping ErrIgnored.
func (s *Store) Load(apiURL, org string) (Entry, error) {
	if s == nil {
		return Entry{}, fs.ErrNotExist
	}
	path := s.Path(apiURL, org)
	// Lstat: a symlink is refused rather than followed.
	fi, err := os.Lstat(path)
	if err != nil {
		return Entry{}, fmt.Errorf("read the cached list: %w", err)
	}
	switch {
	case !fi.Mode().IsRegular():
		return Entry{}, fmt.Errorf("read the cached list %s: %w: not a regular file (%v)", path, ErrIgnored, fi.Mode().Type())
	case !ownedByUs(fi):
		return Entry{}, fmt.Errorf("read the cached list %s: %w: owned by another user", path, ErrIgnored)
	case fi.Mode().Perm()&0o022 != 0:
		return Entry{}, fmt.Errorf("read the cached list %s: %w: others may write it (mode %v)", path, ErrIgnored, fi.Mode().Perm())
	case fi.Size() > MaxSize:
		return Entry{}, fmt.Errorf("read the cached list %s: %w: larger than %d bytes", path, ErrIgnored, MaxSize)
	}
	// safefile checks again on the open file, without blocking on a FIFO
	// swapped in meanwhile, and reads at most MaxSize.
	data, err := safefile.ReadFile(path, MaxSize)
	if err != nil {
		return Entry{}, fmt.Errorf("read the cached list: %w: %w", ErrIgnored, err)
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return Entry{}, fmt.Errorf("read the cached list %s: %w: no header line", path, ErrIgnored)
	}
	var h header
	if err := json.Unmarshal(data[:nl], &h); err != nil {
		return Entry{}, fmt.Errorf("read the cached list %s: %w: %w", path, ErrIgnored, err)
	}
	if h.Format != format || h.API != cleanURL(apiURL) || h.Org != org || h.Saved.IsZero() {
		return Entry{}, fmt.Errorf("read the cached list %s: %w: not a list of %q at %s in format %d", path, ErrIgnored, org, cleanURL(apiURL), format)
	}
	body := data[nl+1:]
	if crc32.Checksum(body, castagnoli) != h.CRC {
		return Entry{}, fmt.Errorf("read the cached list %s: %w: checksum mismatch", path, ErrIgnored)
	}
	groups, err := decodeGroups(body, h.Count)
	if err != nil {
		return Entry{}, fmt.Errorf("read the cached list %s: %w: %w", path, ErrIgnored, err)
	}
	return Entry{Groups: groups, Saved: h.Saved}, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the list of org at apiURL, loaded at saved, over the last
// one, atomically; a list older than one already saved by this store is
// not written. groups is only read.
func (s *Store) Save(apiURL, org string, groups []api.Group, saved time.Time) error {
	if s == nil {
		return nil
	}
	path := s.Path(apiURL, org)
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.saved[path]; ok && saved.Before(last) {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("save the list: %w", err)
	}
	body := encodeGroups(groups)
	h := header{Format: format, API: cleanURL(apiURL), Org: org, Saved: saved.UTC(), Count: len(groups), CRC: crc32.Checksum(body, castagnoli)}
	if err := writeAtomic(path, h, body); err != nil {
		return fmt.Errorf("save the list: %w", err)
	}
	s.saved[path] = saved
	return nil
}

// writeAtomic writes the header line and the body to a temporary file
// (0600) beside path, syncs it and renames it over path.
func writeAtomic(path string, h header, body []byte) (err error) {
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".groups-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes it 0600 already; said again, whatever the umask.
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 64<<10)
	w.Write(line)
	w.WriteByte('\n')
	w.Write(body)
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
