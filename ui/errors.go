package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// What went wrong below HTTP, in plain words: Go's own texts ("unexpected
// EOF", "context deadline exceeded", "invalid character") and the request
// line mean nothing to someone looking at a dashboard.
const (
	msgTimeout     = "The API did not answer in time."
	msgConnLost    = "The connection to the API was lost before it answered."
	msgUnreadable  = "The API sent a response that could not be read."
	msgUnreachable = "Could not connect to the API; check the network and the API URL."
)

// describe turns an error into plain words for the footer or a form: the
// server's own message, with what to do about it where we know.
// defaultTokenAdvice is what to do about a refused token when where it
// came from is not known.
const defaultTokenAdvice = "Run `turso auth login`, or set TURSO_API_TOKEN to a valid Platform API token."

// refusedToken says the API refused the token, in its words, and advice.
func refusedToken(err error, advice string) string {
	return fmt.Sprintf("The API refused the token (%s). %s", text.Sanitize(serverMessage(err)), advice)
}

// describe is describe with the advice for this dashboard's token.
func (m *Model) describe(err error) string {
	if api.IsUnauthorized(err) {
		return refusedToken(err, m.tokenAdvice())
	}
	return describe(err)
}

// tokenAdvice is Options.TokenAdvice, or the usual advice.
func (m *Model) tokenAdvice() string {
	if a := text.Sanitize(m.opts.TokenAdvice); a != "" {
		return a
	}
	return defaultTokenAdvice
}

func describe(err error) string {
	if err == nil {
		return ""
	}
	var apiErr *api.Error
	var redirect *api.RedirectError
	var updateGone *updateRemovedError
	switch {
	case errors.As(err, &updateGone):
		// Not "Not found.": what is missing is the feature, not the group.
		return fmt.Sprintf("The platform no longer offers updating a group's databases (the API answered %d); the turso CLI dropped `group update` in April 2026. Nothing was changed.", updateGone.status)
	case errors.Is(err, api.ErrReadOnly):
		return "This session is read-only."
	case errors.As(err, &redirect):
		// Its own words, without the request line the client wraps it in.
		return capitalize(text.Sanitize(redirect.Error())) + "."
	case errors.Is(err, context.Canceled):
		return "Cancelled."
	case timedOut(err):
		return msgTimeout
	case api.IsUnauthorized(err):
		return refusedToken(err, defaultTokenAdvice)
	case api.IsPlanLimit(err):
		return capitalize(text.Sanitize(serverMessage(err))) + ". Upgrade the organization's plan, or delete a group first."
	case api.IsRateLimited(err) && errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
		return fmt.Sprintf("The API is limiting requests (%s); try again in %s.", text.Sanitize(serverMessage(err)), apiErr.RetryAfter)
	case api.IsRateLimited(err):
		return fmt.Sprintf("The API is limiting requests (%s); try again shortly.", text.Sanitize(serverMessage(err)))
	case api.IsForbidden(err):
		return fmt.Sprintf("Not allowed: %s. Check that the token belongs to a member of this organization.", text.Sanitize(serverMessage(err)))
	case errors.As(err, &apiErr):
		return capitalize(text.Sanitize(serverMessage(err))) + "."
	case unreadable(err):
		// Asked before connectionLost: a body cut short fails to decode
		// with io.ErrUnexpectedEOF inside, yet it did arrive.
		return msgUnreadable
	case neverConnected(err):
		return msgUnreachable
	case connectionLost(err):
		return msgConnLost
	}
	return capitalize(text.Sanitize(err.Error())) + "."
}

func timedOut(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// unreadable reports a response that arrived but is not the JSON expected.
func unreadable(err error) bool {
	var (
		syn   *json.SyntaxError
		typ   *json.UnmarshalTypeError
		synV1 *jsonv1.SyntaxError
		typV1 *jsonv1.UnmarshalTypeError
	)
	return errors.As(err, &syn) || errors.As(err, &typ) || errors.As(err, &synV1) || errors.As(err, &typV1)
}

// neverConnected reports a request that cannot have reached the API.
func neverConnected(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) && op.Op == "dial" || errors.As(err, &dns)
}

// connectionLost reports a connection that ended before the whole answer.
func connectionLost(err error) bool {
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// outcomeUnknown reports whether a change the API was asked for may have
// been made even though it failed: the request may have reached the API,
// and no answer said that it did nothing. These are the failures the
// client does not retry for a request that is not idempotent.
func outcomeUnknown(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, api.ErrReadOnly) {
		return false
	}
	var apiErr *api.Error
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case 500, 502, 504:
			return true
		}
		return false
	}
	return timedOut(err) || unreadable(err) || connectionLost(err) && !neverConnected(err)
}

// serverMessage is the server's own words for err, without our wrapping.
func serverMessage(err error) string {
	var apiErr *api.Error
	if errors.As(err, &apiErr) {
		return strings.TrimSuffix(apiErr.Error(), ".")
	}
	return err.Error()
}

func capitalize(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	if s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// checkFirst says that a change whose outcome is unknown may have been
// made, and how to look before trying again: trying blindly could fail on
// a name the first attempt took, or undo what it did.
func (m *Model) checkFirst(kind *action, inForm bool) string {
	if kind.safeAgain {
		return kind.unknown
	}
	r := m.keys.Refresh.Help().Key
	if inForm {
		return kind.unknown + " Press esc, then " + r + ", to check the list before trying again."
	}
	return kind.unknown + " Press " + r + " to check the list before trying again."
}
