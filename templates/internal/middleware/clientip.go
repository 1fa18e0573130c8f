package middleware

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that sent r. It is the peer
// address of the connection, unless that peer is in trustedProxies: then
// ClientIP walks X-Forwarded-For from right to left, skipping further
// trusted proxies, and returns the first address that is not one. Only
// addresses appended by trusted proxies are read, so a client cannot pick
// its own address by sending the header. ClientIP returns the zero Addr
// when RemoteAddr is not an IP address.
func ClientIP(r *http.Request, trustedProxies []netip.Prefix) netip.Addr {
	peer := remoteAddr(r)
	if !peer.IsValid() || !trusted(peer, trustedProxies) {
		return peer
	}

	client := peer
	forwarded := r.Header.Values("X-Forwarded-For")
	for i := len(forwarded) - 1; i >= 0; i-- {
		hops := strings.Split(forwarded[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			addr, ok := parseHop(strings.TrimSpace(hops[j]))
			if !ok {
				// A malformed entry ends the chain that can be trusted.
				return client
			}
			client = addr.Unmap()
			if !trusted(client, trustedProxies) {
				return client
			}
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an IP address, or an address
// with a port, as some proxies write it ("192.0.2.1:5678", "[2001:db8::1]:5678").
func parseHop(hop string) (netip.Addr, bool) {
	if addr, err := netip.ParseAddr(hop); err == nil {
		return addr, true
	}
	addrPort, err := netip.ParseAddrPort(hop)
	return addrPort.Addr(), err == nil
}

func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap()
}

func trusted(addr netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
