package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Role is what a key may do.
type Role int

// The roles a key file grants.
const (
	RoleNone Role = iota
	RoleReadOnly
	RoleFull
)

func (r Role) String() string {
	return [...]string{"none", "read-only", "full"}[r]
}

// keyring holds the authorized keys and which role each has. The files are
// re-read when they change (checked on every authentication, a stat per
// file) or on Reload, so revoking a key needs no restart.
type keyring struct {
	fullPath, roPath string

	mu     sync.RWMutex
	roles  map[string]Role // SHA256 fingerprint -> role
	stamps [2]stamp
}

type stamp struct {
	mod  time.Time
	size int64
	ok   bool
}

func newKeyring(fullPath, roPath string) (*keyring, error) {
	if fullPath == "" && roPath == "" {
		return nil, errors.New("no key file: give --authorized-keys (full access) and/or --read-only-keys; without one the server would have no way to tell who may use the organization's token")
	}
	k := &keyring{fullPath: fullPath, roPath: roPath}
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// reload reads both files. On error the previous keys stay in force (a
// half-edited file does not lock everyone out, nor let anyone in).
func (k *keyring) reload() error {
	roles := map[string]Role{}
	var stamps [2]stamp
	for i, f := range []struct {
		path string
		role Role
	}{{k.fullPath, RoleFull}, {k.roPath, RoleReadOnly}} {
		if f.path == "" {
			continue
		}
		keys, st, err := readKeyFile(f.path)
		if err != nil {
			return err
		}
		stamps[i] = st
		for _, key := range keys {
			fp := gossh.FingerprintSHA256(key)
			// A key in both files gets the lesser role: listing it as
			// read-only is the more deliberate statement.
			if cur, ok := roles[fp]; !ok || f.role < cur {
				roles[fp] = f.role
			}
		}
	}
	k.mu.Lock()
	k.roles, k.stamps = roles, stamps
	k.mu.Unlock()
	return nil
}

// changed reports whether a key file differs from what was loaded.
func (k *keyring) changed() bool {
	k.mu.RLock()
	stamps := k.stamps
	k.mu.RUnlock()
	for i, p := range []string{k.fullPath, k.roPath} {
		if p == "" {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return stamps[i].ok
		}
		if !stamps[i].ok || !fi.ModTime().Equal(stamps[i].mod) || fi.Size() != stamps[i].size {
			return true
		}
	}
	return false
}

// role is the role of key, after picking up any change to the files.
func (k *keyring) role(key gossh.PublicKey) Role {
	if key == nil {
		return RoleNone
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.roles[gossh.FingerprintSHA256(key)]
}

func (k *keyring) count() (full, ro int) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, r := range k.roles {
		if r == RoleFull {
			full++
		} else {
			ro++
		}
	}
	return full, ro
}

// readKeyFile parses an authorized_keys file. Like OpenSSH's StrictModes,
// it refuses a file others could write to: whoever can add a line could
// let themselves in.
func readKeyFile(path string) ([]gossh.PublicKey, stamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, stamp{}, fmt.Errorf("key file %s does not exist", path)
		}
		return nil, stamp{}, fmt.Errorf("key file: %w", err)
	}
	if fi.IsDir() {
		return nil, stamp{}, fmt.Errorf("key file %s is a directory", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return nil, stamp{}, fmt.Errorf("permissions %#o for key file %s are too open: others could add keys to it (chmod go-w %s)", fi.Mode().Perm(), path, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, stamp{}, fmt.Errorf("key file: %w", err)
	}
	var keys []gossh.PublicKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, stamp{}, fmt.Errorf("%s:%d: not a public key in authorized_keys format: %w", path, n, err)
		}
		keys = append(keys, key)
	}
	if err := sc.Err(); err != nil {
		return nil, stamp{}, fmt.Errorf("key file %s: %w", path, err)
	}
	return keys, stamp{mod: fi.ModTime(), size: fi.Size(), ok: true}, nil
}

// roleByFingerprint is the current role of a key known by fingerprint.
func (k *keyring) roleByFingerprint(fp string) Role {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.roles[fp]
}
