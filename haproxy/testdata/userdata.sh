#!/bin/bash
# Rendered by the hybrid-cloud Pulumi program (haproxy package): installs
# HAProxy, writes its config and starts it. Output: /var/log/cloud-init-output.log
set -euo pipefail

# The network and the package mirrors may lag the first boot by a few seconds.
for attempt in 1 2 3 4 5; do
	if dnf install -y haproxy; then
		break
	fi
	echo "dnf install haproxy failed (attempt $attempt); retrying" >&2
	sleep 10
done
command -v haproxy >/dev/null

install -d -m 0755 /etc/haproxy
cat >/etc/haproxy/haproxy.cfg.new <<'HAPROXY_CFG_END'
# Rendered by the hybrid-cloud Pulumi program (haproxy package); do not edit by hand.
global
    log /dev/log local0 info
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option forwardfor
    # Idle client connections outlive the ALB's 60s idle timeout, so the ALB
    # never sends a request on a connection HAProxy is closing (an ALB 502).
    timeout client 75s
    timeout http-keep-alive 75s
    timeout http-request 10s
    timeout connect 3s
    timeout server 10s
    timeout queue 5s
    timeout check 2s
    # A request that fails on one web node is retried on another: every retry
    # is redispatched, and the layer-7 failures a dying node causes (refused or
    # reset connections, empty or late responses, 5xx) count as retryable.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response junk-response response-timeout 0rtt-rejected 500 502 503 504

frontend http-in
    bind *:80
    # Liveness, for the ALB target group (and so the Auto Scaling group):
    # 200 while HAProxy runs, whatever the web nodes do.
    monitor-uri /healthz
    # Readiness, for Route 53 through the ALB: 503 while no web node is in
    # rotation, so DNS fails over. Not logged, like the liveness URI.
    acl readiness path /readyz
    http-request set-log-level silent if readiness
    http-request return status 503 content-type text/plain string "no web node in rotation" if readiness { nbsrv(backend_servers) lt 1 }
    http-request return status 200 content-type text/plain string ready if readiness
    # Only safe methods are replayed after the request reached a node.
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend backend_servers

backend backend_servers
    balance roundrobin
    option httpchk
    http-check send meth GET uri / ver HTTP/1.1 hdr Host haproxy-check
    http-check expect status 200
    # Checks every 2s (0.5s while a node is failing); down after 2 failed
    # checks or 3 consecutive failed requests, back after 3 good checks.
    default-server check inter 2s fastinter 500ms downinter 2s fall 2 rise 3 observe layer7 error-limit 3 on-error mark-down
    server seoul 3.36.122.217:80
    server london 20.117.241.211:80
    server oregon 35.247.86.177:80
    server hongkong 47.242.248.113:80
HAPROXY_CFG_END
haproxy -c -f /etc/haproxy/haproxy.cfg.new
mv /etc/haproxy/haproxy.cfg.new /etc/haproxy/haproxy.cfg

systemctl enable haproxy
systemctl restart haproxy
