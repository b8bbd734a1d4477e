package ui

import (
	"testing"

	"github.com/seed372e9e9a/turso-groups/api"
)

func TestFocusStack(t *testing.T) {
	c := newCommon(Options{})
	var s focusStack
	if s.top() != nil || s.form() != nil || s.notice() != nil || s.help() != nil || s.tokenDialog() != nil {
		t.Fatal("an empty stack has something open")
	}
	fs := &formState{c: c, kind: actCreate}
	n := newNotice(c, "title", "body")
	s.push(fs)
	s.push(n)
	if s.top() != n || s.form() != fs || s.notice() != n {
		t.Fatalf("after two pushes: top %T", s.top())
	}
	// What opens under the rest shows once they close.
	d := newTokenDialog(c, nil, "g", "tok", api.TokenOptions{})
	s.pushUnder(d)
	if s.top() != n || s.tokenDialog() != d {
		t.Fatalf("pushUnder took the focus: top %T", s.top())
	}
	s.remove(n)
	if s.top() != fs || s.notice() != nil {
		t.Fatalf("after removing the top: top %T", s.top())
	}
	s.remove(fs)
	if s.top() != d {
		t.Fatalf("the one beneath did not get the focus: top %T", s.top())
	}
	s.SetSize(33, 10)
	if d.width != 33 {
		t.Errorf("SetSize did not reach an overlay: width %d", d.width)
	}
	s.clear()
	if s.top() != nil {
		t.Fatal("clear left something open")
	}

	v := &formValues{Name: "orders"}
	s.keepDraft(actCreate, v)
	if s.draft(actCreate) != v || s.draft(actRename) != nil {
		t.Fatal("drafts are not kept by action")
	}
	s.keepDraft(actCreate, nil)
	if s.draft(actCreate) != nil {
		t.Fatal("a nil draft did not forget it")
	}
}

// A token that arrives while another form is open is shown at once, over
// the form (it exists only on this screen); closing it gives the form
// back with what was typed.
func TestTokenOpensOverAFormAndGivesItBack(t *testing.T) {
	h := newHarness(t)
	h.press("n")
	h.typeText("ord")
	h.mustShow("New group", "> ord")
	h.update(opDoneMsg{gen: h.m.sess.gen, kind: actToken, group: "default", token: "tok-123",
		retry: &formState{kind: actToken, group: "default", values: &formValues{Access: "full-access"}}})
	h.mustShow("Token for default", "tok-123")
	h.mustNotShow("New group")
	h.press("esc")
	h.mustShow("New group", "> ord")
	if h.m.focus.tokenDialog() != nil {
		t.Fatal("the closed token dialog is still held, with its token")
	}
	h.typeText("ers")
	if got := h.m.focus.form().values.Name; got != "orders" {
		t.Fatalf("typing after the dialog closed: name %q", got)
	}
}

// The footer under a notice or the help says how to leave it, not the
// list's keys, which do nothing there.
func TestFooterUnderOverlaysSaysHowToLeave(t *testing.T) {
	h := newHarness(t)
	h.press("?")
	h.mustShow("any key close")
	h.mustNotShow("/ filter")
	h.press("j")
	h.mustShow("/ filter")
	h.mustNotShow("any key close")
}
