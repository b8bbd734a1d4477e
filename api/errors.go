package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// newError builds an *Error from a response status and body.
func newError(method, path string, status int, header http.Header, body []byte) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path}
	if ra := header.Get("Retry-After"); ra != "" {
		e.RetryAfter = parseRetryAfter(ra, time.Now())
	}
	var wire struct {
		Error any    `json:"error"`
		Code  string `json:"code"`
	}
	if err := json.Unmarshal(body, &wire); err == nil {
		e.Code = wire.Code
		switch v := wire.Error.(type) {
		case nil:
		case string:
			e.Message = v
		default:
			// The CLI treats "error" as any; keep whatever it is, as text.
			b, _ := json.Marshal(v)
			e.Message = string(b)
		}
	} else if s := strings.TrimSpace(string(body)); s != "" {
		e.Message = fmt.Sprintf("the API answered %d %s: %s", status, http.StatusText(status), s)
	}
	e.Message = excerpt(e.Message, maxErrorExcerpt)
	return e
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
	var secs int
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
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
