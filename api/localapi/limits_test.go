package localapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed372e9e9a/turso-groups/api"
	"github.com/seed372e9e9a/turso-groups/api/emulator"
)

// startLimited serves a memory store with the given limits.
func startLimited(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Listen, cfg.Token = "127.0.0.1:0", "tok-limits"
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(time.Second) })
	return s
}

// dial opens a raw connection to s.
func dial(t *testing.T, s *Server) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// closedWithin reads conn until the server closes it, and fails the test
// if that takes longer than bound; it returns what was read.
func closedWithin(t *testing.T, conn net.Conn, bound time.Duration) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(bound))
	var b strings.Builder
	_, err := io.Copy(&b, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection was still open after %s; read %q", bound, b.String())
	}
	return b.String()
}

// bound is how long a test waits for a limit of 300 ms to act: thirty
// times over, for a busy machine.
const (
	shortLimit = 300 * time.Millisecond
	bound      = 30 * shortLimit
)

// A body sent a byte at a time is cut off at ReadTimeout: 408, and the
// connection is closed, however long the client keeps trickling.
func TestSlowBodyIsCutOff(t *testing.T) {
	s := startLimited(t, Config{ReadTimeout: shortLimit, IdleTimeout: time.Hour})
	conn := dial(t, s)
	body := `{"name":"slow","location":"lhr"}`
	io.WriteString(conn, "POST /v1/organizations/demo/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-limits\r\n"+
		"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := conn.Write([]byte{body[i%len(body)]}); err != nil {
				return
			}
		}
	}()
	start := time.Now()
	got := closedWithin(t, conn, bound)
	if !strings.HasPrefix(got, "HTTP/1.1 408 ") || !strings.Contains(got, "the request did not arrive within 300ms") {
		t.Errorf("answer %q", got)
	}
	t.Logf("a trickled body was cut off after %s", time.Since(start).Round(time.Millisecond))
	if _, ok := s.API.Store().Group(emulator.DemoOrg, "slow"); ok {
		t.Error("the cut-off request was served")
	}
}

// Headers sent slowly are cut off at ReadHeaderTimeout.
func TestSlowHeadersAreCutOff(t *testing.T) {
	s := startLimited(t, Config{ReadHeaderTimeout: shortLimit, ReadTimeout: time.Hour, IdleTimeout: time.Hour})
	conn := dial(t, s)
	io.WriteString(conn, "GET /v1/organizations/demo/groups HTTP/1.1\r\nHost: x\r\n")
	closedWithin(t, conn, bound)
}

// A kept-alive connection left idle is closed at IdleTimeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	s := startLimited(t, Config{IdleTimeout: shortLimit})
	conn := dial(t, s)
	io.WriteString(conn, "GET /v1/organizations/demo/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-limits\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 || resp.Close {
		t.Fatalf("%v, %v: want a kept-alive 200", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	start := time.Now()
	closedWithin(t, conn, bound)
	t.Logf("an idle connection was closed after %s", time.Since(start).Round(time.Millisecond))
}

// A request without the token gets its 401 and then the connection is
// closed, without waiting for IdleTimeout (an hour here).
func TestUnauthorizedConnectionIsClosed(t *testing.T) {
	s := startLimited(t, Config{IdleTimeout: time.Hour, ReadTimeout: time.Hour})
	for _, auth := range []string{"", "Authorization: Bearer wrong\r\n"} {
		conn := dial(t, s)
		io.WriteString(conn, "GET /v1/organizations/demo/groups HTTP/1.1\r\nHost: x\r\n"+auth+"\r\n")
		start := time.Now()
		got := closedWithin(t, conn, 10*time.Second)
		if !strings.HasPrefix(got, "HTTP/1.1 401 ") || !strings.Contains(got, "Connection: close") {
			t.Errorf("answer %q", got)
		}
		t.Logf("closed %s after a 401", time.Since(start).Round(time.Millisecond))
	}
}

// Headers past MaxHeaderBytes are refused (431) and the connection closed.
func TestLargeHeadersAreRefused(t *testing.T) {
	s := startLimited(t, Config{MaxHeaderBytes: 4 << 10})
	conn := dial(t, s)
	io.WriteString(conn, "GET /v1/organizations/demo/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-limits\r\nX-Pad: "+
		strings.Repeat("p", 16<<10)+"\r\n\r\n")
	if got := closedWithin(t, conn, 10*time.Second); !strings.HasPrefix(got, "HTTP/1.1 431 ") {
		t.Errorf("answer %.80q", got)
	}
}

// The limits bound reading the request, not serving it: a request whose
// answer takes longer than ReadTimeout on purpose (--latency) is still
// answered, a create whose body came in a packet of its own included
// (the handler reads it after the injected delay, when ReadTimeout has
// passed).
func TestSlowAnswersAreNotCutOff(t *testing.T) {
	s := startLimited(t, Config{ReadTimeout: shortLimit, Faults: emulator.Faults{Latency: 3 * shortLimit}})
	c, err := api.New(api.Options{BaseURL: s.URL, Token: s.Token, Org: "demo", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroups(context.Background()); err != nil {
		t.Fatal(err)
	}
	conn := dial(t, s)
	body := `{"name":"late","location":"lhr"}`
	fmt.Fprintf(conn, "POST /v1/organizations/demo/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-limits\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	time.Sleep(shortLimit / 6)
	io.WriteString(conn, body)
	conn.SetReadDeadline(time.Now().Add(bound))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v, %v: want 200", resp, err)
	}
	if _, ok := s.API.Store().Group(emulator.DemoOrg, "late"); !ok {
		t.Error("the group was not created")
	}
}

func TestDefaultLimits(t *testing.T) {
	s := startLimited(t, Config{})
	if s.srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || s.srv.ReadTimeout != DefaultReadTimeout ||
		s.srv.IdleTimeout != DefaultIdleTimeout || s.srv.MaxHeaderBytes != DefaultMaxHeaderBytes {
		t.Errorf("%+v", s.srv)
	}
}
