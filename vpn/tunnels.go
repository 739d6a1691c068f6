package vpn

import (
	"errors"
	"fmt"
	"strings"
)

// Health check timing: a probe every healthInterval, each waiting up to
// healthTimeout for the echo reply, and a tunnel losing the VPC's route
// after healthMisses unanswered probes in a row. A false alarm costs
// nothing (tunnel 2 is up and carries the traffic), so the check is quick
// rather than patient. iputils' ping takes fractions for -W.
const (
	healthInterval = "0.2"
	healthTimeout  = "0.5"
	healthMisses   = 2
)

// TunnelServicePath is the systemd unit that runs the health check.
const TunnelServicePath = "/etc/systemd/system/aws-tunnels.service"

// RenderTunnelScript renders TunnelScriptPath, a POSIX shell script with
// three commands:
//
//   - updown: Libreswan's leftupdown hook. On prepare-client, route-client
//     and up-client it gives the conn's XFRM interface its inside address
//     (Libreswan 4.10 creates the interface but refuses interface-ip=); on
//     down-client, when the tunnel's SA is gone, it drops the tunnel's VPC
//     route at once. It never fails the hook.
//   - health: runs until stopped. It pings both tunnels' far (AWS) inside
//     addresses over their interfaces at once, keeps the VPC's route on each
//     tunnel that answers (metric 100 for tunnel 1, 200 for tunnel 2, so
//     tunnel 1 carries the traffic while it answers) and removes it from a
//     tunnel that missed healthMisses probes in a row. Traffic comes back to
//     tunnel 1 on its first answered probe. An unreachable route (metric
//     4096) keeps the VPC's traffic off the default route when neither
//     tunnel answers. Every command it runs is idempotent, so restarting it
//     (or running it twice) drops nothing.
//   - status: the tunnels' interfaces with their counters and the VPC routes.
func RenderTunnelScript(p Profile, g Gateway) (string, error) {
	if err := errors.Join(p.Validate(), g.check(needInside)); err != nil {
		return "", fmt.Errorf("tunnel script: %w", err)
	}
	var cases strings.Builder
	for i, t := range g.Tunnels {
		fmt.Fprintf(&cases, "\t%d) conn=%s dev=%s own=%s/30 aws=%s metric=%d ;;\n",
			i+1, t.ConnName, interfaceName(i), t.InsideAddress, t.AWSInsideAddress, routeMetric(i))
	}
	return fmt.Sprintf(tunnelScript, TunnelScriptPath, g.RemoteSubnet, cases.String(),
		unreachableMetric, healthInterval, healthTimeout, healthMisses), nil
}

// tunnelScript is RenderTunnelScript's text; %% is a literal %.
const tunnelScript = `#!/bin/sh
# %[1]s (0755): the route-based AWS tunnels' interface addresses and the
# VPC's routes. Rendered by the hybrid-cloud Pulumi program: edit the stack's
# hybrid-cloud:vpn config, not this file.
#
#   aws-tunnels updown   Libreswan's leftupdown hook (aws.conf): addresses the
#                        conn's XFRM interface; drops its route when its SA goes
#   aws-tunnels health   the health check (aws-tunnels.service): the VPC's route
#                        over each tunnel whose AWS inside address answers,
#                        tunnel 1 preferred; runs until stopped
#   aws-tunnels status   both tunnels' interfaces, counters and routes
set -u

vpc_cidr=%[2]s
unreachable_metric=%[4]d
interval=%[5]s
timeout=%[6]s
misses_down=%[7]d

# tunnel N: its conn, XFRM interface, own inside address, AWS's inside
# address and the metric of the VPC route over it.
tunnel() {
	case $1 in
%[3]s	esac
}

log() { echo "aws-tunnels: $*" >&2; }

address() {
	ip link show dev "$dev" >/dev/null 2>&1 || return 0
	ip addr replace "$own" dev "$dev" && ip link set dev "$dev" up
}

has_route() { [ -n "$(ip route show exact "$vpc_cidr" dev "$dev" 2>/dev/null)" ]; }

route_up() {
	log "$conn answers: $vpc_cidr via $dev (metric $metric)"
	ip route replace "$vpc_cidr" dev "$dev" metric "$metric"
}

route_down() {
	has_route || return 0
	log "$conn: $1: $vpc_cidr no longer via $dev"
	ip route del "$vpc_cidr" dev "$dev" metric "$metric" 2>/dev/null || true
}

updown() {
	for n in 1 2; do
		tunnel "$n"
		[ "$conn" = "${PLUTO_CONNECTION:-}" ] || continue
		case ${PLUTO_VERB:-} in
		prepare-client | route-client | up-client) address ;;
		down-client) route_down "SA deleted" ;;
		esac
	done
	return 0
}

probe() { ping -n -q -c 1 -W "$timeout" -I "$dev" "$aws" >/dev/null 2>&1; }

# verdict N STATUS: tunnel N's probe exited with STATUS. A steady round
# runs nothing but the two pings and one route lookup per tunnel.
misses1=0
misses2=0
verdict() {
	tunnel "$1"
	if [ "$1" = 1 ]; then missed=$misses1; else missed=$misses2; fi
	if [ "$2" -eq 0 ]; then
		missed=0
		has_route || route_up
	else
		missed=$((missed + 1))
		if [ "$missed" -ge "$misses_down" ]; then
			route_down "$missed probes unanswered"
		fi
		# Libreswan may have made the interface again: address it.
		address
	fi
	if [ "$1" = 1 ]; then misses1=$missed; else misses2=$missed; fi
}

health() {
	log "health check: $vpc_cidr over the tunnels whose AWS inside address answers"
	ip route replace unreachable "$vpc_cidr" metric "$unreachable_metric"
	for n in 1 2; do
		tunnel "$n"
		address
	done
	while :; do
		tunnel 1
		probe &
		p1=$!
		tunnel 2
		probe &
		p2=$!
		wait "$p1"
		r1=$?
		wait "$p2"
		r2=$?
		verdict 1 "$r1"
		verdict 2 "$r2"
		sleep "$interval"
	done
}

status() {
	for n in 1 2; do
		tunnel "$n"
		echo "$conn ($dev, inside $own, AWS $aws, metric $metric):"
		ip -s link show dev "$dev" 2>&1 | sed 's/^/  /'
	done
	echo "routes to $vpc_cidr:"
	ip route show exact "$vpc_cidr" | sed 's/^/  /'
}

case ${1:-} in
updown) updown ;;
health) health ;;
status) status ;;
*)
	echo "usage: $0 updown|health|status" >&2
	exit 2
	;;
esac
`

// RenderTunnelService renders TunnelServicePath: the health check as a
// systemd service, started after ipsec and restarted should it die.
func RenderTunnelService() string {
	return `# ` + TunnelServicePath + `, rendered by the hybrid-cloud Pulumi program.
[Unit]
Description=AWS VPN tunnels: the VPC's route over the tunnels that answer
After=ipsec.service network-online.target
Wants=network-online.target

[Service]
ExecStart=` + TunnelScriptPath + ` health
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
`
}
