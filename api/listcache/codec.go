package listcache

import (
	"encoding/binary"
	"errors"
	"unicode/utf8"

	"github.com/seed372e9e9a/turso-groups/api"
)

// The body of a cache file is the groups one after the other, each:
//
//	name, uuid, version, primary   strings
//	flags                          one byte: 1 archived, 2 delete
//	                               protection, 4 a status follows
//	locations                      a count, then that many strings
//	status (if flag 4)             a count, then that many pairs of
//	                               strings (location, status)
//
// A string is its length in bytes (uvarint) then its bytes, valid UTF-8;
// a count is a uvarint. Decoding turns the body into one string and cuts
// every field out of it, and the locations and statuses out of one block
// each, so that 10,000 groups cost a handful of allocations.

const (
	flagArchived  = 1
	flagProtected = 2
	flagStatus    = 4
)

func encodeGroups(groups []api.Group) []byte {
	size := 0
	for i := range groups {
		g := &groups[i]
		size += 16 + len(g.Name) + len(g.UUID) + len(g.Version) + len(g.Primary)
		for _, l := range g.Locations {
			size += 2 + len(l)
		}
		if g.Status != nil {
			for _, l := range g.Status.Locations {
				size += 4 + len(l.Name) + len(l.Status)
			}
		}
	}
	b := make([]byte, 0, size)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for i := range groups {
		g := &groups[i]
		str(g.Name)
		str(g.UUID)
		str(g.Version)
		str(g.Primary)
		var flags byte
		if g.Archived {
			flags |= flagArchived
		}
		if g.DeleteProtection {
			flags |= flagProtected
		}
		if g.Status != nil {
			flags |= flagStatus
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, uint64(len(g.Locations)))
		for _, l := range g.Locations {
			str(l)
		}
		if g.Status != nil {
			b = binary.AppendUvarint(b, uint64(len(g.Status.Locations)))
			for _, l := range g.Status.Locations {
				str(l.Name)
				str(l.Status)
			}
		}
	}
	return b
}

var errBody = errors.New("malformed list")

// decoder reads a body; err is set at the first thing wrong, after which
// every read returns a zero value.
type decoder struct {
	s   string
	off int
	err bool
}

func (d *decoder) uvarint() int {
	if d.err {
		return 0
	}
	v, n := uvarintString(d.s[d.off:])
	if n <= 0 || v > uint64(len(d.s)) {
		d.err = true
		return 0
	}
	d.off += n
	return int(v)
}

// uvarintString is binary.Uvarint on a string.
func uvarintString(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -1
			}
			if i > 0 && c == 0 {
				// Not the shortest form (0x80 0x00 for 0): the encoder never
				// writes it, so a body holding it was not written by us.
				return 0, -1
			}
			return x | uint64(c)<<shift, i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err || n > len(d.s)-d.off {
		d.err = true
		return ""
	}
	s := d.s[d.off : d.off+n]
	d.off += n
	if !utf8.ValidString(s) {
		d.err = true
		return ""
	}
	return s
}

func (d *decoder) byte() byte {
	if d.err || d.off >= len(d.s) {
		d.err = true
		return 0
	}
	c := d.s[d.off]
	d.off++
	return c
}

// decodeGroups reads count groups from body, which must hold exactly
// those.
func decodeGroups(body []byte, count int) ([]api.Group, error) {
	// Every group takes at least 6 bytes: no count larger than that is
	// believed, so a forged one cannot make a huge allocation.
	if count < 0 || count > len(body)/6 {
		return nil, errBody
	}
	d := &decoder{s: string(body)}
	groups := make([]api.Group, count)
	var locs []string
	var stats []api.LocationStatus
	var statuses []api.GroupStatus
	for i := range groups {
		g := &groups[i]
		g.Name, g.UUID, g.Version, g.Primary = d.str(), d.str(), d.str(), d.str()
		flags := d.byte()
		if flags&^(flagArchived|flagProtected|flagStatus) != 0 {
			d.err = true
		}
		g.Archived, g.DeleteProtection = flags&flagArchived != 0, flags&flagProtected != 0
		if n := d.uvarint(); n > 0 && !d.err {
			if len(locs) < n {
				locs = make([]string, max(n, 4096))
			}
			g.Locations = locs[:n:n]
			locs = locs[n:]
			for j := range g.Locations {
				g.Locations[j] = d.str()
			}
		}
		if flags&flagStatus != 0 {
			n := d.uvarint()
			if len(statuses) == 0 {
				statuses = make([]api.GroupStatus, min(count-i, 4096))
			}
			st := &statuses[0]
			statuses = statuses[1:]
			st.Locations = []api.LocationStatus{}
			if n > 0 && !d.err {
				if len(stats) < n {
					stats = make([]api.LocationStatus, max(n, 4096))
				}
				st.Locations = stats[:n:n]
				stats = stats[n:]
				for j := range st.Locations {
					st.Locations[j] = api.LocationStatus{Name: d.str(), Status: d.str()}
				}
			}
			g.Status = st
		}
		if d.err {
			return nil, errBody
		}
	}
	if d.off != len(d.s) {
		return nil, errBody
	}
	return groups, nil
}
