# shellcheck shell=bash
# The fake cloud the stand-in CLIs share, in $FAKE_CLOUD (scripts_test.go
# writes its first state):
#   REGION.version    the version of lt-REGION the group is configured with
#   REGION.latest     the launch template's latest version
#   REGION.refreshes  one refresh a line: START<TAB>ID<TAB>STATUSES<TAB>REASON,
#                     STATUSES comma-separated: each describe of that refresh
#                     answers the next one, the last one repeated
#   REGION.restore    the statuses of a refresh started by start-instance-refresh
#                     (default Successful)
#   REGION.ready      what Route 53's checkers of REGION say, a line per call
#                     (see aws)
#   denied            every aws call fails (AccessDenied)
cloud=${FAKE_CLOUD:?}
# The dev stack's regions (the stand-ins use them).
# shellcheck disable=SC2034
seoul=ap-northeast-2 tokyo=ap-northeast-1

# start_refresh REGION STATUSES: a refresh of REGION's group, started now;
# prints its ID.
start_refresh() {
	local n id
	touch "$cloud/$1.refreshes"
	n=$(($(wc -l <"$cloud/$1.refreshes") + 1))
	id="ir-$1-$n"
	printf '%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000+00:00)" "$id" "$2" "instances failed health checks" >>"$cloud/$1.refreshes"
	echo "$id"
}
