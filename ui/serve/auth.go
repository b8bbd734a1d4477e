package serve

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

// authorize is the public-key callback. It only answers whether the key
// may log in: it stores nothing, because a client may offer keys it does
// not hold (GHSA-pchf-49fh-w34r); who the session is comes from the key
// that actually authenticated, in identify.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	s.refreshKeys()
	fp := gossh.FingerprintSHA256(key)
	role, why := s.keys.role(fp, addrOf(ctx.RemoteAddr()), s.cfg.now())
	if role == RoleNone {
		s.log.Info("key refused", "fingerprint", fp, "user", ctx.User(), "remote", ctx.RemoteAddr().String(), "reason", why)
	}
	return role != RoleNone
}

// addrOf is the IP address of a remote address; invalid if it has none.
func addrOf(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(t.IP)
		return ip.Unmap()
	}
	if a == nil {
		return netip.Addr{}
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// admit limits new connections per remote IP, before any SSH handshake,
// and starts the clock by which a connection must have logged in.
func (s *Server) admit(ctx ssh.Context, conn net.Conn) net.Conn {
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		host = conn.RemoteAddr().String()
	}
	if !s.limiter.allow(host) {
		s.log.Info("connection refused", "remote", conn.RemoteAddr().String(), "reason", "rate limit")
		return nil
	}
	return s.newLoginConn(ctx, conn)
}

// roleNow is the role key fp has now for a client at addr, and if none,
// why; a read-only server makes every key read-only.
func (s *Server) roleNow(fp string, addr netip.Addr, now time.Time) (Role, string) {
	role, why := s.keys.role(fp, addr, now)
	if s.cfg.UI.ReadOnly && role != RoleNone {
		role = RoleReadOnly
	}
	return role, why
}

// ipLimiter is a token bucket per remote IP, bounded in size.
type ipLimiter struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	ips   map[string]*rate.Limiter
}

const maxTrackedIPs = 10000

func newIPLimiter(r rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{r: r, burst: max(burst, 1), ips: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.ips[ip]
	if !ok {
		if len(l.ips) >= maxTrackedIPs {
			// Forget everyone rather than grow without bound; a full
			// bucket for all is the lesser harm.
			clear(l.ips)
		}
		lim = rate.NewLimiter(l.r, l.burst)
		l.ips[ip] = lim
	}
	return lim.Allow()
}
