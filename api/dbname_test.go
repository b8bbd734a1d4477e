package api

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateDatabaseName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // substring; empty means valid
	}{
		{"main", ""},
		{"a", ""},
		{"cache-eu", ""},
		{"9lives", ""},
		{strings.Repeat("a", 64), ""}, // the spec's limit, twice the group one
		{"", "a name is required"},
		{strings.Repeat("a", 65), "65 characters long; the limit is 64"},
		{"-lead", "cannot start or end with a hyphen"},
		{"trail-", "cannot start or end with a hyphen"},
		{"Main", "use lowercase letters"},
		{"under_score", "only lowercase letters, digits and hyphens"},
		{"dot.db", "only lowercase letters, digits and hyphens"},
		{"has space", "a space at position 4"},
		{"café", "only lowercase letters"},
		{"esc\x1b[31m", `'\x1b'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateDatabaseName(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateDatabaseName(%q) = %v, want nil", tt.name, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateDatabaseName(%q) = %v, want an error containing %q", tt.name, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidDatabaseName) || errors.Is(err, ErrInvalidName) {
				t.Errorf("ValidateDatabaseName(%q) = %v: wraps the wrong sentinel", tt.name, err)
			}
			if !strings.HasPrefix(err.Error(), "invalid database name: ") {
				t.Errorf("ValidateDatabaseName(%q) = %q: does not say what was invalid", tt.name, err)
			}
		})
	}
}

func TestActorOption(t *testing.T) {
	for _, tt := range []struct {
		actor string
		ok    bool
	}{
		{"", true},
		{"SHA256:abc alice@laptop", true},
		{"ünïcode ✓", true},
		{"new\nline", false},
		{"esc\x1b[31m", false},
		{"bad\xffutf8", false},
		{strings.Repeat("a", MaxActorLen), true},
		{strings.Repeat("a", MaxActorLen+1), false},
	} {
		_, err := New(Options{Token: "t", Actor: tt.actor})
		if (err == nil) != tt.ok || err != nil && !errors.Is(err, ErrInvalidActor) {
			t.Errorf("New with Actor %q: %v, want ok=%v", tt.actor, err, tt.ok)
		}
		c, _ := New(Options{Token: "t"})
		if _, err := c.WithActor(tt.actor); (err == nil) != tt.ok {
			t.Errorf("WithActor(%q): %v, want ok=%v", tt.actor, err, tt.ok)
		}
	}
}

func TestIsFeatureNotAvailable(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&Error{StatusCode: 403, Code: "feature_not_available_for_starter_plan"}, true},
		{&Error{StatusCode: 402, Code: "feature_not_available_for_starter_plan"}, true},
		{&Error{StatusCode: 403}, false},
		{&Error{StatusCode: 400, Code: "delete_protection_enabled"}, false},
		{errors.New("feature_not_available_for_starter_plan"), false},
		{nil, false},
	} {
		if got := IsFeatureNotAvailable(tt.err); got != tt.want {
			t.Errorf("IsFeatureNotAvailable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
