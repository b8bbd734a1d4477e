package api

import (
	"errors"
	"fmt"
	"strings"
)

// MaxGroupNameLen is the longest group name the turso CLI accepted.
const MaxGroupNameLen = 32

// ExtensionNames are the extensions the OpenAPI spec lists, in its order.
var ExtensionNames = []string{"vector", "crypto", "fuzzy", "math", "stats", "text", "unicode", "uuid", "regexp", "vec"}

// ErrInvalidName is wrapped by every error ValidateGroupName returns.
var ErrInvalidName = errors.New("invalid group name")

// ErrInvalidExtension is wrapped by every error ValidateExtensions returns.
var ErrInvalidExtension = errors.New("invalid extensions")

// ValidateGroupName checks name against the rule the turso CLI enforced
// before it left validation to the server: 1 to 32 characters, ASCII
// lowercase letters, digits and hyphens, not starting or ending with a
// hyphen. The error says what is wrong in words a user can act on.
func ValidateGroupName(name string) error {
	return validateName(name, MaxGroupNameLen, ErrInvalidName)
}

// validateName is the naming rule groups and databases share, up to max
// bytes, with errors wrapping kind.
func validateName(name string, max int, kind error) error {
	if name == "" {
		return fmt.Errorf("%w: a name is required", kind)
	}
	if len(name) > max {
		return fmt.Errorf("%w: it is %d characters long; the limit is %d", kind, len(name), max)
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
		case r >= 'A' && r <= 'Z':
			return fmt.Errorf("%w: use lowercase letters (%q at position %d is uppercase)", kind, r, i+1)
		default:
			return fmt.Errorf("%w: only lowercase letters, digits and hyphens are allowed (%s at position %d is not)", kind, quoteRune(r), i+1)
		}
	}
	if strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") {
		return fmt.Errorf("%w: it cannot start or end with a hyphen", kind)
	}
	return nil
}

// quoteRune quotes r so that control characters and escapes are shown as
// text, never sent to the terminal.
func quoteRune(r rune) string {
	if r == ' ' {
		return "a space"
	}
	return fmt.Sprintf("%+q", r)
}

// ValidExtension reports whether name is one of ExtensionNames.
func ValidExtension(name string) bool {
	for _, n := range ExtensionNames {
		if n == name {
			return true
		}
	}
	return false
}

// ValidateExtensions checks that every named extension is one the API knows
// and that none is listed twice.
func ValidateExtensions(e Extensions) error {
	if e.All {
		if len(e.Names) > 0 {
			return fmt.Errorf("%w: choose either all or a list, not both", ErrInvalidExtension)
		}
		return nil
	}
	seen := make(map[string]bool, len(e.Names))
	for _, n := range e.Names {
		if !ValidExtension(n) {
			return fmt.Errorf("%w: %q is not one of %s", ErrInvalidExtension, n, strings.Join(ExtensionNames, ", "))
		}
		if seen[n] {
			return fmt.Errorf("%w: %q is listed twice", ErrInvalidExtension, n)
		}
		seen[n] = true
	}
	return nil
}
