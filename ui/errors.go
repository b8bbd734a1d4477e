package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/ui/text"
)

// describe turns an error into plain words for the footer or a form: the
// server's own message, with what to do about it where we know.
func describe(err error) string {
	if err == nil {
		return ""
	}
	var apiErr *api.Error
	switch {
	case errors.Is(err, api.ErrReadOnly):
		return "This session is read-only."
	case errors.Is(err, context.Canceled):
		return "Cancelled."
	case errors.Is(err, context.DeadlineExceeded):
		return "The API did not answer in time; try again (r reloads)."
	case api.IsUnauthorized(err):
		return fmt.Sprintf("The API refused the token (%s). Run `turso auth login`, or set TURSO_API_TOKEN to a valid Platform API token.", text.Sanitize(serverMessage(err)))
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
	}
	return capitalize(text.Sanitize(err.Error())) + "."
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
