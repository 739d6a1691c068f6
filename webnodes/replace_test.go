package webnodes_test

import (
	"slices"
	"testing"

	"github.com/hybridlab/hybrid-cloud/internal/mockengine"
	"github.com/hybridlab/hybrid-cloud/webnodes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// changesOf runs one node twice, the second time with change applied to its
// config, and returns what the second `pulumi up` would do to each resource
// (by name). world, when set, edits what the first run left in the state,
// as a refresh would after someone changed the cloud.
func changesOf(t *testing.T, node int, change func(*webnodes.Config), world func(*mockengine.Engine)) map[string]mockengine.Change {
	t.Helper()
	cfg := devNodes(t)
	before, err := runNode(t, cfg, nodeCases[node].build)
	if err != nil {
		t.Fatal(err)
	}
	if world != nil {
		world(before)
	}
	if change != nil {
		change(&cfg)
	}
	after, err := runNode(t, cfg, nodeCases[node].build)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]mockengine.Change{}
	for _, c := range mockengine.Diff(before, after) {
		out[c.Name] = c
	}
	return out
}

// TestLondonReplacesWhatAzureCannotChange: Azure refuses an in-place change
// of the VM's SSH keys, admin user and zone (PropertyChangeNotAllowed), so
// each replaces the VM on purpose, delete-first (its name and NIC are one
// VM's at a time), as does a new image version; a new size does not.
func TestLondonReplacesWhatAzureCannotChange(t *testing.T) {
	t.Parallel()
	const rotated = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH0rotatedKeyForTheTestOnlyNotARealKeyAtAllxx operator@new"
	for _, tc := range []struct {
		name    string
		change  func(*webnodes.Config)
		replace bool
	}{
		{"the SSH key is rotated", func(c *webnodes.Config) { c.London.AdminSSHPublicKey = rotated }, true},
		{"a second SSH key's comment", func(c *webnodes.Config) { c.London.AdminSSHPublicKey += "-2" }, true},
		{"the admin user is renamed", func(c *webnodes.Config) { c.London.AdminUsername = "webadmin" }, true},
		{"the zone changes", func(c *webnodes.Config) { c.London.Zone = "2" }, true},
		{"a new image version", func(c *webnodes.Config) { c.London.ImageVersion = "24.04.202601150" }, true},
		{"a bigger size", func(c *webnodes.Config) { c.London.VMSize = "Standard_B2s" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vm, ok := changesOf(t, 1, tc.change, nil)["london-vm"]
			if !ok {
				t.Fatal("london-vm does not change")
			}
			if got := vm.Kind == mockengine.Replace; got != tc.replace {
				t.Errorf("london-vm: %s, want replaced=%v", vm, tc.replace)
			}
		})
	}
	// Delete-first, and only for the exact paths (nothing else in osProfile).
	e, err := runNode(t, devNodes(t), nodeCases[1].build)
	if err != nil {
		t.Fatal(err)
	}
	vm := mustFind(t, e, "azure-native:compute:VirtualMachine", "london-vm")
	want := []string{"osProfile.customData", "osProfile.adminUsername", "osProfile.linuxConfiguration.ssh.publicKeys", "storageProfile.imageReference", "zones"}
	if !slices.Equal(vm.Options.ReplaceOnChanges, want) || !vm.Options.DeleteBeforeReplace {
		t.Errorf("london-vm options %+v, want replaceOnChanges %v, delete-before-replace", vm.Options, want)
	}
}

// TestOregonIgnoresMetadataItDidNotSet: a metadata key the program does not
// set (the serial console turned on, an agent's key), seen by the refresh
// every deploy does, is updated away in place; only a new startup script
// replaces the instance.
func TestOregonIgnoresMetadataItDidNotSet(t *testing.T) {
	t.Parallel()
	addKey := func(key, value string) func(*mockengine.Engine) {
		return func(e *mockengine.Engine) {
			inst := e.Find("gcp:compute/instance:Instance", "oregon-instance")
			inst.Inputs["metadata"].ObjectValue()[resource.PropertyKey(key)] = resource.NewStringProperty(value)
		}
	}
	for _, key := range []string{"serial-port-enable", "google-logging-enabled"} {
		inst, ok := changesOf(t, 2, nil, addKey(key, "TRUE"))["oregon-instance"]
		if !ok || inst.Kind != mockengine.Update || !slices.Equal(inst.Inputs, []string{"metadata"}) {
			t.Errorf("%s added outside the program: oregon-instance %v (present %v), want an update of metadata only", key, inst, ok)
		}
	}
	// A new script (a new label) is a new instance, which runs it.
	inst := changesOf(t, 2, func(c *webnodes.Config) { c.Oregon.Label = "PORTLAND" }, nil)["oregon-instance"]
	if inst.Kind != mockengine.Replace || !slices.Contains(inst.Inputs, "metadataStartupScript") {
		t.Errorf("a new startup script: oregon-instance %v, want a replacement for metadataStartupScript", inst)
	}
}
