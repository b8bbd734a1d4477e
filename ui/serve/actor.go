package serve

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/redact"
)

// actor is what a session's API client says about itself with
// api.ActorHeader: the key's SHA256 fingerprint and its authorized_keys
// comment ("SHA256:… alice@laptop"), cut to api.MaxActorLen. Never the
// token, nor anything the user typed: only what the operator's key file
// and the key itself say. The local API records it in each change's audit
// entry; the real API ignores the header.
func actor(fingerprint, comment string) string {
	a := strings.TrimSpace(fingerprint + " " + comment)
	if len(a) <= api.MaxActorLen {
		return a
	}
	// Cut at a rune: half a character is not valid UTF-8, which the
	// client refuses to send.
	a = a[:api.MaxActorLen]
	for !utf8.ValidString(a) {
		a = a[:len(a)-1]
	}
	return a
}

// printable is s with every character that is not printable (control
// characters, a newline that would end the header or forge a log line,
// bidi controls) replaced by '?', and runs of spaces made one. A comment
// is the operator's own text, but it reaches a header, the log and other
// users' terminals.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// actorClient is c carrying the session's key as its actor, so that the
// changes it makes are attributed to the key in the audit log. If the
// actor cannot be sent (it always can: it is printable and cut to size)
// the session keeps c and the log says why.
func (s *Server) actorClient(c *api.Client, se *session) *api.Client {
	if c == nil {
		return nil
	}
	ac, err := c.WithActor(actor(se.fingerprint, se.comment))
	if err != nil {
		s.log.Warn("changes of this session are not attributed to its key", "fingerprint", se.fingerprint, "reason", err.Error())
		return c
	}
	return ac
}

// logChange is the session's ui.Options.OnChange: each change the session
// makes (or may have made, when its answer was lost) is logged with the
// key that made it, so that the server log says who changed what even
// against the real API, which keeps no actor.
func (s *Server) logChange(se *session) func(label string, err error) {
	return func(label string, err error) {
		outcome := "made"
		if err != nil {
			outcome = "unknown: " + redact.String(err.Error())
		}
		s.log.Info("change", "fingerprint", se.fingerprint, "key", se.comment, "user", se.user, "remote", se.remote, "change", printable(label), "outcome", outcome)
	}
}
