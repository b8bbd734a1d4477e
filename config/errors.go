package config

import (
	"errors"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Error is a problem that is the user's to fix: a bad flag or environment
// value, a bad config file, an unreadable turso CLI settings file, an
// unknown profile. The program prints it as one line and exits with status
// 2. It never contains a token.
type Error struct {
	// File is the file at fault, if any.
	File string
	// Line and Column locate the problem in File (1-based; 0 = unknown).
	Line, Column int
	// Key is the setting at fault: a config key such as "theme.mode", a flag
	// such as "--api-url" or an environment variable.
	Key string
	// Msg says what is wrong and, where it helps, how to fix it.
	Msg string
}

// Error renders "file:line:column: key: msg", leaving out the parts that are
// unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
			if e.Column > 0 {
				b.WriteString(":" + strconv.Itoa(e.Column))
			}
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// IsUsage reports whether err is the user's to fix and so deserves exit
// status 2: an *Error, or a flag that did not parse.
func IsUsage(err error) bool {
	if err == nil {
		return false
	}
	var (
		ce  *Error
		ne  *pflag.NotExistError
		ve  *pflag.ValueRequiredError
		ive *pflag.InvalidValueError
		ise *pflag.InvalidSyntaxError
	)
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.As(err, &ve) ||
		errors.As(err, &ive) || errors.As(err, &ise)
}
