#!/bin/sh
# /etc/ipsec.d/aws-tunnels (0755): the route-based AWS tunnels' interface addresses and the
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

vpc_cidr=10.26.0.0/16
unreachable_metric=4096
interval=0.2
timeout=0.5
misses_down=2

# tunnel N: its conn, XFRM interface, own inside address, AWS's inside
# address and the metric of the VPC route over it.
tunnel() {
	case $1 in
	1) conn=Tunnel1 dev=ipsec1 own=169.254.21.2/30 aws=169.254.21.1 metric=100 ;;
	2) conn=Tunnel2 dev=ipsec2 own=169.254.22.2/30 aws=169.254.22.1 metric=200 ;;
	esac
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
