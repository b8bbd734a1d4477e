// Command perf-floor is the floor of BENCHMARKS.md's side-by-side
// comparison: the least a Go program does to know an organization's
// groups. It fetches the list once with net/http and decodes it with
// encoding/json into the fields the Platform API sends, then prints
// their number. Usage: perf-floor URL TOKEN [WANT].
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
)

type group struct {
	Name             string   `json:"name"`
	UUID             string   `json:"uuid"`
	Version          string   `json:"version"`
	Locations        []string `json:"locations"`
	Primary          string   `json:"primary"`
	Archived         bool     `json:"archived"`
	DeleteProtection bool     `json:"delete_protection"`
	Status           *struct {
		Locations []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"locations"`
	} `json:"status"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "perf-floor:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) < 3 {
		return fmt.Errorf("usage: perf-floor URL TOKEN [WANT]")
	}
	req, err := http.NewRequest(http.MethodGet, os.Args[1], nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Args[2])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	var body struct {
		Groups []group `json:"groups"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	if len(os.Args) > 3 {
		if want, _ := strconv.Atoi(os.Args[3]); want != len(body.Groups) {
			return fmt.Errorf("got %d groups, want %d", len(body.Groups), want)
		}
	}
	fmt.Println(len(body.Groups), "groups")
	return nil
}
