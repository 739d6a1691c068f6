# How many steps of a `pulumi preview --json` plan (on stdin) update or
# replace a resource whose ID is one of the positional arguments (the cloud's
# IDs: a launch template's lt-..., an Auto Scaling group's name, which is its
# ID in the AWS provider). scripts/deploy; deploy_test.go runs it on a plan
# built from the mock engine's changes.
#
#   jq -f scripts/lib/plan-changes.jq PLAN --args ID...
[(.steps // [])[]
	| select((.op == "update" or .op == "replace")
		and (.oldState.id? as $id | $ARGS.positional | index([$id]) != null))]
| length
