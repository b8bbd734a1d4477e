package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// jsonv1Groups is the group list as jsonv1.Unmarshal decodes it: the rule
// the fast path must follow.
func jsonv1Groups(body []byte) ([]api.Group, error) {
	var out struct {
		Groups []api.Group `json:"groups"`
	}
	err := jsonv1.Unmarshal(body, &out)
	return out.Groups, err
}

// agree fails t unless the fast path either gives up on body or gives
// exactly what jsonv1 gives.
func agree(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	got, ok := api.DecodeGroupListFast(body)
	if !ok {
		if got != nil {
			t.Fatalf("the fast path gave up but left %d groups behind", len(got))
		}
		return false
	}
	want, err := jsonv1Groups(body)
	if err != nil {
		t.Fatalf("the fast path accepted %.200q, which jsonv1 refuses: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the fast path and jsonv1 disagree on %.300q:\nfast   %#v\njsonv1 %#v", body, got, want)
	}
	return true
}

// groupListCases are bodies of the shape the API sends (fast: true), and
// others that the fast path must leave to jsonv1.
var groupListCases = []struct {
	name, body string
	fast       bool
}{
	{"usual", `{"groups":[{"name":"default","uuid":"u-1","version":"v0.24.32","locations":["fra","lhr"],"primary":"fra","archived":false,"delete_protection":true,"status":{"locations":[{"name":"fra","status":"up"},{"name":"lhr","status":"down"}]}}]}`, true},
	{"no groups", `{"groups":[]}`, true},
	{"no key", `{}`, true},
	{"spaces and newlines", "{ \"groups\" : [ {\n \"name\" : \"a\" ,\t\"locations\" : [ ] } ] }\n", true},
	{"escapes", `{"groups":[{"name":"d\u00e9j\u00e0","primary":"a\"b\\c","locations":["\u0066ra"]}]}`, true},
	{"unicode", `{"groups":[{"name":"日本","version":"☃"}]}`, true},
	{"fields in another order", `{"groups":[{"status":{},"delete_protection":false,"primary":"x","name":"n"}]}`, true},
	{"unknown keys skipped", `{"extra":[1,{"a":null}],"groups":[{"name":"n","new_field":{"deep":[[["x"]]]},"n":3}],"more":true}`, true},
	{"empty status", `{"groups":[{"name":"n","status":{"locations":[]}}]}`, true},
	{"status with unknown keys", `{"groups":[{"status":{"x":1,"locations":[{"name":"a","status":"up","since":"2026"}]}}]}`, true},
	{"many locations", `{"groups":[{"locations":["a","b","c","d","e","f","g","h","i","j","k","l"]},{"locations":["z"]}]}`, true},

	{"key differs in case", `{"groups":[{"Name":"n"}]}`, false},
	{"key with other delimiters", `{"groups":[{"delete-protection":true}]}`, false},
	{"list key differs in case", `{"Groups":[]}`, false},
	{"key outside ASCII", `{"groups":[{"nąme":"n"}]}`, false},
	{"repeated key", `{"groups":[{"name":"a","name":"b"}]}`, false},
	{"repeated list", `{"groups":[{"name":"a"}],"groups":[]}`, false},
	{"null list", `{"groups":null}`, false},
	{"null group", `{"groups":[null]}`, false},
	{"null field", `{"groups":[{"name":null}]}`, false},
	{"null status", `{"groups":[{"status":null}]}`, false},
	{"null location", `{"groups":[{"locations":[null]}]}`, false},
	{"number for a string", `{"groups":[{"name":1}]}`, false},
	{"string for a bool", `{"groups":[{"archived":"true"}]}`, false},
	{"string for a list", `{"groups":[{"locations":"fra"}]}`, false},
	{"object for the list", `{"groups":{}}`, false},
	{"not an object", `[]`, false},
	{"null", `null`, false},
	{"trailing bytes", `{"groups":[]}x`, false},
	{"two values", `{"groups":[]}{}`, false},
	{"cut short", `{"groups":[{"name":"a"`, false},
	{"invalid UTF-8", "{\"groups\":[{\"name\":\"\xff\"}]}", false},
	{"empty", ``, false},
}

// TestGroupListFastPath holds the fast path to jsonv1 on bodies it must
// take and bodies it must leave to jsonv1.
func TestGroupListFastPath(t *testing.T) {
	for _, c := range groupListCases {
		t.Run(c.name, func(t *testing.T) {
			if fast := agree(t, []byte(c.body)); fast != c.fast {
				t.Fatalf("fast path taken: %v, want %v", fast, c.fast)
			}
		})
	}
}

// TestGroupListFastPathTakesTheLocalAPIsList: the local API's own list
// (demo groups and 300 synthetic ones) goes the fast way; if its shape
// changed so that it did not, the dashboard's first frame would quietly
// lose its speed.
func TestGroupListFastPathTakesTheLocalAPIsList(t *testing.T) {
	store, err := emulator.NewMemoryStore("demo", 300)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(store, emulator.Options{Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v1/organizations/demo/groups", nil)
	req.Header.Set("Authorization", "Bearer tok")
	rec := httptest.NewRecorder()
	emu.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	body, _ := io.ReadAll(rec.Body)
	if !agree(t, body) {
		t.Fatalf("the fast path gave up on the local API's list: %.300s", body)
	}
	got, _ := api.DecodeGroupListFast(body)
	if len(got) < 306 || got[0].Status == nil || len(got[0].Locations) == 0 {
		t.Fatalf("decoded %d groups; first %+v", len(got), got[0])
	}
}

// TestGroupListFastPathSlicesAreCapped: the groups' small slices are cut
// from shared blocks, so each must end at its own length: appending to
// one group's locations must not change another's.
func TestGroupListFastPathSlicesAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"groups":[`)
	for i := range 3000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"g","locations":["a","b"],"status":{"locations":[{"name":"a","status":"up"}]}}`)
	}
	b.WriteString(`]}`)
	groups, ok := api.DecodeGroupListFast([]byte(b.String()))
	if !ok || len(groups) != 3000 {
		t.Fatalf("ok %v, %d groups", ok, len(groups))
	}
	for i := range groups[:len(groups)-1] {
		_ = append(groups[i].Locations, "x")
		_ = append(groups[i].Status.Locations, api.LocationStatus{Name: "x"})
	}
	for i, g := range groups {
		if !reflect.DeepEqual(g.Locations, []string{"a", "b"}) || !reflect.DeepEqual(g.Status.Locations, []api.LocationStatus{{Name: "a", Status: "up"}}) {
			t.Fatalf("group %d changed by an append to its neighbour: %+v %+v", i, g.Locations, g.Status.Locations)
		}
	}
}

// FuzzGroupListFastPath: on any body, the fast path gives up or agrees
// with jsonv1 exactly.
func FuzzGroupListFastPath(f *testing.F) {
	for _, c := range groupListCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		agree(t, body)
	})
}

// TestGroupListFastPathSizesTheListFromItsStart: the list's length is
// guessed from its first 64 groups. A guess too short or too long must
// change nothing but the allocation, and a hostile body (64 tiny groups,
// then a huge one) must not make it allocate more than a few times the
// body.
func TestGroupListFastPathSizesTheListFromItsStart(t *testing.T) {
	list := func(parts ...string) []byte {
		return []byte(`{"groups":[` + strings.Join(parts, ",") + `]}`)
	}
	rep := func(s string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	big := `{"name":"` + strings.Repeat("b", 2000) + `","locations":["fra","lhr"],"status":{"locations":[{"name":"fra","status":"up"}]}}`
	small := `{"name":"s"}`
	for name, body := range map[string][]byte{
		"large then small": list(append(rep(big, 64), rep(small, 5000)...)...),
		"small then large": list(append(rep(small, 64), rep(big, 500)...)...),
		"exactly 64":       list(rep(small, 64)...),
		"65":               list(rep(small, 65)...),
	} {
		t.Run(name, func(t *testing.T) {
			if !agree(t, body) {
				t.Fatal("the fast path gave up")
			}
		})
	}

	hostile := list(append(rep(`{}`, 64), `{"x":"`+strings.Repeat("x", 8<<20)+`"}`)...)
	groups, ok := api.DecodeGroupListFast(hostile)
	if !ok || len(groups) != 65 {
		t.Fatalf("ok %v, %d groups", ok, len(groups))
	}
	// The list's capacity is what the guess allocated (measuring the
	// process's allocations instead counts whatever else is running):
	// twice the body, give or take the first 64 groups and rounding.
	if got := uintptr(cap(groups)) * reflect.TypeFor[api.Group]().Size(); got > 2*uintptr(len(hostile))+64<<10 {
		t.Fatalf("a %d-byte body made the fast path allocate a list of %d bytes", len(hostile), got)
	}
}
