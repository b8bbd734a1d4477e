package main

import (
	"io"
	"testing"
)

// --all-orgs is a flag of the dashboard and of serve (each session opens
// on the list of every organization); TestAllOrgsInTmux runs the
// dashboard's.
func TestAllOrgsFlag(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	serveCmd, _, err := root.Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(string) bool{
		"root":  func(n string) bool { return root.Flags().Lookup(n) != nil },
		"serve": func(n string) bool { return serveCmd.Flags().Lookup(n) != nil },
	} {
		if !f("all-orgs") {
			t.Errorf("%s has no --all-orgs", name)
		}
	}
}
