package config

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestCacheDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG layout")
	}
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/xdg/cache"}, "/xdg/cache/turso-groups"},
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "relative"}, "/home/u/.cache/turso-groups"},
		{map[string]string{"HOME": "/home/u"}, filepath.Join("/home/u", ".cache", "turso-groups")},
	}
	for _, c := range cases {
		got, err := CacheDir(MapEnv(c.env))
		if err != nil || got != c.want {
			t.Errorf("CacheDir(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
	if _, err := CacheDir(MapEnv(nil)); err == nil {
		t.Error("CacheDir without HOME: no error")
	}
}

// TestCacheSetting: the list cache is on unless the config file says
// cache = false.
func TestCacheSetting(t *testing.T) {
	h := newHome(t)
	h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
	if s := resolve(t, h); !s.Cache || s.sources["cache"] != SourceDefault {
		t.Errorf("no config file: Cache %v from %s", s.Cache, s.sources["cache"])
	}
	h.writeConfig(t, "cache = false\n", 0o600)
	if s := resolve(t, h); s.Cache || s.sources["cache"] != Source("config.toml") {
		t.Errorf("cache = false: Cache %v from %s", s.Cache, s.sources["cache"])
	}
}
