package config

import "strings"

// TokenAdvice says what to do about a token the API refuses or that is
// about to expire, for where this one came from: `turso auth login`
// renews only the turso CLI's token, and is no help for one given with
// --token or TURSO_API_TOKEN. Empty when there is no token.
func (s *Settings) TokenAdvice() string {
	src := s.TokenSource
	switch {
	case src == "":
		return ""
	case src == "--"+FlagToken:
		return "Check the token given with --token (`turso auth api-tokens mint NAME` makes a new one)."
	case src == "TURSO_API_TOKEN":
		return "Set TURSO_API_TOKEN to a valid Platform API token (`turso auth api-tokens mint NAME` makes one)."
	case strings.HasPrefix(string(src), "turso CLI settings"):
		return "Run `turso auth login` to sign in again."
	}
	// The config file, or one of its profiles.
	return "Check token in " + string(src) + " (`turso auth api-tokens mint NAME` makes a new one)."
}
