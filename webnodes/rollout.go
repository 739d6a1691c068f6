package webnodes

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A change that replaces every node (one line of the shared renderer changes
// all four scripts) must never take more than one out of rotation. The
// nodes roll one at a time, in the order NewNodes declares them: each node's
// disruptive step (the step after which its address does not answer until
// the new machine serves: an address moved to a new machine, or an old
// machine deleted first; or an update in place that stops or restarts the
// machine) waits, through pulumi.DependsOnInputs, for the
// previous node's Ready, which resolves only once that node answers its
// health check at its public address. Where the cloud lets the new machine
// come first and be reached before the address moves (Seoul: a new instance
// with its own public IP), the address moves only once it answers there.
// Nothing outside the nodes waits for the rollout: Node.PublicIP comes
// from the address resources. docs/webnodes.md, "Rolling the nodes", says
// what each cloud allows.

// Check waits until url answers 200 with want in its body, or fails; node
// names the node for messages. A rollout calls it between nodes.
type Check func(ctx context.Context, node, url, want string) error

// Rollout is a node's place in the rollout.
type Rollout struct {
	// After is the previous node's Ready: the node's disruptive step waits
	// for it. Nil for the first node.
	After pulumi.ResourceArrayInput
	// Check probes the node as it rolls; nil probes nothing (the offline
	// plan, tests, or webNodes.rollout.healthTimeoutSeconds: 0), and the
	// order stays.
	Check Check
}

// afterPrevious orders the node's disruptive step after the previous node.
func (r Rollout) afterPrevious() []pulumi.ResourceOption {
	if r.After == nil {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.DependsOnInputs(r.After)}
}

// probing reports whether this run probes: a real update with a Check (a
// preview changes nothing, so there is nothing to wait for).
func (r Rollout) probing(ctx *pulumi.Context) bool {
	return r.Check != nil && !ctx.DryRun()
}

// probe checks that the node answers at ip (its port and page), when this
// run probes.
func (r Rollout) probe(ctx *pulumi.Context, c context.Context, n *Node, ip string) error {
	if !r.probing(ctx) || ip == "" {
		return nil
	}
	if err := r.Check(c, n.Key, nodeURL(ip, n.Port), page(n.Label)); err != nil {
		return fmt.Errorf("webnode %s: %w", n.Key, err)
	}
	return nil
}

// whenServing is value once the node answers at addr.
func whenServing(ctx *pulumi.Context, r Rollout, n *Node, addr, value pulumi.StringOutput) pulumi.StringOutput {
	return pulumi.All(addr, value).ApplyTWithContext(ctx.Context(), func(c context.Context, v []any) (string, error) {
		if err := r.probe(ctx, c, n, v[0].(string)); err != nil {
			return "", err
		}
		return v[1].(string), nil
	}).(pulumi.StringOutput)
}

// ready is the node's Ready: the resources through which it serves, once it
// answers at addr. addr must resolve only after those resources' steps (it
// is computed from their outputs), so that the probe sees the new machine.
func ready(ctx *pulumi.Context, r Rollout, n *Node, addr pulumi.StringOutput, via ...pulumi.Resource) pulumi.ResourceArrayOutput {
	return addr.ApplyTWithContext(ctx.Context(), func(c context.Context, ip string) ([]pulumi.Resource, error) {
		if err := r.probe(ctx, c, n, ip); err != nil {
			return nil, err
		}
		return via, nil
	}).(pulumi.ResourceArrayOutput)
}

// once is addr, resolved only after res's step (create, update or replace).
func once(res pulumi.CustomResource, addr pulumi.StringOutput) pulumi.StringOutput {
	return pulumi.All(res.ID(), addr).ApplyT(func(v []any) string { return v[1].(string) }).(pulumi.StringOutput)
}

func nodeURL(ip string, port int) string {
	return "http://" + net.JoinHostPort(ip, strconv.Itoa(port)) + "/"
}

// page is what a node serves, as the user data writes it.
func page(label string) string { return "<h1>" + label + "</h1>" }

// HTTPCheck is the rollout's health check: GET url every interval until it
// answers 200 with want in the body, for at most timeout (each request at
// most 5 s). A rollout does not go past a node that never answers: the
// error says which, and what to do.
func HTTPCheck(timeout, interval time.Duration) Check {
	client := &http.Client{
		Timeout: 5 * time.Second,
		// A node answers itself; a redirect is not its page.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return func(ctx context.Context, node, url, want string) error {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		attempts := max(1, int(timeout/interval))
		var last string
	poll:
		for i := range attempts {
			ok, why := get(ctx, client, url, want)
			if ok {
				return nil
			}
			if ctx.Err() != nil && last != "" {
				// The deadline cut this request short: what the node
				// said before tells the operator more.
				break
			}
			last = why
			if i+1 == attempts {
				break
			}
			select {
			case <-ctx.Done():
				break poll
			case <-time.After(interval):
			}
		}
		return fmt.Errorf("%s did not serve %s within %s (last: %s): the rollout stops here so that no second node goes out of rotation; "+
			"fix the node and run `pulumi up` again, or, to deploy while it is known down, set hybrid-cloud:webNodes.rollout.healthTimeoutSeconds to 0 for that update",
			url, want, timeout, last)
	}
}

// get fetches url once: whether it served want, and if not, why.
func get(ctx context.Context, client *http.Client, url, want string) (bool, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case err != nil:
		return false, err.Error()
	case resp.StatusCode != http.StatusOK:
		return false, resp.Status
	case !strings.Contains(string(body), want):
		return false, "200 without " + want
	}
	return true, ""
}
