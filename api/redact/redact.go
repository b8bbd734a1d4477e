// Package redact takes secrets out of text on its way to a screen, a log
// or an error: the one implementation behind the API client's scrubbing of
// what a server echoes, the debug log's handler and `config show` (config),
// and the dashboard's panic text (ui). It lives under api/ because all
// three already depend on api, and it depends on nothing of this module.
package redact

import (
	"regexp"
	"strings"
)

// Placeholder is what stands where a secret was.
const Placeholder = "[redacted]"

// MinLen is the shortest secret replaced literally: replacing a one-letter
// "token" everywhere would only garble the text, and hides nothing.
const MinLen = 4

var (
	// jwtRE matches a JWT (the API's tokens and group tokens): a base64url
	// JSON header (`{"` is "eyJ"), a payload and a signature, which may be
	// empty.
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// bearerRE matches the credentials of an Authorization header.
	bearerRE = regexp.MustCompile(`(?i)\b(bearer)(\s+|\s*[:=]\s*)[^\s"',;]+`)
)

// Secrets returns s with every occurrence of each secret of MinLen bytes
// or more replaced by Placeholder, and nothing else changed. The API client
// applies it to what a server says: the client's own token goes, and the
// rest of the server's words stay as they were.
func Secrets(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= MinLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Placeholder)
		}
	}
	return s
}

// String returns s with the secrets (as Secrets does), anything shaped
// like a JWT and any bearer credential replaced by Placeholder: for text
// of unknown origin, such as a panic's message or a log record, that could
// hold a token nobody named.
func String(s string, secrets ...string) string {
	s = Secrets(s, secrets...)
	if strings.Contains(s, "eyJ") {
		s = jwtRE.ReplaceAllString(s, Placeholder)
	}
	return bearerRE.ReplaceAllString(s, "$1 "+Placeholder)
}
