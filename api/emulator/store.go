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
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/renameio/v2"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// ErrCorrupt is wrapped by the error OpenStore (and a later reload) returns
// when the state file exists but cannot be used. The file is never replaced
// or rewritten in that case: it may hold someone's only copy of their data.
var ErrCorrupt = errors.New("unusable local API state file")

// ErrClosed is returned by writes to a closed Store.
var ErrClosed = errors.New("emulator: store is closed")

// Store is the emulator's state: in memory and, when file-backed,
// persisted as one JSON file. Every change reaches the file before it is
// acknowledged. Several Stores (in one process or several) may share a file:
// changes are serialised by an exclusive flock on "<path>.lock", and each
// Store reloads the file when another one changed it.
//
// # Group commit
//
// Writing the file means encoding the whole state, writing it to a temp
// file, fsync, rename and a directory fsync: at 10,000 groups (30,000
// databases) about 7 MB, 33 ms of encoding/json and 8 ms of disk, so one
// flush per write capped a file-backed store at about 20 writes per second.
// Instead writes are committed in groups:
//
//   - A writer applies its change to the writers' state (work) under wmu,
//     which takes microseconds, joins the open batch and waits.
//   - One flusher goroutine seals the open batch, encodes work once (reusing
//     each unchanged record's cached encoding) and writes the file for every
//     write of the batch. While it writes, new writers fill the next batch.
//   - Only when the file holding a batch is safely on disk are its changes
//     replayed on the committed state (st) and its writers acknowledged.
//   - The file lock is taken when a batch opens and kept while batches
//     follow one another, at most maxChain; a flush rewrites the whole file,
//     so it can never interleave with another process's.
//   - If the flush fails, every writer of the batch gets the error, and so
//     do the writers of the next batch, whose changes were made on top of
//     it; work is rolled back to the committed state, which is what the file
//     holds. Memory never claims what disk lacks.
//
// Readers only ever see the committed state: a change is invisible until it
// is durable. We chose that over letting readers see applied-but-unflushed
// changes because a flush can fail (a full disk), and a reader must then not
// have shown, or a token have been signed with, something that is gone after
// the rollback; and because it costs readers nothing: they never wait for
// the disk, only for the brief replay of a batch. The records themselves are
// immutable and shared by both states (see state), so keeping two states
// costs two sets of maps, not two copies of the data.
//
// A writer whose change is refused (409 "already exists", 404, ...) may have
// been judged against changes not yet durable: it waits for those to be
// durable before answering, and if their flush failed it is judged again,
// so no answer ever rests on a change that was rolled back.
type Store struct {
	path string       // "" for memory-only stores
	lock *flock.Flock // nil for memory-only stores

	// mu guards the committed state that readers see and the identity of
	// the file it matches. Lock order: wmu before mu.
	mu    sync.RWMutex
	st    *state    // committed: what the file holds (all of it, for memory stores)
	stamp fileStamp // identity of the file version st was loaded from or written to
	// writeFile persists data to path atomically. A field so that tests can
	// make persistence fail; production code always uses writeFileAtomic.
	writeFile func(path string, data []byte) error

	// wmu guards the writers' state and the batches.
	wmu      sync.Mutex
	work     *state        // st plus the changes of the in-flight and open batches
	jr       journal       // changes made to work since the open batch began
	open     *batch        // the batch new writes join; nil if none yet
	inflight *batch        // the sealed batch being written; nil if none
	flushing bool          // a flusher goroutine runs (and will release the file lock)
	flushed  chan struct{} // closed when that flusher exits
	yielding bool          // new writes wait for the flusher to exit; see maxChain
	locked   bool          // this Store holds the file lock
	closed   bool
	buf      []byte // the flusher's encoding buffer, reused between flushes

	// held mirrors locked for readers, who do not take wmu: while this Store
	// holds the file lock no other one can change the file, so readers need
	// not look at it.
	held atomic.Bool
}

// batch is the writes that one flush makes durable.
type batch struct {
	changes []change
	done    chan struct{} // closed when the flush succeeded or failed
	err     error         // why it failed; read after done
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
	f, err := safefile.Open(path)
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
		data, err := appendState(nil, st)
		if err != nil {
			return nil, fmt.Errorf("encoding the local API state: %w", err)
		}
		fi, err := s.persist(data)
		if err != nil {
			return nil, err
		}
		s.setState(st, fi)
		return s, nil
	default:
		return nil, fmt.Errorf("%w %s: %w", ErrCorrupt, path, withoutPath(err, path))
	}
}

// withoutPath is err without the *fs.PathError naming path, for a message
// that names it already.
func withoutPath(err error, path string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return pe.Err
	}
	return err
}

// NewMemoryStore returns a store that keeps its state only in memory, for
// tests, benchmarks and throwaway demos.
func NewMemoryStore(seed string, seedGroups int) (*Store, error) {
	st, err := buildSeed(seed, seedGroups)
	if err != nil {
		return nil, err
	}
	st.Generation = 1
	s := &Store{}
	s.setState(st, nil)
	return s, nil
}

// setState makes s the committed state and a copy of it the writers' state;
// with wmu and mu held (or before the Store is shared), and no batch open
// or in flight.
func (st *Store) setState(s *state, fi fs.FileInfo) {
	st.st, st.stamp = s, fileStamp{info: fi}
	st.jr.changes = nil
	st.work = s.cloneWith(&st.jr)
}

// Close waits for the writes in flight to be flushed (and acknowledged),
// then releases the lock file handle. Reads keep working from memory;
// writes fail with ErrClosed.
func (st *Store) Close() error {
	st.wmu.Lock()
	if st.closed {
		st.wmu.Unlock()
		return nil
	}
	st.closed = true
	var flushed chan struct{}
	if st.flushing {
		flushed = st.flushed
	}
	st.wmu.Unlock()
	if flushed != nil {
		<-flushed
	}
	if st.lock != nil {
		return st.lock.Close()
	}
	return nil
}

// Path is the state file, or "" for a memory store; tools print it so users
// know what to back up or delete.
func (st *Store) Path() string { return st.path }

// Groups returns the groups of org sorted by name (nil for an unknown org),
// their status as at the wall clock.
func (st *Store) Groups(org string) []api.Group {
	var out []api.Group
	_ = st.view(func(s *state) error {
		o, ok := s.Orgs[org]
		if !ok {
			return nil
		}
		for _, g := range o.sortedGroups() {
			out = append(out, g.apiGroup(time.Now()))
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
				out, found = g.apiGroup(time.Now()), true
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

// maxChain is how long a Store keeps the file lock while batches follow one
// another without a break. Then new writes wait until the batches already
// applied are flushed and the lock is released, so that other processes
// sharing the file get their turn instead of waiting as long as this one is
// busy.
const maxChain = 100 * time.Millisecond

// maxRejudge bounds how often a refused write is judged again because the
// changes it was judged against were rolled back (each time, a flush failed).
const maxRejudge = 3

// update runs fn on the writers' state and returns once the change is
// durable (or failed), after loading any change another process made. fn
// must check everything before it changes anything: an error from fn aborts
// the write (anything fn did change is undone). fn must change the state
// only through the setters (putGroup, dropGroup, putDB, dropDB) and must not
// change a record that is in the state (see state). See Store for how
// writes are batched and what readers see meanwhile.
func (st *Store) update(fn func(*state) error) error {
	for judged := 1; ; judged++ {
		b, basis, err := st.apply(fn)
		if b != nil {
			<-b.done
			return b.err
		}
		if err == nil || basis == nil || judged == maxRejudge {
			return err
		}
		// fn refused against changes that are not durable yet: answer only
		// once they are, and judge again if they were rolled back instead.
		<-basis.done
		if basis.err == nil {
			return err
		}
	}
}

// apply runs fn on the writers' state. On success it returns the batch to
// wait for (nil for memory stores, where the change is committed at once).
// If fn fails it returns fn's error and the batch whose outcome the state fn
// saw depends on (nil if that state was all durable).
func (st *Store) apply(fn func(*state) error) (joined, basis *batch, err error) {
	st.wmu.Lock()
	for st.yielding {
		flushed := st.flushed
		st.wmu.Unlock()
		<-flushed
		st.wmu.Lock()
	}
	defer st.wmu.Unlock()
	if st.closed {
		return nil, nil, ErrClosed
	}
	if st.lock != nil && !st.locked {
		// First write since the flusher last went idle: take the file lock
		// and pick up what other processes wrote meanwhile, so that no write
		// is ever based on a stale state. The lock is kept until the flusher
		// has nothing left to write.
		if err := st.lock.Lock(); err != nil {
			return nil, nil, fmt.Errorf("locking the local API state file %s: %w", st.path, err)
		}
		st.locked = true
		st.held.Store(true)
		st.mu.Lock()
		err := st.reloadLocked(true)
		st.mu.Unlock()
		if err != nil {
			st.unlockFile()
			return nil, nil, err
		}
	}
	mark := len(st.jr.changes)
	if err := fn(st.work); err != nil {
		st.work.undo(st.jr.changes[mark:])
		st.jr.changes = st.jr.changes[:mark]
		basis = st.open
		if basis == nil {
			basis = st.inflight
		}
		if st.locked && !st.flushing {
			st.unlockFile()
		}
		return nil, basis, err
	}
	if st.path == "" {
		changes := st.jr.take()
		st.work.Generation++
		st.mu.Lock()
		st.st.redo(changes)
		st.st.Generation = st.work.Generation
		st.mu.Unlock()
		return nil, nil, nil
	}
	if st.open == nil {
		st.open = &batch{done: make(chan struct{})}
	}
	if !st.flushing {
		st.flushing = true
		st.flushed = make(chan struct{})
		go st.flushLoop(st.flushed)
	}
	return st.open, nil, nil
}

// unlockFile releases the file lock; with wmu held.
func (st *Store) unlockFile() {
	_ = st.lock.Unlock()
	st.locked = false
	st.held.Store(false)
}

// flushLoop writes batches until none is open, then releases the file lock
// and exits; at most one runs per Store.
func (st *Store) flushLoop(flushed chan struct{}) {
	defer close(flushed)
	chainStart := time.Now()
	for {
		st.wmu.Lock()
		b := st.open
		if b == nil {
			st.flushing, st.yielding = false, false
			st.unlockFile()
			st.wmu.Unlock()
			return
		}
		if time.Since(chainStart) > maxChain {
			st.yielding = true
		}
		st.open = nil
		b.changes = st.jr.take()
		st.work.Generation++
		gen := st.work.Generation
		st.inflight = b
		data, err := appendState(st.buf[:0], st.work)
		st.wmu.Unlock()

		var fi fs.FileInfo
		if err != nil {
			err = fmt.Errorf("encoding the local API state: %w", err)
		} else if err = st.unchangedOnDisk(); err == nil {
			st.buf = data
			fi, err = st.persist(data)
		}

		st.wmu.Lock()
		if err == nil {
			st.mu.Lock()
			st.st.redo(b.changes)
			st.st.Generation = gen
			st.stamp = fileStamp{info: fi}
			st.mu.Unlock()
		} else {
			st.rollbackLocked(b, err)
			// The chain ends here, file lock and all: a writer that joined
			// it would build on memory, not on what the file holds now
			// (after ErrChangedOnDisk, a hand edit). The next writer takes
			// the lock afresh and reloads first.
			st.inflight = nil
			st.flushing, st.yielding = false, false
			st.unlockFile()
			st.wmu.Unlock()
			b.err = err
			close(b.done)
			return
		}
		st.inflight = nil
		st.wmu.Unlock()
		b.err = nil
		close(b.done)
	}
}

// rollbackLocked takes back the changes of the failed batch b and of the
// open batch built on it, so that the writers' state is the committed one
// again, and fails the open batch's writers too; with wmu held. The stamp
// is cleared so that the next access re-checks the file itself, in case the
// write reached the disk after all.
func (st *Store) rollbackLocked(b *batch, err error) {
	st.work.undo(st.jr.take())
	st.work.undo(b.changes)
	// The generation is not taken back: the failed write may have reached
	// the file (a rename that landed before the directory's fsync failed),
	// and another store may have read it. The next write must not write
	// other content under the same generation, which a reader would take
	// for the one it already has.
	if o := st.open; o != nil {
		st.open = nil
		o.err = fmt.Errorf("an earlier write this one was based on failed, so it was undone: %w", err)
		close(o.done)
	}
	st.mu.Lock()
	st.stamp = fileStamp{}
	st.mu.Unlock()
}

// ErrChangedOnDisk is wrapped by the error of a write refused because the
// state file changed, under the Store's file lock, after the Store last
// read it: something that does not take the lock (an editor) wrote it.
// Writing would lose that change; the next write reads it first.
var ErrChangedOnDisk = errors.New("the local API state file changed on disk while this change was being saved")

// unchangedOnDisk returns nil if the file is still the version this
// Store's state was read from or last wrote (or is gone, which the write
// then recreates), and an ErrChangedOnDisk error if anything else wrote
// it meanwhile. Other Stores cannot, holding the lock as they must; an
// editor can. A Store that lost track of the file's identity (a failed
// write) does not look: it read the file under the lock just before.
func (st *Store) unchangedOnDisk() error {
	st.mu.RLock()
	stamp := st.stamp
	st.mu.RUnlock()
	if stamp.info == nil {
		return nil
	}
	fi, err := os.Stat(st.path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && stamp.matches(fi) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("saving the local API state to %s: %w", st.path, err)
	}
	return fmt.Errorf("%w: %s (edited by hand?). The change was not saved and the file was left as it is; try again to make it on top of what the file holds now", ErrChangedOnDisk, st.path)
}

// persist writes data to the file and returns its new identity (nil if it
// cannot be read back: only the cheap change check is lost, and the next
// request re-reads the generation instead).
func (st *Store) persist(data []byte) (fs.FileInfo, error) {
	st.mu.RLock()
	write := st.writeFile
	st.mu.RUnlock()
	if err := write(st.path, data); err != nil {
		return nil, fmt.Errorf("saving the local API state to %s: %w", st.path, err)
	}
	fi, err := os.Stat(st.path)
	if err != nil {
		return nil, nil
	}
	return fi, nil
}

// sync reloads the state if another Store changed the file. The common case,
// nothing changed, costs one stat under the read lock, and nothing at all
// while this Store holds the file lock.
func (st *Store) sync() error {
	if st.path == "" || st.held.Load() {
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
	st.wmu.Lock()
	defer st.wmu.Unlock()
	if st.locked {
		// A write of ours started meanwhile and reloaded under the lock.
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reloadLocked(false)
}

// reloadLocked loads the file if it holds another generation than memory;
// with wmu and mu held and no batch open or in flight. With force it reads
// the generation even when the stat looks unchanged; writers use that, under
// the file lock, so no write is ever based on a stale state. A missing file
// is not an error: memory is kept and the next write recreates the file.
func (st *Store) reloadLocked(force bool) error {
	f, err := safefile.Open(st.path)
	if errors.Is(err, fs.ErrNotExist) {
		st.stamp = fileStamp{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the local API state file %s: %w", st.path, withoutPath(err, st.path))
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading the local API state file %s: %w", st.path, err)
	}
	same := st.stamp.matches(fi)
	if !force && same {
		return nil
	}
	head := make([]byte, 128)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the local API state file %s: %w", st.path, err)
	}
	head = head[:n]
	// The generation alone only says that no Store wrote the file since:
	// a hand edit keeps it. So it is trusted only for the file this Store
	// last read or wrote; any other file (a new inode, size or mtime) is
	// read whole, and a hand edit is taken in rather than written over.
	if gen, ok := readGeneration(head); ok && same && st.st != nil && gen == st.st.Generation {
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
	var used uint64 // the last generation this Store wrote, or tried to
	if st.work != nil {
		used = st.work.Generation
	}
	st.setState(s, fi)
	// A failed write may have reached the file under a generation that
	// was never committed here (see rollbackLocked); reading the file back
	// must not make the next write use that number again.
	st.work.Generation = max(st.work.Generation, used)
	return nil
}

func decodeState(data []byte) (*state, error) {
	var f fileState
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return f.fromFile()
}

// writeFileAtomic replaces path with data so that readers see the old or the
// new file, never a mix: a temp file in the same directory, fsync, rename,
// then fsync of the directory so the rename itself survives a power cut.
// If path is a symlink, the file it points to is replaced and the link
// stays. The file keeps its permissions (0600 for a new one); a file its
// owner may not write (chmod 400) is refused with ErrReadOnlyFile, not
// made writable behind the user's back.
func writeFileAtomic(path string, data []byte) error {
	target, err := resolveLinks(path)
	if err != nil {
		return err
	}
	perm := fs.FileMode(0o600)
	switch fi, err := os.Stat(target); {
	case err == nil && !fi.Mode().IsRegular():
		return safefile.Check(target)
	case err == nil && fi.Mode().Perm()&0o200 == 0:
		return fmt.Errorf("%w (mode %#o; chmod u+w %s to allow changes)", ErrReadOnlyFile, fi.Mode().Perm(), target)
	case err == nil:
		perm = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(target)
	pf, err := renameio.NewPendingFile(target, renameio.WithTempDir(dir), renameio.WithStaticPermissions(perm))
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

// ErrReadOnlyFile is wrapped by the error of a write to a state file its
// owner may not write: reads work, changes are refused.
var ErrReadOnlyFile = errors.New("the state file is read-only, so the local API does not change it")

// maxLinks bounds the symlinks resolveLinks follows, as the kernel does.
const maxLinks = 40

// resolveLinks follows path through symlinks to the file they finally
// name, which need not exist yet: a rename onto the link itself would
// replace the link with a regular file.
func resolveLinks(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// removeStaleTempFiles deletes temp files that writers killed between
// creating and renaming them left behind (".<name><digits>", renameio's
// naming). Only called with the file lock held, when no writer can be
// mid-write, so every such file is garbage.
func removeStaleTempFiles(path string) {
	if target, err := resolveLinks(path); err == nil {
		path = target // where writeFileAtomic puts them
	}
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
