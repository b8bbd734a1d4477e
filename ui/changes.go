package ui

import (
	"log/slog"

	"github.com/seed372e9e9a/turso-groups/api/redact"
)

// reportChange tells onChange (Options.OnChange) of a change that was
// made, or may have been: the label of kind's request and its error. A
// read-only request, and a change the API refused outright, are not
// told: nothing changed. A panic in onChange is logged and goes no
// further: a hook that only records must not take the change's answer
// with it.
func reportChange(onChange func(string, error), log *slog.Logger, kind *action, label string, err error) {
	if onChange == nil || !kind.mutation || err != nil && !outcomeUnknown(err) {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			log.Error("the change hook panicked", "change", label, "panic", redact.String(slog.AnyValue(r).String()))
		}
	}()
	onChange(label, err)
}
