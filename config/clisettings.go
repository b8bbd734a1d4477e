package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/seed372e9e9a/turso-groups/api/safefile"
)

// cliSettings is what we take from the turso CLI's settings.json: the
// token, the current organization and the API URL. The file is opened read
// only and never written.
type cliSettings struct {
	path  string
	found bool

	token, org, baseURL          string
	hasToken, hasOrg, hasBaseURL bool
}

// source names the file in Settings' sources.
func (c *cliSettings) source() Source {
	return Source("turso CLI settings (" + c.path + ")")
}

const maxCLISettingsSize = 16 << 20 // the CLI caches lists in it

// readCLISettings reads the turso CLI's settings.json at path. An absent
// file is fine; an unreadable or malformed one is an *Error naming it.
func readCLISettings(path string) (*cliSettings, error) {
	c := &cliSettings{path: path}
	if path == "" {
		return c, nil
	}
	f, err := safefile.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, c.fail(0, 0, "", "cannot read the turso CLI's settings: "+describeIOError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCLISettingsSize+1))
	if err != nil {
		return nil, c.fail(0, 0, "", "cannot read the turso CLI's settings: "+describeIOError(err))
	}
	if len(data) > maxCLISettingsSize {
		return nil, c.fail(0, 0, "", fmt.Sprintf("the turso CLI's settings file is larger than %d bytes", maxCLISettingsSize))
	}
	c.found = true
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, int(se.Offset))
			msg := withoutQuotes(se.Error(), data)
			if tokenOnLine(data, line) {
				msg = "the error is on the token's line (the parser's message is not shown: it could quote the token)"
			}
			return nil, c.fail(line, col, "", "the turso CLI's settings are not valid JSON: "+msg)
		}
		return nil, c.fail(0, 0, "", "the turso CLI's settings are not a JSON object")
	}
	// Viper lowercases keys when it writes, and reads them in any case; the
	// CLI asks for "baseURL". An exact lowercase key wins over other
	// spellings.
	for _, want := range []string{"token", "organization", "baseurl"} {
		k, v, ok := lookupFold(raw, want)
		if !ok {
			continue
		}
		var s *string
		if err := json.Unmarshal(v, &s); err != nil {
			msg := "must be a string"
			if want == "token" {
				msg = "must be a string (the token is not shown)"
			}
			return nil, c.fail(0, 0, k, msg)
		}
		if s == nil {
			continue
		}
		switch want {
		case "token":
			c.token = strings.TrimSpace(*s)
			c.hasToken = c.token != ""
		case "organization":
			c.org, c.hasOrg = *s, true
		case "baseurl":
			c.baseURL = strings.TrimSpace(*s)
			c.hasBaseURL = c.baseURL != ""
		}
	}
	return c, nil
}

func (c *cliSettings) fail(line, col int, key, msg string) error {
	msg += " (turso-groups only reads this file: fix it, or set TURSO_CONFIG_FOLDER to another folder)"
	return &Error{File: c.path, Line: line, Column: col, Key: key, Msg: msg}
}

func lookupFold(m map[string]json.RawMessage, key string) (string, json.RawMessage, bool) {
	if v, ok := m[key]; ok {
		return key, v, true
	}
	for _, k := range sortedKeys(m) {
		if strings.EqualFold(k, key) {
			return k, m[k], true
		}
	}
	return "", nil, false
}

// lineCol is the 1-based line and column of byte offset off in data.
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}
