package emulator

import (
	"net/http"
	"sort"
	"strings"
)

// awsLocations are the current codes, as the OpenAPI spec lists them.
var awsLocations = map[string]string{
	"aws-ap-northeast-1": "AWS AP NorthEast (Tokyo)",
	"aws-ap-south-1":     "AWS AP South (Mumbai)",
	"aws-eu-west-1":      "AWS EU West (Ireland)",
	"aws-us-east-1":      "AWS US East (Virginia)",
	"aws-us-east-2":      "AWS US East (Ohio)",
	"aws-us-west-2":      "AWS US West (Oregon)",
}

// flyLocations are the 35 legacy Fly.io codes the spec listed before it
// switched to AWS; older accounts, the docs' examples and both clients'
// examples still use them.
var flyLocations = map[string]string{
	"ams": "Amsterdam, Netherlands",
	"arn": "Stockholm, Sweden",
	"atl": "Atlanta, Georgia (US)",
	"bog": "Bogotá, Colombia",
	"bom": "Mumbai, India",
	"bos": "Boston, Massachusetts (US)",
	"cdg": "Paris, France",
	"den": "Denver, Colorado (US)",
	"dfw": "Dallas, Texas (US)",
	"ewr": "Secaucus, NJ (US)",
	"eze": "Ezeiza, Argentina",
	"fra": "Frankfurt, Germany",
	"gdl": "Guadalajara, Mexico",
	"gig": "Rio de Janeiro, Brazil",
	"gru": "São Paulo, Brazil",
	"hkg": "Hong Kong, Hong Kong",
	"iad": "Ashburn, Virginia (US)",
	"jnb": "Johannesburg, South Africa",
	"lax": "Los Angeles, California (US)",
	"lhr": "London, United Kingdom",
	"mad": "Madrid, Spain",
	"mia": "Miami, Florida (US)",
	"nrt": "Tokyo, Japan",
	"ord": "Chicago, Illinois (US)",
	"otp": "Bucharest, Romania",
	"phx": "Phoenix, Arizona (US)",
	"qro": "Querétaro, Mexico",
	"scl": "Santiago, Chile",
	"sea": "Seattle, Washington (US)",
	"sin": "Singapore, Singapore",
	"sjc": "San Jose, California (US)",
	"syd": "Sydney, Australia",
	"waw": "Warsaw, Poland",
	"yul": "Montreal, Canada",
	"yyz": "Toronto, Canada",
}

// Locations returns every location code the emulator accepts with its
// display name; a fresh map each call, so callers may modify it.
func Locations() map[string]string {
	out := make(map[string]string, len(awsLocations)+len(flyLocations))
	for c, n := range awsLocations {
		out[c] = n
	}
	for c, n := range flyLocations {
		out[c] = n
	}
	return out
}

// locationName returns the display name of code and whether it is known.
func locationName(code string) (string, bool) {
	if n, ok := awsLocations[code]; ok {
		return n, true
	}
	n, ok := flyLocations[code]
	return n, ok
}

// handleLocations serves GET /v1/locations: the flat map the spec and the
// npm client use.
func (s *Server) handleLocations(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"locations": Locations()})
}

// handleLocationsV2 serves GET /v2/locations and
// /v2/organizations/{org}/locations: the nested per-platform map the turso
// CLI validates locations against.
func (s *Server) handleLocationsV2(w http.ResponseWriter, r *http.Request) {
	if org := r.PathValue("org"); org != "" {
		if err := s.store.view(func(st *state) error {
			_, err := lookupOrg(st, org)
			return err
		}); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"locations": map[string]map[string]string{
		"aws": awsLocations,
		"fly": flyLocations,
	}})
}

// locationJSON is one location in the undocumented GET /v1/locations/{code}.
type locationJSON struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// handleLocation serves the undocumented GET /v1/locations/{code} the CLI
// uses; Closest lists the other codes of the same platform.
func (s *Server) handleLocation(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	name, ok := locationName(code)
	if !ok {
		s.writeError(w, r, errNotFound("location not found"))
		return
	}
	var closest []locationJSON
	aws := strings.HasPrefix(code, "aws-")
	for c, n := range Locations() {
		if c != code && strings.HasPrefix(c, "aws-") == aws {
			closest = append(closest, locationJSON{Code: c, Description: n})
		}
	}
	sort.Slice(closest, func(i, j int) bool { return closest[i].Code < closest[j].Code })
	if len(closest) > 3 {
		closest = closest[:3]
	}
	writeJSON(w, http.StatusOK, map[string]any{"location": map[string]any{
		"code":        code,
		"description": name,
		"Closest":     closest,
	}})
}
