package tape

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	src := `# a demo
Output demo.gif
Require turso-groups
Set Theme "Catppuccin Mocha"
Set TypingSpeed 50ms

Hide
Type "export X=1"
Enter
Show
Type@100ms 'orders'
Down@300ms 3
Ctrl+C
Sleep 1.5
Sleep 500ms
Wait+Screen@10s /6 groups/
Wait
`
	cmds, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 15 {
		t.Fatalf("%d commands", len(cmds))
	}
	check := func(i int, want Command) {
		t.Helper()
		got := cmds[i]
		if got.Kind != want.Kind || got.Key != want.Key || got.Text != want.Text || got.Count != want.Count ||
			got.Setting != want.Setting || got.Duration != want.Duration || got.Scope != want.Scope || got.Line != want.Line {
			t.Errorf("command %d = %+v, want %+v", i, got, want)
		}
	}
	check(0, Command{Line: 2, Kind: Output, Text: "demo.gif", Count: 1})
	check(2, Command{Line: 4, Kind: Set, Setting: "Theme", Text: "Catppuccin Mocha", Count: 1})
	check(3, Command{Line: 5, Kind: Set, Setting: "TypingSpeed", Text: "50ms", Count: 1})
	check(5, Command{Line: 8, Kind: Type, Text: "export X=1", Count: 1})
	check(6, Command{Line: 9, Kind: Key, Key: "enter", Count: 1})
	check(8, Command{Line: 11, Kind: Type, Text: "orders", Count: 1, Duration: 100 * time.Millisecond})
	check(9, Command{Line: 12, Kind: Key, Key: "down", Count: 3, Duration: 300 * time.Millisecond})
	check(10, Command{Line: 13, Kind: Key, Key: "ctrl+c", Count: 1})
	check(11, Command{Line: 14, Kind: Sleep, Duration: 1500 * time.Millisecond, Count: 1})
	check(12, Command{Line: 15, Kind: Sleep, Duration: 500 * time.Millisecond, Count: 1})
	check(13, Command{Line: 16, Kind: Wait, Scope: "Screen", Duration: 10 * time.Second, Count: 1})
	if !cmds[13].Pattern.MatchString("6 groups · sorted") {
		t.Error("Wait pattern does not match")
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	for src, want := range map[string]string{
		"Output x.gif\nTypo \"x\"\n": `line 2: unknown command "Typo"`,
		"Set Colour red\n":           `line 1: Set: unknown setting "Colour"`,
		"\n\nType orders\n":          "line 3: Type needs a quoted string",
		"Down x\n":                   "line 1: Down: the count must be a positive number",
		"Sleep soon\n":               `line 1: Sleep: "soon" is not a duration`,
		"Wait 6 groups\n":            "line 1: Wait needs a /regular expression/",
		"Wait /(/\n":                 "line 1: Wait:",
		"Enter+Screen\n":             "only Wait takes",
		"Ctrl+F1\n":                  "only Ctrl+<letter>",
		"Wait+Everything /x/\n":      "unknown scope",
		"Output\n":                   "Output needs an argument",
		"Screenshot shot.png\n":      `unknown command "Screenshot"`,
	} {
		_, err := Parse(strings.NewReader(src))
		var te *Error
		if !errors.As(err, &te) || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", src, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Type \"x\"\nEnter 3\n", "Wait+Line@1s /a/", "Set Width 1200", "Down@x 2", "Ctrl+", "@", "+", "Type \""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		cmds, err := Parse(strings.NewReader(src))
		if err != nil {
			var te *Error
			if !errors.As(err, &te) && !strings.Contains(err.Error(), "token too long") {
				t.Fatalf("error %v is not a line error", err)
			}
			return
		}
		for _, c := range cmds {
			if c.Line < 1 || (c.Kind == Key && c.Count < 1) || (c.Kind == Wait && c.Pattern == nil) {
				t.Fatalf("bad command %+v", c)
			}
		}
	})
}

func TestBareWaitDefaultsToThePrompt(t *testing.T) {
	cmds, err := Parse(strings.NewReader("Wait\n"))
	if err != nil || cmds[0].Scope != "Line" || !cmds[0].Pattern.MatchString("$ >") {
		t.Fatalf("bare Wait = %+v, %v", cmds, err)
	}
}
