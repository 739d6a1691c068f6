package ikehandshake

import (
	"os"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSwapReplacesWholeAddressesOnce(t *testing.T) {
	t.Parallel()
	s := Swap{"192.0.2.1": "198.18.0.11", "198.18.0.11": "198.18.0.1", "123.142.252.25": "198.18.0.1"}
	got, err := s.Apply("aws.conf", "leftid=123.142.252.25\nright=192.0.2.1\nright=192.0.2.10\nx=198.18.0.11\n")
	if err != nil {
		t.Fatal(err)
	}
	// 192.0.2.10 is not 192.0.2.1, and a replacement is not replaced again.
	if want := "leftid=198.18.0.1\nright=198.18.0.11\nright=192.0.2.10\nx=198.18.0.1\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSwapFailsWhenAnAddressIsMissing(t *testing.T) {
	t.Parallel()
	_, err := Swap{"192.0.2.1": "198.18.0.11"}.Apply("aws.secrets", `1.2.3.4 192.0.2.10 : PSK "`+fakePSK+`"`)
	if err == nil || !strings.Contains(err.Error(), "aws.secrets: address 192.0.2.1 does not occur") {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), fakePSK) {
		t.Error("the error shows the secrets file")
	}
}

func TestParseConns(t *testing.T) {
	t.Parallel()
	conns := ParseConns(`# comment
config setup
	dnssec-enable=no

conn Tunnel1
	auto=start
	# right=10.0.0.1
	right=192.0.2.10
  leftid="@gw"

conn Tunnel2
	auto=add
	right=192.0.2.20
`)
	if len(conns) != 2 || conns[0].Name != "Tunnel1" || conns[1].Name != "Tunnel2" {
		t.Fatalf("conns %+v", conns)
	}
	if c := conns[0].Keys; c["auto"] != "start" || c["right"] != "192.0.2.10" || c["leftid"] != "@gw" || c["dnssec-enable"] != "" {
		t.Errorf("Tunnel1 keys %v", c)
	}
	if conns[1].Keys["auto"] != "add" {
		t.Errorf("Tunnel2 keys %v", conns[1].Keys)
	}
}
