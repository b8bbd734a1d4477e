package main

import (
	"io"
	"testing"

	"github.com/spf13/pflag"

	"github.com/seed372e9e9a/turso-groups/config"
)

// --no-mouse is a flag of the dashboard and of serve, and it wins over
// the config file's mouse; mouse = false alone turns it off too.
func TestNoMouseFlag(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	serveCmd, _, err := root.Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	for name, cmd := range map[string]interface{ Flags() *pflag.FlagSet }{"root": root, "serve": serveCmd} {
		if cmd.Flags().Lookup("no-mouse") == nil {
			t.Errorf("%s has no --no-mouse", name)
		}
	}
	for _, c := range []struct {
		file, flag, want bool
	}{{true, false, true}, {true, true, false}, {false, false, false}, {false, true, false}} {
		if got := mouseOn(&config.Settings{Mouse: c.file}, c.flag); got != c.want {
			t.Errorf("mouse = %v, --no-mouse %v: on %v", c.file, c.flag, got)
		}
	}
}
