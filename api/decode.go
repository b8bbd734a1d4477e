package api

import (
	"bytes"
	"io"
	"slices"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The group list is the answer the dashboard waits for before it can draw
// anything, and at 10,000 groups decoding it by reflection was most of that
// wait. groupList therefore has a decoder of its own for the shape the API
// sends, on jsontext's tokenizer (the same library's, so the JSON is
// checked by the same rules): about twice as fast and with a third of the
// allocations, since repeated strings (versions, location codes, "up")
// are shared and the small slices are cut from larger blocks.
//
// It is only a fast path. Whatever it does not expect (a null, a number
// where a string goes, a key that matches a field only without regard to
// case, a repeated key, escapes it cannot undo, invalid UTF-8, bytes after
// the value) makes it give up, and the body is decoded again by
// jsonv1.Unmarshal, whose result and errors are the rule: a fuzz test
// checks that the two agree on every input the fast path accepts.

// fastDecoder is a response body with a decoder for its usual shape.
type fastDecoder interface {
	// decodeFast decodes body and reports true, or reports false and
	// leaves the value as it was (zero) if body is not of the usual shape.
	decodeFast(body []byte) bool
}

// unmarshal decodes a response body into out.
func unmarshal(body []byte, out any) error {
	if f, ok := out.(fastDecoder); ok && f.decodeFast(body) {
		return nil
	}
	return jsonv1.Unmarshal(body, out)
}

// groupList is the body of GET /v1/organizations/{org}/groups.
type groupList struct {
	Groups []Group `json:"groups"`
}

func (l *groupList) decodeFast(body []byte) bool {
	// A bytes.Buffer is read in place; any other reader is copied.
	// Repeated keys are refused by object itself (jsonv1 has its own rules
	// for them), which is cheaper than the decoder's check of every key.
	d := listDecoder{
		dec:      jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true)),
		size:     len(body),
		interned: map[string]string{},
	}
	groups, ok := d.top()
	if !ok {
		return false
	}
	l.Groups = groups
	return true
}

// The names each object's fields go by, in the order of the switches that
// read them.
var (
	listNames    = []string{"groups"}
	groupNames   = []string{"name", "uuid", "version", "locations", "primary", "archived", "delete_protection", "status"}
	statusNames  = []string{"locations"}
	locStatNames = []string{"name", "status"}
)

const (
	maxInterned  = 1024 // distinct strings shared, so a hostile body cannot grow the table without bound
	maxInternLen = 64
	maxBlock     = 1024 // strings or statuses per block that small slices are cut from
)

// listDecoder decodes one group list.
type listDecoder struct {
	dec      *jsontext.Decoder
	size     int               // of the body
	interned map[string]string // strings shared
	scratch  []byte            // an unescaped string

	// Blocks that small slices are cut from (see appendCut): between
	// slices, strBlock and statBlock have length 0 and the capacity left.
	strBlock  []string
	statBlock []LocationStatus
	gsBlock   []GroupStatus
	// the size of each's next block: small for a short list, doubling up
	// to maxBlock for a long one.
	strSize, statSize, gsSize int
}

// grow doubles *size, from 16 up to maxBlock, and returns it.
func grow(size *int) int {
	*size = min(max(2**size, 16), maxBlock)
	return *size
}

// appendCut appends v to the slice being read at the start of *block
// (its length); when the block is full, what was read so far moves to a
// new one, so that the slice stays in one piece.
func appendCut[T any](block *[]T, size *int, v T) {
	if b := *block; len(b) == cap(b) {
		nb := make([]T, len(b), max(grow(size), 2*len(b)))
		copy(nb, b)
		*block = nb
	}
	*block = append(*block, v)
}

// cut ends the slice being read and returns it, capped at its length so
// that appending to it cannot reach a neighbour; the block keeps the rest.
// An empty one is empty, not nil, as jsonv1 has it.
func cut[T any](block *[]T) []T {
	b := *block
	if len(b) == 0 {
		return []T{}
	}
	*block = b[len(b):]
	return b[:len(b):len(b)]
}

func (d *listDecoder) top() (groups []Group, ok bool) {
	ok = d.object(listNames, func(i int) bool {
		groups, ok = d.groups()
		return ok
	})
	if !ok {
		return nil, false
	}
	if _, err := d.dec.ReadToken(); err != io.EOF {
		return nil, false // more after the value: an error, for jsonv1 to word
	}
	return groups, true
}

func (d *listDecoder) groups() ([]Group, bool) {
	if !d.delim('[') {
		return nil, false
	}
	// Appending to one slice would allocate five times the list (append
	// grows a large slice by a quarter at a time), so once the first
	// groups are read their size gives the length to allocate for all.
	const sample = 64
	start := d.dec.InputOffset()
	out := make([]Group, 0, sample)
	for d.dec.PeekKind() == '{' {
		if len(out) == sample {
			out = slices.Grow(out, d.estimate(start, sample))
		}
		out = append(out, Group{})
		if !d.group(&out[len(out)-1]) {
			return nil, false
		}
	}
	return out, d.delim(']')
}

// estimate is how many more groups the rest of the body holds if they
// are the size of the n read since offset start, plus a little; bounded so
// that what is allocated stays within twice the body's size, whatever the
// body.
func (d *listDecoder) estimate(start int64, n int) int {
	read := d.dec.InputOffset() - start
	rest := int64(d.size) - d.dec.InputOffset()
	if read <= 0 || rest <= 0 {
		return 0
	}
	est := rest*int64(n)/read + rest*int64(n)/read/20 + 16
	return int(min(est, int64(2*d.size)/int64(unsafe.Sizeof(Group{}))))
}

func (d *listDecoder) group(g *Group) bool {
	return d.object(groupNames, func(i int) (ok bool) {
		switch i {
		case 0:
			g.Name, ok = d.str(false)
		case 1:
			g.UUID, ok = d.str(false)
		case 2:
			g.Version, ok = d.str(true)
		case 3:
			g.Locations, ok = d.strs()
		case 4:
			g.Primary, ok = d.str(true)
		case 5:
			g.Archived, ok = d.boolean()
		case 6:
			g.DeleteProtection, ok = d.boolean()
		case 7:
			g.Status, ok = d.status()
		}
		return ok
	})
}

func (d *listDecoder) status() (*GroupStatus, bool) {
	if d.dec.PeekKind() != '{' {
		return nil, false
	}
	if len(d.gsBlock) == 0 {
		d.gsBlock = make([]GroupStatus, grow(&d.gsSize))
	}
	st := &d.gsBlock[0]
	d.gsBlock = d.gsBlock[1:]
	ok := d.object(statusNames, func(int) bool {
		if !d.delim('[') {
			return false
		}
		for d.dec.PeekKind() == '{' {
			var ls LocationStatus
			ok := d.object(locStatNames, func(i int) (ok bool) {
				if i == 0 {
					ls.Name, ok = d.str(true)
				} else {
					ls.Status, ok = d.str(true)
				}
				return ok
			})
			if !ok {
				return false
			}
			appendCut(&d.statBlock, &d.statSize, ls)
		}
		st.Locations = cut(&d.statBlock)
		return d.delim(']')
	})
	return st, ok
}

// strs reads an array of strings into a slice cut from a shared block.
func (d *listDecoder) strs() ([]string, bool) {
	if !d.delim('[') {
		return nil, false
	}
	for d.dec.PeekKind() == '"' {
		s, ok := d.str(true)
		if !ok {
			return nil, false
		}
		appendCut(&d.strBlock, &d.strSize, s)
	}
	return cut(&d.strBlock), d.delim(']')
}

// object reads an object whose known field names are names, calling field
// with the index of each one met, which must read its value. Other names
// are skipped, as jsonv1 does, unless they could be one of names to
// jsonv1 (which matches names without regard to case).
func (d *listDecoder) object(names []string, field func(i int) bool) bool {
	if !d.delim('{') {
		return false
	}
	var seen uint64
	for d.dec.PeekKind() == '"' {
		t, err := d.dec.ReadToken()
		if err != nil {
			return false
		}
		i := index(names, t.String())
		switch {
		case i >= 0:
			if seen&(1<<i) != 0 {
				return false // jsonv1's rules for a repeated key are its own
			}
			seen |= 1 << i
			if !field(i) {
				return false
			}
		case looselyNamed(t.String(), names):
			return false
		default:
			if d.dec.SkipValue() != nil {
				return false
			}
		}
	}
	return d.delim('}')
}

func index(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// looselyNamed reports whether jsonv1 might match name to one of names:
// it matches without regard to case (Unicode's, which is why any byte
// outside ASCII counts as a match here). Ignoring '_' and '-' as well
// only makes the answer more careful.
func looselyNamed(name string, names []string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return true
		}
	}
	for _, n := range names {
		if foldedEqual(name, n) {
			return true
		}
	}
	return false
}

// foldedEqual compares two ASCII names ignoring case, '_' and '-'.
func foldedEqual(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && (a[i] == '_' || a[i] == '-') {
			i++
		}
		for j < len(b) && (b[j] == '_' || b[j] == '-') {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if lower(a[i]) != lower(b[j]) {
			return false
		}
		i++
		j++
	}
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// delim reads the delimiter kind ('{', '}', '[' or ']').
func (d *listDecoder) delim(kind jsontext.Kind) bool {
	if d.dec.PeekKind() != kind {
		return false
	}
	_, err := d.dec.ReadToken()
	return err == nil
}

// str reads a string; intern shares it with equal strings read before.
func (d *listDecoder) str(intern bool) (string, bool) {
	if d.dec.PeekKind() != '"' {
		return "", false
	}
	v, err := d.dec.ReadValue()
	if err != nil {
		return "", false
	}
	raw := []byte(v[1 : len(v)-1])
	if bytes.IndexByte(raw, '\\') >= 0 {
		if d.scratch, err = jsontext.AppendUnquote(d.scratch[:0], v); err != nil {
			return "", false
		}
		raw = d.scratch
	}
	if !intern || len(raw) > maxInternLen {
		return string(raw), true
	}
	if s, ok := d.interned[string(raw)]; ok {
		return s, true
	}
	s := string(raw)
	if len(d.interned) < maxInterned {
		d.interned[s] = s
	}
	return s, true
}

func (d *listDecoder) boolean() (bool, bool) {
	switch d.dec.PeekKind() {
	case 't', 'f':
		t, err := d.dec.ReadToken()
		return err == nil && t.Bool(), err == nil
	}
	return false, false
}
