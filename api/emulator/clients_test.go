package emulator

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTursoCLITraffic replays, byte for byte, the requests the turso CLI
// sent to a loopback mock (turso-clients.md A8): capitalised JSON keys, a
// JSON Content-Type even on GET and DELETE, an extra "Version" key, query
// strings built by hand, the nested /v2 locations, the --wait route. The
// CLI itself cannot be installed here, so its traffic stands in for it.
func TestTursoCLITraffic(t *testing.T) {
	a := newTestAPI(t, SeedDemo)
	cli := []reqOpt{withHeader("User-Agent", "turso-cli/dev (linux/amd64)"), withHeader("TursoCliVersion", "dev"), withHeader("Content-Type", "application/json")}
	steps := []struct {
		method, path, body string
		status             int
		check              func(t *testing.T, r response)
	}{
		{"GET", "/v1/auth/validate", "", 200, func(t *testing.T, r response) {
			var v struct{ Exp int64 }
			r.decode(t, &v)
			if v.Exp <= 0 {
				t.Errorf("exp = %d: the CLI needs a future expiry", v.Exp)
			}
		}},
		{"GET", "/v1/organizations/demo/groups", "", 200, nil},
		{"GET", "/v1/organizations/demo/groups/default/configuration", "", 200, nil},
		{"POST", "/v1/organizations/demo/groups", `{"Name":"g2","Location":"aws-us-east-1","Version":""}` + "\n", 200, func(t *testing.T, r response) {
			if g := r.group(t); g.Name != "g2" || g.Primary != "aws-us-east-1" {
				t.Errorf("created %+v", g)
			}
		}},
		{"GET", "/v1/organizations/demo/groups/g2/locations/aws-us-east-1/wait", "", 200, nil},
		{"POST", "/v1/organizations/demo/groups", `{"Name":"g3","Location":"aws-us-east-1","Version":"latest"}` + "\n", 200, nil},
		{"GET", "/v2/organizations/demo/locations", "", 200, func(t *testing.T, r response) {
			var v struct {
				Locations map[string]map[string]string
			}
			r.decode(t, &v)
			if v.Locations["aws"]["aws-us-east-1"] == "" || v.Locations["fly"]["lhr"] == "" {
				t.Errorf("nested locations = %v", v.Locations)
			}
		}},
		{"POST", "/v1/organizations/demo/groups/g2/locations/lhr", "", 200, nil},
		{"GET", "/v1/organizations/demo/groups/g2/locations/lhr/wait", "", 200, nil},
		{"DELETE", "/v1/organizations/demo/groups/g2/locations/lhr", "", 200, nil},
		{"POST", "/v1/organizations/demo/groups/legacy/unarchive", "", 200, nil},
		{"POST", "/v1/organizations/demo/groups/g2/auth/tokens?expiration=never", "{}\n", 200, nil},
		{"GET", "/v1/organizations/demo/databases", "", 200, nil},
		// The reference's --attach db1, with a database the demo has: the
		// CLI checks the name against the list above, the API refuses it.
		{"POST", "/v1/organizations/demo/groups/g2/auth/tokens?expiration=7d&authorization=read-only",
			`{"permissions":{"read_attach":{"databases":["main"]}},"fine_grained_permissions":[{"t":null,"a":["data_read"]},{"t":["comments"],"a":["data_insert","data_update"]}]}` + "\n", 200,
			func(t *testing.T, r response) {
				var v struct{ JWT string }
				r.decode(t, &v)
				if strings.Count(v.JWT, ".") != 2 {
					t.Errorf("jwt = %q", v.JWT)
				}
			}},
		{"POST", "/v1/organizations/demo/groups/g2/auth/rotate", "", 200, nil},
		{"PATCH", "/v1/organizations/demo/groups/g2/configuration", `{"delete_protection":true}` + "\n", 200, nil},
		{"PATCH", "/v1/organizations/demo/groups/g2/configuration", `{"delete_protection":false}` + "\n", 200, nil},
		{"POST", "/v1/organizations/demo/groups/g3/rename", `{"Name":"g9"}` + "\n", 200, nil},
		{"POST", "/v1/organizations/demo/groups/g9/transfer", `{"organization":"acme"}` + "\n", 402, nil},
		{"DELETE", "/v1/organizations/demo/groups/g2", "", 200, nil},
		{"DELETE", "/v1/organizations/demo/groups/missing", "", 404, func(t *testing.T, r response) {
			if e := r.errorOf(t); e.Error != "group not found" {
				t.Errorf("error = %q", e.Error)
			}
		}},
		// The personal organization: organization "" in settings.json.
		{"GET", "/v1/groups", "", 200, nil},
		{"POST", "/v1/groups/g9/auth/tokens?expiration=never", "{}\n", 200, nil},
		{"GET", "/v1/current-user", "", 200, func(t *testing.T, r response) {
			var v struct {
				User struct{ Username, Plan string }
			}
			r.decode(t, &v)
			if v.User.Username != DemoUser || v.User.Plan == "" {
				t.Errorf("user = %+v", v.User)
			}
		}},
		{"GET", "/v2/organizations", "", 200, func(t *testing.T, r response) {
			var v struct {
				Organizations []struct{ ID, Slug, Type string }
			}
			r.decode(t, &v)
			if len(v.Organizations) != 2 || v.Organizations[0].ID == "" {
				t.Errorf("organizations = %+v", v.Organizations)
			}
		}},
	}
	for _, s := range steps {
		r := a.do(s.method, s.path, s.body, cli...).expect(t, s.status)
		if !json.Valid(r.body) {
			t.Errorf("%s %s: body is not JSON: %q", s.method, s.path, r.body)
		}
		if s.check != nil {
			s.check(t, r)
		}
	}
}

// TestOfficialNPMClient drives @tursodatabase/api, the official TypeScript
// client, against the local API. .ci/run installs the package and points
// TURSO_GROUPS_NPM_DIR at it; the test needs node and that directory.
func TestOfficialNPMClient(t *testing.T) {
	dir := os.Getenv("TURSO_GROUPS_NPM_DIR")
	node, err := exec.LookPath("node")
	if dir == "" || err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run this test: .ci/run installs node and @tursodatabase/api and sets TURSO_GROUPS_NPM_DIR")
		}
		t.Skip("needs node and TURSO_GROUPS_NPM_DIR (a directory with @tursodatabase/api installed; .ci/run sets it up)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@tursodatabase", "api")); err != nil {
		t.Fatalf("TURSO_GROUPS_NPM_DIR=%s has no node_modules/@tursodatabase/api: %v", dir, err)
	}
	a := newTestAPI(t, SeedDemo)
	script, err := filepath.Abs(filepath.Join("testdata", "npm-client.cjs"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BASE_URL="+a.http.URL+"/v1/", "TOKEN="+testToken, "NODE_PATH="+filepath.Join(dir, "node_modules"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("npm client: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "all npm client checks passed") {
		t.Fatalf("npm client output:\n%s", out)
	}
	// What the npm client did is on the server.
	if g, ok := a.srv.Store().Group(DemoOrg, "npm-made"); !ok || g.Primary != "aws-eu-west-1" {
		t.Errorf("the group created through the npm client is %+v, %v", g, ok)
	}
	if _, ok := a.srv.Store().Group(DemoOrg, "npm-gone"); ok {
		t.Error("the group deleted through the npm client is still there")
	}
	dbs := databaseNames(a.srv.Store().Databases(DemoOrg))
	if !slices.Contains(dbs, "npm-db") || slices.Contains(dbs, "npm-db-gone") {
		t.Errorf("the databases after the npm client: %v", dbs)
	}
}
