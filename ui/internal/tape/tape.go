// Package tape reads VHS tapes (demo.tape) so that a test can replay their
// keystrokes into the dashboard: a tape that no longer matches the keys
// fails CI instead of rotting. It understands the commands the demo uses:
// Output, Require, Set, Type, the named keys, Ctrl+<key>, Sleep, Wait,
// Hide and Show. VHS's own parser is not used because its module would
// move the pinned lipgloss v1.1.0 to a pre-release.
package tape

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind is what a command does.
type Kind int

// The kinds of command.
const (
	Output Kind = iota
	Require
	Set
	Type
	Key
	Sleep
	Wait
	Hide
	Show
)

// Command is one line of a tape.
type Command struct {
	Line int
	Kind Kind
	// Key is the key pressed, in Bubble Tea's spelling ("enter", "esc",
	// "up", "ctrl+c").
	Key string
	// Count is how many times Key is pressed.
	Count int
	// Text is what Type types, Set's value, Output's path or Require's
	// program.
	Text string
	// Setting is the name Set sets.
	Setting string
	// Pattern is what Wait waits for; Scope is "Screen" or "Line".
	Pattern *regexp.Regexp
	Scope   string
	// Duration is Sleep's length, Wait's timeout or a typing speed.
	Duration time.Duration
}

// keys maps VHS key commands to Bubble Tea key names.
var keys = map[string]string{
	"Enter": "enter", "Tab": "tab", "Space": "space", "Backspace": "backspace", "Escape": "esc",
	"Up": "up", "Down": "down", "Left": "left", "Right": "right",
	"PageUp": "pgup", "PageDown": "pgdown", "Home": "home", "End": "end", "Delete": "delete",
}

// settings are the names VHS's Set accepts.
var settings = map[string]bool{
	"Shell": true, "FontSize": true, "FontFamily": true, "Width": true, "Height": true, "LetterSpacing": true,
	"LineHeight": true, "TypingSpeed": true, "Theme": true, "Padding": true, "Margin": true, "MarginFill": true,
	"WindowBar": true, "WindowBarSize": true, "BorderRadius": true, "Framerate": true, "PlaybackSpeed": true,
	"LoopOffset": true, "CursorBlink": true,
}

// Error is a problem at a line of the tape.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads a tape. The first problem is returned as *Error with its line.
func Parse(r io.Reader) ([]Command, error) {
	var cmds []Command
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := parseLine(n, line)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return cmds, nil
}

func parseLine(n int, line string) (Command, error) {
	fail := func(format string, a ...any) (Command, error) {
		return Command{}, &Error{Line: n, Msg: fmt.Sprintf(format, a...)}
	}
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	// Options after the command word: @speed, +Scope.
	name, opts := word, ""
	skip := 0
	if strings.HasPrefix(word, "Ctrl+") {
		skip = len("Ctrl+") // its + is part of the name, not a scope
	}
	if i := strings.IndexAny(word[skip:], "@+"); i >= 0 && skip+i > 0 {
		name, opts = word[:skip+i], word[skip+i:]
	}
	c := Command{Line: n, Count: 1}
	speed, scope, err := parseOptions(opts)
	if err != nil {
		return fail("%s: %v", word, err)
	}
	c.Duration = speed
	if scope != "" && name != "Wait" {
		return fail("%s: only Wait takes +Screen or +Line", word)
	}
	switch {
	case name == "Output" || name == "Require":
		c.Kind = map[string]Kind{"Output": Output, "Require": Require}[name]
		if rest == "" {
			return fail("%s needs an argument", name)
		}
		c.Text = unquoteOr(rest)
	case name == "Set":
		setting, value, _ := strings.Cut(rest, " ")
		if !settings[setting] {
			return fail("Set: unknown setting %q", setting)
		}
		if strings.TrimSpace(value) == "" {
			return fail("Set %s needs a value", setting)
		}
		c.Kind, c.Setting, c.Text = Set, setting, unquoteOr(strings.TrimSpace(value))
	case name == "Type":
		s, ok := unquote(rest)
		if !ok {
			return fail("Type needs a quoted string")
		}
		c.Kind, c.Text = Type, s
	case name == "Sleep":
		d, err := parseDuration(rest)
		if err != nil {
			return fail("Sleep: %v", err)
		}
		c.Kind, c.Duration = Sleep, d
	case name == "Wait":
		c.Kind, c.Scope = Wait, scope
		if c.Scope == "" {
			c.Scope = "Line"
		}
		pat := rest
		if pat == "" {
			pat = "/>$/"
		}
		if len(pat) < 2 || pat[0] != '/' || pat[len(pat)-1] != '/' {
			return fail("Wait needs a /regular expression/")
		}
		re, err := regexp.Compile(pat[1 : len(pat)-1])
		if err != nil {
			return fail("Wait: %v", err)
		}
		c.Pattern = re
	case name == "Hide" || name == "Show":
		c.Kind = map[string]Kind{"Hide": Hide, "Show": Show}[name]
	case strings.HasPrefix(name, "Ctrl+"):
		k := strings.ToLower(strings.TrimPrefix(name, "Ctrl+"))
		if len(k) != 1 || k[0] < 'a' || k[0] > 'z' {
			return fail("%s: only Ctrl+<letter> is supported", name)
		}
		c.Kind, c.Key = Key, "ctrl+"+k
	default:
		k, ok := keys[name]
		if !ok {
			return fail("unknown command %q", name)
		}
		c.Kind, c.Key = Key, k
		if rest != "" {
			count, err := strconv.Atoi(rest)
			if err != nil || count < 1 {
				return fail("%s: the count must be a positive number, not %q", name, rest)
			}
			c.Count = count
		}
	}
	return c, nil
}

// parseOptions reads "@500ms", "+Screen" and "+Line@10s".
func parseOptions(opts string) (speed time.Duration, scope string, err error) {
	for opts != "" {
		switch opts[0] {
		case '+':
			end := strings.IndexByte(opts[1:], '@')
			if end < 0 {
				end = len(opts) - 1
			}
			scope = opts[1 : end+1]
			if scope != "Screen" && scope != "Line" {
				return 0, "", fmt.Errorf("unknown scope %q", scope)
			}
			opts = opts[end+1:]
		case '@':
			end := strings.IndexByte(opts[1:], '+')
			if end < 0 {
				end = len(opts) - 1
			}
			d, err := parseDuration(opts[1 : end+1])
			if err != nil {
				return 0, "", err
			}
			speed = d
			opts = opts[end+1:]
		default:
			return 0, "", fmt.Errorf("unexpected %q", opts)
		}
	}
	return speed, scope, nil
}

// parseDuration reads VHS durations: "500ms", "2s", or a bare number of seconds.
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	return d, nil
}

// unquote reads a "double", 'single' or `backtick` quoted string, as VHS
// writes them (no escapes).
func unquote(s string) (string, bool) {
	if len(s) >= 2 && strings.ContainsRune("\"'`", rune(s[0])) && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return "", false
}

func unquoteOr(s string) string {
	if u, ok := unquote(s); ok {
		return u
	}
	return s
}
