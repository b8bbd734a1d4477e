// Package config finds turso-groups' settings and files: where its data
// lives, and (in time) its own config file and the turso CLI's.
package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// AppName names turso-groups' own directories.
const AppName = "turso-groups"

// DataDir is where turso-groups keeps state, such as the local API's data:
// $XDG_DATA_HOME/turso-groups, else ~/.local/share/turso-groups on Unix,
// ~/Library/Application Support/turso-groups on macOS and
// %LocalAppData%\turso-groups on Windows. It reads the environment on every
// call (rather than once at start, as xdg libraries do) so that tests and
// the SSH server can change it.
func DataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, AppName), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, AppName), nil
		}
		return "", errors.New("%LocalAppData% is not set")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support", AppName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", AppName), nil
}

// LocalAPIFile is the default state file of the local API.
func LocalAPIFile() (string, error) {
	d, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "local-api.json"), nil
}
