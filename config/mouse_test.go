package config

import "testing"

// TestMouseSetting: the mouse is on unless the config file says
// mouse = false (--no-mouse is main's).
func TestMouseSetting(t *testing.T) {
	h := newHome(t)
	h.env["TURSO_API_TOKEN"] = "tok-env-4d1f"
	if s := resolve(t, h); !s.Mouse || s.sources["mouse"] != SourceDefault {
		t.Errorf("no config file: Mouse %v from %s", s.Mouse, s.sources["mouse"])
	}
	h.writeConfig(t, "mouse = false\n", 0o600)
	if s := resolve(t, h); s.Mouse || s.sources["mouse"] != Source("config.toml") {
		t.Errorf("mouse = false: Mouse %v from %s", s.Mouse, s.sources["mouse"])
	}
	h.writeConfig(t, "mouse = true\n", 0o600)
	if s := resolve(t, h); !s.Mouse {
		t.Error("mouse = true: off")
	}
}
