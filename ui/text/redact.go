package text

import (
	"regexp"
	"strings"
)

// Redacted is what Redact puts in place of a secret.
const Redacted = "[redacted]"

var (
	// jwtRE matches a JWT (the API's tokens and group tokens): a base64url
	// JSON header (`{"` is "eyJ"), a payload and a signature, which may be
	// empty. The same shape as the debug log's redaction.
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// bearerRE matches the credentials of an Authorization header.
	bearerRE = regexp.MustCompile(`(?i)\b(bearer)(\s+|\s*[:=]\s*)[^\s"',;]+`)
)

// Redact returns s with each of secrets (those of four characters or
// more: a shorter one would garble the text), anything shaped like a JWT
// and any bearer credential replaced by "[redacted]". It is for text of
// unknown origin on its way to a screen, such as a panic's message.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	if strings.Contains(s, "eyJ") {
		s = jwtRE.ReplaceAllString(s, Redacted)
	}
	return bearerRE.ReplaceAllString(s, "$1 "+Redacted)
}
