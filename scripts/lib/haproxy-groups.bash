# shellcheck shell=bash
# Where each region's HAProxy group is, and whether Route 53 sees a region
# ready, for scripts/deploy and scripts/wait-refresh (sourced; both set
# $stack first). A ROLE is `seoul` (the primary region) or `tokyo` (the
# secondary). Needs the pulumi CLI, logged in to the stack's backend, and
# the aws CLI.
: "${stack:?set stack before sourcing haproxy-groups.bash}"

# read_outputs: sets $outputs to the stack's outputs, one JSON object, read
# once (`pulumi stack output --json`; needs jq); the callers call it before
# the functions below, which read $outputs. Any error of the CLI (a backend that
# does not answer, a stack that is not there) fails, loudly: it is not "no
# group yet", which would skip the Tokyo-first step. A stack the tier was
# never deployed to answers an object without the groups' keys.
read_outputs() {
	outputs=$(pulumi stack output --stack "$stack" --json)
	jq -e 'type == "object"' <<<"$outputs" >/dev/null || {
		echo "pulumi stack output --json answered no JSON object: $outputs" >&2
		return 2
	}
}

# group_output ROLE: the name of the stack output that holds the group's name.
group_output() {
	case $1 in
	seoul) echo haproxySeoulGroup ;;
	tokyo) echo haproxyTokyoGroup ;;
	*)
		echo "unknown group $1 (seoul or tokyo)" >&2
		return 2
		;;
	esac
}

# has_group ROLE: whether the stack has the group yet (its output, in the
# $outputs read_outputs read).
has_group() {
	local key
	key=$(group_output "$1")
	jq -e --arg key "$key" 'has($key)' <<<"$outputs" >/dev/null
}

# group_name ROLE: the Auto Scaling group's name (from $outputs). Fails
# when the stack has no such output yet (a stack the tier was never deployed to).
group_name() {
	local key
	key=$(group_output "$1")
	jq -er --arg key "$key" '.[$key] // empty' <<<"$outputs" || {
		echo "the stack $stack has no output $key (no HAProxy group in $1 yet)" >&2
		return 1
	}
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
# (readiness: HAProxy's /readyz through the region's ALB; a stack output,
# from $outputs).
group_health_check() {
	case $1 in
	seoul) jq -er '.activeHealthCheckId' <<<"$outputs" ;;
	tokyo) jq -er '.passiveHealthCheckId' <<<"$outputs" ;;
	esac
}

# region_ready ROLE: whether Route 53's checkers see the region ready (its
# health check: readiness, /readyz through the region's ALB): returns 0 when
# more than half of them report Success since this call, 1 when more than
# half report Failure, or when no verdict comes within WAIT_READY_TIMEOUT
# seconds (default 180: six of Route 53's 30 s intervals); sets $result to
# what they said. Polls every WAIT_REFRESH_INTERVAL seconds (default 15).
# Observations from before the call do not count: they may be of the old
# instance, or of the old ALB. Ends the script when the check cannot be read.
# shellcheck disable=SC2034 # $result is for the caller
region_ready() {
	local check cutoff rows checked status at ok bad total
	local timeout=${WAIT_READY_TIMEOUT:-180} interval=${WAIT_REFRESH_INTERVAL:-15}
	local deadline=$((SECONDS + timeout))
	check=$(group_health_check "$1") || exit 2
	cutoff=$(date -u +%s)
	while :; do
		rows=$(aws route53 get-health-check-status --health-check-id "$check" \
			--query 'HealthCheckObservations[].StatusReport.[CheckedTime,Status]' --output text) || {
			echo "cannot read Route 53 health check $check" >&2
			exit 2
		}
		ok=0 bad=0 total=0 result=""
		while IFS=$'\t' read -r checked status; do
			[[ -n $checked ]] || continue
			total=$((total + 1))
			at=$(date -u -d "$checked" +%s) || exit 2
			((at >= cutoff)) || continue
			case $status in
			Success*) ok=$((ok + 1)) ;;
			*)
				bad=$((bad + 1))
				result=$status
				;;
			esac
		done <<<"$rows"
		((ok * 2 <= total)) || return 0
		((bad * 2 <= total)) || return 1
		if ((SECONDS >= deadline)); then
			result="no verdict after ${timeout}s ($ok of $total checkers Success, $bad Failure since $(date -u -d "@$cutoff" +%H:%M:%SZ))"
			return 1
		fi
		sleep "$interval"
	done
}
