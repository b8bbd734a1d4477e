package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateGroupName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // substring; empty means valid
	}{
		{"default", ""},
		{"a", ""},
		{"group-2", ""},
		{"9lives", ""},
		{strings.Repeat("a", 32), ""},
		{"", "a name is required"},
		{strings.Repeat("a", 33), "33 characters long; the limit is 32"},
		{"-lead", "cannot start or end with a hyphen"},
		{"trail-", "cannot start or end with a hyphen"},
		{"Upper", "use lowercase letters"},
		{"under_score", "only lowercase letters, digits and hyphens"},
		{"has space", "a space at position 4"},
		{"café", "only lowercase letters"}, // non-ASCII lowercase is refused
		{"esc\x1b[31m", `'\x1b'`},          // shown escaped, never raw
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateGroupName(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateGroupName(%q) = %v, want nil", tt.name, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateGroupName(%q) = nil, want error containing %q", tt.name, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("error %v does not wrap ErrInvalidName", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateExtensions(t *testing.T) {
	if err := ValidateExtensions(Extensions{}); err != nil {
		t.Errorf("none: %v", err)
	}
	if err := ValidateExtensions(AllExtensions); err != nil {
		t.Errorf("all: %v", err)
	}
	if err := ValidateExtensions(Extensions{Names: []string{"vector", "uuid"}}); err != nil {
		t.Errorf("list: %v", err)
	}
	for _, bad := range []Extensions{
		{Names: []string{"vss"}},
		{Names: []string{"uuid", "uuid"}},
		{All: true, Names: []string{"uuid"}},
	} {
		err := ValidateExtensions(bad)
		if !errors.Is(err, ErrInvalidExtension) {
			t.Errorf("ValidateExtensions(%+v) = %v, want ErrInvalidExtension", bad, err)
		}
	}
}

func TestExtensionsJSON(t *testing.T) {
	for _, tt := range []struct {
		in   Extensions
		wire string
	}{
		{AllExtensions, `"all"`},
		{Extensions{Names: []string{"vector", "uuid"}}, `["vector","uuid"]`},
		{Extensions{}, `null`},
	} {
		b, err := json.Marshal(tt.in)
		if err != nil || string(b) != tt.wire {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tt.in, b, err, tt.wire)
		}
		var back Extensions
		if err := json.Unmarshal(b, &back); err != nil || back.String() != tt.in.String() {
			t.Errorf("round trip of %s = %+v, %v", b, back, err)
		}
	}
	var e Extensions
	if err := json.Unmarshal([]byte(`"some"`), &e); err == nil {
		t.Error(`"some" decoded without error`)
	}
	if err := json.Unmarshal([]byte(`{"a":1}`), &e); err == nil {
		t.Error("an object decoded without error")
	}
	// A request without extensions leaves the key out entirely.
	b, _ := json.Marshal(CreateGroupRequest{Name: "g", Location: "lhr"})
	if strings.Contains(string(b), "extensions") {
		t.Errorf("request without extensions = %s", b)
	}
}

func TestValidateExpiration(t *testing.T) {
	for _, ok := range []string{"", "never", "1d", "2w1d30m", "12h", "90s"} {
		if err := ValidateExpiration(ok); err != nil {
			t.Errorf("ValidateExpiration(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"tomorrow", "1y", "-1d", "0d", "d"} {
		if err := ValidateExpiration(bad); err == nil {
			t.Errorf("ValidateExpiration(%q) = nil", bad)
		}
	}
	d, err := ParseExpiration("1w1d")
	if err != nil || d.Hours() != 8*24 {
		t.Errorf("ParseExpiration(1w1d) = %v, %v", d, err)
	}
}

func FuzzValidateGroupName(f *testing.F) {
	for _, s := range []string{"default", "", "-", "a-", "UPPER", "ünï", strings.Repeat("z", 40), "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateGroupName(name)
		valid := len(name) >= 1 && len(name) <= 32 && name[0] != '-' && name[len(name)-1] != '-'
		for i := 0; i < len(name); i++ {
			c := name[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				valid = false
			}
		}
		if valid != (err == nil) {
			t.Fatalf("ValidateGroupName(%q) = %v; the rule says valid=%v", name, err, valid)
		}
		if err != nil {
			msg := err.Error()
			if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x1b\x00\r\n") {
				t.Fatalf("message %q carries raw control characters", msg)
			}
		}
	})
}

// FuzzValidateExtensions checks ValidateExtensions against the rule it
// states, that an accepted set survives the trip through JSON, and that a
// refusal names what is wrong. list is split on commas into names, and is
// also decoded as JSON, the way a set arrives from elsewhere.
func FuzzValidateExtensions(f *testing.F) {
	for _, s := range []struct {
		all  bool
		list string
	}{
		{false, ""}, {true, ""}, {false, "vector"}, {false, "vector,uuid"}, {false, "uuid,uuid"}, {true, "uuid"},
		{false, "vss"}, {false, ","}, {false, "VECTOR"}, {false, "vec\x00tor"}, {false, strings.Join(ExtensionNames, ",")},
		{false, `"all"`}, {false, `["vector","uuid"]`}, {false, `["vss"]`}, {false, `null`}, {false, `"none"`}, {false, `[1]`},
	} {
		f.Add(s.all, s.list)
	}
	f.Fuzz(func(t *testing.T, all bool, list string) {
		var names []string
		if list != "" {
			names = strings.Split(list, ",")
		}
		checkExtensions(t, Extensions{All: all, Names: names})
		var e Extensions
		if json.Unmarshal([]byte(list), &e) == nil {
			checkExtensions(t, e)
		}
	})
}

// checkExtensions holds e to ValidateExtensions' rule and contract.
func checkExtensions(t *testing.T, e Extensions) {
	t.Helper()
	err := ValidateExtensions(e)
	// The rule, restated: all alone, or known names each listed once.
	var bad string
	found := false
	seen := map[string]bool{}
	for _, n := range e.Names {
		if !found && (!slices.Contains(ExtensionNames, n) || seen[n]) {
			bad, found = n, true
		}
		seen[n] = true
	}
	valid := e.All && len(e.Names) == 0 || !e.All && !found
	if valid != (err == nil) {
		t.Fatalf("ValidateExtensions(%#v) = %v; the rule says valid=%v", e, err, valid)
	}
	if err != nil {
		if !errors.Is(err, ErrInvalidExtension) {
			t.Fatalf("ValidateExtensions(%#v) = %v, not ErrInvalidExtension", e, err)
		}
		want := fmt.Sprintf("%q", bad)
		if e.All {
			want = "all"
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("ValidateExtensions(%#v) = %q, which does not name %s", e, err, want)
		}
		return
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatalf("Marshal(%#v): %v", e, err)
	}
	var back Extensions
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if back.All != e.All || !slices.Equal(back.Names, e.Names) {
		t.Fatalf("%#v went through JSON as %s and came back %#v", e, b, back)
	}
}
