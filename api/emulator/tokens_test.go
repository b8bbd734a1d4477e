package emulator

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// mint asks for a group token and returns the JWT.
func (a *testAPI) mint(t *testing.T, path, query, body string, opts ...reqOpt) string {
	t.Helper()
	var out struct {
		JWT string `json:"jwt"`
	}
	a.do("POST", path+"/auth/tokens"+query, body, opts...).expect(t, 200).decode(t, &out)
	if strings.Count(out.JWT, ".") != 2 {
		t.Fatalf("jwt %q does not have three parts", out.JWT)
	}
	return out.JWT
}

func TestTokenExpirationFormats(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	st, _ := NewMemoryStore(SeedDemo, 0)
	a := newTestAPIWith(t, st, Options{Token: testToken, Now: func() time.Time { return now }})
	valid := []struct {
		query string
		dur   time.Duration // 0 = never
	}{
		{"", 0},
		{"?expiration=never", 0},
		{"?expiration=none", 0},
		{"?expiration=default", 0},
		{"?expiration=1d", 24 * time.Hour},
		{"?expiration=7d", 7 * 24 * time.Hour},
		{"?expiration=2w", 14 * 24 * time.Hour},
		{"?expiration=2w1d30m", 15*24*time.Hour + 30*time.Minute},
		{"?expiration=90m", 90 * time.Minute},
	}
	for _, p := range prefixes {
		for _, c := range valid {
			tok := a.mint(t, p.path+"/default", c.query, "")
			claims, err := st.VerifyGroupTokenAt(DemoOrg, "default", tok, now)
			if err != nil {
				t.Fatalf("%s %q: %v", p.name, c.query, err)
			}
			if claims["iat"] != float64(now.Unix()) || claims["a"] != "rw" || claims["id"] == "" {
				t.Errorf("%q: claims %v", c.query, claims)
			}
			g, _ := st.Group(DemoOrg, "default")
			if claims["gid"] != g.UUID {
				t.Errorf("%q: gid %v, want %s", c.query, claims["gid"], g.UUID)
			}
			exp, hasExp := claims["exp"]
			switch {
			case c.dur == 0 && hasExp:
				t.Errorf("%q: never-expiring token has exp %v", c.query, exp)
			case c.dur != 0 && exp != float64(now.Add(c.dur).Unix()):
				t.Errorf("%q: exp %v, want %d", c.query, exp, now.Add(c.dur).Unix())
			}
			if c.dur != 0 {
				if _, err := st.VerifyGroupTokenAt(DemoOrg, "default", tok, now.Add(c.dur+time.Second)); err == nil {
					t.Errorf("%q: token still valid after it expired", c.query)
				}
			}
		}
		for _, bad := range []string{"abc", "1x", "-1d", "0d", "d", "1d-"} {
			e := a.do("POST", p.path+"/default/auth/tokens?expiration="+bad, "").expect(t, 400).errorOf(t)
			if e.Error != "Invalid expiration format" {
				t.Errorf("%q: error %q", bad, e.Error)
			}
		}
	}
}

func TestTokenAuthorizationAndBody(t *testing.T) {
	st, _ := NewMemoryStore(SeedDemo, 0)
	a := newTestAPIWith(t, st, Options{Token: testToken})
	tok := a.mint(t, "/v1/organizations/demo/groups/default", "?expiration=2w&authorization=read-only",
		`{"permissions":{"read_attach":{"databases":["main","events"]}}}`,
		withHeader("Content-Type", "text/plain;charset=UTF-8"))
	claims, err := st.VerifyGroupToken(DemoOrg, "default", tok)
	if err != nil {
		t.Fatal(err)
	}
	if claims["a"] != "ro" {
		t.Errorf("a = %v, want ro", claims["a"])
	}
	if p, _ := claims["p"].(map[string]any); p == nil || p["roa"] == nil {
		t.Errorf("read_attach permissions not in claims: %v", claims)
	}
	full := a.mint(t, "/v1/groups/default", "?authorization=full-access", `{}`)
	if c, err := st.VerifyGroupToken(DemoOrg, "default", full); err != nil || c["a"] != "rw" {
		t.Errorf("full-access: %v %v", c, err)
	}
	// The CLI's fine-grained permissions are accepted.
	a.mint(t, "/v1/groups/default", "?expiration=7d", `{"permissions":{"read_attach":{"databases":["main"]}},"fine_grained_permissions":[{"t":null,"a":["data_read"]}]}`)

	a.do("POST", "/v1/groups/default/auth/tokens?authorization=admin", "").expect(t, 400).errorOf(t)
	a.do("POST", "/v1/groups/default/auth/tokens", `{"permissions":`).expect(t, 400)
	a.do("POST", "/v1/groups/nope/auth/tokens", "").expect(t, 404)
	a.do("POST", "/v1/organizations/nope/groups/default/auth/tokens", "").expect(t, 404)

	// A token of one group is not valid for another.
	if _, err := st.VerifyGroupToken(DemoOrg, "staging", tok); err == nil {
		t.Error("token valid for another group")
	}
	if _, err := st.VerifyGroupToken(DemoOrg, "default", "not.a.jwt"); !errors.Is(err, ErrInvalidGroupToken) {
		t.Errorf("garbage token: %v", err)
	}
}

// TestTokenClaims decodes the JWT and checks what the request asked for
// is in it, under libSQL server's claim names: a, exp, p.roa.ns.
func TestTokenClaims(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	st, _ := NewMemoryStore(SeedDemo, 0)
	a := newTestAPIWith(t, st, Options{Token: testToken, Now: func() time.Time { return now }})
	type claims struct {
		A   string `json:"a"`
		Exp *int64 `json:"exp"`
		Gid string `json:"gid"`
		P   *struct {
			Roa *struct {
				Ns []string `json:"ns"`
			} `json:"roa"`
		} `json:"p"`
	}
	decode := func(tok string) claims {
		t.Helper()
		var c claims
		// Unverified: VerifyGroupToken checks the signature; this reads
		// the payload as a database would after it.
		if _, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{}); err != nil {
			t.Fatalf("not a JWT: %v", err)
		}
		payload, err := jwt.NewParser().DecodeSegment(strings.Split(tok, ".")[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	g, _ := st.Group(DemoOrg, "default")

	c := decode(a.mint(t, "/v1/organizations/demo/groups/default", "?expiration=2w1d30m&authorization=read-only",
		`{"permissions":{"read_attach":{"databases":["events","main"]}}}`))
	if c.A != "ro" || c.Gid != g.UUID {
		t.Errorf("a = %q, gid = %q", c.A, c.Gid)
	}
	if want := now.Add(15*24*time.Hour + 30*time.Minute).Unix(); c.Exp == nil || *c.Exp != want {
		t.Errorf("exp = %v, want %d", c.Exp, want)
	}
	if c.P == nil || c.P.Roa == nil || !slices.Equal(c.P.Roa.Ns, []string{"events", "main"}) {
		t.Errorf("p = %+v, want roa.ns [events main]", c.P)
	}

	// Never, full access, and the npm client's empty list: no exp, rw, no p.
	c = decode(a.mint(t, "/v1/organizations/demo/groups/default", "?expiration=never&authorization=full-access",
		`{"permissions":{"read_attach":{"databases":[]}}}`))
	if c.A != "rw" || c.Exp != nil || c.P != nil {
		t.Errorf("never, full access: %+v", c)
	}
}

func TestTokenRefusesBadAttach(t *testing.T) {
	st, _ := NewMemoryStore(SeedDemo, 0)
	a := newTestAPIWith(t, st, Options{Token: testToken})
	for _, c := range []struct{ dbs, want string }{
		{`["nope"]`, `database "nope" not found in organization demo`},
		{`["main","main"]`, `lists database "main" twice`},
		{`[""]`, "an empty database"},
		// acme-web is a database of another organization.
		{`["acme-web"]`, `database "acme-web" not found`},
	} {
		e := a.do("POST", "/v1/organizations/demo/groups/default/auth/tokens", `{"permissions":{"read_attach":{"databases":`+c.dbs+`}}}`).expect(t, 400).errorOf(t)
		if !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: error %q, want %q", c.dbs, e.Error, c.want)
		}
	}
	// A database of another group of the organization is fine: ATTACH
	// reaches across groups.
	a.mint(t, "/v1/organizations/demo/groups/default", "", `{"permissions":{"read_attach":{"databases":["invoices"]}}}`)
}

func TestRotateInvalidatesTokens(t *testing.T) {
	for _, p := range prefixes {
		t.Run(p.name, func(t *testing.T) {
			st, _ := NewMemoryStore(SeedDemo, 0)
			a := newTestAPIWith(t, st, Options{Token: testToken})
			before := a.mint(t, p.path+"/default", "", "")
			other := a.mint(t, p.path+"/staging", "", "")
			if _, err := st.VerifyGroupToken(DemoOrg, "default", before); err != nil {
				t.Fatalf("fresh token invalid: %v", err)
			}
			// Empty body, no content type: what both clients send.
			res := a.do("POST", p.path+"/default/auth/rotate", "", withHeader("Content-Length", "0"))
			res.expect(t, 200)
			if strings.TrimSpace(string(res.body)) != "{}" {
				t.Fatalf("rotate answered %q", res.body)
			}
			if _, err := st.VerifyGroupToken(DemoOrg, "default", before); !errors.Is(err, ErrInvalidGroupToken) {
				t.Fatalf("token minted before rotate still valid (err %v)", err)
			}
			if _, err := st.VerifyGroupToken(DemoOrg, "staging", other); err != nil {
				t.Fatalf("rotating default invalidated staging's token: %v", err)
			}
			after := a.mint(t, p.path+"/default", "", "")
			if _, err := st.VerifyGroupToken(DemoOrg, "default", after); err != nil {
				t.Fatalf("token minted after rotate invalid: %v", err)
			}
			a.do("POST", p.path+"/nope/auth/rotate", "").expect(t, 404)
		})
	}
}
