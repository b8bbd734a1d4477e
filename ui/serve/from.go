package serve

import (
	"fmt"
	"net/netip"
	"strings"
)

// fromList is the pattern list of a from= option, matched as sshd matches
// it with UseDNS off (its default): against the client's address only.
// Each entry is an address, a CIDR network, or a wildcard pattern (* and
// ?) on the address as text, and may be negated with "!". The client is
// allowed when an entry matches and no negated entry does.
type fromList struct {
	raw     string
	entries []fromEntry
}

type fromEntry struct {
	neg    bool
	prefix netip.Prefix // valid for an address or a network
	glob   string       // otherwise, lower case
}

// parseFrom parses the value of a from= option. It refuses what sshd
// would not match as written: an empty entry, a network with bits set
// beyond its mask, and host names, which sshd matches only when it looks
// names up (UseDNS) and this server never does; a negated name that
// never matches would be a restriction silently ignored.
func parseFrom(v string) (*fromList, error) {
	l := &fromList{raw: v}
	for _, e := range strings.Split(v, ",") {
		var fe fromEntry
		if strings.HasPrefix(e, "!") {
			fe.neg, e = true, e[1:]
		}
		switch {
		case e == "":
			return nil, fmt.Errorf("from=%q has an empty pattern", v)
		case strings.Contains(e, "/"):
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return nil, fmt.Errorf("from=%q: %q is not a network in CIDR form (like 10.0.0.0/8)", v, e)
			}
			if p.Masked() != p {
				return nil, fmt.Errorf("from=%q: %q has bits set beyond its /%d mask (%s is the network)", v, e, p.Bits(), p.Masked())
			}
			fe.prefix = p
		default:
			if a, err := netip.ParseAddr(e); err == nil {
				fe.prefix = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
				break
			}
			if strings.Trim(strings.ToLower(e), "0123456789abcdef.:*?") != "" {
				return nil, fmt.Errorf("from=%q: %q is a host name pattern; this server matches addresses only (it does not look names up): use addresses, CIDR networks or address wildcards", v, e)
			}
			fe.glob = strings.ToLower(e)
		}
		l.entries = append(l.entries, fe)
	}
	return l, nil
}

// allows reports whether the list admits a client at addr. An invalid
// addr (no address known) is never admitted.
func (l *fromList) allows(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	addr = addr.Unmap()
	text := strings.ToLower(addr.String())
	ok := false
	for _, e := range l.entries {
		var m bool
		if e.prefix.IsValid() {
			m = e.prefix.Contains(addr)
		} else {
			m = wildcardMatch(e.glob, text)
		}
		if m {
			if e.neg {
				return false
			}
			ok = true
		}
	}
	return ok
}

// wildcardMatch matches s against pattern, in which * is any run of
// characters and ? any one, as sshd's match_pattern does.
func wildcardMatch(pattern, s string) bool {
	// The classic greedy match with backtracking to the last star: linear
	// in practice, and never recursive on hostile input.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
