package haproxy

import (
	"fmt"
	"strings"
)

// noteConfig is the lecture note's haproxy.cfg, as typed on HA-seoul, with the
// note's addresses swapped for servers and `*:80` for bind. The benchmark runs
// it next to Render's config; nothing ships it.
func noteConfig(servers []Server, bind string) string {
	var b strings.Builder
	b.WriteString(`global
    daemon

defaults
    mode               http

frontend  http-in
    bind ` + bind + `
    default_backend    backend_servers

backend backend_servers
    balance            roundrobin
#    cookie  SVID insert indirect nocache maxlife 3m
`)
	for i, s := range servers {
		fmt.Fprintf(&b, "    server             %s %s:%d cookie w%d check\n", s.Name, s.Address, s.Port, i+1)
	}
	return b.String()
}
