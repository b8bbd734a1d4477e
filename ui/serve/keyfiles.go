package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
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

// maxKeyFileSize bounds a key file: thousands of keys, and no more memory
// than that for a file that is not one.
const maxKeyFileSize = 1 << 20

// authorizedKey is one line of a key file: a key and what limits it.
type authorizedKey struct {
	line    int
	from    *fromList // nil: from any address
	expires time.Time // zero: never
	// comment is the line's comment ("alice@laptop"), as written: it
	// names the key's holder in the log and the audit log.
	comment string
}

// keyFile is one key file as last read.
type keyFile struct {
	path string
	keys map[string][]authorizedKey // SHA256 fingerprint -> its lines
	// err says why the file cannot be used; its keys then grant nothing.
	err error
	// sum is the content read; with err, what a reload compares.
	sum [32]byte
	// stamp is the state of the file and its directories when read, for
	// the cheap check that runs on every login and key press.
	stamp string
}

// same reports whether a and b say the same thing.
func (a *keyFile) same(b *keyFile) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.sum == b.sum && errText(a.err) == errText(b.err)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// keyring holds the authorized keys and which role each has. The server
// re-reads the files when they change (a stat of each file and directory
// on every login and key press, a full read every KeyCheckInterval) or on
// Reload, so revoking a key needs no restart. It fails closed: a file that
// cannot be read safely grants nothing.
type keyring struct {
	fullPath, roPath string

	mu       sync.RWMutex
	full, ro *keyFile // nil when there is no such file
}

func newKeyring(fullPath, roPath string) (*keyring, error) {
	if fullPath == "" && roPath == "" {
		return nil, errors.New("no key file: give --authorized-keys (full access) and/or --read-only-keys; without one the server would have no way to tell who may use the organization's token")
	}
	k := &keyring{fullPath: fullPath, roPath: roPath}
	k.full, k.ro = k.load()
	// At start the operator is there to fix it: refuse to start.
	if err := k.err(); err != nil {
		return nil, err
	}
	return k, nil
}

// load reads both files afresh.
func (k *keyring) load() (full, ro *keyFile) {
	if k.fullPath != "" {
		full = loadKeyFile(k.fullPath)
	}
	if k.roPath != "" {
		ro = loadKeyFile(k.roPath)
	}
	return full, ro
}

// update installs full and ro, and reports whether they differ from the
// files in force.
func (k *keyring) update(full, ro *keyFile) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	changed := !k.full.same(full) || !k.ro.same(ro)
	k.full, k.ro = full, ro
	return changed
}

// err is why a key file cannot be used, nil when both can.
func (k *keyring) err() error {
	k.mu.RLock()
	defer k.mu.RUnlock()
	var errs []error
	for _, f := range []*keyFile{k.full, k.ro} {
		if f != nil && f.err != nil {
			errs = append(errs, f.err)
		}
	}
	return errors.Join(errs...)
}

// stale reports whether a file or one of its directories changed since it
// was read: a few stats, cheap enough for every login and key press.
func (k *keyring) stale() bool {
	k.mu.RLock()
	full, ro := k.full, k.ro
	k.mu.RUnlock()
	for _, f := range []*keyFile{full, ro} {
		if f != nil && stampPath(f.path) != f.stamp {
			return true
		}
	}
	return false
}

// role is the role of the key with fingerprint fp for a client at addr at
// time now, and if none, why.
func (k *keyring) role(fp string, addr netip.Addr, now time.Time) (Role, string) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	// A key in the read-only file is read-only whatever the other file
	// says: listing it there is the more deliberate statement. So while
	// that file cannot be read, nobody can be told apart from a key it
	// holds back, and no key is accepted.
	if k.ro != nil {
		if k.ro.err != nil {
			return RoleNone, "the read-only key file cannot be used, and it may hold back any key"
		}
		if lines, ok := k.ro.keys[fp]; ok {
			if why := admit(lines, addr, now); why != "" {
				return RoleNone, why
			}
			return RoleReadOnly, ""
		}
	}
	if k.full != nil {
		if k.full.err != nil {
			return RoleNone, "not in the read-only key file, and the full-access key file cannot be used"
		}
		if lines, ok := k.full.keys[fp]; ok {
			if why := admit(lines, addr, now); why != "" {
				return RoleNone, why
			}
			return RoleFull, ""
		}
	}
	return RoleNone, "not in any key file"
}

// comment is the comment of the key with fingerprint fp, from the file
// that decides its role (the read-only file first, as role reads them):
// the first of its lines that has one. "" when none has.
func (k *keyring) comment(fp string) string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, f := range []*keyFile{k.ro, k.full} {
		if f == nil || f.err != nil {
			continue
		}
		for _, l := range f.keys[fp] {
			if l.comment != "" {
				return l.comment
			}
		}
	}
	return ""
}

// admit is "" if one of a key's lines lets a client at addr in at now,
// else why the first one does not (sshd, too, tries each line of a key).
func admit(lines []authorizedKey, addr netip.Addr, now time.Time) string {
	why := ""
	for _, l := range lines {
		switch {
		case !l.expires.IsZero() && now.After(l.expires):
			if why == "" {
				why = "its expiry-time passed at " + l.expires.Format(time.RFC3339)
			}
		case l.from != nil && !l.from.allows(addr):
			if why == "" {
				why = fmt.Sprintf("from=%q does not allow %s", l.from.raw, addr)
			}
		default:
			return ""
		}
	}
	return why
}

// count is the number of keys with each role.
func (k *keyring) count() (full, ro int) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.ro != nil {
		ro = len(k.ro.keys)
	}
	if k.full != nil {
		for fp := range k.full.keys {
			if k.ro == nil || k.ro.keys[fp] == nil {
				full++
			}
		}
	}
	return full, ro
}

// loadKeyFile reads and parses the key file at path. It never fails: a
// file that cannot be used comes back with err set and no keys.
func loadKeyFile(path string) *keyFile {
	// The stamp is taken first: a change while reading shows as a
	// difference next time, and the file is read again.
	kf := &keyFile{path: path, stamp: stampPath(path)}
	data, err := readKeyFile(path)
	if err == nil {
		kf.sum = sha256.Sum256(data)
		kf.keys, err = parseKeyFile(path, data)
	}
	if err != nil {
		kf.keys, kf.err = nil, err
	}
	return kf
}

// readKeyFile reads a key file if it is safe to trust, as OpenSSH's
// StrictModes has it: a regular file, owned by root or the server's user,
// not writable by group or others, in directories of which the same holds
// all the way up to /. Whoever could change the file or replace it could
// let themselves in.
func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("key file %s does not exist", path)
	case err != nil:
		return nil, fmt.Errorf("key file: %w", err)
	case fi.IsDir():
		return nil, fmt.Errorf("key file %s is a directory", path)
	case !fi.Mode().IsRegular():
		// Opening a FIFO would block the server.
		return nil, fmt.Errorf("key file %s is not a regular file", path)
	}
	if err := trusted(path, fi, path); err != nil {
		return nil, err
	}
	if err := checkDirs(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	// What was opened must be what was checked.
	if ofi, err := f.Stat(); err != nil || !os.SameFile(fi, ofi) || ofi.Mode() != fi.Mode() {
		return nil, fmt.Errorf("key file %s changed while it was read", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("key file %s is larger than %d bytes", path, maxKeyFileSize)
	}
	return data, nil
}

// trusted checks the owner and mode of p, the key file keyFile or one of
// its directories.
func trusted(p string, fi fs.FileInfo, keyFile string) error {
	what := "key file " + p
	if p != keyFile {
		what = fmt.Sprintf("directory %s (of key file %s)", p, keyFile)
	}
	if uid, ok := ownerOf(fi); ok && uid != 0 && uid != serverUID() {
		return fmt.Errorf("%s is owned by uid %d, neither root nor the server's user (uid %d): its owner could let anyone in", what, uid, serverUID())
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	perm := fi.Mode().Perm()
	if perm&0o022 == 0 {
		return nil
	}
	if fi.IsDir() {
		// In a sticky directory (/tmp) others may create entries but
		// not rename or remove what root or this user owns, and what
		// lies below is checked in turn.
		if fi.Mode()&fs.ModeSticky != 0 {
			return nil
		}
		return fmt.Errorf("permissions %#o for %s are too open: others could replace the key file (chmod go-w %s)", perm, what, p)
	}
	return fmt.Errorf("permissions %#o for key file %s are too open: others could add keys to it (chmod go-w %s)", perm, p, p)
}

// checkDirs checks every directory above path, up to /: those it is
// named by, and those it resolves to through symbolic links.
func checkDirs(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	paths := []string{abs}
	if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
		paths = append(paths, real)
	}
	for _, p := range paths {
		for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
			fi, err := os.Stat(dir)
			if err != nil {
				return fmt.Errorf("key file %s: %w", path, err)
			}
			if err := trusted(dir, fi, path); err != nil {
				return err
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return nil
}

// stampPath is the state of path and of every directory above it: any
// change to the file, its mode or owner, or a directory's, changes it.
func stampPath(path string) string {
	var b strings.Builder
	abs, err := filepath.Abs(path)
	if err != nil {
		return "error: " + err.Error()
	}
	add := func(p string, fi fs.FileInfo, err error) {
		b.WriteString(p)
		if err != nil {
			b.WriteString(" error")
			return
		}
		for _, v := range changeStamp(fi) {
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(v, 10))
		}
		b.WriteByte('\n')
	}
	fi, err := os.Lstat(abs)
	add(abs, fi, err)
	for p := abs; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		add(p, fi, err)
		if filepath.Dir(p) == p {
			break
		}
	}
	return b.String()
}

// parseKeyFile parses an authorized_keys file: a key a line, with the
// options this server honours. A line it cannot honour in full refuses
// the whole file, naming the line: a key with a restriction silently
// dropped would have more access than its line says.
func parseKeyFile(path string, data []byte) (map[string][]authorizedKey, error) {
	keys := map[string][]authorizedKey{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), maxKeyFileSize)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, opts, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: not a public key in authorized_keys format: %w", path, n, err)
		}
		if _, ok := key.(*gossh.Certificate); ok {
			return nil, fmt.Errorf("%s:%d: a certificate; this server takes plain public keys only", path, n)
		}
		ak, err := parseOptions(opts)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		ak.line, ak.comment = n, comment
		fp := gossh.FingerprintSHA256(key)
		keys[fp] = append(keys[fp], ak)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return keys, nil
}

// supportedOptions is what the messages list.
const supportedOptions = `from="…", expiry-time="…", and no-agent-forwarding, no-port-forwarding, no-X11-forwarding, no-user-rc (always so here)`

// parseOptions reads the options of a line. from= and expiry-time= are
// honoured; the no-…-forwarding and no-user-rc options are accepted as
// they say what this server always does; anything else is refused.
func parseOptions(opts []string) (authorizedKey, error) {
	var ak authorizedKey
	seen := map[string]bool{}
	for _, o := range opts {
		name, value, hasValue := strings.Cut(o, "=")
		name = strings.ToLower(name)
		if seen[name] {
			return ak, fmt.Errorf("option %s is given twice", name)
		}
		seen[name] = true
		switch name {
		case "from":
			v, err := optionValue(name, value, hasValue)
			if err != nil {
				return ak, err
			}
			if ak.from, err = parseFrom(v); err != nil {
				return ak, err
			}
		case "expiry-time":
			v, err := optionValue(name, value, hasValue)
			if err != nil {
				return ak, err
			}
			if ak.expires, err = parseExpiry(v); err != nil {
				return ak, err
			}
		case "no-agent-forwarding", "no-port-forwarding", "no-x11-forwarding", "no-user-rc":
			// The server forwards nothing and runs no rc file.
			if hasValue {
				return ak, fmt.Errorf("option %s takes no value", name)
			}
		default:
			return ak, fmt.Errorf("option %s is not supported: %s. Supported: %s", name, unsupportedWhy(name), supportedOptions)
		}
	}
	return ak, nil
}

// unsupportedWhy says why an option is refused.
func unsupportedWhy(name string) string {
	switch name {
	case "command":
		return "this server runs the dashboard only and takes no command, so it cannot hold a key to one"
	case "no-pty", "restrict":
		return "the dashboard needs a terminal; to keep a key out, remove its line"
	case "permitopen", "permitlisten", "tunnel", "port-forwarding", "agent-forwarding", "x11-forwarding", "pty", "user-rc":
		return "this server never forwards ports, agents, X11 or tunnels, and does not take options about them"
	case "environment":
		return "this server sets no environment from key files"
	case "principals", "cert-authority":
		return "this server takes plain public keys, not certificates"
	case "no-touch-required", "verify-required":
		return "security key options are not supported"
	}
	return "unknown option"
}

// optionValue is the value of option name, unquoted as sshd does.
func optionValue(name, v string, hasValue bool) (string, error) {
	if !hasValue || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", fmt.Errorf(`option %s needs a value in double quotes: %s="…"`, name, name)
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), nil
}

// parseExpiry reads an expiry-time as sshd does: YYYYMMDD or
// YYYYMMDDHHMM[SS], in the server's time zone, or in UTC with a Z.
func parseExpiry(v string) (time.Time, error) {
	loc := time.Local
	s := v
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		loc, s = time.UTC, s[:len(s)-1]
	}
	layout := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}[len(s)]
	if layout == "" || strings.Trim(s, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("expiry-time=%q is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]", v)
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("expiry-time=%q: %w", v, err)
	}
	return t, nil
}
