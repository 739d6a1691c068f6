package main

// upstream is one Pulumi provider as go.mod pins it and the source it is
// built from.
type upstream struct {
	pulumiRepo, pulumiRef string
	// repo and ref are the Terraform provider the bridge builds at that tag
	// (its upstream submodule commit or provider/go.mod's require), version
	// that commit's release tag when known.
	repo, ref, version string
	// readVia and readRef: when no snapshot of repo at ref can be had, the
	// sources are parsed at readRef, a commit of repo's history that the
	// snapshot readVia (a fork) holds; readDistance says how far it is,
	// readShort the same in a few words for each type. azure-native has a
	// readRef and no readVia: the stored version read in the search index.
	readVia, readRef, readDistance, readShort string
	// sdkModule and sdkDir locate the pinned Go SDK in the module cache.
	sdkModule, sdkDir string
	// constsFile holds the string constants resource files use as keys.
	constsFile string
	// pulumiResources reads the bridge's overrides; nil when the pulumi-*
	// repository could not be mirrored.
	pulumiResources func(mirrors, tfName string) (string, bool, error)
	// autonamingByHand stands in for pulumiResources when there is no
	// mirror: the provider calls SetAutonaming (read by hand).
	autonamingByHand bool
	// azure marks azure-native, which is not a bridged provider: its facts
	// are its own metadata, listed per type.
	azure bool
	note  string
}

var upstreams = map[string]upstream{
	"aws": {
		pulumiRepo: "pulumi/pulumi-aws", pulumiRef: "v6.83.4",
		repo: "hashicorp/terraform-provider-aws", ref: "f7a3b98da589ab1d52756b0dcee0dbf2de83d635", version: "v5.100.0",
		readVia: "nuno407/terraform-provider-aws", readRef: "1a5174b137bbdefdebd6e5c2fc033f829057e283",
		readShort: "v5.46.0-dev (2024-04-17), 54 minor versions before the bridged v5.100.0: see providers.aws.readDistance",
		readDistance: "v5.46.0 in development (2024-04-17; its CHANGELOG.md heads \"5.46.0 (Unreleased)\"): 54 minor versions and 14 months before v5.100.0 " +
			"(2025-06-12). CHANGELOG.md at the bridged commit was read for 5.75.0-5.100.0: no entry there changes an existing ForceNew of these " +
			"types; the arguments it adds are listed per type (unreadSince). 5.47.0-5.74.0 was not read.",
		sdkModule: "github.com/pulumi/pulumi-aws/sdk/v6", sdkDir: "go/aws",
		constsFile:       "names/attr_constants.go",
		autonamingByHand: true,
		note: "pulumi-aws v6.83.4 bridges terraform-provider-aws v5.100.0, upstream submodule commit f7a3b98da589ab1d52756b0dcee0dbf2de83d635: " +
			"read in a public import-ID catalog's provenance table (Pulumi v6.83.4 -> upstream v5.100.0 at that revision, \"the upstream submodule " +
			"commits in the pulumi/pulumi-aws release tags\"), and checked in the search index: CHANGELOG.md at that commit heads \"5.100.0 " +
			"(Unreleased)\" (the release commit; the date is added after tagging). pulumi/pulumi-aws (731 MB) and hashicorp/terraform-provider-aws " +
			"(932 MB) are over the 500 MB a fetch may bring, and the index holds no source file at f7a3b98 (autoscaling/group.go, elbv2/listener.go, " +
			"elbv2/target_group.go, ec2/ec2_instance.go, ec2/ec2_launch_template.go, ec2/vpnsite_connection.go tried): so the sources are parsed at " +
			"readRef, hashicorp's own commit, in the nuno407/terraform-provider-aws fork's snapshot (460 MB), the newest of the forks that could be " +
			"fetched (pulumi/terraform-provider-aws stops at v5.5.0, upbound/terraform-provider-aws at v4.67.0; ljluestc, appcd-dev, " +
			"DanielMSchmidt and zongruxie4 forks are over the limit). Types whose hand-read stored version is nearer v5.100.0 say so (handOver). " +
			"pulumi-aws's provider/resources.go (stored commit 00ba5ea53c2548fd367776345b7c52f191ce1372, not v6.83.4) auto-names every " +
			"resource's Optional or Required name that has no field entry (its own setAutonaming(255, \"-\")) and aws_lb_target_group's " +
			"name (AutoName, 32).",
	},
	"gcp": {
		pulumiRepo: "pulumi/pulumi-gcp", pulumiRef: "v7.38.0",
		repo: "hashicorp/terraform-provider-google-beta", ref: "a78523434d619acfb3251c794132fe38755a8267",
		sdkModule: "github.com/pulumi/pulumi-gcp/sdk/v7", sdkDir: "go/gcp",
		pulumiResources: bridgeEntries("pulumi/pulumi-gcp", "v7.38.0"),
		note:            "upstream is pulumi-gcp v7.38.0's upstream submodule commit (.gitmodules: terraform-provider-google-beta).",
	},
	"alicloud": {
		pulumiRepo: "pulumi/pulumi-alicloud", pulumiRef: "v3.10.0",
		repo: "aliyun/terraform-provider-alicloud", ref: "v1.144.0",
		sdkModule: "github.com/pulumi/pulumi-alicloud/sdk/v3", sdkDir: "go/alicloud",
		pulumiResources: bridgeEntries("pulumi/pulumi-alicloud", "v3.10.0"),
		note:            "upstream version from pulumi-alicloud v3.10.0's provider/go.mod (require github.com/aliyun/terraform-provider-alicloud v1.144.0).",
	},
	"openstack": {
		pulumiRepo: "pulumi/pulumi-openstack", pulumiRef: "v3.13.3",
		repo: "terraform-provider-openstack/terraform-provider-openstack", ref: "v1.52.1",
		sdkModule: "github.com/pulumi/pulumi-openstack/sdk/v3", sdkDir: "go/openstack",
		pulumiResources: bridgeEntries("pulumi/pulumi-openstack", "v3.13.3"),
		note:            "upstream version from pulumi-openstack v3.13.3's provider/go.mod (require ... terraform-provider-openstack v1.52.1).",
	},
	"random": {
		pulumiRepo: "pulumi/pulumi-random", pulumiRef: "v4.16.0",
		repo: "hashicorp/terraform-provider-random", ref: "c6e90de466877b3b0d6dd39c7573c1cfedf0a58d",
		sdkModule: "github.com/pulumi/pulumi-random/sdk/v4", sdkDir: "go/random",
		pulumiResources: bridgeEntries("pulumi/pulumi-random", "v4.16.0"),
		note:            "upstream from pulumi-random v4.16.0's provider/go.mod (terraform-provider-random v1.3.2-0.20231204135814-c6e90de46687, tag v3.6.0); a plugin-framework provider.",
	},
	"azure-native": {
		pulumiRepo: "pulumi/pulumi-azure-native", pulumiRef: "v2.90.0",
		repo: "pulumi/pulumi-azure-native", ref: "v2.90.0",
		// The index's stored versions of replacement.go, read through the
		// search tool's read_file (no fetch: the repository is 1.8 GB).
		readRef:   "f8d3054ad7a51690d78c6418a507ecd0a97bf847",
		readShort: "a stored version of provider/pkg/gen/replacement.go, not v2.90.0's own: see providers.azure-native.readDistance",
		readDistance: "provider/pkg/gen/replacement.go read at two stored commits, neither known to be v2.90.0's (2025-03-27): f8d3054a " +
			"(v2 import path, AKS networkProfile forced new whole, Network.PrivateEndpoint from issue 3883) and the later " +
			"1b7112af33c62b247daed1028686bf279f4d5e69 (v2 import path, networkProfile split per issue 4756, noForceNewMap added). Both have " +
			"the same entries for every type this stack registers: Network.PublicIPAddress {location, publicIPAddressVersion, " +
			"publicIPPrefix, sku}, Network.Subnet {}, Network.VirtualNetwork {location}, Resources.ResourceGroup {location}, and no Compute, " +
			"NetworkSecurityGroup or NetworkInterface entry.",
		azure: true,
		note: "pulumi/pulumi-azure-native (1.8 GB) is over the fetch limit and its metadata is not in the Go SDK, so v2.90.0's own files could " +
			"not be read; the SDK modules in the module cache date it (2025-03-27, pulumi/pulumi-azure-native-sdk 71546f1f5f02) and name the " +
			"default API versions: Compute 2023-03-01 (VirtualMachine), Network 2023-02-01 (VNet, subnet, NSG, NIC, public IP), Resources " +
			"2022-09-01 (resource group). azure-native forces replacement for (a) a property whose x-ms-mutability lacks \"update\" and (b) its " +
			"forceNewMap (provider/pkg/gen/replacement.go; properties.go forceNew applies both); (c) the resource name and resource group are " +
			"path parameters, part of the resource ID. azure-rest-api-specs read: Compute 2023-03-01 virtualMachine.json (stored 043b1f55) and " +
			"computeRPCommon.json (043b1f55), Microsoft.Compute common-types v1/common.json (stored 08272fcc); Network publicIpAddress.json at " +
			"2022-11-01 (stored 15c74c80b13231bc03993534cb71286e1d2a4c49) and 2024-05-01 (stored 118093527e37893ae10b10d2e08291b6bdd7cf8d), " +
			"the versions on either side of the default 2023-02-01, which the index does not hold; Resources 2022-09-01: the resource " +
			"group's location, whose description in the v2.90.0 SDK (resources/v2 resourceGroup.go, generated from the spec) says it " +
			"\"cannot be changed after the resource group has been created\", as forceNewMap has it. Network 2023-02-01's network.json " +
			"(the NSG's and NIC's location) is not in the index.",
	},
}

// source is one Pulumi resource type and the Terraform resource behind it.
type source struct {
	token, provider, tfName, file string
	// funcName is the resource's schema function; "" for the first
	// function in file returning *schema.Resource.
	funcName string
	// readByHand are the ForceNew attribute paths (Terraform names, nested
	// joined by ".") read from file at readAt when there is no mirror.
	readByHand        []string
	conditionalByHand []string
	readAt            string
	nameInput         bool
	// wholeResource: every input replaces (a resource with no Update).
	wholeResource bool
	// renames are the bridge's top-level TF -> Pulumi renames (SDK names).
	renames map[string]string
	// autoNameByHand: the bridge auto-names this input (read by hand).
	autoNameByHand string
	// pulumiReplaceOn: azure-native's facts, already in Pulumi names.
	pulumiReplaceOn []string
	// handOver: the hand-read fields (readAt) are nearer the bridged commit
	// than the parsed ones; the reason. Used even when the parse succeeds.
	handOver string
	// handDiffers: why the hand-read fields (readAt) differ from the parse,
	// which wins (the hand-read version is further from the bridged commit).
	handDiffers string
	// unreadSince are arguments the upstream CHANGELOG adds between the
	// commit read and the bridged one, whose ForceNew was not read.
	unreadSince []string
	note        string
}

var sources = []source{
	// --- AWS (read by hand: see upstreams["aws"].note).
	{token: "aws:acm/certificate:Certificate", provider: "aws", tfName: "aws_acm_certificate", file: "internal/service/acm/certificate.go",
		readAt: "01661ea3cbe6b07ed725b03c587d24ceb464484a", readByHand: []string{"certificate_authority_arn", "domain_name", "key_algorithm", "subject_alternative_names", "validation_method", "validation_option.#", "validation_option.domain_name", "validation_option.validation_domain"}},
	{token: "aws:acm/certificateValidation:CertificateValidation", provider: "aws", tfName: "aws_acm_certificate_validation", file: "internal/service/acm/certificate_validation.go",
		readAt: "004eea7f9b6658d88d652e89e10c7520a10ad6b8", readByHand: []string{"certificate_arn", "validation_record_fqdns"}},
	{token: "aws:autoscaling/group:Group", provider: "aws", tfName: "aws_autoscaling_group", file: "internal/service/autoscaling/group.go",
		readAt: "00a919d1548eb437816d4838f320502ad34183ff", nameInput: true,
		readByHand: []string{"initial_lifecycle_hook.#", "initial_lifecycle_hook.default_result", "initial_lifecycle_hook.heartbeat_timeout",
			"initial_lifecycle_hook.lifecycle_transition", "initial_lifecycle_hook.name", "initial_lifecycle_hook.notification_metadata",
			"initial_lifecycle_hook.notification_target_arn", "initial_lifecycle_hook.role_arn", "name", "name_prefix"},
		unreadSince: []string{"availability_zone_distribution (5.82.1)", "capacity_reservation_specification (5.98.0)"},
		note: "every other input is updated in place (UpdateAutoScalingGroup; load balancers, target groups, traffic sources, warm pool, metrics " +
			"and suspended processes by their own calls); a launch_template change also starts the instance refresh when instance_refresh is set. " +
			"The CustomizeDiff (launchTemplateCustomDiff) only marks the template ID unknown when its name changes. The stored version read by " +
			"hand (00a919d1, aws-sdk-go-v2, before availability_zone_distribution) agrees with the parse"},
	{token: "aws:cloudwatch/dashboard:Dashboard", provider: "aws", tfName: "aws_cloudwatch_dashboard", file: "internal/service/cloudwatch/dashboard.go",
		readAt: "0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff", readByHand: []string{"dashboard_name"}},
	{token: "aws:cloudwatch/logGroup:LogGroup", provider: "aws", tfName: "aws_cloudwatch_log_group", file: "internal/service/logs/group.go",
		readAt: "0073593e7d6993ba482409f4dc35438daaa79bb3", readByHand: []string{"log_group_class", "name", "name_prefix"}, nameInput: true},
	{token: "aws:cloudwatch/metricAlarm:MetricAlarm", provider: "aws", tfName: "aws_cloudwatch_metric_alarm", file: "internal/service/cloudwatch/metric_alarm.go",
		readAt: "055611a654738da73e7b1e2b5d2b7672c6d4d531", readByHand: []string{"alarm_name"}, renames: map[string]string{"alarm_name": "name"}, autoNameByHand: "name",
		note: "pulumi-aws maps alarm_name to name; the v6.83.4 SDK makes it optional although alarm_name is Required in Terraform: the bridge auto-names it"},
	{token: "aws:ec2/amiCopy:AmiCopy", provider: "aws", tfName: "aws_ami_copy", file: "internal/service/ec2/ec2_ami_copy.go",
		readAt: "13780a0f784b1305cb7f26b1de1957d57746e527", readByHand: []string{"encrypted", "ephemeral_block_device.#", "kms_key_id", "name", "source_ami_id", "source_ami_region"}, nameInput: true},
	{token: "aws:ec2/customerGateway:CustomerGateway", provider: "aws", tfName: "aws_customer_gateway", file: "internal/service/ec2/vpnsite_customer_gateway.go",
		readAt: "08923b68b5ad6fcfdd38362fb5247e39a9b07add", readByHand: []string{"bgp_asn", "certificate_arn", "device_name", "ip_address", "type"}},
	{token: "aws:ec2/eip:Eip", provider: "aws", tfName: "aws_eip", file: "internal/service/ec2/ec2_eip.go",
		readAt: "01606926a0c0ab9174aec440f976a48b0baee722", readByHand: []string{"address", "domain", "ipam_pool_id", "network_border_group", "public_ipv4_pool", "vpc"},
		handOver: "the union of two readings: at readRef (v5.46.0) vpc is ForceNew and ipam_pool_id does not exist yet; the stored version " +
			"01606926 has ipam_pool_id ForceNew and no vpc, which v6.0.0 removed, so it is newer than v5.100.0. The v6.83.4 SDK has both " +
			"inputs (Vpc, IpamPoolId), so v5.100.0 has both"},
	{token: "aws:ec2/instance:Instance", provider: "aws", tfName: "aws_instance", file: "internal/service/ec2/ec2_instance.go",
		readAt: "0015dfcd06d5d78e5e1c3cabe8cea837d379d1c7", readByHand: []string{
			"ami", "associate_public_ip_address", "availability_zone",
			"cpu_core_count", "cpu_options.amd_sev_snp", "cpu_options.core_count", "cpu_options.threads_per_core", "cpu_threads_per_core",
			"ebs_block_device.delete_on_termination", "ebs_block_device.device_name", "ebs_block_device.encrypted", "ebs_block_device.iops",
			"ebs_block_device.kms_key_id", "ebs_block_device.snapshot_id", "ebs_block_device.throughput", "ebs_block_device.volume_size",
			"ebs_block_device.volume_type", "ebs_optimized", "enclave_options.enabled", "ephemeral_block_device.#", "hibernation", "host_id",
			"ipv6_address_count", "ipv6_addresses", "key_name", "launch_template.#", "launch_template.id", "launch_template.name",
			"network_interface.delete_on_termination", "network_interface.device_index", "network_interface.network_card_index",
			"network_interface.network_interface_id", "placement_group", "placement_partition_number", "private_dns_name_options.#",
			"private_ip", "root_block_device.encrypted", "root_block_device.kms_key_id", "security_groups", "subnet_id", "tenancy"},
		conditionalByHand: []string{"user_data", "user_data_base64", "launch_template"},
		handDiffers: "the stored version 0015dfcd is older than readRef (aws-sdk-go v1, no instance_lifecycle or instance_market_options): " +
			"ipv6_address_count was ForceNew there and is updated in place at readRef; instance_market_options is ForceNew at readRef",
		unreadSince: []string{"enable_primary_ipv6 (5.81.0)"},
		note: "user_data and user_data_base64 replace only with user_data_replace_on_change (customdiff.ForceNewIf); instance_type only when " +
			"the old and new types share no processor architecture (ForceNewIf, DescribeInstanceTypes): a same-architecture resize is a stop, " +
			"ModifyInstanceAttribute and start; launch_template.0.version when the instance's version differs (d.ForceNew)"},
	{token: "aws:ec2/internetGateway:InternetGateway", provider: "aws", tfName: "aws_internet_gateway", file: "internal/service/ec2/vpc_internet_gateway.go",
		readAt: "08923b68b5ad6fcfdd38362fb5247e39a9b07add", readByHand: []string{}},
	{token: "aws:ec2/launchTemplate:LaunchTemplate", provider: "aws", tfName: "aws_launch_template", file: "internal/service/ec2/ec2_launch_template.go",
		readAt: "025e4f81cab8553cb052aebfcc5987e2aa8c702a", readByHand: []string{"name", "name_prefix"}, nameInput: true,
		note: "every other field is updated in place: an update writes a new template version (CreateLaunchTemplateVersion), so latestVersion counts up"},
	{token: "aws:ec2/route:Route", provider: "aws", tfName: "aws_route", file: "internal/service/ec2/vpc_route.go",
		readAt: "0128541e0711766f28540143a9d73738aced60aa", readByHand: []string{"destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id", "route_table_id"}},
	{token: "aws:ec2/routeTable:RouteTable", provider: "aws", tfName: "aws_route_table", file: "internal/service/ec2/vpc_route_table.go",
		readAt: "022092419b7cda11527df3c6b51cbfe1876c1722", readByHand: []string{"vpc_id"}},
	{token: "aws:ec2/routeTableAssociation:RouteTableAssociation", provider: "aws", tfName: "aws_route_table_association", file: "internal/service/ec2/vpc_route_table_association.go",
		readAt: "0be71beb458ad8875e0acc5c91519c0ceeb214aa", readByHand: []string{"gateway_id", "subnet_id"}},
	{token: "aws:ec2/securityGroup:SecurityGroup", provider: "aws", tfName: "aws_security_group", file: "internal/service/ec2/vpc_security_group.go",
		readAt: "01606926a0c0ab9174aec440f976a48b0baee722", readByHand: []string{"description", "name", "name_prefix", "vpc_id"}, nameInput: true},
	{token: "aws:ec2/subnet:Subnet", provider: "aws", tfName: "aws_subnet", file: "internal/service/ec2/vpc_subnet.go",
		readAt: "00cda125a19d31754cb0d073cf551264c57955cb", readByHand: []string{"availability_zone", "availability_zone_id", "cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length", "ipv6_ipam_pool_id", "ipv6_native", "ipv6_netmask_length", "outpost_arn", "vpc_id"},
		conditionalByHand: []string{"ipv6_cidr_block"},
		handDiffers: "the stored version 00cda125 also has ipv4_ipam_pool_id, ipv4_netmask_length, ipv6_ipam_pool_id and ipv6_netmask_length " +
			"ForceNew: inputs the v6.83.4 SDK lacks, so that version is newer than v5.100.0; the parse at readRef has the other fields alike"},
	{token: "aws:ec2/vpc:Vpc", provider: "aws", tfName: "aws_vpc", file: "internal/service/ec2/vpc_.go",
		readAt: "00081ce41cc691433ac19bf42227cdabffd0454d", readByHand: []string{"cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"},
		note: "instance_tenancy is modified in place (ModifyVpcTenancy), not replaced"},
	{token: "aws:ec2/vpnConnection:VpnConnection", provider: "aws", tfName: "aws_vpn_connection", file: "internal/service/ec2/vpnsite_connection.go",
		readAt: "050ac11163cab8cdae5936a7f40b0e528ff780df", readByHand: []string{"enable_acceleration", "static_routes_only", "tunnel1_inside_cidr", "tunnel1_inside_ipv6_cidr", "tunnel2_inside_cidr", "tunnel2_inside_ipv6_cidr", "tunnel_inside_ip_version", "type"},
		note: "local/remote_ipv4_network_cidr are modified in place (ModifyVpnConnectionOptions), the tunnel options too (ModifyVpnTunnelOptions), the gateways by ModifyVpnConnection"},
	{token: "aws:ec2/vpnConnectionRoute:VpnConnectionRoute", provider: "aws", tfName: "aws_vpn_connection_route", file: "internal/service/ec2/vpnsite_connection_route.go",
		readAt: "01f431114674c27cf790fafb67ac274bf8f765e1", readByHand: []string{"destination_cidr_block", "vpn_connection_id"}},
	{token: "aws:ec2/vpnGateway:VpnGateway", provider: "aws", tfName: "aws_vpn_gateway", file: "internal/service/ec2/vpnsite_gateway.go",
		readAt: "03412d530417901a6e5360333350b8d3c802cece", readByHand: []string{"amazon_side_asn", "availability_zone"}},
	{token: "aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment", provider: "aws", tfName: "aws_vpn_gateway_attachment", file: "internal/service/ec2/vpnsite_gateway_attachment.go",
		readAt: "050ac11163cab8cdae5936a7f40b0e528ff780df", readByHand: []string{"vpc_id", "vpn_gateway_id"}},
	{token: "aws:lb/listener:Listener", provider: "aws", tfName: "aws_lb_listener", file: "internal/service/elbv2/listener.go",
		readAt: "01c08000ddb14181b5bd19201d8fca311dc570e4", readByHand: []string{"load_balancer_arn"},
		note: "port, protocol, certificates, SSL policy, ALPN, default actions and mutual authentication are modified in place (ModifyListener), " +
			"the listener attributes (tcp_idle_timeout_seconds, routing_http_*) by ModifyListenerAttributes. Two stored versions were read by hand " +
			"and agree with the parse: 01c08000 (aws-sdk-go v1) and a newer one the index names only by id 4164048996 (aws-sdk-go-v2, with the " +
			"routing_http_* arguments of 5.84.0 and meta any), both with load_balancer_arn the only ForceNew"},
	{token: "aws:lb/loadBalancer:LoadBalancer", provider: "aws", tfName: "aws_lb", file: "internal/service/elbv2/load_balancer.go",
		readAt: "00edc94be7a89c4c485415cdec27094875f61bfc", readByHand: []string{"customer_owned_ipv4_pool", "internal", "load_balancer_type", "name", "name_prefix"}, nameInput: true},
	{token: "aws:lb/targetGroup:TargetGroup", provider: "aws", tfName: "aws_lb_target_group", file: "internal/service/elbv2/target_group.go",
		readAt: "013cfb4cddc9c44a28f34abad0c11768bcdb9b85", readByHand: []string{"ip_address_type", "name", "name_prefix", "port", "protocol", "protocol_version", "target_type", "vpc_id"}, nameInput: true},
	{token: "aws:route53/healthCheck:HealthCheck", provider: "aws", tfName: "aws_route53_health_check", file: "internal/service/route53/health_check.go",
		readAt: "01606926a0c0ab9174aec440f976a48b0baee722", readByHand: []string{"measure_latency", "reference_name", "request_interval", "routing_control_arn", "type"}},
	{token: "aws:route53/record:Record", provider: "aws", tfName: "aws_route53_record", file: "internal/service/route53/record.go",
		readAt: "00655c1681ea1e49ab10cd32d3f8bee372b2095b", readByHand: []string{"name", "zone_id"}, nameInput: true,
		note: "the record's name is its DNS name, not a bridge auto-name field: pulumi-aws overrides it (no autonaming)"},
	{token: "aws:sns/topic:Topic", provider: "aws", tfName: "aws_sns_topic", file: "internal/service/sns/topic.go",
		readAt: "00a35305dc1b297a6fcdecdfbba33f1e63c3da39", readByHand: []string{"fifo_topic", "name", "name_prefix"}, nameInput: true},
	{token: "aws:sns/topicSubscription:TopicSubscription", provider: "aws", tfName: "aws_sns_topic_subscription", file: "internal/service/sns/topic_subscription.go",
		readAt: "04a2e6e5bc625ec85ea8c678219b483fc674877e", readByHand: []string{"endpoint", "protocol", "topic_arn"}, renames: map[string]string{"topic_arn": "topic"}},
	{token: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", provider: "aws", tfName: "aws_vpc_security_group_egress_rule", file: "internal/service/ec2/vpc_security_group_ingress_rule.go",
		funcName: "Schema", readAt: "00a322094b4b9ade8a81b244345dbcf4b52ee8d6", readByHand: []string{"security_group_id"},
		note: "the egress rule (vpc_security_group_egress_rule.go) embeds securityGroupRuleResource, whose Schema method is in vpc_security_group_ingress_rule.go; ModifyPlan also replaces when the source kind changes (cidr_ipv4 to referenced_security_group_id)"},
	{token: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", provider: "aws", tfName: "aws_vpc_security_group_ingress_rule", file: "internal/service/ec2/vpc_security_group_ingress_rule.go",
		funcName: "Schema", readAt: "00a322094b4b9ade8a81b244345dbcf4b52ee8d6", readByHand: []string{"security_group_id"},
		note: "plugin framework (RequiresReplace); ModifyPlan also replaces when the source kind changes (cidr_ipv4 to referenced_security_group_id)"},

	// --- GCP (parsed from the mirror at the upstream commit).
	{token: "gcp:compute/address:Address", provider: "gcp", tfName: "google_compute_address", file: "google-beta/services/compute/resource_compute_address.go"},
	{token: "gcp:compute/firewall:Firewall", provider: "gcp", tfName: "google_compute_firewall", file: "google-beta/services/compute/resource_compute_firewall.go"},
	{token: "gcp:compute/instance:Instance", provider: "gcp", tfName: "google_compute_instance", file: "google-beta/services/compute/resource_compute_instance.go",
		note: "metadata (and metadata_startup_script's replacement) are not ForceNew here: the program's replaceOnChanges makes a metadata change a new VM"},
	{token: "gcp:compute/network:Network", provider: "gcp", tfName: "google_compute_network", file: "google-beta/services/compute/resource_compute_network.go"},
	{token: "gcp:compute/subnetwork:Subnetwork", provider: "gcp", tfName: "google_compute_subnetwork", file: "google-beta/services/compute/resource_compute_subnetwork.go"},
	{token: "gcp:serviceaccount/account:Account", provider: "gcp", tfName: "google_service_account", file: "google-beta/services/resourcemanager/resource_google_service_account.go"},

	// --- Alibaba Cloud.
	{token: "alicloud:ecs/eipAddress:EipAddress", provider: "alicloud", tfName: "alicloud_eip_address", file: "alicloud/resource_alicloud_eip_address.go"},
	{token: "alicloud:ecs/eipAssociation:EipAssociation", provider: "alicloud", tfName: "alicloud_eip_association", file: "alicloud/resource_alicloud_eip_association.go"},
	{token: "alicloud:ecs/instance:Instance", provider: "alicloud", tfName: "alicloud_instance", file: "alicloud/resource_alicloud_instance.go"},
	{token: "alicloud:ecs/securityGroup:SecurityGroup", provider: "alicloud", tfName: "alicloud_security_group", file: "alicloud/resource_alicloud_security_group.go"},
	{token: "alicloud:ecs/securityGroupRule:SecurityGroupRule", provider: "alicloud", tfName: "alicloud_security_group_rule", file: "alicloud/resource_alicloud_security_group_rule.go"},
	{token: "alicloud:vpc/network:Network", provider: "alicloud", tfName: "alicloud_vpc", file: "alicloud/resource_alicloud_vpc.go"},
	{token: "alicloud:vpc/switch:Switch", provider: "alicloud", tfName: "alicloud_vswitch", file: "alicloud/resource_alicloud_vswitch.go"},

	// --- OpenStack.
	{token: "openstack:compute/instance:Instance", provider: "openstack", tfName: "openstack_compute_instance_v2", file: "openstack/resource_openstack_compute_instance_v2.go"},
	{token: "openstack:networking/port:Port", provider: "openstack", tfName: "openstack_networking_port_v2", file: "openstack/resource_openstack_networking_port_v2.go"},
	{token: "openstack:networking/routerRoute:RouterRoute", provider: "openstack", tfName: "openstack_networking_router_route_v2", file: "openstack/resource_openstack_networking_router_route_v2.go"},
	{token: "openstack:networking/secGroup:SecGroup", provider: "openstack", tfName: "openstack_networking_secgroup_v2", file: "openstack/resource_openstack_networking_secgroup_v2.go"},
	{token: "openstack:networking/secGroupRule:SecGroupRule", provider: "openstack", tfName: "openstack_networking_secgroup_rule_v2", file: "openstack/resource_openstack_networking_secgroup_rule_v2.go"},

	// --- random (plugin framework).
	{token: "random:index/randomPassword:RandomPassword", provider: "random", tfName: "random_password", file: "internal/provider/resource_password.go", funcName: "passwordSchemaV3"},

	// --- azure-native (its own metadata; Pulumi names).
	{token: "azure-native:resources:ResourceGroup", provider: "azure-native", file: "provider/pkg/gen/replacement.go (forceNewMap Resources.ResourceGroup)",
		pulumiReplaceOn: []string{"location", "resourceGroupName"}},
	{token: "azure-native:network:VirtualNetwork", provider: "azure-native", file: "provider/pkg/gen/replacement.go (forceNewMap Network.VirtualNetwork)",
		pulumiReplaceOn: []string{"location", "resourceGroupName", "virtualNetworkName"}},
	{token: "azure-native:network:Subnet", provider: "azure-native", file: "provider/pkg/gen/replacement.go (forceNewMap Network.Subnet: \"no force-news\")",
		pulumiReplaceOn: []string{"resourceGroupName", "subnetName", "virtualNetworkName"}},
	{token: "azure-native:network:PublicIPAddress", provider: "azure-native",
		file:            "provider/pkg/gen/replacement.go (forceNewMap Network.PublicIPAddress); azure-rest-api-specs Network publicIpAddress.json 2022-11-01 and 2024-05-01 (x-ms-mutability)",
		pulumiReplaceOn: []string{"location", "publicIPAddressVersion", "publicIPPrefix", "publicIpAddressName", "resourceGroupName", "sku"},
		note: "zones is neither in forceNewMap nor marked by x-ms-mutability (PublicIPAddress.zones in publicIpAddress.json 2022-11-01, " +
			"stored 15c74c80, and 2024-05-01, stored 11809352, has none), so azure-native sends a new zones list as an update (a PUT), " +
			"which Azure refuses: a public IP's zone is fixed when it is created (a third-party summary of Microsoft's public IP " +
			"documentation, skylinetechnology.org/?p=1261; Microsoft's own page was not found in the stored pages)"},
	{token: "azure-native:network:NetworkSecurityGroup", provider: "azure-native", file: "provider/pkg/gen/replacement.go (no entry: path parameters only)",
		pulumiReplaceOn: []string{"networkSecurityGroupName", "resourceGroupName"},
		note: "no forceNewMap entry for the NSG (six stored replacement.go versions); whether Network 2023-02-01 marks location create-only " +
			"was not read (network.json is not in the index): forceNewMap lists location for the VNet and the public IP, which suggests it " +
			"does not. The stack's location is fixed (uksouth)"},
	{token: "azure-native:network:NetworkInterface", provider: "azure-native", file: "provider/pkg/gen/replacement.go (no entry: path parameters only)",
		pulumiReplaceOn: []string{"networkInterfaceName", "resourceGroupName"},
		note:            "as the NSG: no forceNewMap entry; Network 2023-02-01's x-ms-mutability not read"},
	{token: "azure-native:compute:VirtualMachine", provider: "azure-native",
		file:            "provider/pkg/gen/replacement.go (no Compute entry); azure-rest-api-specs Compute 2023-03-01 virtualMachine.json (x-ms-mutability)",
		pulumiReplaceOn: []string{"resourceGroupName", "vmName"},
		note: "only the path parameters: VirtualMachine (virtualMachine.json 2023-03-01, stored 043b1f55) is allOf common-types v1 " +
			"Resource, whose location has no x-ms-mutability (common.json, stored 08272fcc), and none of zones, osProfile.computerName, " +
			"adminUsername or customData (computeRPCommon.json, 043b1f55) has one, the last three saying only in prose that they \"cannot be " +
			"updated after the VM is created\". So azure-native sends a change of any of them as an update, which Azure refuses " +
			"(PropertyChangeNotAllowed): the program's replaceOnChanges names the paths it may change. The earlier fact that location is " +
			"create-only was not read and is not what the stored spec says; the stack's location is fixed (uksouth)"},
}
