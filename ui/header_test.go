package ui

import (
	"strings"
	"testing"
)

func newTestHeader(opts Options, w int) *header {
	c := newCommon(opts)
	data := newDataset()
	data.org = "demo"
	h := newHeader(c, data, opts)
	h.SetSize(w, 0)
	return &h
}

// drawn is the header as drawn, checked against the Height it said.
func (h *header) drawn(t *testing.T) []string {
	t.Helper()
	lines := strings.Split(h.View(), "\n")
	if len(lines) != h.Height() {
		t.Fatalf("Height %d, View drew %d lines:\n%s", h.Height(), len(lines), h.View())
	}
	return lines
}

func TestHeaderRemote(t *testing.T) {
	h := newTestHeader(Options{APIURL: "https://user:secret@api.example.com/", User: "ann"}, 120)
	lines := h.drawn(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, want := range []string{"turso-groups", "demo", "api.example.com", "user ann"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("header lacks %q: %q", want, lines[0])
		}
	}
	if strings.Contains(lines[0], "secret") || strings.Contains(lines[0], "stale") || strings.Contains(lines[0], "read-only") {
		t.Errorf("header says too much: %q", lines[0])
	}
	h.stale, h.c.readOnly = true, true
	if l := h.drawn(t)[0]; !strings.Contains(l, "stale") {
		t.Errorf("stale not shown: %q", l)
	}
}

func TestHeaderWarningsTakeALineEach(t *testing.T) {
	h := newTestHeader(Options{Local: true, LocalHint: "Local API: use --org for a real account.", Warnings: []string{"one", "two\x1b[31m"}}, 80)
	h.tokenWarn = "Your API token expires in 3 hours."
	h.SetSize(80, 0) // as the root's relayout does after every message
	lines := h.drawn(t)
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), h.View())
	}
	if !strings.Contains(lines[1], "Local API") || !strings.Contains(lines[2], "expires in 3 hours") || !strings.Contains(lines[3], "one") {
		t.Errorf("lines out of order:\n%s", h.View())
	}
	if strings.Contains(lines[4], "\x1b[31m") {
		t.Errorf("a warning's escape reached the terminal: %q", lines[4])
	}
	h.SetSize(20, 0)
	for _, l := range h.drawn(t) {
		if w := len([]rune(l)); w > 20 {
			t.Errorf("line of %d cells at 20: %q", w, l)
		}
	}
}

// The token's warning wraps rather than being cut: what to do is at its end.
func TestHeaderTokenWarningWraps(t *testing.T) {
	h := newTestHeader(Options{}, 40)
	h.tokenWarn = "Your API token expires in 3 hours. Set TURSO_API_TOKEN to a new token (mint one)."
	h.SetSize(40, 0)
	lines := h.drawn(t)
	if len(lines) < 3 || !strings.Contains(lines[len(lines)-1], "one).") {
		t.Fatalf("the warning was cut:\n%s", h.View())
	}
	if h.Height() != len(lines) {
		t.Errorf("Height %d, drew %d lines", h.Height(), len(lines))
	}
}
