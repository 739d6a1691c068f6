package ikehandshake

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestChosenTransform(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line string
		want Transform
		args string
	}{{
		line: `"Tunnel1"[1] 198.18.0.1 #2: proposal 1:ESP=AES_GCM_C_256-ENABLED SPI=68f65458 chosen from remote proposals 1:ESP:ENCR=AES_GCM_C_256`,
		want: Transform{Cipher: "AES_GCM_C_256"},
		args: "aead rfc4106(gcm(aes)) 0x" + strings.Repeat("00", 36) + " 128",
	}, {
		line: `"Tunnel2"[1] 198.18.0.1 #4: proposal 2:ESP=AES_CBC_128-HMAC_SHA2_384_192-ENABLED SPI=aa15b815 chosen from remote proposals`,
		want: Transform{Cipher: "AES_CBC_128", Integrity: "HMAC_SHA2_384_192"},
		args: "enc cbc(aes) 0x" + strings.Repeat("00", 16) + " auth-trunc hmac(sha384) 0x" + strings.Repeat("00", 48) + " 192",
	}}
	for _, tc := range cases {
		got, err := ChosenTransform(tc.line)
		if err != nil || got != tc.want {
			t.Errorf("ChosenTransform(%q) = %v, %v; want %v", tc.line, got, err, tc.want)
			continue
		}
		args, err := got.xfrmArgs()
		if err != nil || strings.Join(args, " ") != tc.args {
			t.Errorf("%v: xfrm args %q, %v; want %q", got, args, err, tc.args)
		}
	}
	if _, err := ChosenTransform(`"Tunnel1" #1: proposal 1:IKE=AES_CBC_256-HMAC_SHA2_256 chosen`); err == nil {
		t.Error("an IKE proposal read as an ESP transform")
	}
	if _, err := (Transform{Cipher: "CHACHA20_POLY1305"}).xfrmArgs(); err == nil {
		t.Error("a transform without kernel names accepted")
	}
}

func TestLogWait(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	l := newLog()
	go func() {
		l.Write([]byte("one\ntw"))
		l.Write([]byte("o\nthree\n"))
		l.end(nil)
	}()
	if line, err := l.Wait(ctx, regexp.MustCompile(`^two$`)); err != nil || line != "two" {
		t.Errorf("Wait: %q, %v", line, err)
	}
	if _, err := l.WaitUnless(ctx, regexp.MustCompile(`three`), regexp.MustCompile(`one`)); err == nil || !strings.Contains(err.Error(), `instead "one"`) {
		t.Errorf("WaitUnless did not stop at the earlier line: %v", err)
	}
	if _, err := l.Wait(ctx, regexp.MustCompile(`four`)); err == nil || !strings.Contains(err.Error(), "pluto exited") {
		t.Errorf("Wait after the end: %v", err)
	}
	// A mark skips what an earlier exchange logged.
	if line, err := l.WaitAfter(ctx, l.Len()-2, regexp.MustCompile(`o`), nil); err != nil || line != "two" {
		t.Errorf("WaitAfter the first line: %q, %v", line, err)
	}
	if _, err := l.WaitAfter(ctx, 1, regexp.MustCompile(`one`), nil); err == nil {
		t.Error("WaitAfter found a line before its mark")
	}
	if got := l.Matching(regexp.MustCompile(`o`)); len(got) != 2 {
		t.Errorf("Matching: %q", got)
	}
}
