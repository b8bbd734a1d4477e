// Package config finds turso-groups' settings and files: where its data
// lives, its own config file (config.toml), the turso CLI's settings.json
// (read, never written), flags and environment variables, resolved into one
// Settings value that records where each setting came from.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// AppName names turso-groups' own directories.
const AppName = "turso-groups"

// Env looks up an environment variable: os.Getenv in production, a map in
// tests, so that tests never read the real home directory. A nil Env means
// os.Getenv.
type Env func(string) string

func (e Env) get(key string) string {
	if e == nil {
		return os.Getenv(key)
	}
	return e(key)
}

// MapEnv is an Env backed by a map, for tests and for callers (such as an
// SSH session) that build an environment of their own.
func MapEnv(m map[string]string) Env {
	return func(k string) string { return m[k] }
}

// homeDir is os.UserHomeDir reading env.
func homeDir(env Env) (string, error) {
	key := "HOME"
	switch runtime.GOOS {
	case "windows":
		key = "USERPROFILE"
	case "plan9":
		key = "home"
	}
	if h := env.get(key); h != "" {
		return h, nil
	}
	return "", fmt.Errorf("$%s is not set", key)
}

// userConfigDir is os.UserConfigDir reading env, except that on Unix a
// relative $XDG_CONFIG_HOME is ignored (as the XDG spec says) rather than an
// error.
func userConfigDir(env Env) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := env.get("AppData"); d != "" {
			return d, nil
		}
		return "", errors.New("%AppData% is not set")
	case "darwin", "ios":
		home, err := homeDir(env)
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support"), nil
	case "plan9":
		home, err := homeDir(env)
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "lib"), nil
	}
	if d := env.get("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	home, err := homeDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".config"), nil
}

// ConfigPath is the default path of turso-groups' config file:
// <user config dir>/turso-groups/config.toml, i.e. $XDG_CONFIG_HOME (if
// absolute) or ~/.config on Linux, ~/Library/Application Support on macOS
// and %AppData% on Windows.
func ConfigPath(env Env) (string, error) {
	d, err := userConfigDir(env)
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(d, AppName, "config.toml"), nil
}

// CLISettingsPath is where the turso CLI keeps settings.json: in
// $TURSO_CONFIG_FOLDER if set, else in turso/ under the directory the CLI's
// kirsle/configdir picks: $XDG_CONFIG_HOME (used as is, like the CLI does)
// or ~/.config on Linux, ~/Library/Application Support on macOS and
// %APPDATA% on Windows.
func CLISettingsPath(env Env) (string, error) {
	if d := env.get("TURSO_CONFIG_FOLDER"); d != "" {
		return filepath.Join(d, "settings.json"), nil
	}
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = env.get("APPDATA")
		if dir == "" {
			return "", errors.New("find the turso CLI's settings: %APPDATA% is not set")
		}
	case "darwin":
		home, err := homeDir(env)
		if err != nil {
			return "", fmt.Errorf("find the turso CLI's settings: %w", err)
		}
		dir = filepath.Join(home, "Library", "Application Support")
	default:
		dir = env.get("XDG_CONFIG_HOME")
		if dir == "" {
			home, err := homeDir(env)
			if err != nil {
				return "", fmt.Errorf("find the turso CLI's settings: %w", err)
			}
			dir = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(dir, "turso", "settings.json"), nil
}

// DataDir is where turso-groups keeps state, such as the local API's data:
// $XDG_DATA_HOME/turso-groups, else ~/.local/share/turso-groups on Unix,
// ~/Library/Application Support/turso-groups on macOS and
// %LocalAppData%\turso-groups on Windows. It reads the environment on every
// call (rather than once at start, as xdg libraries do) so that tests and
// the SSH server can change it.
func DataDir() (string, error) { return dataDir(nil) }

func dataDir(env Env) (string, error) {
	if d := env.get("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, AppName), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := env.get("LocalAppData"); d != "" {
			return filepath.Join(d, AppName), nil
		}
		return "", errors.New("%LocalAppData% is not set")
	case "darwin":
		home, err := homeDir(env)
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support", AppName), nil
	}
	home, err := homeDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", AppName), nil
}

// LocalAPIFile is the default state file of the local API.
func LocalAPIFile() (string, error) { return localAPIFile(nil) }

func localAPIFile(env Env) (string, error) {
	d, err := dataDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "local-api.json"), nil
}

// stateDir is $XDG_STATE_HOME/turso-groups (if absolute), else
// ~/.local/state/turso-groups; %LocalAppData%\turso-groups on Windows.
func stateDir(env Env) (string, error) {
	if d := env.get("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, AppName), nil
	}
	if runtime.GOOS == "windows" {
		if d := env.get("LocalAppData"); d != "" {
			return filepath.Join(d, AppName), nil
		}
		return "", errors.New("%LocalAppData% is not set")
	}
	home, err := homeDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", AppName), nil
}

// DefaultLogFile is where --debug writes its log unless --log-file says
// otherwise: $XDG_STATE_HOME/turso-groups/debug.log, else
// ~/.local/state/turso-groups/debug.log.
func DefaultLogFile(env Env) (string, error) {
	d, err := stateDir(env)
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w", err)
	}
	return filepath.Join(d, "debug.log"), nil
}

// CacheDir is where turso-groups keeps what it can always fetch again
// (the last group list of each organization, for a warm start):
// $XDG_CACHE_HOME/turso-groups (if absolute), else
// ~/.cache/turso-groups on Unix, ~/Library/Caches/turso-groups on macOS
// and %LocalAppData%\turso-groups\cache on Windows.
func CacheDir(env Env) (string, error) {
	if d := env.get("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, AppName), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := env.get("LocalAppData"); d != "" {
			return filepath.Join(d, AppName, "cache"), nil
		}
		return "", errors.New("find the cache directory: %LocalAppData% is not set")
	case "darwin", "ios":
		home, err := homeDir(env)
		if err != nil {
			return "", fmt.Errorf("find the cache directory: %w", err)
		}
		return filepath.Join(home, "Library", "Caches", AppName), nil
	}
	home, err := homeDir(env)
	if err != nil {
		return "", fmt.Errorf("find the cache directory: %w", err)
	}
	return filepath.Join(home, ".cache", AppName), nil
}
