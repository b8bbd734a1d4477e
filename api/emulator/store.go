package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gofrs/flock"
	"github.com/google/renameio/v2"

	"github.com/seed372e9e9a/turso-groups/api"
)

// ErrCorrupt is wrapped by the error OpenStore (and a later reload) returns
// when the state file exists but cannot be used. The file is never replaced
// or rewritten in that case: it may hold someone's only copy of their data.
var ErrCorrupt = errors.New("unusable local API state file")

// ErrClosed is returned by writes to a closed Store.
var ErrClosed = errors.New("emulator: store is closed")

// Store is the emulator's state: in memory behind a RWMutex and, when
// file-backed, persisted as one JSON file. Every change reaches the file
// before it is acknowledged. Several Stores (in one process or several) may
// share a file: changes are serialised by an exclusive flock on
// "<path>.lock", and each Store reloads the file when another one changed it.
type Store struct {
	mu     sync.RWMutex
	st     *state
	path   string       // "" for memory-only stores
	lock   *flock.Flock // nil for memory-only stores
	stamp  fileStamp    // identity of the file version st was loaded from or written to
	good   []byte       // the bytes of that version, to roll back a failed write
	closed bool

	// writeFile persists data to path atomically. A field so that tests can
	// make persistence fail; production code always uses writeFileAtomic.
	writeFile func(path string, data []byte) error
}

// fileStamp identifies one version of the state file cheaply: every write
// replaces the file (new inode), so inode, size and mtime together change
// whenever the content does.
type fileStamp struct {
	info fs.FileInfo
}

func (a fileStamp) matches(b fs.FileInfo) bool {
	if a.info == nil || b == nil {
		return false
	}
	return a.info.Size() == b.Size() && a.info.ModTime().Equal(b.ModTime()) && os.SameFile(a.info, b)
}

// Seed names for OpenStore and NewMemoryStore.
const (
	// SeedDemo is a personal org with a handful of realistic groups and a
	// team org on the starter plan; what the demo and most tests want.
	SeedDemo = "demo"
	// SeedEmpty is the user and the personal org, with no groups.
	SeedEmpty = "empty"
)

// OpenStore opens the state file at path. If it exists it is loaded and the
// seed arguments are ignored, so that a restart never loses data. If it does
// not exist it is created (with its directory, mode 0700/0600) from seed
// ("demo" or "empty") plus seedGroups synthetic groups. A file that exists
// but cannot be read or understood is an error wrapping ErrCorrupt and naming
// the file, and the file is left exactly as it was.
func OpenStore(path string, seed string, seedGroups int) (*Store, error) {
	if path == "" {
		return nil, errors.New("emulator: OpenStore needs a file path (use NewMemoryStore for no file)")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the directory of the local API state file %s: %w", path, err)
	}
	lk := flock.New(path+".lock", flock.SetPermissions(0o600))
	if err := lk.Lock(); err != nil {
		return nil, fmt.Errorf("locking the local API state file %s: %w", path, err)
	}
	// Holding the lock while we look means two processes starting together
	// cannot both create the file from a seed.
	defer func() { _ = lk.Unlock() }()

	s := &Store{path: path, lock: lk, writeFile: writeFileAtomic}
	removeStaleTempFiles(path)
	f, err := os.Open(path)
	switch {
	case err == nil:
		defer func() { _ = f.Close() }()
		if err := s.loadFromLocked(f); err != nil {
			return nil, err
		}
		return s, nil
	case errors.Is(err, fs.ErrNotExist):
		st, err := buildSeed(seed, seedGroups)
		if err != nil {
			return nil, err
		}
		st.Generation = 1
		s.st = st
		if err := s.persistLocked(); err != nil {
			return nil, err
		}
		return s, nil
	default:
		return nil, fmt.Errorf("%w %s: %w", ErrCorrupt, path, err)
	}
}

// NewMemoryStore returns a store that keeps its state only in memory, for
// tests, benchmarks and throwaway demos.
func NewMemoryStore(seed string, seedGroups int) (*Store, error) {
	st, err := buildSeed(seed, seedGroups)
	if err != nil {
		return nil, err
	}
	st.Generation = 1
	return &Store{st: st}, nil
}

// Close releases the lock file handle. Reads keep working from memory;
// writes fail with ErrClosed.
func (st *Store) Close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil
	}
	st.closed = true
	if st.lock != nil {
		return st.lock.Close()
	}
	return nil
}

// Path is the state file, or "" for a memory store; tools print it so users
// know what to back up or delete.
func (st *Store) Path() string { return st.path }

// Groups returns the groups of org sorted by name (nil for an unknown org).
func (st *Store) Groups(org string) []api.Group {
	var out []api.Group
	_ = st.view(func(s *state) error {
		o, ok := s.Orgs[org]
		if !ok {
			return nil
		}
		for _, g := range o.sortedGroups() {
			out = append(out, g.apiGroup())
		}
		return nil
	})
	return out
}

// Group returns one group of org.
func (st *Store) Group(org, name string) (api.Group, bool) {
	var out api.Group
	var found bool
	_ = st.view(func(s *state) error {
		if o, ok := s.Orgs[org]; ok {
			if g, ok := o.Groups[name]; ok {
				out, found = g.apiGroup(), true
			}
		}
		return nil
	})
	return out, found
}

// Databases returns the databases of org sorted by name.
func (st *Store) Databases(org string) []api.Database {
	var out []api.Database
	_ = st.view(func(s *state) error {
		o, ok := s.Orgs[org]
		if !ok {
			return nil
		}
		for _, d := range o.sortedDatabases("") {
			out = append(out, o.apiDatabase(d))
		}
		return nil
	})
	return out
}

// Organizations returns the slugs of the user's organizations, sorted.
func (st *Store) Organizations() []string {
	var out []string
	_ = st.view(func(s *state) error {
		for slug := range s.Orgs {
			out = append(out, slug)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// view runs fn on the current state under the read lock, after picking up
// any change another process made to the file.
func (st *Store) view(fn func(*state) error) error {
	if err := st.sync(); err != nil {
		return err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	return fn(st.st)
}

// update runs fn on the state and persists the result before returning, all
// under the in-process mutex and the cross-process file lock, after loading
// any change another process made. fn must check everything before it
// changes anything: an error from fn aborts without persisting, and the
// state is expected to be untouched. If persisting fails the in-memory state
// is rolled back to what the file holds, so memory never claims what disk
// lacks.
func (st *Store) update(fn func(*state) error) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return ErrClosed
	}
	if st.lock != nil {
		if err := st.lock.Lock(); err != nil {
			return fmt.Errorf("locking the local API state file %s: %w", st.path, err)
		}
		defer func() { _ = st.lock.Unlock() }()
		if err := st.reloadLocked(true); err != nil {
			return err
		}
	}
	if err := fn(st.st); err != nil {
		return err
	}
	st.st.Generation++
	if err := st.persistLocked(); err != nil {
		st.rollbackLocked()
		return err
	}
	return nil
}

// sync reloads the state if another Store changed the file. The common case,
// nothing changed, costs one stat under the read lock.
func (st *Store) sync() error {
	if st.path == "" {
		return nil
	}
	fi, err := os.Stat(st.path)
	if err == nil {
		st.mu.RLock()
		same := st.stamp.matches(fi)
		st.mu.RUnlock()
		if same {
			return nil
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reloadLocked(false)
}

// reloadLocked loads the file if it holds another generation than memory.
// With force it reads the generation even when the stat looks unchanged;
// writers use that, under the file lock, so no write is ever based on a stale
// state. A missing file is not an error: memory is kept and the next write
// recreates the file.
func (st *Store) reloadLocked(force bool) error {
	f, err := os.Open(st.path)
	if errors.Is(err, fs.ErrNotExist) {
		st.stamp = fileStamp{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the local API state file %s: %w", st.path, err)
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading the local API state file %s: %w", st.path, err)
	}
	if !force && st.stamp.matches(fi) {
		return nil
	}
	head := make([]byte, 128)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the local API state file %s: %w", st.path, err)
	}
	head = head[:n]
	if gen, ok := readGeneration(head); ok && st.st != nil && gen == st.st.Generation {
		st.stamp = fileStamp{info: fi}
		return nil
	}
	return st.loadLocked(io.MultiReader(bytes.NewReader(head), f), fi)
}

// loadFromLocked loads the whole of an open state file.
func (st *Store) loadFromLocked(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrCorrupt, st.path, err)
	}
	return st.loadLocked(f, fi)
}

// loadLocked decodes a state file and makes it the current state.
func (st *Store) loadLocked(r io.Reader, fi fs.FileInfo) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrCorrupt, st.path, err)
	}
	s, err := decodeState(data)
	if err != nil {
		return fmt.Errorf("%w %s (left untouched; fix or remove it): %w", ErrCorrupt, st.path, err)
	}
	st.st, st.good, st.stamp = s, data, fileStamp{info: fi}
	return nil
}

func decodeState(data []byte) (*state, error) {
	var f fileState
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return f.fromFile()
}

// persistLocked writes the whole state to the file. It is the single place
// that touches the disk on a write, so that it can later batch several
// writes into one (group commit) without the callers changing.
func (st *Store) persistLocked() error {
	if st.path == "" {
		return nil
	}
	data, err := json.Marshal(st.st.toFile())
	if err != nil {
		return fmt.Errorf("encoding the local API state: %w", err)
	}
	if err := st.writeFile(st.path, data); err != nil {
		return fmt.Errorf("saving the local API state to %s: %w", st.path, err)
	}
	fi, err := os.Stat(st.path)
	if err != nil {
		// The data is on disk; only our cheap change check is lost, and the
		// next request re-reads the generation instead.
		fi = nil
	}
	st.good, st.stamp = data, fileStamp{info: fi}
	return nil
}

// rollbackLocked restores the state the file held before a failed write.
// The stamp is cleared so that the next access re-checks the file itself,
// in case the write reached the disk after all.
func (st *Store) rollbackLocked() {
	st.stamp = fileStamp{}
	if st.good == nil {
		return
	}
	if s, err := decodeState(st.good); err == nil {
		st.st = s
	}
}

// writeFileAtomic replaces path with data so that readers see the old or the
// new file, never a mix: a temp file in the same directory, fsync, rename,
// then fsync of the directory so the rename itself survives a power cut.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	pf, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithStaticPermissions(0o600))
	if err != nil {
		return err
	}
	defer func() { _ = pf.Cleanup() }()
	if _, err := pf.Write(data); err != nil {
		return err
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return d.Sync()
}

// removeStaleTempFiles deletes temp files that writers killed between
// creating and renaming them left behind (".<name><digits>", renameio's
// naming). Only called with the file lock held, when no writer can be
// mid-write, so every such file is garbage.
func removeStaleTempFiles(path string) {
	prefix := "." + filepath.Base(path)
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape(prefix)+"*"))
	if err != nil {
		return
	}
	for _, m := range matches {
		suffix := strings.TrimPrefix(filepath.Base(m), prefix)
		if suffix == "" || strings.Trim(suffix, "0123456789") != "" {
			continue
		}
		_ = os.Remove(m)
	}
}

// globEscape quotes the glob metacharacters of a literal file name.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// generationPrefix is how every state file this package writes begins
// (fileState's first two fields, compact encoding).
var generationPrefix = []byte(`{"version":1,"generation":`)

// readGeneration reads the generation from the first bytes of a state file
// without decoding it all. ok is false for files written differently (by
// hand, say); the caller then reads the whole file.
func readGeneration(head []byte) (gen uint64, ok bool) {
	if !bytes.HasPrefix(head, generationPrefix) {
		return 0, false
	}
	rest := head[len(generationPrefix):]
	end := bytes.IndexByte(rest, ',')
	if end <= 0 {
		return 0, false
	}
	gen, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	if err != nil {
		return 0, false
	}
	return gen, true
}
