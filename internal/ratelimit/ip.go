package ratelimit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP is the address a request came from: the connection's peer, or,
// when trustProxy says a reverse proxy of ours stands in front, the last
// address in X-Forwarded-For, the one that proxy saw. Earlier entries were
// written by the client and are not trusted. A header that does not parse
// falls back to the peer.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if hops := r.Header.Values("X-Forwarded-For"); len(hops) > 0 {
			last := hops[len(hops)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, ok := parseIP(strings.TrimSpace(last)); ok {
				return ip
			}
		}
	}
	if ip, ok := parseIP(r.RemoteAddr); ok {
		return ip
	}
	return r.RemoteAddr
}

// parseIP accepts "1.2.3.4", "1.2.3.4:80", "::1", "[::1]:80" and gives the
// canonical text, IPv4-mapped IPv6 addresses as plain IPv4, zones dropped.
func parseIP(s string) (string, bool) {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	return a.Unmap().WithZone("").String(), true
}

// Network truncates an address to its /24 (IPv4) or /48 (IPv6) network, the
// form kept in sessions and the audit log: enough to tell where a sign-in
// came from, without keeping the person's own address. A port is ignored;
// "" when ip does not parse.
func Network(ip string) string {
	s, ok := parseIP(strings.TrimSpace(ip))
	if !ok {
		return ""
	}
	a := netip.MustParseAddr(s)
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}
