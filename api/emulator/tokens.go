package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seed372e9e9a/turso-groups/api"
)

// ErrInvalidGroupToken is wrapped by every refusal of VerifyGroupToken.
var ErrInvalidGroupToken = errors.New("invalid group token")

// expirationError is the spec's wording for a bad ?expiration=.
const expirationError = "Invalid expiration format"

// parseExpiration reads ?expiration= by the client's rule
// (api.ParseExpiration); never is reported as 0.
func parseExpiration(v string) (time.Duration, error) {
	d, err := api.ParseExpiration(v)
	if err != nil {
		return 0, errBadRequest(expirationError)
	}
	return d, nil
}

// parseAuthorization maps ?authorization= to the token's "a" claim.
func parseAuthorization(v string) (string, error) {
	switch v {
	case "", "full-access":
		return "rw", nil
	case "read-only":
		return "ro", nil
	}
	return "", errBadRequest("invalid authorization: %s (use full-access or read-only)", v)
}

// tokenBody is the optional body of a token request. The npm client sends
// it as text/plain; the CLI may add fine-grained permissions.
type tokenBody struct {
	Permissions *struct {
		ReadAttach *struct {
			Databases []string `json:"databases"`
		} `json:"read_attach"`
	} `json:"permissions"`
	FineGrainedPermissions json.RawMessage `json:"fine_grained_permissions"`
}

// handleCreateToken mints a JWT for every database of the group, signed with
// the group's current key so that rotating the key invalidates it.
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	exp, err := parseExpiration(q.Get("expiration"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	access, err := parseAuthorization(q.Get("authorization"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var body tokenBody
	if err := readBody(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := randomUUID()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	claims := jwt.MapClaims{"iat": now.Unix(), "a": access, "id": id}
	if exp > 0 {
		claims["exp"] = now.Add(exp).Unix()
	}
	var attach []string
	if p := body.Permissions; p != nil && p.ReadAttach != nil {
		attach = p.ReadAttach.Databases
	}
	if fgp := body.FineGrainedPermissions; len(fgp) > 0 && string(fgp) != "null" {
		var v any
		if err := json.Unmarshal(fgp, &v); err == nil {
			claims["fgp"] = v
		}
	}
	s.withGroup(w, r, false, func(_ *state, o *orgRec, g *groupRec) (any, error) {
		if err := checkAttach(o, attach); err != nil {
			return nil, err
		}
		if len(attach) > 0 {
			// libSQL server's own claim: p (permissions), roa (read-only
			// ATTACH), ns (the namespaces, which are database names).
			claims["p"] = map[string]any{"roa": map[string]any{"ns": attach}}
		}
		claims["gid"] = g.UUID
		signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(g.SigningKey)
		if err != nil {
			return nil, fmt.Errorf("signing the group token: %w", err)
		}
		return map[string]string{"jwt": signed}, nil
	})
}

// checkAttach refuses read-ATTACH permissions for a database the
// organization does not have, as the turso CLI does before it asks
// (--attach), so that a token never names what it cannot attach. The
// npm client sends an empty list with every request: that is no
// permission, not an error.
func checkAttach(o *orgRec, dbs []string) error {
	seen := make(map[string]bool, len(dbs))
	for _, db := range dbs {
		switch {
		case db == "":
			return errBadRequest("invalid permissions: read_attach names an empty database")
		case seen[db]:
			return errBadRequest("invalid permissions: read_attach lists database %q twice", db)
		case o.Databases[db] == nil:
			return errBadRequest("invalid permissions: database %q not found in organization %s", db, o.Slug)
		}
		seen[db] = true
	}
	return nil
}

// handleRotate replaces the group's signing key, which invalidates every
// token minted before.
func (s *Server) handleRotate(w http.ResponseWriter, r *http.Request) {
	key, err := newSigningKey()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.withGroup(w, r, true, func(_ *state, _ *orgRec, g *groupRec) (any, error) {
		g.SigningKey = key
		return empty, nil
	})
}

// VerifyGroupToken checks a group token as a database would: signed with
// the group's current key (so rotation invalidates it), for this group, and
// not expired now. It returns the token's claims.
func (st *Store) VerifyGroupToken(org, group, token string) (claims map[string]any, err error) {
	return st.VerifyGroupTokenAt(org, group, token, time.Now())
}

// VerifyGroupTokenAt is VerifyGroupToken at a given time, for servers run
// with a fake clock (Options.Now).
func (st *Store) VerifyGroupTokenAt(org, group, token string, at time.Time) (map[string]any, error) {
	var key []byte
	var gid string
	err := st.view(func(s *state) error {
		o, ok := s.Orgs[org]
		if !ok {
			return fmt.Errorf("%w: organization %q not found", ErrInvalidGroupToken, org)
		}
		g, ok := o.Groups[group]
		if !ok {
			return fmt.Errorf("%w: group %q not found in %s", ErrInvalidGroupToken, group, org)
		}
		key, gid = append([]byte(nil), g.SigningKey...), g.UUID
		return nil
	})
	if err != nil {
		return nil, err
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(token, claims,
		func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithTimeFunc(func() time.Time { return at }),
	)
	if err != nil {
		return nil, fmt.Errorf("%w for %s/%s: %w", ErrInvalidGroupToken, org, group, err)
	}
	if claims["gid"] != gid {
		return nil, fmt.Errorf("%w for %s/%s: it was issued for another group", ErrInvalidGroupToken, org, group)
	}
	return claims, nil
}
