# steps.pinned: every step pinned by digest. Enabled by data.pinned.
package provcheck.pinned

import rego.v1

# `data.pinned` directly: `object.get(data, …)` would evaluate every rule under `data`.
config := data.pinned if data.pinned != null

else := null

extra := {"effective_on": config.effective_on} if config.effective_on

else := {}

result(s, msg) := object.union(
	{
		"code": "steps.pinned", "msg": msg, "step": s.name, "task": object.get(s, "task", null),
		"evidence": [p | p := object.get(s, ["pointers", "declared_image"], null); p != null],
	},
	extra,
)

deny contains result(s, msg) if {
	config != null
	some s in input.steps
	s.trust.status == "unpinned"
	msg := sprintf("%s is not pinned: %s", [s.declared_image, s.trust.reason])
}

deny contains result(s, s.trust.reason) if {
	config != null
	some s in input.steps
	s.trust.status == "invalid"
	not contains(s.declared_image, "$(")
}

unknown contains result(s, s.trust.reason) if {
	config != null
	some s in input.steps
	s.trust.status == "invalid"
	contains(s.declared_image, "$(")
}

unknown contains result(s, "no declared image: whether the step was pinned is not recorded") if {
	config != null
	some s in input.steps
	s.trust.status == "undeclared"
}
