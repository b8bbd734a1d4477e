package emulator

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"net/http"
	"time"
)

// How usage moves. Each database has a baseline, stored in the state file
// (dbRec.Usage): its lifetime rows read and written and its size at a
// time At. From then on it reads and writes at steady rates derived from
// its id, so that the figures grow with the clock:
//
//	rows read    (t) = baseline + readsPerHour  × hours since At
//	rows written (t) = baseline + writesPerHour × hours since At
//	storage      (t) = baseline + bytesPerRow   × rows written since At
//
// We chose the clock over bumping the figures on each usage request because
// a read then stays a read: asking for usage writes nothing to disk, a
// read-only state file is still served, and two clients (or two runs with
// the same Server clock) see the same figures. Editing a baseline in the
// state file moves the figures by as much. A database without a baseline
// (a file from before usage existed, a synthetic load-test group's) grows
// from zero rows and an empty file at its creation; one made through the
// API gets a baseline of zero at that moment.
const (
	minReadsPerHour   = 200
	readsPerHourSpan  = 4800
	minWritesPerHour  = 20
	writesPerHourSpan = 480
	bytesPerRow       = 16
	// emptyDBBytes is the size of a new, empty database file: one page.
	emptyDBBytes = 4096
)

// usageRec is a database's usage baseline: its lifetime counters and its
// size (one instance's copy) at At.
type usageRec struct {
	RowsRead     int64     `json:"rows_read"`
	RowsWritten  int64     `json:"rows_written"`
	StorageBytes int64     `json:"storage_bytes"`
	At           time.Time `json:"at"`
}

// usageRates are a database's steady rates, derived from its id so that
// they never need storing and differ between databases.
type usageRates struct{ reads, writes int64 }

func ratesOf(id string) usageRates {
	sum := sha256.Sum256([]byte("turso-groups-emulator/usage/" + id))
	h := binary.BigEndian.Uint64(sum[:8])
	return usageRates{
		reads:  minReadsPerHour + int64(h%readsPerHourSpan),
		writes: minWritesPerHour + int64((h>>32)%writesPerHourSpan),
	}
}

// seedUsage is the baseline of a seeded database: a lifetime's worth of
// traffic at its creation, different for each database but the same on
// every run.
func seedUsage(id string, created time.Time) *usageRec {
	sum := sha256.Sum256([]byte("turso-groups-emulator/seed-usage/" + id))
	h := binary.BigEndian.Uint64(sum[:8])
	return &usageRec{
		RowsRead:     10_000 + int64(h%5_000_000),
		RowsWritten:  1_000 + int64((h>>24)%500_000),
		StorageBytes: emptyDBBytes * (1 + int64((h>>40)%20_000)),
		At:           created,
	}
}

// baseline is d's stored baseline, or the one it would have been given at
// creation.
func (d *dbRec) baseline() usageRec {
	if d.Usage != nil {
		return *d.Usage
	}
	return usageRec{StorageBytes: emptyDBBytes, At: d.CreatedAt}
}

// satAdd adds without wrapping: a hand-edited baseline near the int64
// limit must give a large figure, not a negative one.
func satAdd(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	if b < 0 && a < math.MinInt64-b {
		return math.MinInt64
	}
	return a + b
}

// grown is count rows at perHour over elapsed, never negative.
func grown(perHour int64, elapsed time.Duration) int64 {
	if elapsed <= 0 {
		return 0
	}
	// In milliseconds: at most 5,000 × 2^63 ns / 1e6 ≈ 4.6e16, no overflow.
	return perHour * elapsed.Milliseconds() / int64(time.Hour/time.Millisecond)
}

// usageAt is d's lifetime counters and its size at t: nothing before its
// baseline's time, the baseline from then on, growing at its rates.
func (d *dbRec) usageAt(t time.Time) (read, written, storage int64) {
	b := d.baseline()
	if t.Before(b.At) {
		return 0, 0, 0
	}
	r := ratesOf(d.ID)
	el := t.Sub(b.At)
	w := grown(r.writes, el)
	read = max(satAdd(b.RowsRead, grown(r.reads, el)), 0)
	written = max(satAdd(b.RowsWritten, w), 0)
	storage = max(satAdd(b.StorageBytes, w*bytesPerRow), 0)
	return read, written, storage
}

// usageJSON is the spec's DatabaseUsageObject.
type usageJSON struct {
	RowsRead     int64 `json:"rows_read"`
	RowsWritten  int64 `json:"rows_written"`
	StorageBytes int64 `json:"storage_bytes"`
	BytesSynced  int64 `json:"bytes_synced"`
}

type instanceUsageJSON struct {
	UUID  string    `json:"uuid"`
	Usage usageJSON `json:"usage"`
}

// dbUsageJSON is the spec's DatabaseUsageOutput.
type dbUsageJSON struct {
	UUID      string              `json:"uuid"`
	Instances []instanceUsageJSON `json:"instances"`
	Total     usageJSON           `json:"total"`
}

// usageIn is d's usage from from to to (both already within [.., now]):
// the rows read and written in between, and its size at to. It has an
// instance in each of its group's locations; writes go to the primary,
// reads are spread evenly (the remainder on the primary), and each instance
// holds a full copy, so the total storage is the copies' sum, as in the
// spec's example.
func (o *orgRec) usageIn(d *dbRec, from, to time.Time) dbUsageJSON {
	r0, w0, _ := d.usageAt(from)
	r1, w1, size := d.usageAt(to)
	read, written := max(r1-r0, 0), max(w1-w0, 0)
	locs := []string{""}
	if g, ok := o.Groups[d.Group]; ok && len(g.Locations) > 0 {
		locs = g.Locations
	}
	n := int64(len(locs))
	out := dbUsageJSON{UUID: d.ID, Instances: make([]instanceUsageJSON, len(locs))}
	for i, loc := range locs {
		u := usageJSON{RowsRead: read / n, StorageBytes: size}
		if i == 0 {
			u.RowsRead += read % n
			u.RowsWritten = written
		}
		out.Instances[i] = instanceUsageJSON{UUID: stableUUID("instance/" + d.ID + "/" + loc), Usage: u}
		out.Total.StorageBytes = satAdd(out.Total.StorageBytes, size)
	}
	out.Total.RowsRead, out.Total.RowsWritten = read, written
	return out
}

// usagePeriod reads the from and to query parameters (RFC 3339). Either
// defaults to the calendar month: from to its first instant, to to now.
// Both are then held to no later than now, since what has not happened
// yet has no usage.
func usagePeriod(r *http.Request, now time.Time) (from, to time.Time, err error) {
	q := r.URL.Query()
	to = now
	if v := q.Get("to"); v != "" {
		if to, err = time.Parse(time.RFC3339, v); err != nil {
			return from, to, errBadRequest("invalid to parameter: %v", err)
		}
	}
	y, m, _ := to.UTC().Date()
	from = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.RFC3339, v); err != nil {
			return from, to, errBadRequest("invalid from parameter: %v", err)
		}
	}
	if from.After(to) {
		return from, to, errBadRequest("invalid period: from (%s) is after to (%s)", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if to.After(now) {
		to = now
	}
	if from.After(now) {
		from = now
	}
	return from, to, nil
}

// handleDatabaseUsage serves one database's usage in a period.
func (s *Server) handleDatabaseUsage(w http.ResponseWriter, r *http.Request) {
	from, to, err := usagePeriod(r, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out dbUsageJSON
	err = s.store.view(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		d, err := o.databaseOf(r.PathValue("database"))
		if err != nil {
			return err
		}
		out = o.usageIn(d, from, to)
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]dbUsageJSON{"database": out})
}

// orgTotalsJSON is the usage object of GET …/usage.
type orgTotalsJSON struct {
	RowsRead     int64 `json:"rows_read"`
	RowsWritten  int64 `json:"rows_written"`
	Databases    int64 `json:"databases"`
	Locations    int64 `json:"locations"`
	StorageBytes int64 `json:"storage_bytes"`
	Groups       int64 `json:"groups"`
	BytesSynced  int64 `json:"bytes_synced"`
}

type orgUsageJSON struct {
	UUID      string        `json:"uuid"`
	Usage     orgTotalsJSON `json:"usage"`
	Databases []dbUsageJSON `json:"databases"`
}

// handleOrgUsage serves the organization's usage in the current billing
// cycle (the calendar month): the totals and each database's, in one
// answer, so that a dashboard need not ask once per database.
func (s *Server) handleOrgUsage(w http.ResponseWriter, r *http.Request) {
	to := s.now()
	y, m, _ := to.UTC().Date()
	from := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	var out orgUsageJSON
	err := s.store.view(func(st *state) error {
		o, err := requestOrg(st, r)
		if err != nil {
			return err
		}
		out = orgUsageJSON{UUID: o.ID, Databases: make([]dbUsageJSON, 0, len(o.dbList))}
		locs := map[string]bool{}
		for _, g := range o.groupList {
			for _, l := range g.Locations {
				locs[l] = true
			}
		}
		t := &out.Usage
		t.Databases, t.Groups, t.Locations = int64(len(o.dbList)), int64(len(o.groupList)), int64(len(locs))
		for _, d := range o.dbList {
			u := o.usageIn(d, from, to)
			t.RowsRead = satAdd(t.RowsRead, u.Total.RowsRead)
			t.RowsWritten = satAdd(t.RowsWritten, u.Total.RowsWritten)
			t.StorageBytes = satAdd(t.StorageBytes, u.Total.StorageBytes)
			out.Databases = append(out.Databases, u)
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]orgUsageJSON{"organization": out})
}
