package vpn

import (
	"errors"
	"fmt"
	"strings"
)

// Health check timing: a probe every healthInterval, each waiting up to
// healthTimeout for the echo reply, and a tunnel losing the VPC's route
// after healthMisses unanswered probes in a row while the other tunnel
// answers. A false alarm on one tunnel costs nothing (the other carries the
// traffic), and one on both costs nothing either (the routes stay on the
// tunnels with an SA), so the check is quick rather than patient. iputils'
// ping takes fractions for -W.
const (
	healthInterval = "0.2"
	healthTimeout  = "0.5"
	healthMisses   = 2
)

// tunnelMTU is the MTU the script gives each XFRM interface. On-prem
// traffic larger than it is fragmented before encryption (or, with DF set,
// answered with "fragmentation needed" by the gateway itself, one hop from
// the sender), which is what AWS asks of a customer gateway ("Fragment IP
// packets before encryption", "Adjust MTU and MSS sizes according to the
// algorithms in use": docs.aws.amazon.com/vpn/latest/s2svpn/cgw-best-practice.html).
// 1350 fits the worst ESP-in-UDP overhead the profiles allow (20 IP + 8 UDP
// + 8 ESP + 16 IV + up to 17 padding and trailer + 24 ICV for AES-CBC with
// SHA-384 = 93 bytes) on OpenStack's VXLAN MTU of 1450: 1357, rounded down.
// The interface's default, 1500, would have every full-size packet
// fragmented after encryption on the underlay, or lost to PMTUD.
const tunnelMTU = 1350

// TunnelServicePath is the systemd unit that runs the health check.
const TunnelServicePath = "/etc/systemd/system/aws-tunnels.service"

// RenderTunnelScript renders TunnelScriptPath, a POSIX shell script with
// three commands:
//
//   - updown: Libreswan's leftupdown hook. On prepare-client, route-client
//     and up-client it gives the conn's XFRM interface its inside address
//     and MTU (Libreswan 4.10 creates the interface but refuses
//     interface-ip=); on down-client, when the tunnel's SA is gone, it drops
//     the tunnel's VPC route at once. It never fails the hook.
//   - health: runs until stopped. It pings both tunnels' far (AWS) inside
//     addresses over their interfaces at once and keeps the VPC's route on
//     each tunnel that answers and has an installed SA (an XFRM state with
//     the interface's if_id; metric 100 for tunnel 1, 200 for tunnel 2, so
//     tunnel 1 carries the traffic while it answers). A tunnel that missed
//     healthMisses probes in a row loses the route while the other answers;
//     when neither answers, every tunnel with an installed SA keeps (or gets
//     back) its route, tunnel 1 preferred by its metric: unanswered pings
//     alone (the on-prem uplink's jitter, or AWS not answering ICMP to its
//     inside address) never take the VPC away while both Child SAs are up.
//     An unreachable route (metric 4096) keeps the VPC's traffic off the
//     default route when no tunnel has a route. The VPC routes carry src
//     with the gateway's own address in the on-prem CIDR, found when the
//     route is made (the gateway VM's port address is not known when the
//     script is rendered): its own traffic to the VPC then leaves with an
//     address the VPC routes back, not its 169.254 inside address. Every
//     command it runs is idempotent, so restarting it (or running it twice)
//     drops nothing.
//   - status: the tunnels' interfaces with their counters, SAs and the VPC
//     routes.
func RenderTunnelScript(p Profile, g Gateway) (string, error) {
	if err := errors.Join(p.Validate(), g.check(needInside)); err != nil {
		return "", fmt.Errorf("tunnel script: %w", err)
	}
	var cases strings.Builder
	for i, t := range g.Tunnels {
		fmt.Fprintf(&cases, "\t%d) conn=%s dev=%s if_id=%d own=%s/30 aws=%s metric=%d ;;\n",
			i+1, t.ConnName, interfaceName(i), interfaceID(i), t.InsideAddress, t.AWSInsideAddress, routeMetric(i))
	}
	return fmt.Sprintf(tunnelScript, TunnelScriptPath, g.RemoteSubnet, cases.String(),
		unreachableMetric, healthInterval, healthTimeout, healthMisses, g.LocalSubnet, tunnelMTU), nil
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
#                        over each tunnel with an SA whose AWS inside address
#                        answers (over each tunnel with an SA when none
#                        answers), tunnel 1 preferred; runs until stopped
#   aws-tunnels status   both tunnels' interfaces, counters, SAs and routes
set -u

vpc_cidr=%[2]s
onprem_cidr=%[8]s
mtu=%[9]d
unreachable_metric=%[4]d
interval=%[5]s
timeout=%[6]s
misses_down=%[7]d

# tunnel N: its conn, XFRM interface and its if_id, own inside address,
# AWS's inside address and the metric of the VPC route over it.
tunnel() {
	case $1 in
%[3]s	esac
}

log() { echo "aws-tunnels: $*" >&2; }

address() {
	ip link show dev "$dev" >/dev/null 2>&1 || return 0
	ip addr replace "$own" dev "$dev" && ip link set dev "$dev" mtu "$mtu" up
}

has_route() { [ -n "$(ip route show exact "$vpc_cidr" dev "$dev" 2>/dev/null)" ]; }

# has_sa: the tunnel has an installed Child SA (an XFRM state on its if_id).
has_sa() { ip xfrm state 2>/dev/null | grep -qw "if_id 0x$(printf %%x "$if_id")"; }

# lan_address: the gateway's own address in the on-prem CIDR, the VPC
# routes' src; empty if it has none.
lan_address() {
	ip -4 -o addr show to "$onprem_cidr" scope global 2>/dev/null | {
		read -r _ _ _ a _ || exit 0
		echo "${a%%%%/*}"
	}
}

# route_up WHY: the VPC's route over the tunnel, if it has an SA (the
# updown hook may just have dropped the route with the SA).
route_up() {
	if ! has_sa; then
		log "$conn: $1 but has no SA: no route via $dev"
		return 0
	fi
	src=$(lan_address)
	log "$conn: $1: $vpc_cidr via $dev (metric $metric${src:+, src $src})"
	ip route replace "$vpc_cidr" dev "$dev" metric "$metric" ${src:+src "$src"}
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

# count N STATUS: tunnel N's probe exited with STATUS; misses1 and misses2
# count the probes unanswered in a row. A tunnel has to answer once before
# it gets a route.
misses1=$misses_down
misses2=$misses_down
count() {
	tunnel "$1"
	if [ "$1" = 1 ]; then missed=$misses1; else missed=$misses2; fi
	if [ "$2" -eq 0 ]; then
		missed=0
	else
		missed=$((missed + 1))
		# Libreswan may have made the interface again: address it.
		address
	fi
	if [ "$1" = 1 ]; then misses1=$missed; else misses2=$missed; fi
}

# steer N MISSED: tunnel N's route after MISSED probes unanswered in a row,
# with none_answer=1 when neither tunnel answers. A steady round with a
# tunnel answering runs nothing but one route lookup per tunnel.
steer() {
	tunnel "$1"
	if [ "$2" -lt "$misses_down" ]; then
		has_route || route_up "answers"
	elif [ "$none_answer" = 0 ]; then
		route_down "$2 probes unanswered"
	elif has_sa; then
		has_route || route_up "no tunnel answers, SA installed"
	else
		route_down "no tunnel answers and no SA"
	fi
}

health() {
	log "health check: $vpc_cidr over the tunnels whose AWS inside address answers (over those with an SA when none answers)"
	ip route replace unreachable "$vpc_cidr" metric "$unreachable_metric"
	for n in 1 2; do
		tunnel "$n"
		address
	done
	none_answer=0
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
		count 1 "$r1"
		count 2 "$r2"
		was=$none_answer
		none_answer=0
		if [ "$misses1" -ge "$misses_down" ] && [ "$misses2" -ge "$misses_down" ]; then
			none_answer=1
		fi
		if [ "$none_answer" != "$was" ]; then
			if [ "$none_answer" = 1 ]; then
				log "no tunnel answers: $vpc_cidr stays via each tunnel with an SA"
			else
				log "a tunnel answers again"
			fi
		fi
		steer 1 "$misses1"
		steer 2 "$misses2"
		sleep "$interval"
	done
}

status() {
	for n in 1 2; do
		tunnel "$n"
		sa=no
		has_sa && sa=yes
		echo "$conn ($dev, if_id $if_id, inside $own, AWS $aws, metric $metric, SA installed: $sa):"
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
