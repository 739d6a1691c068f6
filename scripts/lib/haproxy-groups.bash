# shellcheck shell=bash
# Where each region's HAProxy group is, for scripts/deploy and
# scripts/wait-refresh (sourced; both set $stack first). A ROLE is `seoul`
# (the primary region) or `tokyo` (the secondary). Needs the pulumi CLI,
# logged in to the stack's backend, and the aws CLI.
: "${stack:?set stack before sourcing haproxy-groups.bash}"

# group_name ROLE: the Auto Scaling group's name (a stack output). Fails
# when the stack has no such output yet (a stack the tier was never deployed to).
group_name() {
	case $1 in
	seoul) pulumi stack output --stack "$stack" haproxySeoulGroup ;;
	tokyo) pulumi stack output --stack "$stack" haproxyTokyoGroup ;;
	*)
		echo "unknown group $1 (seoul or tokyo)" >&2
		return 2
		;;
	esac
}

# group_region ROLE: the group's AWS region (the stack's config).
group_region() {
	case $1 in
	seoul) pulumi config get --stack "$stack" --path clouds.awsPrimaryRegion ;;
	tokyo) pulumi config get --stack "$stack" --path clouds.awsSecondaryRegion ;;
	esac
}

# group_template GROUP REGION: "LAUNCH_TEMPLATE_ID VERSION", what the group
# launches from now (the cloud's answer, not Pulumi's state).
group_template() {
	aws autoscaling describe-auto-scaling-groups --region "$2" --auto-scaling-group-names "$1" \
		--query 'AutoScalingGroups[0].LaunchTemplate.[LaunchTemplateId,Version]' --output text
}

# group_health_check ROLE: the ID of Route 53's check of the group's region
# (readiness: HAProxy's /readyz through the region's ALB; a stack output).
group_health_check() {
	case $1 in
	seoul) pulumi stack output --stack "$stack" activeHealthCheckId ;;
	tokyo) pulumi stack output --stack "$stack" passiveHealthCheckId ;;
	esac
}
