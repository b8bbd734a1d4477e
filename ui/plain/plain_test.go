package plain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/seed372e9e9a/turso-groups/api"
)

func up(names ...string) *api.GroupStatus {
	s := &api.GroupStatus{}
	for _, n := range names {
		s.Locations = append(s.Locations, api.LocationStatus{Name: n, Status: "up"})
	}
	return s
}

// sample is a healthy group, a degraded one with no version, an archived
// protected one and one whose answer had no locations at all.
func sample() ([]api.Group, []api.Database) {
	groups := []api.Group{
		{Name: "default", Primary: "fra", Locations: []string{"fra", "lhr"}, Version: "v0.24.1", Status: up("fra", "lhr")},
		{Name: "edge-cache", Primary: "ams", Locations: []string{"ams", "sin"}, Status: &api.GroupStatus{Locations: []api.LocationStatus{{Name: "ams", Status: "up"}, {Name: "sin", Status: "down"}}}},
		{Name: "legacy", Primary: "bos", Locations: []string{"bos"}, Version: "v0.23.0", Archived: true, DeleteProtection: true},
		{Name: "bare", Primary: "lhr"},
	}
	dbs := []api.Database{
		{Name: "b", Hostname: "b-demo.turso.io", Group: "default", PrimaryRegion: "fra"},
		{Name: "a", Hostname: "a-demo.turso.io", Group: "default", PrimaryRegion: "lhr"},
		{Name: "c", Hostname: "c-demo.turso.io", Group: "legacy", PrimaryRegion: "bos"},
	}
	return groups, dbs
}

func TestListTable(t *testing.T) {
	groups, dbs := sample()
	var b bytes.Buffer
	if err := WriteListTable(&b, groups, CountDatabases(dbs)); err != nil {
		t.Fatal(err)
	}
	want := `NAME        PRIMARY  LOCATIONS  STATUS    VERSION  DATABASES  ARCHIVED  PROTECTED
default     fra      fra,lhr    Healthy   v0.24.1  2          no        no
edge-cache  ams      ams,sin    Degraded  -        0          no        no
legacy      bos      bos        Archived  v0.23.0  1          yes       yes
bare        lhr      lhr        Healthy   -        0          no        no
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	// Every row has the header's number of fields, for awk and cut.
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if n := len(strings.Fields(line)); n != len(listHeader) {
			t.Errorf("%d fields in %q", n, line)
		}
	}
}

func TestListTableEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteListTable(&b, nil, nil); err != nil {
		t.Fatal(err)
	}
	if want := "NAME  PRIMARY  LOCATIONS  STATUS  VERSION  DATABASES  ARCHIVED  PROTECTED\n"; b.String() != want {
		t.Errorf("empty table: %q, want %q", b.String(), want)
	}
}

// TestListJSONIsTheDocumentedShape holds the streamed JSON to the bytes
// json.MarshalIndent gives for List, and to the keys README documents.
func TestListJSONIsTheDocumentedShape(t *testing.T) {
	groups, dbs := sample()
	counts := CountDatabases(dbs)
	var b bytes.Buffer
	if err := WriteListJSON(&b, groups, counts); err != nil {
		t.Fatal(err)
	}
	doc := List{Groups: []ListGroup{}}
	for i := range groups {
		doc.Groups = append(doc.Groups, NewListGroup(&groups[i], counts[groups[i].Name]))
	}
	want, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want)+"\n" {
		t.Errorf("streamed JSON:\n%s\nwant json.MarshalIndent's:\n%s", got, want)
	}

	var raw map[string][]map[string]any
	if err := json.Unmarshal(b.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	keys := []string{"archived", "databases", "delete_protection", "locations", "name", "primary", "status", "version"}
	for _, g := range raw["groups"] {
		got := make([]string, 0, len(g))
		for k := range g {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, keys) {
			t.Errorf("keys %v, want %v", got, keys)
		}
		if _, ok := g["locations"].([]any); !ok {
			t.Errorf("%v: locations is %T, want an array", g["name"], g["locations"])
		}
	}
	bare := raw["groups"][3]
	if bare["name"] != "bare" || !reflect.DeepEqual(bare["locations"], []any{"lhr"}) || bare["version"] != "" {
		t.Errorf("a group without locations lists its primary: %v", bare)
	}
	if raw["groups"][1]["status"] != "Degraded" || raw["groups"][0]["databases"] != 2.0 {
		t.Errorf("status or count: %v", raw["groups"][:2])
	}
}

func TestListJSONEmptyIsAnArray(t *testing.T) {
	var b bytes.Buffer
	if err := WriteListJSON(&b, nil, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(List{Groups: []ListGroup{}}, "", "  ")
	if b.String() != string(want)+"\n" {
		t.Errorf("empty list: %q, want %q", b.String(), want)
	}
}

func TestGroupTableAndJSON(t *testing.T) {
	groups, dbs := sample()
	g := NewGroup(groups[0], true, dbs)
	var b bytes.Buffer
	if err := WriteGroupTable(&b, g); err != nil {
		t.Fatal(err)
	}
	want := `Name:               default
UUID:               -
Primary:            fra
Status:             Healthy
Version:            v0.24.1
Archived:           no
Delete protection:  yes
Databases:          2

LOCATION  STATUS  PRIMARY
fra       up      yes
lhr       up      no

DATABASE  HOSTNAME         REGION
a         a-demo.turso.io  lhr
b         b-demo.turso.io  fra
`
	if b.String() != want {
		t.Errorf("show table:\n%s\nwant:\n%s", b.String(), want)
	}

	b.Reset()
	if err := WriteGroupJSON(&b, NewGroup(groups[3], false, dbs)); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{
  "name": "bare",
  "uuid": "",
  "primary": "lhr",
  "status": "Healthy",
  "version": "",
  "archived": false,
  "delete_protection": false,
  "locations": [
    {
      "name": "lhr",
      "status": "",
      "primary": true
    }
  ],
  "databases": []
}
`
	if b.String() != wantJSON {
		t.Errorf("show JSON:\n%s\nwant:\n%s", b.String(), wantJSON)
	}
}

// hostile are names a hostile or broken API might send: escape sequences
// (colour, OSC title, clear screen, C1 CSI), bidi overrides, controls,
// line breaks and invalid UTF-8.
var hostile = []string{
	"\x1b[31mred\x1b[0m",
	"\x1b]0;pwned\x07",
	"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
	"\u009b2J\u009b1;1H",
	"gnp.exe\u202eevil",
	"del\x7fete",
	"two\nlines\rand\ttab",
	"sep\u2028arator\u2029",
	"bad\xffutf8",
	"<html>&amp;",
}

// terminalSafe reports the first byte or character of s that could act
// on a terminal, other than the newlines that end lines.
func terminalSafe(s string) error {
	for i, r := range s {
		switch {
		case r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Errorf("control %U at byte %d", r, i)
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return fmt.Errorf("invalid UTF-8 at byte %d", i)
		case unicode.Is(unicode.Cf, r) && r != '\u200d', unicode.In(r, unicode.Zl, unicode.Zp):
			return fmt.Errorf("format character %U at byte %d", r, i)
		}
	}
	return nil
}

func TestHostileNamesAreInert(t *testing.T) {
	var groups []api.Group
	var dbs []api.Database
	for _, n := range hostile {
		groups = append(groups, api.Group{Name: n, Primary: n, Locations: []string{n}, Version: n,
			Status: &api.GroupStatus{Locations: []api.LocationStatus{{Name: n, Status: n}}}})
		dbs = append(dbs, api.Database{Name: n, Hostname: n, Group: n, PrimaryRegion: n})
	}
	counts := CountDatabases(dbs)
	outputs := map[string]func(*bytes.Buffer) error{
		"list table": func(b *bytes.Buffer) error { return WriteListTable(b, groups, counts) },
		"list json":  func(b *bytes.Buffer) error { return WriteListJSON(b, groups, counts) },
	}
	for i := range groups {
		g := NewGroup(groups[i], false, dbs)
		outputs[fmt.Sprintf("show table %d", i)] = func(b *bytes.Buffer) error { return WriteGroupTable(b, g) }
		outputs[fmt.Sprintf("show json %d", i)] = func(b *bytes.Buffer) error { return WriteGroupJSON(b, g) }
	}
	for name, write := range outputs {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := terminalSafe(b.String()); err != nil {
			t.Errorf("%s: %v in\n%q", name, err, b.String())
		}
	}

	// JSON escapes them, so that a script still reads the names exactly
	// (invalid UTF-8 aside, which JSON cannot carry).
	var b bytes.Buffer
	if err := WriteListJSON(&b, groups, counts); err != nil {
		t.Fatal(err)
	}
	var doc List
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	for i, g := range doc.Groups {
		want := strings.ToValidUTF8(hostile[i], "\uFFFD")
		if g.Name != want || g.Databases != 1 || g.Locations[0] != want {
			t.Errorf("group %d read back as %q (%d databases), want %q", i, g.Name, g.Databases, want)
		}
	}
}

// groupsN is n groups shaped as the local API's --seed-groups makes them.
func groupsN(n int) ([]api.Group, []api.Database) {
	groups := make([]api.Group, n)
	dbs := make([]api.Database, 0, 3*n)
	for i := range groups {
		name := fmt.Sprintf("load-%05d", i+1)
		groups[i] = api.Group{Name: name, Primary: "fra", Locations: []string{"fra", "lhr"}, Version: "v0.24.1", Status: up("fra", "lhr")}
		for d := range 3 {
			dbs = append(dbs, api.Database{Name: fmt.Sprintf("%s-db%d", name, d), Group: name})
		}
	}
	return groups, dbs
}

// BenchmarkWriteList is the list command's formatting of 10,000 groups
// (the requests aside), as a table and as JSON.
func BenchmarkWriteList(b *testing.B) {
	groups, dbs := groupsN(10000)
	for _, bc := range []struct {
		name  string
		write func(*bytes.Buffer, map[string]int) error
	}{
		{"table", func(w *bytes.Buffer, c map[string]int) error { return WriteListTable(w, groups, c) }},
		{"json", func(w *bytes.Buffer, c map[string]int) error { return WriteListJSON(w, groups, c) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var out bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				if err := bc.write(&out, CountDatabases(dbs)); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(out.Len()))
		})
	}
}

func TestErrorIsInert(t *testing.T) {
	inner := &api.Error{StatusCode: 404, Message: "group \x1b[2Jnot found\u009b"}
	err := Error(fmt.Errorf("get group: %w", inner))
	if e := terminalSafe(err.Error()); e != nil {
		t.Errorf("%q: %v", err, e)
	}
	if !api.IsNotFound(err) {
		t.Error("the API error is no longer seen through Error")
	}
	if Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
}
