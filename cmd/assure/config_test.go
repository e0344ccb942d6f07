package main

import (
	"slices"
	"strings"
	"testing"
)

// TRUST_PROXY names proxies; "true" (which once meant every private address) is refused.
func TestTrustProxySetting(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"": nil, "false": nil, "10.0.0.5": {"10.0.0.5"}, " 10.0.0.5 , 10.1.0.0/16,::1": {"10.0.0.5", "10.1.0.0/16", "::1"},
	} {
		if got, err := parseProxies(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"true", "proxy.local", "10.0.0.0/33", "10.0.0.5,yes"} {
		if _, err := parseProxies(in); err == nil || !strings.Contains(err.Error(), "TRUST_PROXY") {
			t.Errorf("%q accepted: %v", in, err)
		}
	}
}
