package config

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
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

var (
	// runeRE matches a character a parser quotes from the document as
	// %#U ("U+0078 'x'"), with what introduces it ("but got", ": ").
	runeRE = regexp.MustCompile(`(?::\s*|\s+but got)?\s*U\+[0-9A-Fa-f]{4,6}(?:\s+'(?:\\.|[^'\\])*')?`)
	// jsonCharRE matches encoding/json's quoted character of the input.
	jsonCharRE = regexp.MustCompile(`(invalid character) '(?:\\.|[^'\\])*'`)
	// quotedRE matches a double-quoted or backquoted fragment.
	quotedRE = regexp.MustCompile("\"(?:\\\\.|[^\"\\\\])*\"|`[^`]*`")
	// tokenKeyRE finds a token key in a line of TOML (token =, "token" =,
	// { token = ...) or JSON ("token":), in any case.
	tokenKeyRE = regexp.MustCompile(`(?i)\btoken["']?\s*[=:]`)
)

// tokenOnLine reports whether line (1-based) of doc holds a token key.
func tokenOnLine(doc []byte, line int) bool {
	lines := bytes.Split(doc, []byte("\n"))
	return line >= 1 && line <= len(lines) && tokenKeyRE.Match(lines[line-1])
}

// grammarWords are what a parser may quote from its own grammar rather
// than from the document.
var grammarWords = []string{"true", "false", "inf", "nan", "=", `"""`, "'''"}

// withoutQuotes is a parser's syntax error message with everything it
// quotes from doc taken out: a syntax error on a token's line (a missing
// quote, a stray character) would otherwise print a character of the
// token, or all of it. The line and column still say where the error is.
func withoutQuotes(msg string, doc []byte) string {
	msg = runeRE.ReplaceAllString(msg, "")
	msg = jsonCharRE.ReplaceAllString(msg, "$1")
	msg = quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		inner, err := strconv.Unquote(q)
		if err != nil || q[0] == '`' {
			inner = q[1 : len(q)-1]
		}
		if slices.Contains(grammarWords, inner) || !bytes.Contains(doc, []byte(inner)) {
			return q
		}
		return ""
	})
	return strings.NewReplacer("  ", " ", " :", ":").Replace(strings.TrimSpace(msg))
}
