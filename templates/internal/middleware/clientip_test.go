package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"{{ module_path }}/internal/middleware"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("2001:db8::/32"),
	}

	tests := []struct {
		name       string
		remoteAddr string
		forwarded  []string
		want       string
	}{
		{name: "direct client", remoteAddr: "192.0.2.1:1234", want: "192.0.2.1"},
		{name: "untrusted peer ignores header", remoteAddr: "192.0.2.1:1234", forwarded: []string{"198.51.100.7"}, want: "192.0.2.1"},
		{name: "trusted proxy", remoteAddr: "10.1.2.3:1234", forwarded: []string{"198.51.100.7"}, want: "198.51.100.7"},
		{name: "spoofed left entry", remoteAddr: "10.1.2.3:1234", forwarded: []string{"203.0.113.9, 198.51.100.7"}, want: "198.51.100.7"},
		{name: "proxy chain", remoteAddr: "10.1.2.3:1234", forwarded: []string{"198.51.100.7, 10.9.9.9"}, want: "198.51.100.7"},
		{name: "repeated header", remoteAddr: "10.1.2.3:1234", forwarded: []string{"203.0.113.9", "198.51.100.7"}, want: "198.51.100.7"},
		{name: "malformed entry", remoteAddr: "10.1.2.3:1234", forwarded: []string{"198.51.100.7, bogus"}, want: "10.1.2.3"},
		{name: "entry with port", remoteAddr: "10.1.2.3:1234", forwarded: []string{"198.51.100.7:5678"}, want: "198.51.100.7"},
		{name: "ipv6 entry with port", remoteAddr: "10.1.2.3:1234", forwarded: []string{"[2001:db9::5]:5678, 10.9.9.9:80"}, want: "2001:db9::5"},
		{name: "only proxies", remoteAddr: "10.1.2.3:1234", forwarded: []string{"10.4.4.4"}, want: "10.4.4.4"},
		{name: "trusted ipv6 proxy", remoteAddr: "[2001:db8::1]:443", forwarded: []string{"2001:db9::5"}, want: "2001:db9::5"},
		{name: "ipv4-mapped ipv6 peer", remoteAddr: "[::ffff:192.0.2.1]:80", want: "192.0.2.1"},
		{name: "not an address", remoteAddr: "pipe", want: "invalid IP"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tt.remoteAddr
			for _, value := range tt.forwarded {
				req.Header.Add("X-Forwarded-For", value)
			}

			if got := middleware.ClientIP(req, proxies).String(); got != tt.want {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
}
