package serve

import (
	"net"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// Whatever the key, the server forwards nothing: no connection out
// through it (direct-tcpip), no port listened on for the client
// (tcpip-forward), no subsystem (sftp), and it never opens an agent or X11
// channel back, even when the session asks for them. This is why the key
// file options no-port-forwarding, no-agent-forwarding, no-X11-forwarding
// and no-user-rc are accepted as already true.
func TestNothingIsForwarded(t *testing.T) {
	f := newFixture(t, "")
	s := f.start(f.config())
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	for _, k := range []testKey{f.full, f.ro} {
		conn, err := gossh.Dial("tcp", s.addr, dialConfig(nil, gossh.PublicKeys(k.signer)))
		if err != nil {
			t.Fatal(err)
		}
		agent := conn.HandleChannelOpen("auth-agent@openssh.com")
		x11 := conn.HandleChannelOpen("x11")
		if c, err := conn.Dial("tcp", target.Addr().String()); err == nil {
			c.Close()
			t.Errorf("%s: a connection was forwarded through the server", k.fp)
		}
		if l, err := conn.Listen("tcp", "127.0.0.1:0"); err == nil {
			l.Close()
			t.Errorf("%s: the server listened for the client", k.fp)
		}
		sftp, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sftp.RequestSubsystem("sftp"); err == nil {
			t.Errorf("%s: the sftp subsystem was accepted", k.fp)
		}
		sftp.Close()

		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = sess.SendRequest("auth-agent-req@openssh.com", true, nil)
		_, _ = sess.SendRequest("x11-req", true, gossh.Marshal(struct {
			Single   bool
			Protocol string
			Cookie   string
			Screen   uint32
		}{false, "MIT-MAGIC-COOKIE-1", "00", 0}))
		tm := &term{t: t, conn: conn, sess: sess, done: make(chan struct{}), queried: make(chan struct{})}
		if tm.stdin, err = sess.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		sess.Stdout = &tm.out
		if err := sess.RequestPty("dumb", 30, 100, nil); err != nil {
			t.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		go func() { tm.waitErr = sess.Wait(); close(tm.done) }()
		t.Cleanup(tm.close)
		tm.waitLoaded()
		select {
		case ch := <-agent:
			ch.Reject(gossh.Prohibited, "test")
			t.Errorf("%s: the server opened an agent channel", k.fp)
		case ch := <-x11:
			ch.Reject(gossh.Prohibited, "test")
			t.Errorf("%s: the server opened an X11 channel", k.fp)
		default:
		}
	}
}
