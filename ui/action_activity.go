package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/seed372e9e9a/turso-groups/ui/keys"
)

// actActivity opens the activity view: the organization's audit log, on
// the selected group. It reads and changes nothing, so it is not a
// mutation and works in a read-only dashboard; it needs no selected
// group, since with none it shows the whole organization. It is in the
// help, not the footer: there it would push out a change's key at 80
// columns.
var actActivity = &action{
	name:    "activity",
	binding: func(k *keys.KeyMap) *key.Binding { return &k.Activity },
	do:      func(m *Model, _ *formState) tea.Cmd { return m.openActivity() },
}
