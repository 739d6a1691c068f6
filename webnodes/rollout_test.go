package webnodes_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/webnodes"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// probe is one health check a rollout made.
type probe struct {
	node, url, want string
	// seen is how many resources the engine had registered when the check
	// passed: every registration that waited for it comes later.
	seen int
}

// rolloutRun declares the four nodes as main.go does (webnodes.NewNodes)
// under the mock engine, with a health check that records every probe and
// passes, and exports each node's public address by key. A non-nil prior
// makes the run the next `pulumi up` of prior's stack (Follow).
func rolloutRun(t *testing.T, c webnodes.Config, prior *mockengine.Engine) (*mockengine.Engine, []probe) {
	t.Helper()
	e := mockengine.New("hybrid-cloud", "dev")
	if prior != nil {
		e.Follow(prior)
	}
	var mu sync.Mutex
	var probes []probe
	check := func(_ context.Context, node, url, want string) error {
		mu.Lock()
		defer mu.Unlock()
		probes = append(probes, probe{node: node, url: url, want: want, seen: len(e.Resources())})
		return nil
	}
	err := e.Run(func(ctx *pulumi.Context) error {
		nodes, err := newNodes(ctx, c, check)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			ctx.Export(n.Key, n.PublicIP)
		}
		return nil
	}, mockengine.Config{})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return e, slices.Clone(probes)
}

func newNodes(ctx *pulumi.Context, c webnodes.Config, check webnodes.Check) ([]*webnodes.Node, error) {
	awsP, err := aws.NewProvider(ctx, "aws-ap-northeast-2", &aws.ProviderArgs{Region: pulumi.String("ap-northeast-2")})
	if err != nil {
		return nil, err
	}
	azureP, err := azurenative.NewProvider(ctx, "azure-uksouth", &azurenative.ProviderArgs{Location: pulumi.String("uksouth")})
	if err != nil {
		return nil, err
	}
	gcpP, err := gcp.NewProvider(ctx, "gcp-us-west1", &gcp.ProviderArgs{Project: pulumi.String("hybrid-lab-dev"), Region: pulumi.String("us-west1")})
	if err != nil {
		return nil, err
	}
	aliP, err := alicloud.NewProvider(ctx, "alicloud-cn-hongkong", &alicloud.ProviderArgs{Region: pulumi.String("cn-hongkong")})
	if err != nil {
		return nil, err
	}
	return webnodes.NewNodes(ctx, &webnodes.NodesArgs{
		Seoul:    webnodes.AwsNodeArgs{Config: c.Seoul, Region: "ap-northeast-2", Placement: testPlacement, Provider: awsP},
		London:   webnodes.AzureNodeArgs{Config: c.London, Location: "uksouth", Provider: azureP},
		Oregon:   webnodes.GcpNodeArgs{Config: c.Oregon, Region: "us-west1", Provider: gcpP},
		HongKong: webnodes.AlicloudNodeArgs{Config: c.HongKong, Region: "cn-hongkong", Provider: aliP},
		Check:    check,
	})
}

// rolling is how one node goes out of rotation: when its machine is
// replaced, the step after which its address does not answer until the new
// machine serves (the address moved, or the old machine deleted first);
// when the machine is updated in place on an input the cloud applies to a
// stopped or restarted machine, that update. Either step waits for the
// previous node's Ready, whose resource is the previous node's out step.
type rolling struct {
	node, machine, out string
	// ownAddress: the new machine comes first and is checked at an
	// address of its own before the node's address moves to it.
	ownAddress bool
	// stops are the machine's inputs that the provider changes in place by
	// stopping (or restarting) it.
	stops []string
}

var rollingNodes = []rolling{
	// aws_instance: a new instance_type is set on a stopped instance
	// (terraform-provider-aws internal/service/ec2/ec2_instance.go,
	// modifyInstanceAttributeWithStopStart, read at 1a5174b1).
	{node: "seoul", machine: "seoul-instance", out: "seoul-eip-association", ownAddress: true, stops: []string{"instanceType"}},
	// A running VM restarts when resized (MicrosoftDocs/azure-docs,
	// articles/virtual-machines/sizes/resize-vm.md: changing a running
	// VM's size restarts it).
	{node: "london", machine: "london-vm", out: "london-vm", stops: []string{"hardwareProfile"}},
	// google_compute_instance: machine_type, the service account,
	// shielded_instance_config and some interface changes are made on a
	// stopped instance (allow_stopping_for_update;
	// terraform-provider-google-beta v5.42.0 resource_compute_instance.go,
	// needToStopInstanceBeforeUpdating).
	{node: "oregon", machine: "oregon-instance", out: "oregon-instance", stops: []string{"machineType", "serviceAccount", "shieldedInstanceConfig", "networkInterfaces"}},
	// alicloud_instance: image_id, instance_type, password and vswitch_id
	// are changed between StopInstance and StartInstance
	// (terraform-provider-alicloud v1.144.0 resource_alicloud_instance.go,
	// resourceAliyunInstanceUpdate).
	{node: "hongkong", machine: "hongkong-instance", out: "hongkong-eip-association", stops: []string{"imageId", "instanceType", "password", "vswitchId"}},
}

// TestARolloutKeepsThreeOfFourInRotation runs the four nodes twice, the
// second time as the next `pulumi up` with a change that replaces nodes or
// stops them for an in-place update, and replays the second run as the
// engine would schedule it: a node's out step can start as soon as what it
// depends on is done, so one that does not wait for the previous node's
// Ready is taken to start at once. The node is out from that step until it
// answers its health check. No moment may have fewer than three nodes in
// rotation, and the nodes go in order.
func TestARolloutKeepsThreeOfFourInRotation(t *testing.T) {
	// Not parallel: the first case swaps the package's renderer.
	const rotated = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH0rotatedKeyForTheTestOnlyNotARealKeyAtAllxx operator@new"
	none := func() {}
	for _, tc := range []struct {
		name string
		// change makes the second run; restore undoes it.
		change func(c *webnodes.Config) (restore func())
		want   []string // the nodes taken out, in the order they go out
	}{
		{
			name: "one comment line added to the user-data renderer",
			change: func(*webnodes.Config) func() {
				return webnodes.SetRenderer(func(u webnodes.UserData) (string, error) {
					s, err := webnodes.RenderUserData(u)
					return s + "# one more line\n", err
				})
			},
			want: []string{"seoul", "london", "oregon", "hongkong"},
		},
		{
			name:   "London's SSH key is rotated",
			change: func(c *webnodes.Config) func() { c.London.AdminSSHPublicKey = rotated; return none },
			want:   []string{"london"},
		},
		{
			name: "Hong Kong's instance type changes and London's key is rotated",
			change: func(c *webnodes.Config) func() {
				c.HongKong.InstanceType = "ecs.t6-c1m1.large"
				c.London.AdminSSHPublicKey = rotated
				return none
			},
			want: []string{"london", "hongkong"},
		},
		{
			name: "every node gets a new size (each applied on a stopped or restarted machine)",
			change: func(c *webnodes.Config) func() {
				c.Seoul.InstanceType = "t3.small"
				c.London.VMSize = "Standard_B2s"
				c.Oregon.MachineType = "e2-small"
				c.HongKong.InstanceType = "ecs.t6-c1m1.large"
				return none
			},
			want: []string{"seoul", "london", "oregon", "hongkong"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := devNodes(t)
			before, _ := rolloutRun(t, cfg, nil)
			restore := tc.change(&cfg)
			after, probes := rolloutRun(t, cfg, before)
			restore()

			changes := map[string]mockengine.Change{}
			for _, c := range mockengine.Diff(before, after) {
				changes[c.Name] = c
			}
			order := map[string]int{} // registration order of the second run
			byName := map[string]*mockengine.Resource{}
			for i, r := range after.Resources() {
				if r.Custom {
					order[r.Name], byName[r.Name] = i, r
				}
			}
			addr := map[string]string{}
			for key, o := range after.Outputs() {
				addr[key] = o.Value.(string)
			}

			type interval struct {
				node       string
				start, end float64 // positions in the second run; end +Inf: never back
			}
			var outs []interval
			var timeline []string
			var prev *rolling
			for i := range rollingNodes {
				rn := &rollingNodes[i]
				machine, out := byName[rn.machine], byName[rn.out]
				if machine == nil || out == nil {
					t.Fatalf("%s: %s or %s not registered", rn.node, rn.machine, rn.out)
				}
				// Each out step waits for the previous node only through a
				// dependency on its Ready.
				previous := prev
				waitsFor := func(r *mockengine.Resource) bool {
					return previous != nil && slices.Contains(r.Dependencies, byName[previous.out].URN)
				}
				if previous != nil {
					for _, r := range []*mockengine.Resource{out, machine} {
						if !waitsFor(r) {
							t.Errorf("%s: %s does not depend on %s (the previous node's Ready)", rn.node, r.Name, previous.out)
						}
					}
				}
				prev = rn
				c := changes[rn.machine]
				var stopped []string
				for _, in := range c.Inputs {
					if slices.Contains(rn.stops, in) {
						stopped = append(stopped, in)
					}
				}
				replaced := c.Kind == mockengine.Replace
				if !replaced && (c.Kind != mockengine.Update || len(stopped) == 0) {
					continue
				}
				step := out
				switch {
				case !replaced:
					step = machine
					timeline = append(timeline, fmt.Sprintf("update %s in place (%s): stopped or restarted, %s out", rn.machine, strings.Join(stopped, ", "), rn.node))
				case !machine.Options.DeleteBeforeReplace:
					timeline = append(timeline, fmt.Sprintf("create a new %s (the old one serves)", rn.machine))
				}
				start := float64(order[step.Name])
				if !waitsFor(step) && i > 0 {
					start = 0
				}
				if replaced && rn.ownAddress {
					own := slices.IndexFunc(probes, func(p probe) bool {
						return p.node == rn.node && p.url != nodeURL(addr[rn.node]) && p.seen <= order[rn.out]
					})
					if own < 0 {
						t.Errorf("%s: the new machine is not checked at its own address before %s moves", rn.node, rn.out)
					} else {
						timeline = append(timeline, fmt.Sprintf("%s answers at its own address %s", rn.machine, probes[own].url))
					}
				}
				switch {
				case !replaced:
				case machine.Options.DeleteBeforeReplace:
					timeline = append(timeline, fmt.Sprintf("delete the old %s first: %s out", rn.machine, rn.node))
				default:
					timeline = append(timeline, fmt.Sprintf("move %s to it: %s out", rn.out, rn.node))
				}
				end := math.Inf(1)
				last := max(order[rn.out], order[rn.machine])
				back := slices.IndexFunc(probes, func(p probe) bool {
					return p.node == rn.node && p.url == nodeURL(addr[rn.node]) && p.seen > last
				})
				if back >= 0 {
					end = float64(probes[back].seen)
					if want := "<h1>" + labelOf(cfg, rn.node) + "</h1>"; probes[back].want != want {
						t.Errorf("%s is checked for %q, want its page %q", rn.node, probes[back].want, want)
					}
					timeline = append(timeline, fmt.Sprintf("%s answers at %s: back", rn.node, probes[back].url))
				} else {
					t.Errorf("%s: nothing checks that it serves at %s after %s", rn.node, addr[rn.node], step.Name)
				}
				outs = append(outs, interval{rn.node, start, end})
			}

			var got []string
			for _, o := range outs {
				got = append(got, o.node)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("nodes taken out %v, want %v", got, tc.want)
			}
			// The fewest nodes in rotation at any moment: at each start, the
			// intervals open then.
			fewest := 4
			for _, o := range outs {
				open := 0
				for _, p := range outs {
					if p.start <= o.start && o.start < p.end {
						open++
					}
				}
				fewest = min(fewest, 4-open)
			}
			for i := 1; i < len(outs); i++ {
				if outs[i].start < outs[i-1].end {
					t.Errorf("%s goes out before %s is back", outs[i].node, outs[i-1].node)
				}
			}
			if fewest < 3 {
				t.Errorf("%d of 4 nodes in rotation at worst, want at least 3", fewest)
			}
			t.Logf("the rollout, in order (never fewer than %d of 4 in rotation):\n  %s", fewest, strings.Join(timeline, "\n  "))
		})
	}
}

func nodeURL(ip string) string { return "http://" + ip + ":80/" }

func labelOf(c webnodes.Config, node string) string {
	return map[string]string{"seoul": c.Seoul.Label, "london": c.London.Label, "oregon": c.Oregon.Label, "hongkong": c.HongKong.Label}[node]
}

// TestNewNodesRegistersNothingForABadNode: every node's args are checked
// before the first node registers.
func TestNewNodesRegistersNothingForABadNode(t *testing.T) {
	t.Parallel()
	cfg := devNodes(t)
	cfg.HongKong.Zone = "cn-shanghai-b"
	e := mockengine.New("hybrid-cloud", "dev")
	err := e.Run(func(ctx *pulumi.Context) error {
		_, err := newNodes(ctx, cfg, nil)
		return err
	}, mockengine.Config{})
	if err == nil || !strings.Contains(err.Error(), "hybrid-cloud:webNodes.hongkong.zone") {
		t.Fatalf("error %v, want one naming hybrid-cloud:webNodes.hongkong.zone", err)
	}
	for _, r := range e.Resources() {
		if !strings.HasPrefix(r.Type, "pulumi:providers:") {
			t.Errorf("%s %s registered for a bad config", r.Type, r.Name)
		}
	}
}

// TestHTTPCheck runs the rollout's check against a node on 127.0.0.1 that
// answers 503 twice before it serves its page, and one that serves
// something else.
func TestHTTPCheck(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	booting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "installing", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "<h1>SEOUL</h1>")
	}))
	defer booting.Close()
	check := webnodes.HTTPCheck(5*time.Second, 10*time.Millisecond)
	if err := check(context.Background(), "seoul", booting.URL+"/", "<h1>SEOUL</h1>"); err != nil {
		t.Errorf("a node that serves on its third answer: %v", err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d requests, want 3 (two 503s, then the page)", n)
	}

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "<h1>It works!</h1>")
	}))
	defer other.Close()
	err := webnodes.HTTPCheck(time.Second, 50*time.Millisecond)(context.Background(), "seoul", other.URL+"/", "<h1>SEOUL</h1>")
	if err == nil || !strings.Contains(err.Error(), "without <h1>SEOUL</h1>") || !strings.Contains(err.Error(), "healthTimeoutSeconds") {
		t.Errorf("a node serving another page: %v, want an error saying what it served and how to go on", err)
	}
}

// TestAFirstDeployChecksInARow: on a fresh stack the nodes are created one
// after another, each machine after the previous node's checks, so the
// deploy waits for webnodes.FirstDeployChecks checks in a row (what
// MaxHealthTimeoutSeconds is derived from), while the addresses HAProxy and
// DNS take wait for none of them.
func TestAFirstDeployChecksInARow(t *testing.T) {
	t.Parallel()
	e, probes := rolloutRun(t, devNodes(t), nil)
	if len(probes) != webnodes.FirstDeployChecks {
		t.Errorf("%d checks, want webnodes.FirstDeployChecks = %d: %v", len(probes), webnodes.FirstDeployChecks, probes)
	}
	order := map[string]int{}
	for i, r := range e.Resources() {
		order[r.Name] = i
	}
	var prevNode string
	for _, rn := range rollingNodes {
		if prevNode != "" {
			last := -1
			for _, p := range probes {
				if p.node == prevNode {
					last = max(last, p.seen)
				}
			}
			if order[rn.machine] < last {
				t.Errorf("%s is created before %s's last check: the checks would not be in a row", rn.machine, prevNode)
			}
		}
		prevNode = rn.node
	}
	// The addresses resolve from the address resources, before any check.
	for _, addr := range []string{"seoul-eip", "london-ip", "oregon-ip", "hongkong-eip"} {
		r := e.ByURN(urnOf(t, e, addr))
		for _, d := range r.Dependencies {
			if dep := e.ByURN(d); dep != nil && slices.ContainsFunc(rollingNodes, func(rn rolling) bool { return dep.Name == rn.machine || dep.Name == rn.out }) {
				t.Errorf("%s waits for %s, a step of the rollout", addr, dep.Name)
			}
		}
	}
}

func urnOf(t *testing.T, e *mockengine.Engine, name string) string {
	t.Helper()
	for _, r := range e.Resources() {
		if r.Name == name {
			return r.URN
		}
	}
	t.Fatalf("%s not registered", name)
	return ""
}
