#!/bin/sh
# /etc/ipsec.d/aws-tunnels (0755): the route-based AWS tunnels' interface addresses and the
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

vpc_cidr=10.26.0.0/16
onprem_cidr=192.168.0.0/20
mtu=1350
unreachable_metric=4096
interval=0.2
timeout=0.5
misses_down=2

# tunnel N: its conn, XFRM interface and its if_id, own inside address,
# AWS's inside address and the metric of the VPC route over it.
tunnel() {
	case $1 in
	1) conn=Tunnel1 dev=ipsec1 if_id=1 own=169.254.21.2/30 aws=169.254.21.1 metric=100 ;;
	2) conn=Tunnel2 dev=ipsec2 if_id=2 own=169.254.22.2/30 aws=169.254.22.1 metric=200 ;;
	esac
}

log() { echo "aws-tunnels: $*" >&2; }

address() {
	ip link show dev "$dev" >/dev/null 2>&1 || return 0
	ip addr replace "$own" dev "$dev" && ip link set dev "$dev" mtu "$mtu" up
}

has_route() { [ -n "$(ip route show exact "$vpc_cidr" dev "$dev" 2>/dev/null)" ]; }

# has_sa: the tunnel has an installed Child SA (an XFRM state on its if_id).
has_sa() { ip xfrm state 2>/dev/null | grep -qw "if_id 0x$(printf %x "$if_id")"; }

# lan_address: the gateway's own address in the on-prem CIDR, the VPC
# routes' src; empty if it has none.
lan_address() {
	ip -4 -o addr show to "$onprem_cidr" scope global 2>/dev/null | {
		read -r _ _ _ a _ || exit 0
		echo "${a%%/*}"
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
