package config

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenExpiry reads the exp claim of a JWT without verifying it, so the UI
// can warn about an expired or soon-expiring token before asking the
// network. ok is false when token is not a JWT or has no (valid) exp: a
// token that does not say when it expires.
func TokenExpiry(token string) (exp time.Time, ok bool) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return time.Time{}, false
	}
	nd, err := claims.GetExpirationTime()
	if err != nil || nd == nil {
		return time.Time{}, false
	}
	return nd.Time, true
}
