package ipsecvm

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"time"
)

// The traffic the guest test sends runs as helper processes: the test binary
// again, in the namespace of the host that sends or receives (a process
// enters a network namespace as a whole; the test's own goroutines stay in
// the guest's root namespace). HelperEnv selects the helper; its result is
// one JSON line on stdout.
const HelperEnv = "IPSECVM_HELPER"

// ProbeResult is what a UDP probe saw: one datagram every Interval, each
// echoed back or not.
type ProbeResult struct {
	Sent, Received int
	// LongestLoss is the longest run of consecutive datagrams that got no
	// echo, and LongestLossMs that run's length in time (count × interval):
	// the outage as the traffic saw it.
	LongestLoss   int
	LongestLossMs float64
	// FirstLost is the first datagram without an echo (-1: none).
	FirstLost int
	// MaxRTTMs is the slowest echo.
	MaxRTTMs float64
	// HealthReactionMs (failover only) is how long after the kill the
	// gateway's health check took tunnel 1's route away.
	HealthReactionMs float64 `json:",omitempty"`
	// FailbackMs (failover only): from tunnel 1's endpoint's return to
	// the VPC's route on tunnel 1 again.
	FailbackMs float64 `json:",omitempty"`
}

// StreamResult is one side of a TCP transfer.
type StreamResult struct {
	Bytes  int64
	SHA256 string
}

// RunHelper runs the helper named by HelperEnv with args and returns the
// process's exit code.
func RunHelper(name string, args []string) int {
	var (
		res any
		err error
	)
	switch name {
	case "udp-echo":
		err = udpEcho(args)
	case "udp-probe":
		res, err = udpProbe(args)
	case "tcp-sink":
		res, err = tcpSink(args)
	case "tcp-source":
		res, err = tcpSource(args)
	default:
		err = fmt.Errorf("unknown helper %q", name)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	if res != nil {
		if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
			return 1
		}
	}
	return 0
}

// udpEcho ADDR:PORT echoes every datagram until killed.
func udpEcho(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: udp-echo ADDR:PORT")
	}
	c, err := net.ListenPacket("udp4", args[0])
	if err != nil {
		return err
	}
	buf := make([]byte, 2048)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return err
		}
		c.WriteTo(buf[:n], from)
	}
}

// udpProbe ADDR:PORT INTERVAL COUNT sends COUNT numbered datagrams, one
// every INTERVAL, and waits a second after the last for stragglers.
func udpProbe(args []string) (ProbeResult, error) {
	var r ProbeResult
	if len(args) != 3 {
		return r, errors.New("usage: udp-probe ADDR:PORT INTERVAL COUNT")
	}
	interval, err := time.ParseDuration(args[1])
	if err != nil {
		return r, err
	}
	count, err := strconv.Atoi(args[2])
	if err != nil || count < 1 || count > 100000 {
		return r, fmt.Errorf("count %q: 1-100000", args[2])
	}
	c, err := net.Dial("udp4", args[0])
	if err != nil {
		return r, err
	}
	defer c.Close()
	got := make([]bool, count)
	sentAt := make([]time.Time, count)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for {
			n, err := c.Read(buf)
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) {
					return
				}
				continue // ICMP unreachable while a route is missing: keep listening
			}
			if n < 4 {
				continue
			}
			seq := int(binary.BigEndian.Uint32(buf))
			if seq < count && !got[seq] {
				got[seq] = true
				if rtt := time.Since(sentAt[seq]).Seconds() * 1000; rtt > r.MaxRTTMs {
					r.MaxRTTMs = rtt
				}
			}
		}
	}()
	msg := make([]byte, 32)
	start := time.Now()
	for i := range count {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		binary.BigEndian.PutUint32(msg, uint32(i))
		sentAt[i] = time.Now()
		c.Write(msg)
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	<-done
	r.Sent = count
	r.FirstLost = -1
	run := 0
	for i, ok := range got {
		if !ok && r.FirstLost < 0 {
			r.FirstLost = i
		}
		if ok {
			r.Received++
			run = 0
			continue
		}
		run++
		r.LongestLoss = max(r.LongestLoss, run)
	}
	r.LongestLossMs = float64(r.LongestLoss) * interval.Seconds() * 1000
	return r, nil
}

// tcpSink ADDR:PORT takes one connection and reads it to the end.
func tcpSink(args []string) (StreamResult, error) {
	if len(args) != 1 {
		return StreamResult{}, errors.New("usage: tcp-sink ADDR:PORT")
	}
	l, err := net.Listen("tcp4", args[0])
	if err != nil {
		return StreamResult{}, err
	}
	defer l.Close()
	// Ready: the test starts the source once it reads this line.
	fmt.Fprintln(os.Stderr, "listening")
	c, err := l.Accept()
	if err != nil {
		return StreamResult{}, err
	}
	defer c.Close()
	h := sha256.New()
	n, err := io.Copy(h, c)
	return StreamResult{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// tcpSource ADDR:PORT BYTES DURATION sends BYTES pseudo-random bytes, paced
// evenly over DURATION, so that a transfer is under way for that long.
func tcpSource(args []string) (StreamResult, error) {
	if len(args) != 3 {
		return StreamResult{}, errors.New("usage: tcp-source ADDR:PORT BYTES DURATION")
	}
	total, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || total < 1 || total > 1<<30 {
		return StreamResult{}, fmt.Errorf("bytes %q: 1-1GiB", args[1])
	}
	d, err := time.ParseDuration(args[2])
	if err != nil {
		return StreamResult{}, err
	}
	c, err := net.DialTimeout("tcp4", args[0], 10*time.Second)
	if err != nil {
		return StreamResult{}, err
	}
	defer c.Close()
	const chunk = 16 << 10
	chunks := (total + chunk - 1) / chunk
	rng := rand.New(rand.NewPCG(uint64(total), 22))
	h := sha256.New()
	buf := make([]byte, chunk)
	start := time.Now()
	var sent int64
	for i := int64(0); i < chunks; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(float64(d) * float64(i) / float64(chunks)))))
		n := min(chunk, total-sent)
		for j := range buf[:n] {
			buf[j] = byte(rng.Uint32())
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return StreamResult{}, err
		}
		h.Write(buf[:n])
		sent += n
	}
	return StreamResult{Bytes: sent, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
