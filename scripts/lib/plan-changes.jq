# How many steps of a `pulumi preview --json` plan (on stdin) update or
# replace a resource named by one of the positional arguments: by the
# cloud's ID (a launch template's lt-..., an Auto Scaling group's name,
# which is its ID in the AWS provider) or by its URN (a step's `urn` and
# `oldState.id`: pulumi/pulumi pkg/backend/display/json.go, previewStep).
# scripts/deploy; deploy_test.go runs it on a plan built from the mock
# engine's changes.
#
#   jq -f scripts/lib/plan-changes.jq PLAN --args ID_OR_URN...
[(.steps // [])[]
	| select((.op == "update" or .op == "replace")
		and ([.oldState.id?, .urn] | any(. as $key | $ARGS.positional | index([$key]) != null)))]
| length
