package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seed372e9e9a/turso-groups/api/redact"
)

// Error is an error answer from the Platform API: a non-2xx status, with the
// server's own message when it sent one.
type Error struct {
	// StatusCode is the HTTP status code, e.g. 404.
	StatusCode int
	// Message is the server's "error" string, or a short excerpt of a
	// non-JSON body. It may be empty.
	Message string
	// Code is the server's optional machine-readable "code".
	Code string
	// Method and Path name the request that failed.
	Method, Path string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
}

// Error returns the server's message, or the HTTP status when there is none.
func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("the API answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// maxErrorExcerpt bounds how much of a non-JSON error body is kept.
const maxErrorExcerpt = 200

// newError builds an *Error from a response status and body. A server may
// echo the request, Authorization header included: token is scrubbed from
// the message and code before they are kept, and before the excerpt is cut,
// so that not even a prefix of it survives.
func newError(method, path string, status int, header http.Header, body []byte, token string) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path}
	if ra := header.Get("Retry-After"); ra != "" {
		e.RetryAfter = parseRetryAfter(ra, time.Now())
	}
	var wire struct {
		Error any `json:"error"`
		// A code that is not a string (a number, say) must not cost the
		// message: the whole body would then be shown as raw JSON.
		Code any `json:"code"`
	}
	if err := json.Unmarshal(body, &wire); err == nil {
		e.Code = jsonText(wire.Code)
		e.Message = jsonText(wire.Error)
	} else if s := strings.TrimSpace(string(body)); s != "" {
		e.Message = fmt.Sprintf("the API answered %d %s: %s", status, http.StatusText(status), s)
	}
	e.Code = excerpt(scrub(e.Code, token), maxErrorExcerpt)
	e.Message = excerpt(scrub(e.Message, token), maxErrorExcerpt)
	return e
}

// scrub replaces every occurrence of token in s with "[redacted]", and
// nothing else: a server's message is shown as it wrote it, but for the
// token.
func scrub(s, token string) string { return redact.Secrets(s, token) }

// scrubbedError is err with the token taken out of its text. It unwraps to
// err so that errors.Is and errors.As still see what happened; an *Error in
// the chain has a scrubbed Message of its own.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubError returns err, or a scrubbedError when its text holds token.
func scrubError(err error, token string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := scrub(msg, token); red != msg {
		return &scrubbedError{msg: red, err: err}
	}
	return err
}

// jsonText is a decoded JSON value as text: a string as it is, null as
// nothing, anything else (the CLI treats "error" as any) as its JSON.
func jsonText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// excerpt cuts s to at most n bytes on a rune boundary.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
}

// parseRetryAfter reads seconds or an HTTP date; zero when unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	// ParseInt gives the largest int64 for digits beyond it.
	if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); (err == nil || errors.Is(err, strconv.ErrRange)) && secs >= 0 {
		// Beyond what a Duration holds is as good as forever: the caller
		// gives up on anything longer than its MaxRetryAfter.
		return time.Duration(min(secs, int64(math.MaxInt64/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// StatusOf returns the HTTP status of err if it is (or wraps) an *Error, else 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is a 404.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsConflict reports whether err means the name is taken: 409 as the spec
// documents it, or 422 as the turso CLI handles it.
func IsConflict(err error) bool {
	s := StatusOf(err)
	return s == http.StatusConflict || s == http.StatusUnprocessableEntity
}

// IsUnauthorized reports whether err is a 401: a missing, invalid or expired token.
func IsUnauthorized(err error) bool { return StatusOf(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is a 403: the token may not do this.
func IsForbidden(err error) bool { return StatusOf(err) == http.StatusForbidden }

// CodePlanLimit is the error code the local API sends, and the turso CLI
// recognises, when the organization's plan does not include a feature.
const CodePlanLimit = "feature_not_available_for_starter_plan"

// IsPlanLimit reports whether err says the plan does not allow this: a 402,
// or a 403 whose code names a plan feature.
func IsPlanLimit(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.StatusCode == http.StatusPaymentRequired ||
		(e.StatusCode == http.StatusForbidden && strings.HasPrefix(e.Code, "feature_not_available"))
}

// IsRateLimited reports whether err is a 429.
func IsRateLimited(err error) bool { return StatusOf(err) == http.StatusTooManyRequests }

// IsBadRequest reports whether err is a 400: the server rejected the input.
func IsBadRequest(err error) bool { return StatusOf(err) == http.StatusBadRequest }
